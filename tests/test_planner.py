"""The planner on whole timelines for reference people, and its rules over the whole range."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.helpers import make_plan

from softspot.core.planner import PlanError, StopError
from softspot.core.script import SessionScript
from softspot.core.units import CM_PER_INCH

INCH = CM_PER_INCH


def timeline(script: SessionScript) -> list[tuple[str, int, int, str | None, int | None]]:
    return [(s.kind, s.starts_at, s.seconds, s.leg, s.spot) for s in script.segments]


def test_a_default_receiver_gets_two_spots_per_leg_in_three_minutes() -> None:
    script = make_plan()  # no measurements: a 38 cm thigh, the technique's start dose of 3 min

    assert timeline(script) == [
        ("start", 0, 6, None, None),
        ("prepare", 6, 20, "left", None),
        ("prepare", 26, 15, "left", None),
        ("spot", 41, 120, "left", 1),
        ("spot", 161, 60, "left", 2),
        ("switch", 221, 20, "right", None),
        ("prepare", 241, 20, "right", None),
        ("prepare", 261, 15, "right", None),
        ("spot", 276, 120, "right", 1),
        ("spot", 396, 60, "right", 2),
        ("finish", 456, 10, None, None),
    ]
    assert script.total_seconds == 466
    left = script.legs[0]
    assert [(s.index, s.from_knee_cm, s.hold_seconds) for s in left.spots] == [(1, 21.54, 120), (2, 19.0, 60)]
    assert [(s.index, s.from_knee_cm) for s in left.reserve] == [(3, 16.46), (4, 13.92)]
    assert (left.seconds, left.budget_seconds) == (180, 180)
    assert script.person.thigh_source == "default"
    assert script.segments[3].cue.say == "Sit here and relax into it. Up to 2 minutes, or until it softens."
    assert script.segments[4].cue.say == "Lift, move about 2.5 centimetres toward the knee, and sit. Spot 2."


def test_a_16_inch_thigh_at_five_minutes_starting_right_in_the_straddle() -> None:
    script = make_plan("16 in", 5, start_leg="right", position="straddle")

    assert [leg.leg for leg in script.legs] == ["right", "left"]
    assert [(s.kind, s.seconds, s.leg, s.spot) for s in script.segments if s.kind == "spot"] == [
        ("spot", 120, "right", 1),
        ("spot", 120, "right", 2),
        ("spot", 60, "right", 3),
        ("spot", 120, "left", 1),
        ("spot", 120, "left", 2),
        ("spot", 60, "left", 3),
    ]
    spots = [round(s.from_knee_cm / INCH, 2) for s in (*script.legs[0].spots, *script.legs[0].reserve)]
    assert spots == [9.0, 8.0, 7.0, 6.0, 5.0]  # the first an inch above the 8 in centre; the last 5 in away
    assert script.segments[2].cue.show == "Straddle the thigh, just above its centre. Back straight."
    assert script.person.unit == "in"
    assert "3 spots per leg, 1.0 in apart, from 9.0 in to 7.0 in above the knee" in script.explanation[1]
    assert script.total_seconds == 6 + 2 * (35 + 300) + 20 + 10


def test_a_short_thigh_on_the_bed_ends_each_leg_at_its_last_safe_spot() -> None:
    script = make_plan("25 cm", 10, answers={"floor_difficulty": True})

    assert script.surface.id == "bed"
    assert script.screening.verdict == "adapt"
    left = script.legs[0]
    assert [(s.from_knee_cm, s.hold_seconds, s.last_safe) for s in left.spots] == [
        (15.04, 120, False),
        (12.5, 120, True),
    ]
    assert left.reserve == []
    assert (left.seconds, left.budget_seconds) == (240, 600)
    assert any("All 2 safe spots fit in 4 min" in line for line in script.explanation)
    assert script.segments[-2].cue.say.startswith("Lift and move once more. This is the last spot before the knee")


def test_the_longest_thigh_at_the_shortest_dose_sits_one_spot_and_keeps_the_rest_in_reserve() -> None:
    script = make_plan("60 cm", 2)

    left = script.legs[0]
    assert [(s.from_knee_cm, s.hold_seconds) for s in left.spots] == [(32.54, 120)]
    assert len(left.reserve) == 8  # 9 safe spots in all: 32.54 cm down to 12.22 cm
    assert left.reserve[-1].from_knee_cm == pytest.approx(12.22)
    assert script.explanation[1] == "1 spot per leg, 32.5 cm above the knee (middle of the giver's seat)."


def test_it_refuses_a_plan_for_a_pregnant_receiver() -> None:
    with pytest.raises(StopError) as stopped:
        make_plan(answers={"pregnant": True, "heart_condition": True})
    assert stopped.value.screening.verdict == "stop"
    assert [q.id for q in stopped.value.screening.stops] == ["heart_condition", "pregnant"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"thigh": "300 cm"}, "--thigh: 300 cm is outside the thigh lengths softspot plans for (25 cm to 60 cm)"),
        ({"minutes": 11}, "--minutes-per-leg: 11 is outside 2 to 10 minutes per leg"),
        ({"minutes": 1}, "--minutes-per-leg: 1 is outside 2 to 10 minutes per leg"),
        ({"start_leg": "lfet"}, "--start-leg: there is no leg 'lfet' (choose left, right); did you mean 'left'?"),
        ({"position": "kneeling"}, "--position: there is no position 'kneeling' (choose sideways, straddle)"),
        ({"surface": "floor", "answers": {"floor_difficulty": True}}, "--surface: screening chose 'bed'"),
        ({"add_ons": ("calf",)}, "--add-on: 'calf' unlocks after 3 comfortable sessions (0 so far)"),
        ({"add_ons": ("neck",)}, "--add-on: there is no add-on 'neck' (choose calf, lower_back)"),
    ],
)
def test_it_names_the_option_that_makes_a_plan_impossible(options: dict[str, object], message: str) -> None:
    with pytest.raises(PlanError) as caught:
        make_plan(**options)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)


def test_unlocked_add_ons_join_the_timeline() -> None:
    script = make_plan(add_ons=("calf", "lower_back"), comfortable_sessions=3)

    spots = [s for s in script.segments if s.kind == "spot"]
    assert all(s.extra and s.extra[0].show == "Press the calf with flat palms" for s in spots)
    add_ons = [(s.leg, s.step, s.seconds) for s in script.segments if s.kind == "add_on"]
    assert add_ons == [("left", "lower_back", 60), ("right", "lower_back", 60)]


def test_height_estimates_the_thigh_and_says_so() -> None:
    from softspot.core.units import parse_length

    script = make_plan(height=parse_length("175 cm"))
    assert script.person.thigh_source == "height"
    assert script.person.thigh_cm == pytest.approx(38.5)
    assert "estimated from a height of 175 cm" in script.explanation[0]


thighs = st.floats(min_value=25, max_value=60, allow_nan=False)
doses = st.floats(min_value=2, max_value=10, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(thigh=thighs, minutes=doses, unit=st.sampled_from(["cm", "in"]))
def test_every_plan_keeps_the_techniques_rules(thigh: float, minutes: float, unit: str) -> None:
    length = f"{thigh / INCH:.3f} in" if unit == "in" else f"{thigh:.3f} cm"
    script = make_plan(length, minutes)
    rules, length_cm = script.rules, script.person.thigh_cm
    first_hold = rules.first_hold_max_seconds
    budget = round(minutes * 60)
    legs = script.legs

    for leg in legs:
        every = [*leg.spots, *leg.reserve]
        # The first spot sits a little above (hip side of) the thigh's centre.
        assert every[0].from_knee_cm > length_cm / 2 - 0.1
        assert every[0].from_knee_cm - length_cm / 2 <= INCH + 0.1
        # Spots move toward the knee, at most an inch apart.
        for near, far in zip(every[1:], every, strict=False):
            assert 0 < far.from_knee_cm - near.from_knee_cm <= INCH + 0.002
        # The seat, not just its centre, keeps the clearance from the knee...
        for spot in every:
            assert spot.from_knee_cm - rules.seat_length_cm / 2 >= rules.clearance_cm - 0.01
            assert spot.seat_edge_from_knee_cm >= rules.clearance_cm - 0.01
        # ...and no safe spot is left out.
        assert every[-1].from_knee_cm - INCH - rules.seat_length_cm / 2 < rules.clearance_cm
        assert every[-1].last_safe and not any(s.last_safe for s in every[:-1])
        # Holds: the first at most a couple of minutes; later ones never longer than the first.
        assert leg.spots[0].hold_seconds == min(120, budget) == first_hold
        assert all(0 < s.hold_seconds <= first_hold for s in leg.spots)
        assert leg.seconds == sum(s.hold_seconds for s in leg.spots) <= budget
        assert leg.seconds == budget or not leg.reserve

    # Both legs get the same spots and the same time.
    assert [s.model_dump() for s in legs[0].spots] == [s.model_dump() for s in legs[1].spots]
    assert legs[0].seconds == legs[1].seconds
    # The timeline is contiguous and its length is the total.
    clock = 0
    for segment in script.segments:
        assert segment.starts_at == clock
        clock += segment.seconds
    assert clock == script.total_seconds
    # The plan explains itself.
    assert f"{len(legs[0].spots)} spot" in script.explanation[1]
