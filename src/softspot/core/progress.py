"""Progress over sessions: before/after, practice time, regularity, a noise check, next time's dose.

Pure functions over :class:`SessionSummary` values (the store builds them from
records). The rules, also in ``docs/data.md``:

* **Comfortable session**: ran to the end (not stopped, so not stopped for
  discomfort), with ratings after, and none of the three ratings went up.
* **Noise check**: an exact one-sided sign test on each rated session's change
  in mean tension (before minus after); sessions with no change are left out.
  The change counts as more than noise when p < 0.05. Fewer than
  :data:`MIN_SESSIONS` rated sessions is "not enough data yet".
* **Progression**: next time's minutes per leg start from the last session's.
  After ``dose.grow_after`` comfortable sessions in a row at that dose (or
  more), add ``dose.grow_by``, never above ``dose.maximum`` and never above what
  the receiver's thigh can fill (:func:`softspot.core.planner.room`). After a
  session stopped for discomfort, step back by ``dose.grow_by``, never below
  ``dose.beginner_min``; after two in a row, also say to check with a
  professional. Each add-on is offered once the count of comfortable sessions
  (all time) reaches its ``unlock_after``.
* **After a discomfort stop** the verdict says so instead of judging the
  figures (never a positive verdict), and :attr:`Progress.aftercare` holds what
  to do (:mod:`softspot.core.aftercare`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from gettext import ngettext
from itertools import pairwise
from typing import Literal

from softspot.core.aftercare import Aftercare, aftercare, discomfort_stops_in_a_row
from softspot.core.planner import room
from softspot.core.record import Ratings, is_comfortable
from softspot.core.technique import Technique

MIN_SESSIONS = 5
"""Rated sessions needed before the noise check says anything."""
ALPHA = 0.05
"""The sign test's threshold: below it, the change is called more than noise."""


@dataclass(frozen=True)
class SessionSummary:
    """What progress needs from one stored session."""

    key: str
    started_at: datetime
    seconds_per_leg: int
    active_seconds: float
    before: Ratings
    after: Ratings | None
    ended_early: bool
    stop_reason: str | None = None
    add_ons: tuple[str, ...] = ()
    thigh_cm: float | None = None
    """The segment length the session was planned for (None if unknown)."""

    @property
    def comfortable(self) -> bool:
        return is_comfortable(self.ended_early, self.stop_reason, self.before, self.after)


@dataclass(frozen=True)
class Change:
    """One session's tension before and after (means of the three ratings)."""

    key: str
    started_at: datetime
    before: Ratings
    after: Ratings | None
    before_mean: float
    after_mean: float | None
    stop_reason: str | None = None
    """Why the session was stopped early (``discomfort`` is marked wherever sessions are listed)."""

    @property
    def drop(self) -> float | None:
        """How much the mean tension fell (positive = better)."""
        return None if self.after_mean is None else round(self.before_mean - self.after_mean, 2)


@dataclass(frozen=True)
class Week:
    starts: date
    """The Monday of the ISO week."""
    sessions: int
    minutes: float


@dataclass(frozen=True)
class Regularity:
    sessions: int
    weeks: int
    """Weeks from the first session's week to the current week, both included."""
    per_week: float
    longest_gap_days: int | None
    """Most whole days between two sessions in a row (None with fewer than two)."""
    streak_weeks: int
    """Weeks in a row with a session, ending this week (or last week, while this one is young)."""


@dataclass(frozen=True)
class Verdict:
    kind: Literal["not_enough_data", "better", "worse", "noise", "discomfort"]
    rated: int
    lower: int
    higher: int
    same: int
    p_value: float | None
    sentence: str


@dataclass(frozen=True)
class Suggestion:
    seconds_per_leg: int
    comfortable_sessions: int
    """All-time count: what unlocks add-ons (``PlanOptions.comfortable_sessions``)."""
    in_a_row: int
    unlocked_add_ons: tuple[str, ...]
    reason: str
    limit_seconds: int | None = None
    """The most this receiver's thigh can fill per side at the technique's holds (the suggestion never exceeds it)."""
    see_a_professional: bool = False
    """Two sessions in a row stopped for discomfort: check with a professional before going on."""

    @property
    def minutes_per_leg(self) -> float:
        return self.seconds_per_leg / 60


@dataclass(frozen=True)
class Prescribed:
    """A therapist's programme for this receiver: the dose to start from, since when, add-ons unlocked early.

    Progression then starts again from ``seconds_per_leg`` with the sessions since ``since`` (still capped by
    the thigh and the technique's maximum); add-ons count every comfortable session, plus those listed here.
    """

    seconds_per_leg: int
    since: datetime
    add_ons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Progress:
    changes: list[Change]
    weeks: list[Week]
    regularity: Regularity
    verdict: Verdict
    suggestion: Suggestion
    aftercare: Aftercare | None = None
    """What to do, when the last session stopped for discomfort."""


def changes(sessions: Sequence[SessionSummary]) -> list[Change]:
    return [
        Change(
            key=s.key,
            started_at=s.started_at,
            before=s.before,
            after=s.after,
            before_mean=round(s.before.mean, 2),
            after_mean=None if s.after is None else round(s.after.mean, 2),
            stop_reason=s.stop_reason,
        )
        for s in _in_order(sessions)
    ]


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks(sessions: Sequence[SessionSummary], today: date) -> list[Week]:
    """Every ISO week from the first session's to ``today``'s, empty weeks included."""
    if not sessions:
        return []
    ordered = _in_order(sessions)
    first = monday(ordered[0].started_at.date())
    last = max(monday(today), monday(ordered[-1].started_at.date()))
    count = (last - first).days // 7 + 1
    sessions_in = [0] * count
    minutes_in = [0.0] * count
    for s in ordered:
        n = (monday(s.started_at.date()) - first).days // 7
        sessions_in[n] += 1
        minutes_in[n] += s.active_seconds / 60
    return [Week(first + timedelta(weeks=n), sessions_in[n], round(minutes_in[n], 1)) for n in range(count)]


def regularity(sessions: Sequence[SessionSummary], today: date) -> Regularity:
    ordered = _in_order(sessions)
    by_week = weeks(ordered, today)
    days = [s.started_at.date() for s in ordered]
    gaps = [(b - a).days for a, b in pairwise(days)]
    streak = 0
    # This week does not break a streak until it is over.
    tail = by_week if by_week and by_week[-1].sessions else by_week[:-1]
    for week in reversed(tail):
        if not week.sessions:
            break
        streak += 1
    return Regularity(
        sessions=len(ordered),
        weeks=len(by_week),
        per_week=round(len(ordered) / len(by_week), 2) if by_week else 0.0,
        longest_gap_days=max(gaps) if gaps else None,
        streak_weeks=streak,
    )


def sign_test(lower: int, higher: int) -> float:
    """One-sided exact sign test: P(at least ``lower`` of ``lower + higher`` fair coin flips)."""
    n = lower + higher
    if n == 0:
        return 1.0
    return sum(math.comb(n, k) for k in range(lower, n + 1)) / (1 << n)


def p_words(p: float, decimals: int = 3) -> str:
    """``p = 0.031``, or ``p < 0.001`` when it would round to nothing."""
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.{decimals}f}"


def verdict(sessions: Sequence[SessionSummary]) -> Verdict:
    drops = [c.drop for c in changes(sessions) if c.drop is not None]
    lower = sum(1 for d in drops if d > 0)
    higher = sum(1 for d in drops if d < 0)
    same = len(drops) - lower - higher
    rated = len(drops)
    counts = ngettext(
        "lower after %(lower)d, higher after %(higher)d, unchanged after %(same)d of %(rated)d rated session",
        "lower after %(lower)d, higher after %(higher)d, unchanged after %(same)d of %(rated)d rated sessions",
        rated,
    ) % {"lower": lower, "higher": higher, "same": same, "rated": rated}
    ordered = _in_order(sessions)
    if ordered and ordered[-1].stop_reason == "discomfort":
        # Never a positive verdict right after something hurt: the figures can wait.
        return Verdict(
            "discomfort",
            rated,
            lower,
            higher,
            same,
            None,
            "The last session stopped for discomfort: rest until the pain has gone; "
            "the before-and-after figures can wait.",
        )
    if rated < MIN_SESSIONS:
        more = MIN_SESSIONS - rated
        return Verdict(
            "not_enough_data",
            rated,
            lower,
            higher,
            same,
            None,
            ngettext(
                "Not enough data yet: %(rated)d rated session; ",
                "Not enough data yet: %(rated)d rated sessions; ",
                rated,
            )
            % {"rated": rated}
            + f"{more} more before softspot can tell a real change from noise.",
        )
    p_better = sign_test(lower, higher)
    p_worse = sign_test(higher, lower)
    if p_better < ALPHA:
        return Verdict(
            "better",
            rated,
            lower,
            higher,
            same,
            p_better,
            f"More than noise: tension is lower after sessions ({counts}; sign test {p_words(p_better)}).",
        )
    if p_worse < ALPHA:
        return Verdict(
            "worse",
            rated,
            lower,
            higher,
            same,
            p_worse,
            f"Tension is higher after sessions, more than noise ({counts}; sign test {p_words(p_worse)}). "
            "Use less time per leg, and ask your therapist.",
        )
    return Verdict(
        "noise",
        rated,
        lower,
        higher,
        same,
        p_better,
        f"Could still be noise: {counts} (sign test {p_words(p_better, 2)}; more than noise needs p < {ALPHA}).",
    )


def suggest(
    technique: Technique,
    sessions: Sequence[SessionSummary],
    thigh_cm: float | None = None,
    prescribed: Prescribed | None = None,
) -> Suggestion:
    """Next time's minutes per leg and the add-ons on offer (the progression rule above).

    The dose never exceeds what the receiver's thigh can fill: ``thigh_cm`` if given, else the thigh of the
    last session that knew it, else the technique's typical length (what the planner assumes). With a
    therapist's programme (``prescribed``) the dose starts from the programme's and grows from the sessions
    since it was given; the add-ons it unlocks are offered at once.
    """
    dose = technique.dose
    everything = _in_order(sessions)
    ordered = everything if prescribed is None else [s for s in everything if s.started_at >= prescribed.since]
    seg = technique.segment
    if thigh_cm is None:
        thigh_cm = next((s.thigh_cm for s in reversed(everything) if s.thigh_cm is not None), seg.default_length)
    fits = room(technique, min(max(thigh_cm, seg.min_length), seg.max_length))
    grow_by = round(dose.grow_by)
    top = min(round(dose.maximum), fits.seconds)
    bottom = min(round(dose.beginner_min), top)
    comfortable = sum(1 for s in everything if s.comfortable)
    early = prescribed.add_ons if prescribed is not None else ()
    unlocked = tuple(a.id for a in technique.add_ons if comfortable >= a.unlock_after or a.id in early)
    thigh_limit = fits.sentence(seg.name)

    def minutes(seconds: int) -> str:
        return f"{seconds / 60:g} min per leg"

    if not ordered and prescribed is not None:
        wanted = prescribed.seconds_per_leg
        start = min(max(wanted, bottom), top)
        if start < wanted:
            reason = f"{thigh_limit[0].upper()}{thigh_limit[1:]} (your therapist's programme says {minutes(wanted)})."
            return Suggestion(start, comfortable, 0, unlocked, reason, fits.seconds)
        return Suggestion(
            start, comfortable, 0, unlocked, f"{minutes(start)}: your therapist's programme.", fits.seconds
        )
    if not ordered:
        start = min(round(dose.start), top)
        if start < round(dose.start):
            reason = f"{thigh_limit[0].upper()}{thigh_limit[1:]}."
            return Suggestion(start, 0, 0, unlocked, reason, fits.seconds)
        return Suggestion(start, 0, 0, unlocked, f"{minutes(start)}: the technique's first dose.", fits.seconds)
    last = ordered[-1]
    current = min(max(last.seconds_per_leg, bottom), top)
    in_a_row = 0
    for s in reversed(ordered):
        if not s.comfortable or s.seconds_per_leg < current:
            break
        in_a_row += 1

    def made(seconds: int, reason: str, see_a_professional: bool = False) -> Suggestion:
        return Suggestion(seconds, comfortable, in_a_row, unlocked, reason, fits.seconds, see_a_professional)

    if last.stop_reason == "discomfort":
        lower = max(current - grow_by, bottom)
        shorter = (
            f"{minutes(lower)}, a little less"
            if lower < last.seconds_per_leg
            else f"{minutes(lower)}, the shortest this technique gives"
        )
        if discomfort_stops_in_a_row([s.stop_reason for s in ordered]) >= 2:
            return made(
                lower,
                "Two sessions in a row stopped for discomfort: check with a doctor or massage therapist before "
                f"going on. If they say it is fine, {shorter}.",
                see_a_professional=True,
            )
        return made(lower, f"{shorter}: the last session stopped for discomfort. Only once the pain has gone.")
    if not last.comfortable:
        return made(current, f"{minutes(current)} again: the last session was not a comfortable one.")
    if current >= top:
        if top < round(dose.maximum):
            return made(current, f"{thigh_limit[0].upper()}{thigh_limit[1:]}.")
        return made(current, f"{minutes(current)}: the technique's maximum.")
    if in_a_row >= dose.grow_after:
        more = min(current + grow_by, top)
        return made(
            more,
            ngettext(
                "%(more)s: %(n)d comfortable session in a row at %(now)s.",
                "%(more)s: %(n)d comfortable sessions in a row at %(now)s.",
                in_a_row,
            )
            % {"more": minutes(more), "n": in_a_row, "now": minutes(current)},
        )
    left = dose.grow_after - in_a_row
    return made(
        current,
        ngettext(
            "%(now)s again: %(n)d more comfortable session at this dose before it grows.",
            "%(now)s again: %(n)d more comfortable sessions at this dose before it grows.",
            left,
        )
        % {"now": minutes(current), "n": left},
    )


def progress(technique: Technique, sessions: Sequence[SessionSummary], today: date) -> Progress:
    return Progress(
        changes=changes(sessions),
        weeks=weeks(sessions, today),
        regularity=regularity(sessions, today),
        verdict=verdict(sessions),
        suggestion=suggest(technique, sessions),
        aftercare=aftercare([s.stop_reason for s in _in_order(sessions)]),
    )


def _in_order(sessions: Sequence[SessionSummary]) -> list[SessionSummary]:
    return sorted(sessions, key=lambda s: s.started_at)
