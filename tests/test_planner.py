"""The planner on whole timelines for reference people, and its rules over the whole range."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.helpers import ALL_NO, hamstring, make_plan
from tests.plan_checks import not_as_validated, planning_options

from softspot.core.built_ins import built_in_ids
from softspot.core.loader import built_in
from softspot.core.planner import AskFirstError, PlanError, PlanOptions, StopError, plan, room
from softspot.core.script import SessionScript
from softspot.core.units import CM_PER_INCH, parse_length

INCH = CM_PER_INCH


def timeline(script: SessionScript) -> list[tuple[str, int, int, str | None, int | None]]:
    return [(s.kind, s.starts_at, s.seconds, s.leg, s.spot) for s in script.segments]


def test_a_default_receiver_gets_two_spots_per_leg_in_three_minutes() -> None:
    script = make_plan()  # no measurements: a 38 cm thigh, the technique's start dose of 3 min

    assert timeline(script) == [
        ("start", 0, 15, None, None),
        ("prepare", 15, 20, "left", None),
        ("prepare", 35, 15, "left", None),
        ("spot", 50, 120, "left", 1),
        ("spot", 170, 60, "left", 2),
        ("switch", 230, 20, "right", None),
        ("prepare", 250, 20, "right", None),
        ("prepare", 270, 15, "right", None),
        ("spot", 285, 120, "right", 1),
        ("spot", 405, 60, "right", 2),
        ("finish", 465, 10, None, None),
    ]
    assert script.total_seconds == 475
    # The pain rule opens the session and comes again before the second leg; the check-in 15 s into each leg.
    assert [(s.starts_at, t.kind, t.after) for s in script.segments for t in s.timed] == [
        (0, "pain_rule", 0),
        (50, "check_in", 15),
        (230, "pain_rule", 0),
        (285, "check_in", 15),
    ]
    assert script.cues.pain_rule is not None and script.cues.check_in is not None
    assert script.cues.pain_rule.say == (
        "Receiver: firm pressure is fine. Say at once if you feel sharp pain, pins and needles or numbness."
    )
    assert (script.rules.min_hold_seconds, script.rules.check_in_after_seconds) == (20, 15)
    assert (script.dose.thigh_spots, script.dose.thigh_limit_seconds) == (4, 480)
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
    assert script.total_seconds == 15 + 2 * (35 + 300) + 20 + 10


def test_a_short_thigh_on_the_bed_fills_its_two_safe_spots_at_the_most_it_can_take() -> None:
    script = make_plan("25 cm", 4, answers={"floor_difficulty": True})

    assert script.surface.id == "bed"
    assert script.screening.verdict == "adapt"
    left = script.legs[0]
    assert [(s.from_knee_cm, s.hold_seconds, s.last_safe) for s in left.spots] == [
        (15.04, 120, False),
        (12.5, 120, True),
    ]
    assert left.reserve == []
    assert (left.seconds, left.budget_seconds) == (240, 240)
    assert "With 4 min per leg, the spots reach the last safe spot, 12.5 cm from the knee." in script.explanation
    assert "Your thigh has room for 2 spots: 4 min per leg is the most this technique gives." in script.explanation
    assert script.segments[-2].cue.say.startswith("Lift and move once more. This is the last spot before the knee")


@pytest.mark.parametrize(
    ("thigh", "minutes", "sentence"),
    [
        (
            "60 cm",
            2,
            "With 2 min per leg, the spot is 32.5 cm from the knee. "
            "Spots that soften early leave time for up to 8 more, as close as 12.2 cm.",
        ),
        (
            "38 cm",
            5,
            "With 5 min per leg, the spots reach 16.5 cm from the knee. "
            "Spots that soften early leave time for 1 more spot, 13.9 cm from the knee.",
        ),
        ("25 cm", 4, "With 4 min per leg, the spots reach the last safe spot, 12.5 cm from the knee."),
    ],
)
def test_the_explanation_counts_in_words_that_agree(thigh: str, minutes: float, sentence: str) -> None:
    assert sentence in make_plan(thigh, minutes).explanation


def test_the_explanation_names_the_add_ons_and_the_safety_rules() -> None:
    lines = make_plan("38 cm", 3, add_ons=("calf", "lower_back"), comfortable_sessions=3).explanation
    assert (
        "Add-ons: hand compression on the calf (during every spot); "
        "hand compression on the lower back (1 min after each leg)."
    ) in lines
    assert (
        "Safety: at the start and before the second leg the receiver is told to say at once if anything hurts; "
        "15 s into each leg they are asked whether the pressure is all right."
    ) in lines
    assert any("softened in under 20 s needs a second press to confirm" in line for line in lines)
    assert make_plan("38 cm", 3, add_ons=("calf",), comfortable_sessions=3).explanation.count(
        "Add-on: hand compression on the calf (during every spot)."
    ) == 1


def test_add_on_cues_come_in_an_order_a_giver_can_follow() -> None:
    script = make_plan("38 cm", 3, add_ons=("lower_back",), comfortable_sessions=3)
    kinds = [(s.kind, s.cue.say) for s in script.segments if s.kind in ("spot", "add_on", "switch", "finish")]
    # Seated on the last spot -> lift off, kneel, press -> stand up and move to the next leg (to sit again).
    add_on = kinds.index(next(k for k in kinds if k[0] == "add_on"))
    assert kinds[add_on][1].startswith("Lift off, kneel beside the receiver, and press")
    assert kinds[add_on + 1] == ("switch", "Stand up slowly and move over to the right leg.")
    assert kinds[-1] == ("finish", "All done. Stand up slowly.")
    assert "Lift off" not in kinds[add_on + 1][1]
    without = make_plan("38 cm", 3)
    assert next(s for s in without.segments if s.kind == "switch").cue.say.startswith("That leg is done. Lift off")


def test_an_ask_first_answer_plans_nothing_until_the_user_confirms_a_go_ahead() -> None:
    with pytest.raises(AskFirstError) as waiting:
        make_plan(answers={"bones": True})
    assert waiting.value.screening.verdict == "ask_first"
    cleared = make_plan(answers={"bones": True, "nerves": True}, cleared=True)
    assert cleared.screening.cleared == ["bones", "nerves"]
    assert cleared.screening.verdict == "go"
    assert any("doctor or therapist has said this technique is fine" in line for line in cleared.explanation)
    with pytest.raises(StopError) as stopped:  # a stop stays a stop, cleared or not
        make_plan(answers={"bones": True, "blood_clots": True}, cleared=True)
    assert not isinstance(stopped.value, AskFirstError)


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
    fits = room(hamstring(), parse_length(length).cm)
    if minutes * 60 > fits.seconds + 1e-6:  # more than this thigh can fill: refused, naming the option
        with pytest.raises(PlanError, match=r"^--minutes-per-leg: .* too long for this receiver"):
            make_plan(length, minutes)
        return
    script = make_plan(length, minutes)
    assert not_as_validated(script) is None
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
        assert leg.seconds == sum(s.hold_seconds for s in leg.spots) == budget  # the spots fill the dose

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


@pytest.mark.parametrize("technique_id", built_in_ids())
def test_every_built_in_plan_is_what_validating_it_makes(technique_id: str) -> None:
    # The planner builds its script without validating it (start-up time): each field must hold exactly what
    # SessionScript would make of it, in every language, for every option and screening answer.
    technique = built_in(technique_id)
    options = planning_options(technique)
    planned = 0
    for language in technique.written_in:
        for given_options in options:
            for yes in [None, *(q.id for q in technique.questions)]:
                answers = {q.id: q.id == yes for q in technique.questions}
                chosen = PlanOptions(answers=answers, cleared=True, language=language, **given_options)  # type: ignore[arg-type]
                try:
                    script = plan(technique, chosen)
                except (PlanError, StopError):
                    continue
                planned += 1
                assert not_as_validated(script) is None, (language, given_options, yes)
    assert planned >= 20


def test_a_dose_just_under_a_maximum_that_is_not_whole_seconds_rounds_down_to_it() -> None:
    # Found by the property test: a maximum of 6.833333 min (409.99998 s) and 6.833166 minutes asked for
    # (409.99 s) rounded to 410 s, past the maximum, and the plan's own safety check refused it.
    technique = hamstring()
    maximum = 6.833333 * 60
    technique = technique.model_copy(update={"dose": technique.dose.model_copy(update={"maximum": maximum})})
    options = PlanOptions(thigh=parse_length("60 cm"), minutes_per_leg=6.833166333333333, answers=dict(ALL_NO))
    script = plan(technique, options)
    assert script.dose.seconds_per_leg == 409 < maximum
    assert not_as_validated(script) is None
