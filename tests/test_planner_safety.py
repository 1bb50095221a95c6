"""Defence in depth: the planner refuses a technique that breaks a safety limit however it was built,
refuses a plan that would break a safety rule, and stays bounded whatever it is given."""

from __future__ import annotations

from typing import Any

import pytest
from tests.helpers import ALL_NO, hamstring, make_plan

from softspot.core import planner
from softspot.core.limits import safety_problems
from softspot.core.planner import MAX_SPOTS, PlanError, PlanOptions, UnsafeTechniqueError, plan, safe_spots
from softspot.core.script import ScriptLeg, ScriptSpot, SessionScript
from softspot.core.technique import Answer, Technique
from softspot.core.units import Length


def changed(**parts: dict[str, Any]) -> Technique:
    """The built-in technique with some parts changed, built without the loader (no validation at all)."""
    technique = hamstring()
    update = {name: getattr(technique, name).model_copy(update=fields) for name, fields in parts.items()}
    return technique.model_copy(update=update)


def heart_condition_adapted() -> Technique:
    technique = hamstring()
    heart = technique.questions[0]
    adapt = Answer.model_construct(action="adapt", reason="Lie on the bed.", use_surface="bed", omit_add_ons=())
    return technique.model_copy(
        update={"questions": (heart.model_copy(update={"if_yes": adapt}), *technique.questions[1:])}
    )


def only_adapting_questions() -> Technique:
    technique = hamstring()
    adapting = tuple(q for q in technique.questions if q.if_yes.action == "adapt")
    return technique.model_copy(update={"questions": adapting})


def with_cue(**cue: str) -> Technique:
    technique = hamstring()
    first = technique.cues.first_spot.model_copy(update=cue)
    return technique.model_copy(update={"cues": technique.cues.model_copy(update={"first_spot": first})})


UNSAFE: dict[str, tuple[Technique, str]] = {
    "no clearance": (changed(spots={"clearance": 0.0}), "spots.clearance: 0 cm (0.0 in) is too small"),
    "an hour's hold": (
        changed(spots={"first_hold": hamstring().spots.first_hold.model_copy(update={"max": 3600.0})}),
        "spots.first_hold.max: 60 min is too long",
    ),
    "a ten-inch step": (changed(spots={"step": 25.4}), "spots.step: 25.4 cm (10.0 in) is too large"),
    "a step of 0.0001 mm": (changed(spots={"step": 0.00001}), "spots.step: 0.0001 mm is too small"),
    "a step longer than the seat": (
        changed(spots={"step": 14.0}),
        "spots.step: 14 cm (5.5 in) is longer than the seat",
    ),
    "an infinite thigh": (changed(segment={"max_length": float("inf")}), "segment.max_length: a body segment's length"),
    "a thigh of 400 nines": (changed(segment={"max_length": float("9" * 400)}), "segment.max_length:"),
    "a dose that is not a number": (changed(dose={"maximum": float("nan")}), "dose.maximum: the time per side must"),
    "a dose of two hours": (changed(dose={"maximum": 7200.0}), "dose.maximum: 120 min is too long"),
    "a heart condition adapted": (heart_condition_adapted(), "questions[0].if_yes: this question asks about a heart"),
    "no contraindication question": (only_adapting_questions(), "questions: no question stops the session"),
    "a number format in a cue": (with_cue(say="On the {side:d} leg."), "cues.first_spot: the cue writes '{side}'"),
    "a huge width in a cue": (with_cue(show="{time:>999999999}"), "cues.first_spot: the cue writes '{time}'"),
    "attribute access in a cue": (
        with_cue(show="{side.__class__}"),
        "cues.first_spot: the cue uses '{side.__class__}'",
    ),
}


@pytest.mark.parametrize("name", UNSAFE)
def test_the_planner_refuses_a_technique_that_breaks_a_safety_limit_however_it_was_built(name: str) -> None:
    technique, message = UNSAFE[name]  # built with model_copy: no validator has run

    with pytest.raises(UnsafeTechniqueError) as caught:
        plan(technique, PlanOptions(answers=dict(ALL_NO)))

    assert caught.value.field == "technique"
    assert str(caught.value).startswith("technique: it breaks a safety limit, so no plan is made: " + message)


def test_the_built_in_technique_keeps_every_safety_limit() -> None:
    assert safety_problems(hamstring()) == []


def test_a_plan_that_would_put_the_seat_within_the_clearance_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # As if the planner had a bug: one more spot, an inch closer to the knee than the last safe one.
    real = planner.safe_spots
    monkeypatch.setattr(planner, "safe_spots", lambda t, length: [*real(t, length), real(t, length)[-1] - 2.54])

    with pytest.raises(UnsafeTechniqueError) as caught:
        make_plan("38 cm", 10)

    assert str(caught.value) == (
        "technique: the plan would break a safety rule, so it is not made: "
        "spot 5's seat comes within 5.08 cm of the knee"
    )


def tampered(change: str) -> SessionScript:
    """A good plan (38 cm thigh, 3 min a leg) with one thing changed after the planner made it."""
    script = make_plan("38 cm", 3)
    left, right = script.legs
    first, second = left.spots

    def leg_with(*spots: ScriptSpot, **more: object) -> ScriptLeg:
        return left.model_copy(update={"spots": list(spots), **more})

    if change == "a seat within the clearance":
        too_close = second.model_copy(update={"from_knee_cm": 10.0, "seat_edge_from_knee_cm": 3.65})
        legs = [leg_with(first, too_close), right]
    elif change == "a seat past the hip":
        far = first.model_copy(update={"from_knee_cm": 35.0})
        legs = [leg_with(far, second), right]
    elif change == "a hold longer than the first":
        long = second.model_copy(update={"hold_seconds": 121})
        legs = [leg_with(first, long, seconds=241), right]
    elif change == "a leg over its dose":
        legs = [leg_with(first, second, seconds=181), right]
    elif change == "two different legs":
        shorter = second.model_copy(update={"hold_seconds": 59})
        legs = [left, right.model_copy(update={"spots": [first, shorter], "seconds": 179})]
    elif change == "a step of two inches":
        legs = [leg_with(first, second.model_copy(update={"from_knee_cm": first.from_knee_cm - 5.08})), right]
    else:
        segments = [*script.segments]
        segments[3] = segments[3].model_copy(update={"starts_at": segments[3].starts_at + 1})
        return script.model_copy(update={"segments": segments})
    return script.model_copy(update={"legs": legs})


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ("a seat within the clearance", "spot 2's seat comes within 5.08 cm of the knee"),
        ("a seat past the hip", "spot 1's seat reaches past the end of the thigh"),
        ("a hold longer than the first", "a hold is longer than the first spot's"),
        ("a leg over its dose", "the left side's time is more than its dose"),
        ("two different legs", "the sides differ"),
        ("a step of two inches", "spot 2 does not move toward the knee by at most one step"),
        ("a gap in the timeline", "the timeline has a gap"),
    ],
)
def test_the_last_check_finds_each_broken_rule_in_a_finished_plan(change: str, rule: str) -> None:
    assert planner.rules_broken(hamstring(), make_plan("38 cm", 3), 38.0) is None
    assert planner.rules_broken(hamstring(), tampered(change), 38.0) == rule


@pytest.mark.parametrize(
    ("person", "message"),
    [
        # Typed as text, such a length is refused by parse_length already (tests/test_units.py); a Length
        # built some other way, of no real size, is refused by the planner too.
        ({"thigh": None, "height": Length(float("9" * 400), "in")}, "--height: that height is outside 120 to 220 cm"),
        ({"minutes": float("nan")}, "--minutes-per-leg: nan is outside 2 to 10 minutes per leg"),
        ({"minutes": float("inf")}, "--minutes-per-leg: inf is outside 2 to 10 minutes per leg"),
    ],
)
def test_a_person_or_dose_of_no_real_size_is_refused_with_a_sentence(person: dict[str, Any], message: str) -> None:
    with pytest.raises(PlanError) as caught:
        make_plan(**person)
    assert str(caught.value).startswith(message)


def test_safe_spots_are_capped_whatever_the_technique_says() -> None:
    tiny_step = changed(spots={"step": 0.00001})
    no_step = changed(spots={"step": 0.0})
    nan_step = changed(spots={"step": float("nan")})

    assert len(safe_spots(tiny_step, 60.0)) == MAX_SPOTS
    assert safe_spots(no_step, 60.0) == []
    assert safe_spots(nan_step, 60.0) == []
    assert safe_spots(changed(spots={"clearance": float("inf")}), 60.0) == []


def test_a_cue_is_filled_with_plain_fields_only_even_if_its_template_was_never_checked() -> None:
    from softspot.core.limits import fill_template

    assert fill_template("On the {side} leg, {side:>999999999}{side!r}{side.x}{nope}", {"side": "left"}) == (
        "On the left leg, leftleft"
    )
    assert fill_template("A lone { brace", {}) == "A lone { brace"
