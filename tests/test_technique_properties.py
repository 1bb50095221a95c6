"""Properties over generated technique files: whatever passes `technique check` plans safely and quickly for
any allowed person and dose; whatever does not pass gets clear one-line problems, never a traceback.

Techniques are made by changing the built-in technique's data: within the safety limits by construction,
near and beyond them, and with random structure put in random places.
"""

from __future__ import annotations

import copy
import re
import time
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from tests.helpers import ENGLISH_SOURCE
from tests.plan_checks import rules_broken

from softspot.core.loader import TechniqueError, parse_technique
from softspot.core.planner import MAX_HEIGHT_CM, MIN_HEIGHT_CM, PlanOptions, plan, room, thigh_length
from softspot.core.screening import screen
from softspot.core.technique import CUE_FIELDS, Technique
from softspot.core.units import parse_length

BASE: dict[str, Any] = yaml.safe_load(ENGLISH_SOURCE)
ONE_LINE = re.compile(r"[^\n]+:\d+:\d+: [^\x00-\x1f\x7f-\x9f\u2028\u2029]+")
PLAN_SECONDS = 0.1  # the bound: a plan in under 100 ms
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def seconds_text(seconds: float, unit: str) -> str:
    return f"{seconds / 60:.6f} min" if unit == "min" else f"{seconds:.4f} s"


def cm_text(cm: float, unit: str) -> str:
    factor = {"cm": 1.0, "mm": 0.1, "in": 2.54, "m": 100.0}[unit]
    return f"{cm / factor:.6f} {unit}"


time_units = st.sampled_from(["s", "min"])
length_units = st.sampled_from(["cm", "mm", "in", "m"])


def within(low: float, high: float) -> st.SearchStrategy[float]:
    """A value inside [low, high], kept clear of the ends so writing it with a unit cannot cross them."""
    if high - low < 0.03:
        return st.just((low + high) / 2)
    return st.floats(min_value=low + 0.01, max_value=high - 0.01)


def templates() -> st.SearchStrategy[str]:
    """A cue template using only plain, known fields."""
    word = st.sampled_from(["Move", "to", "the", "spot", "now", "gently", "·", "and", "sit"])
    field = st.sampled_from(sorted(CUE_FIELDS)).map(lambda name: "{" + name + "}")
    return st.lists(st.one_of(word, field), min_size=1, max_size=8).map(" ".join)


@st.composite
def safe_techniques(draw: st.DrawFn) -> dict[str, Any]:
    """The built-in technique's data with every limit and rule kept by construction."""
    data = copy.deepcopy(BASE)
    lu = lambda: draw(length_units)  # noqa: E731
    tu = lambda: draw(time_units)  # noqa: E731

    shortest = draw(within(10.2, 100))
    longest = draw(within(shortest, 100))
    usual = draw(within(shortest, longest))
    seat = draw(within(5, min(30, shortest - 5.1)))
    above = draw(within(0, min(20, (shortest - seat) / 2)))
    clearance = draw(within(2.54, min(20, shortest / 2 + above - seat / 2)))
    step = draw(within(1, min(15, seat)))
    data["segment"].update(
        min_length=cm_text(shortest, lu()),
        default_length=cm_text(usual, lu()),
        max_length=cm_text(longest, lu()),
        length_per_height=draw(st.floats(min_value=0.05, max_value=0.95)),
    )
    data["spots"].update(
        first_above_centre=cm_text(above, lu()),
        step=cm_text(step, lu()),
        clearance=cm_text(clearance, lu()),
        seat_length=cm_text(seat, lu()),
    )
    # Whole seconds, at least one apart, so writing them in minutes cannot change their order.
    doses = sorted(draw(st.lists(st.integers(60, 1200), min_size=4, max_size=4, unique=True)))
    data["dose"].update(
        beginner_min=seconds_text(doses[0], tu()),
        start=seconds_text(doses[1], tu()),
        beginner_max=seconds_text(doses[2], tu()),
        maximum=seconds_text(doses[3], tu()),
        grow_by=seconds_text(draw(within(10, 300)), tu()),
        grow_after=draw(st.integers(1, 10)),
    )
    first_hold = draw(within(10, min(300, doses[3])))
    data["spots"]["first_hold"]["max"] = seconds_text(first_hold, tu())
    data["spots"]["min_hold"] = seconds_text(draw(within(5, first_hold)), "s")
    data["spots"]["check_in_after"] = seconds_text(draw(within(5, first_hold - 0.05)), "s")
    data["extend_by"] = seconds_text(draw(within(5, 120)), tu())
    data["switch_time"] = seconds_text(draw(within(5, 300)), tu())
    data["start_time"] = seconds_text(draw(within(1, 120)), tu())
    data["finish_time"] = seconds_text(draw(within(1, 120)), tu())
    data["sides"] = data["sides"][: draw(st.integers(1, 2))]
    for step_data in data["preparation"]:
        step_data["time"] = seconds_text(draw(within(1, 600)), tu())
    for add_on in data["add_ons"]:
        if "time" in add_on:
            add_on["time"] = seconds_text(draw(within(10, 600)), tu())
    questions = data["questions"]
    stops = [q for q in questions if q["if_yes"]["action"] != "adapt"]
    adapts = [q for q in questions if q["if_yes"]["action"] == "adapt"]
    kept = draw(st.lists(st.sampled_from(range(len(stops))), min_size=1, max_size=len(stops), unique=True))
    data["questions"] = [stops[i] for i in kept] + (adapts if draw(st.booleans()) else [])
    cue_names = sorted(name for name, cue in data["cues"].items() if isinstance(cue, dict))
    for name in draw(st.lists(st.sampled_from(cue_names), max_size=4, unique=True)):
        said = {} if "say" not in data["cues"][name] else {"say": draw(templates())}
        data["cues"][name] = {"show": draw(templates()), **said}
    return data


def near_or_beyond(low: float, high: float) -> st.SearchStrategy[float]:
    return st.one_of(
        within(low, high),
        st.sampled_from([0.0, 1e-7, low * 0.99, high * 1.01, high * 2, 1e6, 1e300]),
        st.floats(min_value=0, max_value=high * 3),
    )


@st.composite
def edgy_techniques(draw: st.DrawFn) -> dict[str, Any]:
    """Like :func:`safe_techniques`, but with values near and beyond the limits and the rules not kept."""
    data = draw(safe_techniques())
    lu = lambda: draw(length_units)  # noqa: E731
    tu = lambda: draw(time_units)  # noqa: E731
    distances = {
        ("spots", "first_above_centre"): (0, 20),
        ("spots", "step"): (1, 15),
        ("spots", "clearance"): (2.54, 20),
        ("spots", "seat_length"): (5, 30),
        ("segment", "min_length"): (10, 100),
        ("segment", "default_length"): (10, 100),
        ("segment", "max_length"): (10, 100),
    }
    times = {
        ("dose", "beginner_min"): (60, 1200),
        ("dose", "start"): (60, 1200),
        ("dose", "beginner_max"): (60, 1200),
        ("dose", "maximum"): (60, 1200),
        ("dose", "grow_by"): (10, 300),
    }
    for (part, key), (low, high) in draw(st.lists(st.sampled_from(list(distances.items())), max_size=3)):
        data[part][key] = cm_text(draw(near_or_beyond(low, high)), lu())
    for (part, key), (low, high) in draw(st.lists(st.sampled_from(list(times.items())), max_size=3)):
        data[part][key] = seconds_text(draw(near_or_beyond(low, high)), tu())
    if draw(st.booleans()):
        data["spots"]["first_hold"]["max"] = seconds_text(draw(near_or_beyond(10, 300)), tu())
    if draw(st.booleans()):
        question = draw(st.sampled_from(data["questions"]))
        question["if_yes"] = {"action": "adapt", "reason": "Use the bed.", "use_surface": "bed"}
    if draw(st.booleans()):
        name = draw(st.sampled_from(sorted(data["cues"])))
        field = draw(st.sampled_from(sorted(CUE_FIELDS)))
        bad = draw(st.sampled_from(["{%s:d}", "{%s!r}", "{%s.x}", "{%s[0]}", "{%s:>999999}", "{", "%s}", "{}"]))
        data["cues"][name]["show"] = "Here " + (bad % field if "%s" in bad else bad)
    return data


def check_each_problem_is_one_line(error: TechniqueError) -> None:
    assert error.problems
    for problem in error.problems:
        assert ONE_LINE.fullmatch(str(problem)), repr(str(problem))


@st.composite
def people(draw: st.DrawFn, technique: Technique) -> PlanOptions:
    """Anyone the technique allows: a thigh in its range (cm or in), a height, or neither; a dose in its range."""
    seg, dose = technique.segment, technique.dose
    unit = draw(st.sampled_from(["cm", "in"]))
    thigh = height = None
    measure = draw(st.sampled_from(["thigh", "height", "none"]))
    if measure == "thigh":
        cm = draw(within(seg.min_length, seg.max_length))
        thigh = parse_length(f"{cm / 2.54:.4f} in" if unit == "in" else f"{cm:.4f} cm")
    elif measure == "height":
        cm = draw(within(MIN_HEIGHT_CM, MAX_HEIGHT_CM))
        height = parse_length(f"{cm / 2.54:.4f} in" if unit == "in" else f"{cm:.4f} cm")
    # The dose may go as high as the technique's maximum, or as far as this thigh can fill with safe spots.
    length, _ = thigh_length(technique, PlanOptions(thigh=thigh, height=height))
    most = min(dose.maximum, room(technique, length).seconds)
    least = min(dose.beginner_min, most)
    minutes = draw(st.one_of(st.none(), within(least, most).map(lambda s: s / 60)))
    answers = {q.id: False for q in technique.questions}
    for q in technique.questions:
        if q.if_yes.action == "adapt":
            answers[q.id] = draw(st.booleans())
    sides = [s.id for s in technique.sides]
    return PlanOptions(
        thigh=thigh,
        height=height,
        minutes_per_leg=minutes,
        start_leg=draw(st.sampled_from(sides)),
        answers=answers,
        unit=unit if measure == "none" else None,  # type: ignore[arg-type]
    )


def plans_safely_and_quickly(technique: Technique, options: PlanOptions) -> None:
    assert screen(technique, options.answers).verdict != "stop"
    timings = []
    for _ in range(3):  # the best of three, so a busy machine does not fail the test
        started = time.perf_counter()
        script = plan(technique, options)
        timings.append(time.perf_counter() - started)
    assert min(timings) < PLAN_SECONDS, f"planning took {min(timings) * 1000:.0f} ms"
    assert rules_broken(technique, script) == []


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=2000)


@settings(SETTINGS, max_examples=100)
@given(data=safe_techniques(), choose=st.data())
def test_a_technique_within_every_limit_passes_check_and_plans_safely_for_anyone_allowed(
    data: dict[str, Any], choose: st.DataObject
) -> None:
    technique = parse_technique(dump(data), "safe.yaml")

    for _ in range(3):
        plans_safely_and_quickly(technique, choose.draw(people(technique)))


@SETTINGS
@given(data=edgy_techniques(), choose=st.data())
def test_a_technique_near_or_beyond_the_limits_either_fails_check_clearly_or_plans_safely(
    data: dict[str, Any], choose: st.DataObject
) -> None:
    try:
        technique = parse_technique(dump(data), "edgy.yaml")
    except TechniqueError as error:
        event("refused by check")
        check_each_problem_is_one_line(error)
        return
    event("passed check")
    for _ in range(3):
        plans_safely_and_quickly(technique, choose.draw(people(technique)))


def paths(data: Any, here: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every path to a value in the technique's data."""
    found = [here] if here else []
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(paths(value, (*here, key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found.extend(paths(value, (*here, i)))
    return found


PATHS = paths(BASE)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["2 min", "1 in", "0 cm", "9" * 400 + " cm", "{side:d}", "stop", "adapt", "ask_first"]),
)
structure = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)


@SETTINGS
@given(changes=st.lists(st.tuples(st.sampled_from(PATHS), structure), min_size=1, max_size=3), choose=st.data())
def test_random_structure_anywhere_in_a_technique_never_crashes_check_or_the_planner(
    changes: list[tuple[tuple[str | int, ...], Any]], choose: st.DataObject
) -> None:
    data = copy.deepcopy(BASE)
    for path, value in changes:
        target: Any = data
        for part in path[:-1]:
            if isinstance(target, list) and not (isinstance(part, int) and part < len(target)):
                break
            if not isinstance(target, (dict, list)) or (isinstance(target, dict) and part not in target):
                break
            target = target[part]  # type: ignore[index]
        else:
            last = path[-1]
            if isinstance(target, dict) or (isinstance(target, list) and isinstance(last, int) and last < len(target)):
                target[last] = value  # type: ignore[index]
    try:
        technique = parse_technique(dump(data), "random.yaml")
    except TechniqueError as error:
        event("refused by check")
        check_each_problem_is_one_line(error)
        return
    event("passed check")
    plans_safely_and_quickly(technique, choose.draw(people(technique)))
