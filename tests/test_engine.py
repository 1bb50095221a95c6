"""The session engine: whole traces, whole timelines, and its rules under random events.

Time is a parameter: a fake clock is advanced by hand; nothing sleeps.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from tests.helpers import make_plan
from tests.traces.record import run_trace

from softspot.core.engine import EPSILON, Engine
from softspot.core.script import SessionScript

TRACES = sorted((Path(__file__).parent / "traces").glob("*.json"))
TOLERANCE = 2e-3


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


def same(actual: Any, expected: Any, where: str = "$") -> None:
    """Equal, with numbers compared to within TOLERANCE; the message names the first difference."""
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"
    elif isinstance(expected, int | float):
        assert isinstance(actual, int | float), f"{where}: {actual!r} is not a number"
        assert abs(actual - expected) <= TOLERANCE, f"{where}: {actual} != {expected}"
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: {actual!r} is not a list"
        assert len(actual) == len(expected), f"{where}: {len(actual)} items, expected {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            same(a, e, f"{where}[{i}]")
    else:
        assert isinstance(actual, dict), f"{where}: {actual!r} is not an object"
        assert sorted(actual) == sorted(expected), f"{where}: keys {sorted(actual)} != {sorted(expected)}"
        for key in expected:
            same(actual[key], expected[key], f"{where}.{key}")


def timeline(engine: Engine) -> list[tuple[str, str | None, int | None, float, float, str]]:
    return [(p.kind, p.leg, p.spot, round(p.at, 3), round(p.seconds, 3), p.ended_by) for p in engine.timeline]


def planned_timeline(script: SessionScript) -> list[tuple[str, str | None, int | None, float, float, str]]:
    return [(s.kind, s.leg, s.spot, float(s.starts_at), float(s.seconds), "time") for s in script.segments]


# -- the traces: the shared specification of both engines ------------------------------------------


@pytest.mark.parametrize("path", TRACES, ids=[p.stem for p in TRACES])
def test_the_engine_plays_the_trace_exactly(path: Path) -> None:
    trace = json.loads(path.read_text(encoding="utf-8"))
    assert trace["name"] == path.stem
    assert trace["description"]
    same(run_trace(trace["script"], trace["events"]), trace["expected"])


def test_every_required_behaviour_has_a_trace() -> None:
    names = {p.stem for p in TRACES}
    assert {
        "whole-session-ticks",
        "first-spot-softens-early",
        "pause-and-resume",
        "extend-accepted-and-refused",
        "skip-to-other-leg",
        "stop-half-way",
        "reserve-spots",
        "short-thigh-last-safe-spot",
        "halt-then-carry-on",
        "halt-then-stop-for-discomfort",
        "halt-while-paused",
        "min-hold-needs-a-second-press",
    } <= names


def test_states_cues_and_records_are_plain_json() -> None:
    engine = Engine(make_plan())
    clock = FakeClock()
    cues = engine.start(clock.now).cues
    cues += engine.tick(clock.advance(50)).cues
    cues = tuple(c for c in cues if c.at in (0.0, 15.0, 50.0))
    text = json.dumps({"state": engine.state(clock.now).to_dict(), "record": engine.record()})
    assert json.loads(text)["state"]["kind"] == "spot"
    assert [c.to_dict()["kind"] for c in cues] == ["start", "pain_rule", "prepare", "spot"]


# -- whole timelines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [{}, {"thigh": "60 cm", "minutes": 9.5}, {"thigh": "25 cm", "minutes": 4}, {"minutes": 2, "start_leg": "right"}],
)
def test_with_nothing_softening_the_session_plays_exactly_as_planned(options: dict[str, Any]) -> None:
    script = make_plan(**options)
    engine = Engine(script)
    clock = FakeClock()
    engine.start(clock.now)
    engine.tick(clock.advance(script.total_seconds + 60))
    assert timeline(engine) == planned_timeline(script)
    assert engine.record()["ended_at"] == script.total_seconds
    segment_cues = [c for c in engine.cues if c.kind not in ("extra", "pain_rule", "check_in")]
    assert [c.at for c in segment_cues] == [s.starts_at for s in script.segments]
    # The pain rule and the check-in come exactly where the plan (and the rendered audio) puts them.
    timed = [(c.kind, c.at) for c in engine.cues if c.kind in ("pain_rule", "check_in")]
    assert timed == [(t.kind, s.starts_at + t.after) for s in script.segments for t in s.timed]
    legs = len(script.legs)
    assert [k for k, _ in timed] == ["pain_rule", "check_in"] + ["pain_rule", "check_in"] * (legs - 1)


def test_irregular_late_ticks_do_not_move_a_single_cue() -> None:
    script = make_plan()
    steady, jittery = Engine(script), Engine(script)
    clock = FakeClock(5000.0)
    steady.start(clock.now)
    jittery.start(clock.now)
    jitter = [0.9, 1.7, 0.05, 3.1, 0.4]
    for i in range(600):
        jittery.tick(clock.advance(jitter[i % len(jitter)]))
    steady.tick(clock.now)
    assert jittery.finished
    assert steady.finished
    assert [c.to_dict() for c in jittery.cues] == [c.to_dict() for c in steady.cues]
    assert timeline(jittery) == planned_timeline(script)


def test_an_early_first_spot_sets_the_length_of_every_later_spot() -> None:
    engine = Engine(make_plan("60 cm", 9.5))
    clock = FakeClock(0.0)
    engine.start(0.0)
    engine.tick(50.0)
    engine.softened(50.0 + 50)  # the first spot softens after 50 s
    engine.tick(clock.advance(1000))
    spots = engine.record()["spots"]
    left = [(s["index"], s["planned_seconds"], s["held_seconds"]) for s in spots if s["leg"] == "left"]
    # 570 s of budget: 50 s, then 50 s spots until the nine safe spots run out (last_spot)
    assert left == [(i, 120.0 if i == 1 else 50.0, 50.0) for i in range(1, 10)]
    assert engine.record()["legs"][0] == {"leg": "left", "seconds": 450.0, "ended_by": "last_spot"}


def test_an_extension_is_refused_once_the_leg_would_pass_its_maximum() -> None:
    engine = Engine(make_plan("60 cm", 9.5))
    engine.start(0.0)
    engine.tick(50.0)
    assert engine.extend(59.0).accepted
    refused = engine.extend(60.0)
    assert not refused.accepted
    assert refused.reason == "the left leg is at its limit: 600 s of 600 s on spots"
    assert refused.cues == ()
    assert engine.state(60.0).leg_budget == 600.0


def test_a_softened_pressed_three_seconds_in_no_longer_collapses_the_leg() -> None:
    # The reported case: "softened" 3 s into spot 1 made spots 2-4 hold 3 s each and ended the leg after 12 s.
    engine = Engine(make_plan("38 cm", 3))
    engine.start(0.0)
    engine.tick(50.0)
    first = engine.softened(53.0)
    assert not first.accepted
    assert first.reason == "under 20 s on the first spot: press again within 5 s if it really softened"
    assert engine.state(53.0).confirm_left == 5.0
    assert engine.softened(54.0).accepted  # the second press confirms it
    engine.tick(400.0)
    left = [(s.index, s.held_seconds, s.ended_by) for s in engine.spots if s.leg == "left"]
    assert left == [(1, 4.0, "softened"), (2, 20.0, "time"), (3, 20.0, "time"), (4, 20.0, "time")]


def test_a_player_that_wakes_only_on_wake_in_says_every_cue_on_time_and_shows_the_hold_text() -> None:
    script = make_plan(add_ons=["calf", "lower_back"], comfortable_sessions=3)
    engine = Engine(script)
    now = 100.0
    engine.start(now)
    heard: list[tuple[float, str]] = []
    shown: list[tuple[float, str]] = []
    while not engine.finished:
        state = engine.state(now)
        if not shown or shown[-1][1] != state.show:
            shown.append((round(now - 100.0, 3), state.show))
        assert state.wake_in is not None and state.wake_in >= 0
        now += state.wake_in
        for cue in engine.tick(now).cues:
            assert cue.at == pytest.approx(now - 100.0), f"{cue.kind} at {cue.at} heard at {now - 100.0}"
            heard.append((cue.at, cue.kind))
    assert engine.record()["ended_at"] == script.total_seconds
    assert [k for _, k in heard if k in ("pain_rule", "check_in")] == ["check_in", "pain_rule", "check_in"]
    first_spot = next(s for s in script.segments if s.kind == "spot")
    assert (first_spot.starts_at + 5.0, "Stay here · up to 2:00") in shown


def test_halt_freezes_the_clock_and_only_carry_on_resumes() -> None:
    engine = Engine(make_plan())
    engine.start(0.0)
    engine.tick(60.0)
    halted = engine.halt(60.0)
    assert halted.accepted
    assert [(c.kind, c.show) for c in halted.cues] == [("stopped", "Stopped · lift off gently")]
    for outcome in (engine.softened(61.0), engine.pause(61.0), engine.extend(61.0), engine.skip(61.0)):
        assert outcome.reason == "the session is stopped: carry on, or say why it stopped"
    assert engine.halt(62.0).reason == "already stopped: carry on, or say why it stopped"
    engine.tick(500.0)
    state = engine.state(500.0)
    assert (state.phase, state.halted, state.remaining, state.wake_in) == ("halted", True, 110.0, None)
    assert engine.resume(500.0).accepted
    assert engine.state(500.0).remaining == 110.0
    assert engine.record()["pauses"] == [{"at": 60.0, "seconds": 440.0}]


def test_a_stop_after_a_halt_ends_the_session_at_the_moment_of_the_halt() -> None:
    engine = Engine(make_plan())
    engine.start(0.0)
    engine.halt(75.0)
    stopped = engine.stop(95.0, "discomfort")
    assert stopped.accepted and stopped.cues == ()  # "Stopped" was said at the halt
    record = engine.record()
    assert (record["ended_at"], record["stop_reason"], record["paused_seconds"]) == (75.0, "discomfort", 0.0)
    assert record["spots"][0]["held_seconds"] == 25.0


def test_events_before_the_start_and_after_the_end_are_refused_and_change_nothing() -> None:
    engine = Engine(make_plan())
    for outcome in (engine.tick(0), engine.softened(0), engine.pause(0), engine.skip(0), engine.stop(0, "other")):
        assert not outcome.accepted
        assert outcome.reason == "the session has not started"
    assert engine.cues == []
    engine.start(0.0)
    engine.stop(10.0, "discomfort")
    before = engine.record()
    for outcome in (engine.softened(11), engine.extend(11), engine.resume(11), engine.stop(11, "other")):
        assert not outcome.accepted
    assert engine.record() == before


# -- the rules under random events -----------------------------------------------------------------

SCRIPTS = [
    make_plan(),
    make_plan("60 cm", 9.5),
    make_plan("25 cm", 4),
    make_plan("45 cm", 2),
    make_plan(add_ons=["calf", "lower_back"], comfortable_sessions=3),
]


class EngineRules(RuleBasedStateMachine):
    """Random events at random times; the technique's rules must hold after every one."""

    engine: Engine
    clock: FakeClock

    @initialize(script=st.sampled_from(SCRIPTS), start=st.floats(0, 1e6, allow_nan=False))
    def begin(self, script: SessionScript, start: float) -> None:
        self.halted_at = 0.0
        self.script = script
        self.engine = Engine(script)
        self.clock = FakeClock(start)
        assert self.engine.start(start).accepted

    @rule(seconds=st.floats(0, 90, allow_nan=False))
    def tick(self, seconds: float) -> None:
        self.engine.tick(self.clock.advance(seconds))

    @rule(seconds=st.floats(0, 60, allow_nan=False))
    def soften(self, seconds: float) -> None:
        self.engine.softened(self.clock.advance(seconds))

    @rule(seconds=st.floats(0, 30, allow_nan=False))
    def pause(self, seconds: float) -> None:
        self.engine.pause(self.clock.advance(seconds))

    @rule(seconds=st.floats(0, 30, allow_nan=False))
    def resume(self, seconds: float) -> None:
        self.engine.resume(self.clock.advance(seconds))

    @rule(seconds=st.floats(0, 30, allow_nan=False))
    def extend(self, seconds: float) -> None:
        self.engine.extend(self.clock.advance(seconds))

    @rule(seconds=st.floats(0, 120, allow_nan=False))
    def skip(self, seconds: float) -> None:
        self.engine.skip(self.clock.advance(seconds))

    @rule(seconds=st.floats(0, 120, allow_nan=False))
    def halt(self, seconds: float) -> None:
        before = len(self.engine.timeline)
        was_halted = self.engine.halted
        outcome = self.engine.halt(self.clock.advance(seconds))
        if outcome.accepted:
            assert [c.kind for c in outcome.cues][-1] == "stopped"
            assert self.engine.halted
            self.halted_at = self.engine.state(self.clock.now).elapsed
        elif was_halted:
            assert outcome.reason == "already stopped: carry on, or say why it stopped"
            assert len(self.engine.timeline) == before

    @precondition(lambda self: not self.engine.finished)
    @rule(seconds=st.floats(0, 200, allow_nan=False), reason=st.sampled_from(["discomfort", "out_of_time", "other"]))
    def stop(self, seconds: float, reason: str) -> None:
        halted = self.engine.halted
        outcome = self.engine.stop(self.clock.advance(seconds), reason)
        if outcome.accepted:
            assert self.engine.record()["stop_reason"] == reason
            if halted:  # the session ends as of the first press, not of the answer to "why?"
                assert self.engine.record()["ended_at"] == pytest.approx(self.halted_at, abs=1e-3)
        else:  # the session reached its end before the stop
            assert outcome.reason == "the session is over"
            assert self.engine.record()["stop_reason"] is None
        assert self.engine.finished

    @invariant()
    def holds_never_exceed_their_caps(self) -> None:
        rules = self.script.rules
        for leg in self.script.legs:
            spots = [s for s in self.engine.spots if s.leg == leg.leg]
            for n, spot in enumerate(spots):
                assert spot.planned_seconds <= rules.first_hold_max_seconds + EPSILON
                assert spot.held_seconds <= spot.planned_seconds + spot.extended_seconds + EPSILON
                if n > 0:
                    first = spots[0]
                    reference = max(min(first.held_seconds, first.planned_seconds), rules.min_hold_seconds)
                    assert spot.planned_seconds <= reference + EPSILON

    @invariant()
    def later_spots_never_hold_less_than_the_minimum_while_the_leg_has_time(self) -> None:
        rules = self.script.rules
        for leg in self.script.legs:
            spots = [s for s in self.engine.spots if s.leg == leg.leg]
            for n, spot in enumerate(spots[1:], 1):
                left = leg.budget_seconds + sum(s.extended_seconds for s in spots[:n]) - sum(
                    s.held_seconds for s in spots[:n]
                )
                assert spot.planned_seconds >= min(rules.min_hold_seconds, left) - 1e-6

    @invariant()
    def a_halted_session_stands_still(self) -> None:
        if self.engine.halted:
            state = self.engine.state(self.clock.now)
            assert state.phase == "halted" and state.wake_in is None
            assert state.show == self.script.cues.stopped.show

    @invariant()
    def a_legs_spot_time_stays_within_its_budget_and_maximum(self) -> None:
        rules = self.script.rules
        for leg in self.script.legs:
            spots = [s for s in self.engine.spots if s.leg == leg.leg]
            extended = sum(s.extended_seconds for s in spots)
            assert sum(s.held_seconds for s in spots) <= leg.budget_seconds + extended + EPSILON
            assert leg.budget_seconds + extended <= rules.max_leg_seconds + EPSILON

    @invariant()
    def spots_only_move_toward_the_knee(self) -> None:
        for leg in self.script.legs:
            spots = [s for s in self.engine.spots if s.leg == leg.leg]
            assert [s.index for s in spots] == list(range(1, len(spots) + 1))
            distances = [s.from_knee_cm for s in spots]
            assert distances == sorted(distances, reverse=True)
            safe = [s.from_knee_cm for s in [*leg.spots, *leg.reserve]]
            assert set(distances) <= set(safe)

    @invariant()
    def time_does_not_drift(self) -> None:
        state = self.engine.state(self.clock.now)
        played = sum(p.seconds for p in self.engine.timeline)
        in_segment = state.segment_seconds - state.remaining
        assert played + in_segment == pytest.approx(state.elapsed - state.paused_seconds, abs=1e-6)
        for before, after in zip(self.engine.timeline, self.engine.timeline[1:], strict=False):
            assert after.at >= before.at + before.seconds - 1e-6

    @invariant()
    def the_record_agrees_with_itself(self) -> None:
        record = self.engine.record()
        assert record["ended_early"] == (record["stop_reason"] is not None)
        assert sum(p.seconds for p in self.engine.pauses) == pytest.approx(
            self.engine.record()["paused_seconds"], abs=1e-3
        )
        for leg in self.engine.legs:
            held = sum(s.held_seconds for s in self.engine.spots if s.leg == leg.leg)
            assert leg.seconds == pytest.approx(held, abs=1e-6)
        if self.engine.finished:
            state = self.engine.state(self.clock.now)
            assert record["ended_at"] == pytest.approx(state.elapsed, abs=1e-3)
            assert all(s["ended_by"] for s in record["spots"])
            assert all(leg["ended_by"] for leg in record["legs"])
        else:
            assert record["ended_at"] is None


EngineRules.TestCase.settings = settings(
    max_examples=100, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_the_rules_hold_under_random_events = EngineRules.TestCase
