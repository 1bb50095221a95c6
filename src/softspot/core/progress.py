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

Cost: everything is computed in one pass over the sessions, oldest first
(:class:`Tally`), in time linear in the sessions and memory that does not grow
with them; the week and month tallies grow with the time covered, not the
sessions. The sign test takes time that grows with the
square root of the sessions at most (:func:`sign_test`). The store feeds the
sessions from a database cursor, so 100,000 sessions are never all in memory.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from softspot import i18n
from softspot.core.aftercare import DISCOMFORT, Aftercare, aftercare
from softspot.core.planner import room
from softspot.core.record import Ratings, is_comfortable
from softspot.core.technique import Technique
from softspot.i18n import _, ngettext

MIN_SESSIONS = 5
"""Rated sessions needed before the noise check says anything."""
ALPHA = 0.05
"""The sign test's threshold: below it, the change is called more than noise."""
RECENT_CHANGES = 30
"""How many of the latest sessions :attr:`Progress.changes` lists (the chart and the counts cover them all)."""
CHART_POINTS = 30
"""The before/after chart has at most this many points: one per session up to this many sessions, else one per
week, month, quarter or year, the shortest period that fits (so it stays small whatever the history)."""
EXACT_UP_TO = 64
"""The sign test sums exact integers up to this many sessions, and floating-point terms beyond."""
Period = Literal["session", "week", "month", "quarter", "year"]


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
class ChartPoint:
    """One point of the before/after chart: a session, or the sessions of one period (means of their means)."""

    period: Period
    starts: datetime | date
    """The session's start, or the first day of the period."""
    sessions: int
    before_mean: float
    after_mean: float | None
    """Mean of the sessions rated after (None when none was)."""
    discomfort: int = 0
    """Sessions stopped for discomfort."""


@dataclass(frozen=True)
class Progress:
    changes: list[Change]
    """The latest sessions (at most :data:`RECENT_CHANGES`), oldest first."""
    weeks: list[Week]
    regularity: Regularity
    verdict: Verdict
    suggestion: Suggestion
    aftercare: Aftercare | None = None
    """What to do, when the last session stopped for discomfort."""
    chart: list[ChartPoint] | None = None
    """The before/after chart over every session (at most :data:`CHART_POINTS` points)."""

    @property
    def last_started_at(self) -> datetime | None:
        return self.changes[-1].started_at if self.changes else None


class Tally:
    """Everything progress needs, gathered in one pass over sessions given oldest first.

    Memory: the latest :data:`RECENT_CHANGES` changes, a tally per week and per month
    with a session, and for the progression rule a pair per distinct dose in the trailing
    run of comfortable sessions (:attr:`run`). Sessions out of order raise ``ValueError``.
    The store keeps one, as it stood after a receiver's last session, to carry on from
    (:mod:`softspot.store.tallies`).
    """

    def __init__(self, recent: int = RECENT_CHANGES, since: datetime | None = None) -> None:
        self.sessions = 0
        self.last: SessionSummary | None = None
        self.since = since
        """The progression (:attr:`latest`, the doses in a row, discomfort stops in a row) counts only the sessions
        from here: a therapist's programme starts it again. The comfortable count and the thigh are all-time."""
        self.latest: SessionSummary | None = None
        """The last session the progression counts."""
        self.longest_gap: int | None = None
        self.lower = self.higher = self.same = 0
        self.comfortable = 0
        self.discomfort_in_a_row = 0
        self.thigh_cm: float | None = None
        self.recent: deque[SessionSummary] = deque(maxlen=max(recent, CHART_POINTS))
        self.keep = recent
        # per week (Monday) and per month (1st): [sessions, minutes, sum of before means, sum of after means,
        # sessions rated after, discomfort stops]
        self.weeks: dict[date, list[float]] = {}
        self.months: dict[date, list[float]] = {}
        self.run: list[list[int]] = []
        """The trailing run of comfortable sessions the progression counts, as ``[least dose, sessions]`` pairs,
        oldest first: the last pair's sessions are the newest ones, and each pair's dose is the least from its
        first session to the last (so the doses rise along the list, and it has at most one pair a dose)."""

    def add(self, s: SessionSummary) -> None:
        last = self.last
        if last is not None and s.started_at < last.started_at:
            raise ValueError("sessions must be given oldest first")
        day = s.started_at.date()
        if last is not None:
            gap = (day - last.started_at.date()).days
            self.longest_gap = gap if self.longest_gap is None else max(self.longest_gap, gap)
        self.sessions += 1
        self.last = s
        self.recent.append(s)
        before, after = s.before, s.after
        before_mean = round(before.mean, 2)
        after_mean = None if after is None else round(after.mean, 2)
        if after_mean is not None:
            drop = round(before_mean - after_mean, 2)  # as Change.drop
            if drop > 0:
                self.lower += 1
            elif drop < 0:
                self.higher += 1
            else:
                self.same += 1
        comfortable = is_comfortable(s.ended_early, s.stop_reason, before, after)
        self.comfortable += comfortable
        discomfort = s.stop_reason == DISCOMFORT
        if self.since is None or s.started_at >= self.since:
            self.latest = s
            if comfortable:
                dose, count = s.seconds_per_leg, 1
                run = self.run
                while run and run[-1][0] >= dose:
                    count += run.pop()[1]
                run.append([dose, count])
            else:
                self.run = []
            self.discomfort_in_a_row = self.discomfort_in_a_row + 1 if discomfort else 0
        if s.thigh_cm is not None:
            self.thigh_cm = s.thigh_cm
        for buckets, starts in ((self.weeks, monday(day)), (self.months, day.replace(day=1))):
            tally = buckets.get(starts)
            if tally is None:
                tally = buckets[starts] = [0, 0.0, 0.0, 0.0, 0, 0]
            tally[0] += 1
            tally[1] += s.active_seconds / 60
            tally[2] += before_mean
            if after_mean is not None:
                tally[3] += after_mean
                tally[4] += 1
            tally[5] += discomfort

    @property
    def changes(self) -> list[Change]:
        return [_change(s) for s in list(self.recent)[-self.keep :]] if self.keep else []

    def week_list(self, today: date) -> list[Week]:
        if self.last is None:
            return []
        first = min(self.weeks)
        last = max(monday(today), max(self.weeks))
        count = (last - first).days // 7 + 1
        out = []
        for n in range(count):
            starts = first + timedelta(weeks=n)
            tally = self.weeks.get(starts)
            out.append(Week(starts, int(tally[0]), round(tally[1], 1)) if tally else Week(starts, 0, 0.0))
        return out

    def chart(self) -> list[ChartPoint]:
        if self.sessions <= CHART_POINTS:
            return [
                ChartPoint("session", c.started_at, 1, c.before_mean, c.after_mean, int(c.stop_reason == DISCOMFORT))
                for c in map(_change, list(self.recent)[-self.sessions :])
            ]
        groups: dict[date, list[float]] = {}
        period: Period = "week"
        for period in ("week", "month", "quarter", "year"):
            groups = _grouped(self.weeks if period == "week" else self.months, period)
            if len(groups) <= CHART_POINTS:
                break
        return [
            ChartPoint(
                period,
                starts,
                int(t[0]),
                round(t[2] / t[0], 2),
                round(t[3] / t[4], 2) if t[4] else None,
                int(t[5]),
            )
            for starts, t in sorted(groups.items())
        ]

    def in_a_row(self, dose: int) -> int:
        """Comfortable sessions at ``dose`` or more, in a row, ending with the last."""
        count = 0
        for least, sessions in reversed(self.run):
            if least < dose:
                break
            count += sessions
        return count


def _change(s: SessionSummary) -> Change:
    return Change(
        key=s.key,
        started_at=s.started_at,
        before=s.before,
        after=s.after,
        before_mean=round(s.before.mean, 2),
        after_mean=None if s.after is None else round(s.after.mean, 2),
        stop_reason=s.stop_reason,
    )


def _grouped(buckets: dict[date, list[float]], period: Period) -> dict[date, list[float]]:
    if period in ("week", "month"):
        return buckets
    out: dict[date, list[float]] = {}
    for starts, tally in buckets.items():
        key = starts.replace(month=1 if period == "year" else (starts.month - 1) // 3 * 3 + 1, day=1)
        into = out.setdefault(key, [0, 0.0, 0.0, 0.0, 0, 0])
        for n, value in enumerate(tally):
            into[n] += value
    return out


def tally(sessions: Iterable[SessionSummary], since: datetime | None = None) -> Tally:
    """One pass over ``sessions``: a sequence in any order (it is sorted), or an iterator oldest first.
    ``since``: where the progression starts (:attr:`Tally.since`)."""
    result = Tally(since=since)
    for s in _in_order(sessions) if isinstance(sessions, Sequence) else sessions:
        result.add(s)
    return result


def changes(sessions: Sequence[SessionSummary]) -> list[Change]:
    """Every session's change, oldest first (for a few sessions; :class:`Progress` keeps the latest)."""
    ordered = _in_order(sessions)
    t = Tally(recent=len(ordered))
    t.recent = deque(maxlen=max(len(ordered), 1))
    for s in ordered:
        t.add(s)
    return t.changes


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks(sessions: Iterable[SessionSummary], today: date) -> list[Week]:
    """Every ISO week from the first session's to ``today``'s, empty weeks included."""
    return tally(sessions).week_list(today)


def regularity(sessions: Iterable[SessionSummary], today: date) -> Regularity:
    return _regularity(tally(sessions), today)


def _regularity(t: Tally, today: date) -> Regularity:
    by_week = t.week_list(today)
    streak = 0
    # This week does not break a streak until it is over.
    tail = by_week if by_week and by_week[-1].sessions else by_week[:-1]
    for week in reversed(tail):
        if not week.sessions:
            break
        streak += 1
    return Regularity(
        sessions=t.sessions,
        weeks=len(by_week),
        per_week=round(t.sessions / len(by_week), 2) if by_week else 0.0,
        longest_gap_days=t.longest_gap,
        streak_weeks=streak,
    )


def sign_test(lower: int, higher: int) -> float:
    """One-sided sign test: P(at least ``lower`` of ``lower + higher`` fair coin flips come up "lower").

    Exact (integer sums, correctly rounded) up to :data:`EXACT_UP_TO` flips. Beyond, the tail is summed in
    floating point from its largest term, ``C(n, k) / 2**n`` (from ``math.lgamma``), outward, each term from
    the last by the ratio ``(n - j) / (j + 1)``, stopping once the terms no longer change the sum: the terms
    fall off like a bell curve, so this takes a few times the square root of n steps at most, and the
    relative error stays below 1e-9 (``tests/test_progress.py`` checks it against exact values up to 5,000).
    """
    n = lower + higher
    if n == 0 or lower <= 0:
        return 1.0
    if lower > n:
        return 0.0
    if n <= EXACT_UP_TO:
        term, total = 1, 0
        for j in range(n, lower - 1, -1):  # C(n, n), C(n, n - 1), ... C(n, lower)
            total += term
            term = term * j // (n - j + 1)
        return total / (1 << n)
    if 2 * lower > n:
        return _upper_tail(n, lower)
    # P(X >= k) = 1 - P(X <= k - 1) = 1 - P(X >= n - k + 1), whose k is past the middle.
    return 1.0 - _upper_tail(n, n - lower + 1)


def _upper_tail(n: int, k: int) -> float:
    """P(X >= k) for X ~ Binomial(n, 1/2) with k > n / 2, in floating point."""
    log_first = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) - n * math.log(2)
    total, term = 0.0, 1.0  # relative to the first term C(n, k) / 2**n
    for j in range(k, n + 1):
        total += term
        term *= (n - j) / (j + 1)
        if term < total * 1e-17:
            break
    return math.exp(log_first + math.log(total))


def p_words(p: float, decimals: int = 3) -> str:
    """``p = 0.031``, or ``p < 0.001`` when it would round to nothing."""
    if p < 0.001:
        return f"p < {i18n.format_number(0.001, digits=3, fixed=True)}"
    return f"p = {i18n.format_number(p, digits=decimals, fixed=True)}"


def verdict(sessions: Iterable[SessionSummary]) -> Verdict:
    return _verdict(tally(sessions))


def _verdict(t: Tally) -> Verdict:
    lower, higher, same = t.lower, t.higher, t.same
    rated = lower + higher + same
    counts = ngettext(
        "lower after %(lower)d, higher after %(higher)d, unchanged after %(same)d of %(rated)d rated session",
        "lower after %(lower)d, higher after %(higher)d, unchanged after %(same)d of %(rated)d rated sessions",
        rated,
    ) % {"lower": lower, "higher": higher, "same": same, "rated": rated}
    if t.last is not None and t.last.stop_reason == DISCOMFORT:
        # Never a positive verdict right after something hurt: the figures can wait.
        return Verdict(
            "discomfort",
            rated,
            lower,
            higher,
            same,
            None,
            _(
                "The last session stopped for discomfort: rest until the pain has gone; "
                "the before-and-after figures can wait."
            ),
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
                "Not enough data yet: %(rated)d rated session; %(more)d more before softspot can tell a real change "
                "from noise.",
                "Not enough data yet: %(rated)d rated sessions; %(more)d more before softspot can tell a real change "
                "from noise.",
                rated,
            )
            % {"rated": rated, "more": more},
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
            _("More than noise: tension is lower after sessions (%(counts)s; sign test %(p)s).")
            % {"counts": counts, "p": p_words(p_better)},
        )
    if p_worse < ALPHA:
        return Verdict(
            "worse",
            rated,
            lower,
            higher,
            same,
            p_worse,
            _(
                "Tension is higher after sessions, more than noise (%(counts)s; sign test %(p)s). "
                "Use less time per leg, and ask your therapist."
            )
            % {"counts": counts, "p": p_words(p_worse)},
        )
    return Verdict(
        "noise",
        rated,
        lower,
        higher,
        same,
        p_better,
        _("Could still be noise: %(counts)s (sign test %(p)s; more than noise needs p < %(alpha)s).")
        % {"counts": counts, "p": p_words(p_better, 2), "alpha": i18n.format_number(ALPHA, digits=2)},
    )


def suggest(
    technique: Technique,
    sessions: Iterable[SessionSummary],
    thigh_cm: float | None = None,
    prescribed: Prescribed | None = None,
) -> Suggestion:
    """Next time's minutes per leg and the add-ons on offer (the progression rule above).

    The dose never exceeds what the receiver's thigh can fill: ``thigh_cm`` if given, else the thigh of the
    last session that knew it, else the technique's typical length (what the planner assumes). With a
    therapist's programme (``prescribed``) the dose starts from the programme's and grows from the sessions
    since it was given; the add-ons it unlocks are offered at once.
    """
    return _suggest(technique, tally(sessions, since=prescribed.since if prescribed else None), thigh_cm, prescribed)


def suggest_from(technique: Technique, t: Tally, thigh_cm: float | None = None) -> Suggestion:
    """:func:`suggest` from the tally of every session (``since`` None: no therapist's programme)."""
    return _suggest(technique, t, thigh_cm)


def _suggest(
    technique: Technique, t: Tally, thigh_cm: float | None = None, prescribed: Prescribed | None = None
) -> Suggestion:
    dose = technique.dose
    seg = technique.segment
    if thigh_cm is None:
        thigh_cm = t.thigh_cm if t.thigh_cm is not None else seg.default_length
    fits = room(technique, min(max(thigh_cm, seg.min_length), seg.max_length))
    grow_by = round(dose.grow_by)
    top = min(round(dose.maximum), fits.seconds)
    bottom = min(round(dose.beginner_min), top)
    comfortable = t.comfortable
    early = prescribed.add_ons if prescribed is not None else ()
    unlocked = tuple(a.id for a in technique.add_ons if comfortable >= a.unlock_after or a.id in early)
    thigh_limit = fits.sentence(seg.name)

    def minutes(seconds: int) -> str:
        count = f"{seconds / 60:g}" if i18n.active() == i18n.DEFAULT else i18n.format_number(seconds / 60, digits=2)
        return _("%(minutes)s min per leg") % {"minutes": count}

    last = t.latest
    if last is None and prescribed is not None:
        wanted = prescribed.seconds_per_leg
        start = min(max(wanted, bottom), top)
        if start < wanted:
            reason = f"{thigh_limit[0].upper()}{thigh_limit[1:]} " + _(
                "(your therapist's programme says %(dose)s)."
            ) % {"dose": minutes(wanted)}
            return Suggestion(start, comfortable, 0, unlocked, reason, fits.seconds)
        return Suggestion(
            start,
            comfortable,
            0,
            unlocked,
            _("%(dose)s: your therapist's programme.") % {"dose": minutes(start)},
            fits.seconds,
        )
    if last is None:
        start = min(round(dose.start), top)
        if start < round(dose.start):
            reason = f"{thigh_limit[0].upper()}{thigh_limit[1:]}."
            return Suggestion(start, 0, 0, unlocked, reason, fits.seconds)
        first = _("%(dose)s: the technique's first dose.") % {"dose": minutes(start)}
        return Suggestion(start, 0, 0, unlocked, first, fits.seconds)
    current = min(max(last.seconds_per_leg, bottom), top)
    in_a_row = t.in_a_row(current)

    def made(seconds: int, reason: str, see_a_professional: bool = False) -> Suggestion:
        return Suggestion(seconds, comfortable, in_a_row, unlocked, reason, fits.seconds, see_a_professional)

    if last.stop_reason == "discomfort":
        lower = max(current - grow_by, bottom)
        shorter = (
            _("%(dose)s, a little less") % {"dose": minutes(lower)}
            if lower < last.seconds_per_leg
            else _("%(dose)s, the shortest this technique gives") % {"dose": minutes(lower)}
        )
        if t.discomfort_in_a_row >= 2:
            return made(
                lower,
                _(
                    "Two sessions in a row stopped for discomfort: check with a doctor or massage therapist before "
                    "going on. If they say it is fine, %(shorter)s."
                )
                % {"shorter": shorter},
                see_a_professional=True,
            )
        return made(
            lower,
            _("%(shorter)s: the last session stopped for discomfort. Only once the pain has gone.")
            % {"shorter": shorter},
        )
    if not last.comfortable:
        return made(
            current, _("%(dose)s again: the last session was not a comfortable one.") % {"dose": minutes(current)}
        )
    if current >= top:
        if top < round(dose.maximum):
            return made(current, f"{thigh_limit[0].upper()}{thigh_limit[1:]}.")
        return made(current, _("%(dose)s: the technique's maximum.") % {"dose": minutes(current)})
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


def progress(technique: Technique, sessions: Iterable[SessionSummary], today: date) -> Progress:
    """Everything progress shows, in one pass over ``sessions`` (a sequence, or an iterator oldest first)."""
    return progress_of(technique, tally(sessions), today)


def progress_of(technique: Technique, t: Tally, today: date) -> Progress:
    """Everything progress shows, from the tally of every session (``since`` None)."""
    return Progress(
        changes=t.changes,
        weeks=t.week_list(today),
        regularity=_regularity(t, today),
        verdict=_verdict(t),
        suggestion=_suggest(technique, t),
        aftercare=aftercare([DISCOMFORT] * t.discomfort_in_a_row),
        chart=t.chart(),
    )


def _in_order(sessions: Iterable[SessionSummary]) -> list[SessionSummary]:
    return sorted(sessions, key=lambda s: s.started_at)
