"""The session engine: plays a session script, driven by events and an injected clock.

Every event method takes ``now``, seconds from a monotonic clock the player owns.
The engine never reads a clock and never counts ticks: each segment has a deadline
on the *active* clock (session time minus time spent paused), and ``tick(now)``
ends every segment whose deadline has passed, at its deadline. A late tick
changes when a cue is played, never when the engine says it happened, so a long
session does not drift.

The rules (docs/engine.md says why):

* Each leg plays its preparation segments, then spots, then its ``after_side``
  add-ons; a switch segment leads to the next leg; the finish segment ends it.
* The first spot of a leg lasts ``min(first_hold_max_seconds, budget)``. Its
  real hold, not counting time added by extending it, is the *reference*.
  Each later spot lasts until softened, at most the reference, and never past
  the leg's remaining budget.
* When the planned spots are used up and time remains, the leg's reserve spots
  follow. A leg ends when less than ``MIN_SPOT_SECONDS`` of its budget remains
  (``time``) or its last safe spot is done (``last_spot``).
* ``extend`` adds ``extend_by_seconds`` to the current spot and to the leg's
  budget, while that budget stays within ``max_leg_seconds``.

The same engine is written in JavaScript (``softspot/web/static/softspot/engine.js``);
the traces in ``tests/traces/`` hold both to the same behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from softspot.core.script import ScriptLeg, ScriptSpot, Segment, SegmentKind, SessionScript, SpokenCue

EPSILON = 1e-9
MIN_SPOT_SECONDS = 1.0
"""A spot shorter than this is not started: the leg ends instead (planned holds are whole seconds)."""

STOP_REASONS: tuple[str, ...] = ("discomfort", "out_of_time", "other")
StopReason = Literal["discomfort", "out_of_time", "other"]
_STOP_REASONS: dict[str, StopReason] = {"discomfort": "discomfort", "out_of_time": "out_of_time", "other": "other"}
SpotEnd = Literal["softened", "time", "skipped", "stopped"]
LegEnd = Literal["time", "last_spot", "skipped", "stopped"]
SegmentEnd = Literal["softened", "time", "skipped", "stopped"]
Phase = Literal["ready", "running", "paused", "finished", "stopped"]
CueKind = Literal[
    "start", "prepare", "spot", "add_on", "switch", "finish", "extra", "paused", "resumed", "extended", "stopped"
]
Json = dict[str, Any]

CHIMED_KINDS: frozenset[str] = frozenset({"spot", "switch", "finish"})
"""Segments whose cue follows a chime: each asks the giver to move (next spot, other leg, lift off).
The one rule for every player and the rendered audio (engine.js keeps the same set; the traces check it)."""


def _num(value: float) -> float:
    """Seconds as written out: three decimals, never ``-0.0``."""
    return round(value, 3) + 0.0


@dataclass(frozen=True)
class Cue:
    """Something to show and say; ``at`` is seconds of session clock (pauses included)."""

    at: float
    kind: CueKind
    show: str
    say: str
    chime: bool

    def to_dict(self) -> Json:
        return {"at": _num(self.at), "kind": self.kind, "show": self.show, "say": self.say, "chime": self.chime}


@dataclass(frozen=True)
class Outcome:
    """What an event did: accepted or refused (with a reason), and the cues it emitted."""

    accepted: bool
    reason: str | None = None
    cues: tuple[Cue, ...] = ()

    def to_dict(self) -> Json:
        return {"accepted": self.accepted, "reason": self.reason, "cues": [c.to_dict() for c in self.cues]}


@dataclass(frozen=True)
class NextUp:
    kind: SegmentKind
    leg: str | None
    spot: int | None
    show: str

    def to_dict(self) -> Json:
        return {"kind": self.kind, "leg": self.leg, "spot": self.spot, "show": self.show}


@dataclass(frozen=True)
class State:
    """A snapshot for a player's screen. Seconds are floats; ``to_dict`` rounds them to 3 decimals."""

    phase: Phase
    paused: bool
    finished: bool
    kind: SegmentKind | None
    show: str
    say: str
    step: str | None
    leg: str | None
    spot: int | None
    spot_count: int | None
    from_knee_cm: float | None
    segment_seconds: float
    remaining: float
    leg_seconds: float
    leg_budget: float
    elapsed: float
    expected_total: float
    paused_seconds: float
    next: NextUp | None

    def to_dict(self) -> Json:
        return {
            "phase": self.phase,
            "paused": self.paused,
            "finished": self.finished,
            "kind": self.kind,
            "show": self.show,
            "say": self.say,
            "step": self.step,
            "leg": self.leg,
            "spot": self.spot,
            "spot_count": self.spot_count,
            "from_knee_cm": self.from_knee_cm,
            "segment_seconds": _num(self.segment_seconds),
            "remaining": _num(self.remaining),
            "leg_seconds": _num(self.leg_seconds),
            "leg_budget": _num(self.leg_budget),
            "elapsed": _num(self.elapsed),
            "expected_total": _num(self.expected_total),
            "paused_seconds": _num(self.paused_seconds),
            "next": None if self.next is None else self.next.to_dict(),
        }


@dataclass
class SpotRecord:
    leg: str
    index: int
    from_knee_cm: float
    planned_seconds: float
    held_seconds: float = 0.0
    extended_seconds: float = 0.0
    ended_by: SpotEnd | None = None

    def to_dict(self) -> Json:
        return {
            "leg": self.leg,
            "index": self.index,
            "from_knee_cm": self.from_knee_cm,
            "planned_seconds": _num(self.planned_seconds),
            "held_seconds": _num(self.held_seconds),
            "extended_seconds": _num(self.extended_seconds),
            "ended_by": self.ended_by,
        }


@dataclass
class LegRecord:
    leg: str
    seconds: float = 0.0
    ended_by: LegEnd | None = None

    def to_dict(self) -> Json:
        return {"leg": self.leg, "seconds": _num(self.seconds), "ended_by": self.ended_by}


@dataclass(frozen=True)
class PauseRecord:
    at: float
    seconds: float

    def to_dict(self) -> Json:
        return {"at": _num(self.at), "seconds": _num(self.seconds)}


@dataclass(frozen=True)
class Played:
    """One segment as it was played; ``seconds`` excludes pauses, ``at`` is session clock."""

    kind: SegmentKind
    leg: str | None
    spot: int | None
    step: str | None
    at: float
    seconds: float
    ended_by: SegmentEnd

    def to_dict(self) -> Json:
        return {
            "kind": self.kind,
            "leg": self.leg,
            "spot": self.spot,
            "step": self.step,
            "at": _num(self.at),
            "seconds": _num(self.seconds),
            "ended_by": self.ended_by,
        }


@dataclass(frozen=True)
class _Fixed:
    segment: Segment


@dataclass(frozen=True)
class _Spots:
    leg: ScriptLeg
    extra: tuple[SpokenCue, ...]


_Item = _Fixed | _Spots


@dataclass
class _LegRun:
    leg: ScriptLeg
    available: list[ScriptSpot]
    record: LegRecord
    played: int = 0
    used: float = 0.0
    extended: float = 0.0
    reference: float | None = None

    @property
    def budget(self) -> float:
        return self.leg.budget_seconds + self.extended


@dataclass
class _Current:
    item: int
    kind: SegmentKind
    cue: SpokenCue
    leg: str | None
    step: str | None
    start: float
    deadline: float
    at: float
    spot: ScriptSpot | None = None
    record: SpotRecord | None = None

    @property
    def seconds(self) -> float:
        return self.deadline - self.start


def _compile(script: SessionScript) -> list[_Item]:
    """The script's segments, with each leg's run of spot segments folded into one live item."""
    legs = {leg.leg: leg for leg in script.legs}
    items: list[_Item] = []
    for segment in script.segments:
        if segment.kind != "spot":
            items.append(_Fixed(segment))
            continue
        last = items[-1] if items else None
        if isinstance(last, _Spots) and last.leg.leg == segment.leg:
            continue
        if segment.leg not in legs:
            raise ValueError(f"segment at {segment.starts_at} s names an unknown leg {segment.leg!r}")
        items.append(_Spots(legs[segment.leg], tuple(segment.extra)))
    return items


def _simulate(remaining: float, reference: float, count: int) -> tuple[float, int]:
    """Spot seconds and spots still to come if none softens early."""
    total, n = 0.0, 0
    while n < count and remaining >= MIN_SPOT_SECONDS - EPSILON:
        hold = min(reference, remaining)
        total += hold
        remaining -= hold
        n += 1
    return total, n


class Engine:
    """Plays one session script. Create it, call ``start(now)``, then feed it events and ticks."""

    def __init__(self, script: SessionScript) -> None:
        self.script = script
        self.rules = script.rules
        self._items = _compile(script)
        self._t0: float | None = None
        self._paused_at: float | None = None
        self._paused_total = 0.0
        self._current: _Current | None = None
        self._runs: dict[str, _LegRun] = {}
        self._finished = False
        self._stop_reason: StopReason | None = None
        self._ended_at: float | None = None
        self.cues: list[Cue] = []
        self.pauses: list[PauseRecord] = []
        self.spots: list[SpotRecord] = []
        self.legs: list[LegRecord] = []
        self.timeline: list[Played] = []

    # -- events --------------------------------------------------------------

    def start(self, now: float) -> Outcome:
        if self._t0 is not None:
            emitted: list[Cue] = []
            if not self._finished and self._paused_at is None:
                self._advance(now, emitted)
            return self._done(emitted, "the session has already started")
        self._t0 = now
        emitted = []
        self._enter(0, 0.0, emitted)
        return self._done(emitted)

    def tick(self, now: float) -> Outcome:
        refused = self._refuse_unstarted()
        if refused:
            return refused
        emitted: list[Cue] = []
        if not self._finished and self._paused_at is None:
            self._advance(now, emitted)
        return self._done(emitted)

    def softened(self, now: float) -> Outcome:
        """End the current segment now ("softened, move on")."""
        emitted: list[Cue] = []
        refused = self._refuse_inactive(now, emitted)
        if refused:
            return refused
        current = self._live()
        self._end(current, self._active(now), "softened", emitted)
        return self._done(emitted)

    def pause(self, now: float) -> Outcome:
        emitted: list[Cue] = []
        refused = self._refuse_inactive(now, emitted)
        if refused:
            return refused
        self._paused_at = self._clock(now)
        self._say("paused", self.script.cues.paused, self._paused_at, emitted)
        return self._done(emitted)

    def resume(self, now: float) -> Outcome:
        refused = self._refuse_unstarted() or self._refuse_finished()
        if refused:
            return refused
        emitted: list[Cue] = []
        if self._paused_at is None:
            self._advance(now, emitted)
            return self._done(emitted, "the session is not paused" if not self._finished else "the session is over")
        self._close_pause(now)
        self._say("resumed", self.script.cues.resumed, self._clock(now), emitted)
        return self._done(emitted)

    def extend(self, now: float) -> Outcome:
        """A little longer on this spot, within the leg's maximum."""
        emitted: list[Cue] = []
        refused = self._refuse_inactive(now, emitted)
        if refused:
            return refused
        current = self._live()
        if current.kind != "spot" or current.record is None or current.leg is None:
            return self._done(emitted, "only a spot can be made longer")
        run = self._runs[current.leg]
        by = self.rules.extend_by_seconds
        limit = self.rules.max_leg_seconds
        if run.budget + by > limit + EPSILON:
            return self._done(
                emitted,
                f"the {run.leg.name} leg is at its limit: {run.budget:g} s of {limit} s on spots",
            )
        current.deadline += by
        current.record.extended_seconds += by
        run.extended += by
        self._say("extended", self.script.cues.extended, self._clock(now), emitted)
        return self._done(emitted)

    def skip(self, now: float) -> Outcome:
        """Move to the other leg now (to the finish on the last leg)."""
        emitted: list[Cue] = []
        refused = self._refuse_inactive(now, emitted)
        if refused:
            return refused
        current = self._live()
        if current.kind in ("start", "switch", "finish"):
            return self._done(emitted, f"there is no leg to leave during the {current.kind} segment")
        target = next(
            (
                i
                for i in range(current.item + 1, len(self._items))
                if isinstance(item := self._items[i], _Fixed) and item.segment.kind in ("switch", "finish")
            ),
            len(self._items),
        )
        active = self._active(now)
        self._close(current, active, "skipped")
        self._end_leg(current.leg, "skipped")
        self._enter(target, active, emitted)
        return self._done(emitted)

    def stop(self, now: float, reason: str) -> Outcome:
        stop_reason = _STOP_REASONS.get(reason)
        if stop_reason is None:
            return Outcome(False, f"unknown stop reason {reason!r} (choose {', '.join(STOP_REASONS)})")
        emitted: list[Cue] = []
        if self._paused_at is not None and not self._finished:
            self._close_pause(now)
        refused = self._refuse_inactive(now, emitted)
        if refused:
            return refused
        current = self._live()
        active = self._active(now)
        self._close(current, active, "stopped")
        self._end_leg(current.leg, "stopped")
        self._current = None
        self._finished = True
        self._stop_reason = stop_reason
        self._ended_at = self._clock(now)
        self._say("stopped", self.script.cues.stopped, self._ended_at, emitted)
        return self._done(emitted)

    # -- outputs -------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self._t0 is not None

    @property
    def finished(self) -> bool:
        return self._finished

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    def state(self, now: float) -> State:
        """A snapshot at ``now``; it does not advance the engine (call ``tick`` for that)."""
        current = self._current
        phase: Phase
        if self._t0 is None:
            phase = "ready"
        elif self._finished:
            phase = "stopped" if self._stop_reason else "finished"
        else:
            phase = "paused" if self._paused_at is not None else "running"
        if self._t0 is None:
            elapsed = 0.0
        elif self._ended_at is not None:
            elapsed = self._ended_at
        else:
            elapsed = self._clock(now)
        paused_seconds = self._paused_total + (elapsed - self._paused_at if self._paused_at is not None else 0.0)

        if current is None:
            future = self._future(-1) if self._t0 is None else 0.0
            first = self._describe(0) if self._t0 is None else None
            return State(
                phase=phase,
                paused=False,
                finished=self._finished,
                kind=None,
                show="",
                say="",
                step=None,
                leg=None,
                spot=None,
                spot_count=None,
                from_knee_cm=None,
                segment_seconds=0.0,
                remaining=0.0,
                leg_seconds=0.0,
                leg_budget=0.0,
                elapsed=elapsed,
                expected_total=elapsed + future,
                paused_seconds=paused_seconds,
                next=first,
            )

        active = min(self._active(now), current.deadline)
        remaining = current.deadline - active
        run = self._runs.get(current.leg) if current.leg else None
        leg_seconds, leg_budget, spot_count = 0.0, 0.0, None
        rest, rest_count = 0.0, 0
        if current.leg is not None:
            leg = run.leg if run else next(leg for leg in self.script.legs if leg.leg == current.leg)
            leg_budget = run.budget if run else float(leg.budget_seconds)
            if run is not None:
                leg_seconds = run.used
            if current.kind == "spot" and run is not None:
                leg_seconds += active - current.start
                rest, rest_count = self._rest_of_leg(run, current)
                spot_count = run.played + rest_count
            elif run is None or run.played == 0:
                spot_count = self._fresh_leg(leg)[1]
            else:
                spot_count = run.played
        if current.kind == "spot" and rest_count > 0 and run is not None:
            upcoming = run.available[run.played]
            following: NextUp | None = NextUp("spot", current.leg, upcoming.index, upcoming.cue.show)
        else:
            following = self._describe(current.item + 1)
        return State(
            phase=phase,
            paused=self._paused_at is not None,
            finished=False,
            kind=current.kind,
            show=current.cue.show,
            say=current.cue.say,
            step=current.step,
            leg=current.leg,
            spot=current.spot.index if current.spot else None,
            spot_count=spot_count,
            from_knee_cm=current.spot.from_knee_cm if current.spot else None,
            segment_seconds=current.seconds,
            remaining=remaining,
            leg_seconds=leg_seconds,
            leg_budget=leg_budget,
            elapsed=elapsed,
            expected_total=elapsed + remaining + rest + self._future(current.item),
            paused_seconds=paused_seconds,
            next=following,
        )

    def record(self) -> Json:
        """The engine record of docs/contracts.md (so far, if the session is still running)."""
        return {
            "ended_at": None if self._ended_at is None else _num(self._ended_at),
            "ended_early": self._stop_reason is not None,
            "stop_reason": self._stop_reason,
            "paused_seconds": _num(self._paused_total),
            "pauses": [p.to_dict() for p in self.pauses],
            "spots": [s.to_dict() for s in self.spots],
            "legs": [leg.to_dict() for leg in self.legs],
        }

    # -- internals -----------------------------------------------------------

    def _clock(self, now: float) -> float:
        assert self._t0 is not None
        return now - self._t0

    def _active(self, now: float) -> float:
        clock = self._paused_at if self._paused_at is not None else self._clock(now)
        return clock - self._paused_total

    def _live(self) -> _Current:
        assert self._current is not None
        return self._current

    def _done(self, emitted: list[Cue], refusal: str | None = None) -> Outcome:
        return Outcome(refusal is None, refusal, tuple(emitted))

    def _refuse_unstarted(self) -> Outcome | None:
        return Outcome(False, "the session has not started") if self._t0 is None else None

    def _refuse_finished(self) -> Outcome | None:
        return Outcome(False, "the session is over") if self._finished else None

    def _refuse_inactive(self, now: float, emitted: list[Cue]) -> Outcome | None:
        """Refuse unless running; first let time catch up to ``now``."""
        refused = self._refuse_unstarted() or self._refuse_finished()
        if refused:
            return refused
        if self._paused_at is not None:
            return Outcome(False, "the session is paused")
        self._advance(now, emitted)
        if self._finished:
            return self._done(emitted, "the session is over")
        return None

    def _close_pause(self, now: float) -> None:
        assert self._paused_at is not None
        seconds = self._clock(now) - self._paused_at
        self.pauses.append(PauseRecord(self._paused_at, seconds))
        self._paused_total += seconds
        self._paused_at = None

    def _say(self, kind: CueKind, cue: SpokenCue, at: float, emitted: list[Cue]) -> None:
        made = Cue(at, kind, cue.show, cue.say, kind in CHIMED_KINDS)
        emitted.append(made)
        self.cues.append(made)

    def _advance(self, now: float, emitted: list[Cue]) -> None:
        active = self._active(now)
        while self._current is not None and active + EPSILON >= self._current.deadline:
            self._end(self._current, self._current.deadline, "time", emitted)

    def _enter(self, index: int, at: float, emitted: list[Cue]) -> None:
        """Begin plan item ``index`` at active time ``at``."""
        if index >= len(self._items):
            self._current = None
            self._finished = True
            self._ended_at = at + self._paused_total
            return
        item = self._items[index]
        if isinstance(item, _Spots):
            run = self._run(item.leg)
            if not run.available:
                self._end_leg(item.leg.leg, "last_spot")
                self._enter(index + 1, at, emitted)
            else:
                self._start_spot(index, run, item.extra, at, emitted)
            return
        segment = item.segment
        if segment.leg is not None and segment.kind in ("prepare", "add_on"):
            self._run(next(leg for leg in self.script.legs if leg.leg == segment.leg))
        self._current = _Current(
            index,
            segment.kind,
            segment.cue,
            segment.leg,
            segment.step,
            at,
            at + segment.seconds,
            at + self._paused_total,
        )
        self._say(segment.kind, segment.cue, at + self._paused_total, emitted)
        for extra in segment.extra:
            self._say("extra", extra, at + self._paused_total, emitted)

    def _run(self, leg: ScriptLeg) -> _LegRun:
        run = self._runs.get(leg.leg)
        if run is None:
            record = LegRecord(leg.leg)
            self.legs.append(record)
            run = _LegRun(leg, [*leg.spots, *leg.reserve], record)
            self._runs[leg.leg] = run
        return run

    def _start_spot(
        self, index: int, run: _LegRun, extra: tuple[SpokenCue, ...], at: float, emitted: list[Cue]
    ) -> None:
        spot = run.available[run.played]
        if run.reference is None:
            hold = min(float(self.rules.first_hold_max_seconds), run.budget)
        else:
            hold = min(run.reference, run.budget - run.used)
        run.played += 1
        record = SpotRecord(run.leg.leg, spot.index, spot.from_knee_cm, hold)
        self.spots.append(record)
        clock = at + self._paused_total
        self._current = _Current(index, "spot", spot.cue, run.leg.leg, None, at, at + hold, clock, spot, record)
        self._say("spot", spot.cue, clock, emitted)
        for cue in extra:
            self._say("extra", cue, clock, emitted)

    def _close(self, current: _Current, at: float, ended_by: SegmentEnd) -> None:
        """Write down how the current segment ended, at active time ``at``."""
        held = at - current.start
        self.timeline.append(
            Played(
                current.kind,
                current.leg,
                current.spot.index if current.spot else None,
                current.step,
                current.at,
                held,
                ended_by,
            )
        )
        if current.record is not None and current.leg is not None:
            run = self._runs[current.leg]
            current.record.held_seconds = held
            current.record.ended_by = ended_by
            run.used += held
            run.record.seconds = run.used
            if run.reference is None:
                run.reference = min(held, current.record.planned_seconds)

    def _end_leg(self, leg: str | None, ended_by: LegEnd) -> None:
        run = self._runs.get(leg) if leg else None
        if run is not None and run.record.ended_by is None:
            run.record.ended_by = ended_by

    def _end(self, current: _Current, at: float, ended_by: Literal["softened", "time"], emitted: list[Cue]) -> None:
        """End the current segment normally (its time is up, or it softened) and begin what follows."""
        self._close(current, at, ended_by)
        if current.kind == "finish":
            self._enter(len(self._items), at, emitted)
            return
        item = self._items[current.item]
        if isinstance(item, _Spots):
            run = self._runs[item.leg.leg]
            if run.budget - run.used < MIN_SPOT_SECONDS - EPSILON:
                self._end_leg(run.leg.leg, "time")
            elif run.played >= len(run.available):
                self._end_leg(run.leg.leg, "last_spot")
            else:
                self._start_spot(current.item, run, item.extra, at, emitted)
                return
        self._enter(current.item + 1, at, emitted)

    def _rest_of_leg(self, run: _LegRun, current: _Current) -> tuple[float, int]:
        """Spot seconds and count after the current spot, if nothing softens early."""
        after = run.budget - run.used - current.seconds
        planned = current.record.planned_seconds if current.record else current.seconds
        reference = run.reference if run.reference is not None else planned
        return _simulate(after, reference, len(run.available) - run.played)

    def _fresh_leg(self, leg: ScriptLeg) -> tuple[float, int]:
        count = len(leg.spots) + len(leg.reserve)
        if count == 0:
            return 0.0, 0
        first = min(float(self.rules.first_hold_max_seconds), float(leg.budget_seconds))
        rest, n = _simulate(leg.budget_seconds - first, first, count - 1)
        return first + rest, n + 1

    def _future(self, index: int) -> float:
        """Expected seconds of every plan item after ``index``."""
        total = 0.0
        for item in self._items[index + 1 :]:
            total += item.segment.seconds if isinstance(item, _Fixed) else self._fresh_leg(item.leg)[0]
        return total

    def _describe(self, index: int) -> NextUp | None:
        if index >= len(self._items):
            return None
        item = self._items[index]
        if isinstance(item, _Fixed):
            seg = item.segment
            return NextUp(seg.kind, seg.leg, None, seg.cue.show)
        spots = [*item.leg.spots, *item.leg.reserve]
        if not spots:
            return self._describe(index + 1)
        return NextUp("spot", item.leg.leg, spots[0].index, spots[0].cue.show)
