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
* **Minimum hold**: a "softened" on a leg's first spot before ``min_hold_seconds``
  is refused and opens a confirmation window of ``confirm_seconds``; a second
  press inside it is accepted. The reference is never below ``min_hold_seconds``.
* **Timed cues**: a segment's ``timed`` cues are said ``after`` seconds into it
  (the pain rule); the check-in is said once per leg when the leg's time on spots
  reaches ``check_in_after_seconds``, in whichever spot that falls.
* **Halt** (the immediate stop): freezes the clock and says the ``stopped`` cue at
  once; then ``stop(now, reason)`` ends the session as of the halt, or
  ``resume(now)`` carries on. Nothing else resumes a halted session.

The same engine is written in JavaScript (``softspot/web/static/softspot/engine.js``);
the traces in ``tests/traces/`` hold both to the same behaviour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from softspot.core.script import (
    ScriptLeg,
    ScriptSpot,
    Segment,
    SegmentKind,
    SessionScript,
    SpokenCue,
    TimedCue,
    TimedKind,
)

EPSILON = 1e-9
MIN_SPOT_SECONDS = 1.0
"""A spot shorter than this is not started: the leg ends instead (planned holds are whole seconds)."""

STOP_REASONS: tuple[str, ...] = ("discomfort", "out_of_time", "other")
StopReason = Literal["discomfort", "out_of_time", "other"]
_STOP_REASONS: dict[str, StopReason] = {"discomfort": "discomfort", "out_of_time": "out_of_time", "other": "other"}
SpotEnd = Literal["softened", "time", "skipped", "stopped"]
LegEnd = Literal["time", "last_spot", "skipped", "stopped"]
SegmentEnd = Literal["softened", "time", "skipped", "stopped"]
Phase = Literal["ready", "running", "paused", "halted", "finished", "stopped"]
CueKind = Literal[
    "start",
    "prepare",
    "spot",
    "add_on",
    "switch",
    "finish",
    "extra",
    "pain_rule",
    "check_in",
    "paused",
    "resumed",
    "extended",
    "stopped",
]
Json = dict[str, Any]

CHIMED_KINDS: frozenset[str] = frozenset({"spot", "switch", "finish"})
"""Segments whose cue follows a chime: each asks the giver to move (next spot, other leg, lift off).
The one rule for every player and the rendered audio (engine.js keeps the same set; the traces check it)."""


def _num(value: float) -> float:
    """Seconds as written out: three decimals, never ``-0.0``."""
    return round(value, 3) + 0.0


def _maybe(value: float | None) -> float | None:
    return None if value is None else _num(value)


def clock_face(seconds: float) -> str:
    """``95.7`` -> ``1:35``: whole seconds (rounded down, as engine.js does), as M:SS."""
    whole = max(0, math.floor(seconds + 1e-6))
    return f"{whole // 60}:{whole % 60:02d}"


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
    halted: bool = False
    """Stop was pressed: the clock is frozen until ``stop(now, reason)`` or ``resume(now)`` (Carry on)."""
    planned_spots: int | None = None
    """The leg's planned spots (K), constant through the leg."""
    reserve: bool = False
    """The current spot is a reserve spot (reached because earlier ones softened early)."""
    wake_in: float | None = None
    """Seconds of active time until the engine next does something on its own (None: it will not)."""
    confirm_left: float | None = None
    """Seconds left to press "softened" again to confirm an early one (None: no confirmation pending)."""

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
            "halted": self.halted,
            "planned_spots": self.planned_spots,
            "reserve": self.reserve,
            "wake_in": _maybe(self.wake_in),
            "confirm_left": _maybe(self.confirm_left),
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
    checked_in: bool = False

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
    timed: tuple[TimedCue, ...] = ()
    said: int = 0

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
        """Session clock when the clock froze (a pause or a halt)."""
        self._paused_total = 0.0
        self._halted = False
        self._halt_at: float | None = None
        self._confirm_until: float | None = None
        """Active time until which a second "softened" confirms an early one."""
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
        active = self._active(now)
        if self._too_soon(current, active):
            window = self._confirm_until
            if window is None or active > window + EPSILON:
                self._confirm_until = active + self.rules.confirm_seconds
                return self._done(
                    emitted,
                    f"under {self.rules.min_hold_seconds} s on the first spot: press again within "
                    f"{self.rules.confirm_seconds} s if it really softened",
                )
        self._end(current, active, "softened", emitted)
        return self._done(emitted)

    def pause(self, now: float) -> Outcome:
        emitted: list[Cue] = []
        refused = self._refuse_inactive(now, emitted)
        if refused:
            return refused
        self._paused_at = self._clock(now)
        self._confirm_until = None
        self._say("paused", self.script.cues.paused, self._paused_at, emitted)
        return self._done(emitted)

    def resume(self, now: float) -> Outcome:
        """Unpause, or "Carry on" after a halt: the only way a halted session goes on."""
        refused = self._refuse_unstarted() or self._refuse_finished()
        if refused:
            return refused
        emitted: list[Cue] = []
        if self._paused_at is None:
            self._advance(now, emitted)
            return self._done(emitted, "the session is not paused" if not self._finished else "the session is over")
        self._close_pause(now)
        self._halted = False
        self._halt_at = None
        self._say("resumed", self.script.cues.resumed, self._clock(now), emitted)
        return self._done(emitted)

    def halt(self, now: float) -> Outcome:
        """The immediate stop: freeze the clock and say "Stopped · lift off gently" at once, then wait.

        Then ``stop(now, reason)`` ends the session as of this moment, or ``resume(now)`` carries on.
        """
        refused = self._refuse_unstarted() or self._refuse_finished()
        if refused:
            return refused
        if self._halted:
            return Outcome(False, "already stopped: carry on, or say why it stopped")
        emitted: list[Cue] = []
        if self._paused_at is None:
            self._advance(now, emitted)
            if self._finished:
                return self._done(emitted, "the session is over")
            self._paused_at = self._clock(now)
        self._halted = True
        self._halt_at = self._clock(now)
        self._confirm_until = None
        self._say("stopped", self.script.cues.stopped, self._halt_at, emitted)
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
        """End the session early, for ``reason``; after a halt it ends as of the halt, saying nothing more."""
        stop_reason = _STOP_REASONS.get(reason)
        if stop_reason is None:
            return Outcome(False, f"unknown stop reason {reason!r} (choose {', '.join(STOP_REASONS)})")
        if self._halted and not self._finished:
            return self._stop_halted(stop_reason)
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

    def _stop_halted(self, reason: StopReason) -> Outcome:
        assert self._paused_at is not None and self._halt_at is not None
        current = self._live()
        active = self._paused_at - self._paused_total
        if self._halt_at > self._paused_at + EPSILON:  # paused first, then halted: that pause counts
            self.pauses.append(PauseRecord(self._paused_at, self._halt_at - self._paused_at))
            self._paused_total += self._halt_at - self._paused_at
        self._close(current, active, "stopped")
        self._end_leg(current.leg, "stopped")
        self._current = None
        self._finished = True
        self._stop_reason = reason
        self._ended_at = self._halt_at
        self._paused_at = None
        self._halted = False
        return self._done([])

    # -- outputs -------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self._t0 is not None

    @property
    def halted(self) -> bool:
        return self._halted

    @property
    def finished(self) -> bool:
        return self._finished

    @property
    def paused(self) -> bool:
        return self._paused_at is not None and not self._halted

    def state(self, now: float) -> State:
        """A snapshot at ``now``; it does not advance the engine (call ``tick`` for that)."""
        current = self._current
        phase: Phase
        if self._t0 is None:
            phase = "ready"
        elif self._finished:
            phase = "stopped" if self._stop_reason else "finished"
        elif self._halted:
            phase = "halted"
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
        planned_spots: int | None = None
        if current.leg is not None:
            leg = run.leg if run else next(leg for leg in self.script.legs if leg.leg == current.leg)
            planned_spots = len(leg.spots)
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
        show, say = current.cue.show, current.cue.say
        hold = self.script.cues.hold
        moved = current.start + self.rules.move_seconds
        if self._halted:
            show, say = self.script.cues.stopped.show, self.script.cues.stopped.say
        elif current.kind == "spot" and hold is not None and active + EPSILON >= moved:
            show = hold.show.replace("{time}", clock_face(current.seconds))
        wake_in: float | None = None
        confirm_left: float | None = None
        if phase == "running":
            wakes = [current.deadline - active]
            due = self._next_timed(current)
            if due is not None:
                wakes.append(due[0] - active)
            if current.kind == "spot" and hold is not None and active + EPSILON < moved:
                wakes.append(moved - active)
            if self._confirm_until is not None and active <= self._confirm_until + EPSILON:
                confirm_left = max(0.0, self._confirm_until - active)
                wakes.append(confirm_left)
            wake_in = max(0.0, min(wakes))
        return State(
            phase=phase,
            paused=self._paused_at is not None and not self._halted,
            finished=False,
            kind=current.kind,
            show=show,
            say=say,
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
            halted=self._halted,
            planned_spots=planned_spots,
            reserve=current.spot is not None and planned_spots is not None and current.spot.index > planned_spots,
            wake_in=wake_in,
            confirm_left=confirm_left,
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
        if self._halted:
            return Outcome(False, "the session is stopped: carry on, or say why it stopped")
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
        """Catch up with ``now``: say every timed cue and end every segment whose moment has passed, in order."""
        active = self._active(now)
        while self._current is not None:
            current = self._current
            due = self._next_timed(current)
            if due is not None and active + EPSILON >= due[0]:
                self._say_timed(current, due, emitted)
            elif active + EPSILON >= current.deadline:
                self._end(current, current.deadline, "time", emitted)
            else:
                break

    def _next_timed(self, current: _Current) -> tuple[float, TimedKind, SpokenCue] | None:
        """The next timed cue inside the current segment (active time, kind, cue), if it comes before its end."""
        if current.kind == "spot":
            after, cue = self.rules.check_in_after_seconds, self.script.cues.check_in
            run = self._runs[current.leg] if current.leg is not None else None
            if after is None or cue is None or run is None or run.checked_in:
                return None
            due: tuple[float, TimedKind, SpokenCue] = (current.start + max(0.0, after - run.used), "check_in", cue)
        elif current.said < len(current.timed):
            timed = current.timed[current.said]
            due = (current.start + timed.after, timed.kind, timed.cue)
        else:
            return None
        return due if due[0] < current.deadline - EPSILON else None

    def _say_timed(self, current: _Current, due: tuple[float, TimedKind, SpokenCue], emitted: list[Cue]) -> None:
        at, kind, cue = due
        if kind == "check_in" and current.leg is not None:
            self._runs[current.leg].checked_in = True
        else:
            current.said += 1
        self._say(kind, cue, at + self._paused_total, emitted)

    def _say_due(self, current: _Current, at: float, emitted: list[Cue]) -> None:
        """Say the timed cues due when a segment begins (``after`` 0), right after its own cues."""
        while (due := self._next_timed(current)) is not None and due[0] <= at + EPSILON:
            self._say_timed(current, due, emitted)

    def _too_soon(self, current: _Current, active: float) -> bool:
        """A "softened" on a leg's first spot before the minimum hold: it needs a second press."""
        if current.kind != "spot" or current.leg is None or current.record is None:
            return False
        run = self._runs[current.leg]
        return run.reference is None and active - current.start < self.rules.min_hold_seconds - EPSILON

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
        current = _Current(
            index,
            segment.kind,
            segment.cue,
            segment.leg,
            segment.step,
            at,
            at + segment.seconds,
            at + self._paused_total,
            timed=tuple(sorted(segment.timed, key=lambda t: t.after)),
        )
        self._current = current
        self._say(segment.kind, segment.cue, at + self._paused_total, emitted)
        for extra in segment.extra:
            self._say("extra", extra, at + self._paused_total, emitted)
        self._say_due(current, at, emitted)

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
        current = _Current(index, "spot", spot.cue, run.leg.leg, None, at, at + hold, clock, spot, record)
        self._current = current
        self._say("spot", spot.cue, clock, emitted)
        for cue in extra:
            self._say("extra", cue, clock, emitted)
        self._say_due(current, at, emitted)

    def _close(self, current: _Current, at: float, ended_by: SegmentEnd) -> None:
        """Write down how the current segment ended, at active time ``at``."""
        held = at - current.start
        self._confirm_until = None
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
                # Later spots last as long as the first took, never less than the minimum hold.
                run.reference = max(min(held, current.record.planned_seconds), float(self.rules.min_hold_seconds))

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
