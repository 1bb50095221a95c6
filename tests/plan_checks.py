"""The safety rules every plan keeps, checked from the outside (not with the planner's own check).

Shared by the property test and the fuzz test: ``rules_broken`` lists every rule a plan breaks.
"""

from __future__ import annotations

import itertools
import warnings

from pydantic import BaseModel, ValidationError

from softspot.core.script import SessionScript
from softspot.core.technique import Technique

INCH = 2.54
# Plans round distances to 0.001 cm and the thigh to 0.1 cm.
SLACK = 0.06


def rules_broken(technique: Technique, script: SessionScript) -> list[str]:
    """Every safety rule ``script`` breaks; empty for a safe plan (and one that is not what the model makes)."""
    broken: list[str] = []
    problem = not_as_validated(script)
    if problem:
        broken.append(problem)
    spots, dose = technique.spots, technique.dose
    half_seat = spots.seat_length / 2
    thigh = script.person.thigh_cm
    budget = script.dose.seconds_per_leg
    first_hold = script.rules.first_hold_max_seconds

    if not technique.segment.min_length - SLACK <= thigh <= technique.segment.max_length + SLACK:
        broken.append(f"a thigh of {thigh} cm is outside the technique's lengths")
    # No dose outgrows the thigh: a leg can hold at most (its safe spots x the first hold).
    most = min(dose.maximum, len([*script.legs[0].spots, *script.legs[0].reserve]) * round(spots.first_hold.max))
    if not min(dose.beginner_min, most) - 1 <= budget <= most + 1:
        broken.append(f"{budget} s a leg is outside the technique's dose or more than the thigh can fill")
    if not 10 <= first_hold <= 300 or first_hold != round(min(spots.first_hold.max, budget)):
        broken.append(f"the first hold is {first_hold} s")
    for leg in script.legs:
        every = [*leg.spots, *leg.reserve]
        if not leg.spots:
            broken.append(f"no spot on the {leg.name} leg")
        for spot in every:
            edge = spot.from_knee_cm - half_seat
            if edge < spots.clearance - SLACK or edge < INCH - SLACK:
                broken.append(f"spot {spot.index}'s seat is {edge:.2f} cm from the joint")
            if spot.from_knee_cm + half_seat > thigh + SLACK:
                broken.append(f"spot {spot.index}'s seat reaches past the end of a {thigh} cm thigh")
        for far, near in itertools.pairwise(every):
            if not 0 < far.from_knee_cm - near.from_knee_cm <= spots.step + 0.002:
                broken.append(f"spot {near.index} is not one step closer to the joint than spot {far.index}")
        if leg.spots and leg.spots[0].hold_seconds != first_hold:
            broken.append(f"the first spot holds {leg.spots[0].hold_seconds} s, not {first_hold} s")
        if any(not 0 < s.hold_seconds <= first_hold for s in leg.spots):
            broken.append("a hold is longer than the first or not positive")
        if leg.seconds != sum(s.hold_seconds for s in leg.spots) or leg.seconds > budget:
            broken.append(f"the {leg.name} leg takes {leg.seconds} s of a {budget} s dose")
    first = script.legs[0]
    for leg in script.legs[1:]:
        if [s.from_knee_cm for s in leg.spots] != [s.from_knee_cm for s in first.spots] or leg.seconds != first.seconds:
            broken.append("the legs differ")
    clock = 0
    for segment in script.segments:
        if segment.starts_at != clock or segment.seconds < 0:
            broken.append(f"the timeline has a gap at {clock} s")
            break
        clock += segment.seconds
    if clock != script.total_seconds:
        broken.append("the timeline's length is not the total")
    return broken


def not_as_validated(script: SessionScript) -> str | None:
    """Where ``script`` differs from the same data validated by :class:`SessionScript`, or ``None``.

    The planner builds its script without validating it (``model_construct``, for start-up time): every field
    must hold what validation would have made of it, with the same types (an ``int`` field no ``float``).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a serializer meeting a value of the wrong type warns
        try:
            dumped = script.model_dump()
            validated = SessionScript.model_validate(dumped)
            as_json = script.model_dump_json()
        except (ValidationError, UserWarning) as exc:
            return f"the script is not valid: {exc}"
    if as_json != validated.model_dump_json():
        return "the script's JSON differs from its validated JSON"
    return _difference(script, validated, "script")


def _difference(made: object, validated: object, where: str) -> str | None:
    if type(made) is not type(validated):
        return f"{where} is a {type(made).__name__}, validated a {type(validated).__name__}"
    if isinstance(made, BaseModel):
        assert isinstance(validated, BaseModel)
        for name in type(made).model_fields:
            found = _difference(getattr(made, name), getattr(validated, name), f"{where}.{name}")
            if found:
                return found
        return None
    if isinstance(made, (list, tuple)):
        assert isinstance(validated, (list, tuple))
        if len(made) != len(validated):
            return f"{where} has {len(made)} items, validated {len(validated)}"
        for n, (a, b) in enumerate(zip(made, validated, strict=True)):
            found = _difference(a, b, f"{where}[{n}]")
            if found:
                return found
        return None
    if isinstance(made, dict):
        assert isinstance(validated, dict)
        if list(made) != list(validated):
            return f"{where} has keys {list(made)}, validated {list(validated)}"
        for key in made:
            found = _difference(made[key], validated[key], f"{where}[{key!r}]")
            if found:
                return found
        return None
    return None if made == validated else f"{where} is {made!r}, validated {validated!r}"


def planning_options(technique: Technique) -> list[dict[str, object]]:
    """Options to plan a technique with: none, a thigh, a height, a dose, and every add-on, leg and position."""
    from softspot.core.units import parse_length

    return [
        {},
        {"thigh": parse_length("40 cm")},
        {"thigh": parse_length("17 in"), "minutes_per_leg": 2},
        {"height": parse_length("170 cm")},
        {"height": parse_length("66 in"), "minutes_per_leg": 3.5},
        {
            "add_ons": tuple(a.id for a in technique.add_ons),
            "comfortable_sessions": 99,
            "start_leg": technique.sides[-1].id,
            "position": technique.positions[-1].id,
        },
    ]
