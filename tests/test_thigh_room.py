"""No technique file, plan or progression can ever ask for more time than the receiver's thigh can fill.

Every spot holds at most the first hold, so a side can use at most ``safe spots x first_hold.max``
(:func:`softspot.core.planner.room`). These tests vary the technique itself within what its model accepts,
the thigh within the technique's range, and the history of sessions.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from tests.helpers import ALL_NO, hamstring, make_plan

from softspot.core.limits import safety_problems
from softspot.core.loader import built_in_text
from softspot.core.planner import PlanError, PlanOptions, plan, room
from softspot.core.progress import SessionSummary, suggest
from softspot.core.record import Ratings
from softspot.core.technique import Technique
from softspot.core.units import Length


def test_the_reported_thighs_top_out_where_the_issue_says() -> None:
    t = hamstring()
    assert (room(t, 25).spots, room(t, 25).seconds) == (2, 240)
    assert (room(t, 38).spots, room(t, 38).seconds) == (4, 480)
    assert room(t, 60).seconds >= t.dose.maximum


def test_a_dose_longer_than_the_thigh_can_fill_is_refused_naming_the_option() -> None:
    with pytest.raises(PlanError) as caught:
        make_plan("25 cm", 10)
    assert caught.value.field == "--minutes-per-leg"
    assert str(caught.value) == (
        "--minutes-per-leg: 10 min is too long for this receiver (your thigh has room for 2 spots: 4 min per leg "
        "is the most this technique gives); choose 4 or less"
    )
    assert make_plan("25 cm", 4).dose.seconds_per_leg == 240


BUILT_IN: dict[str, Any] = yaml.safe_load(built_in_text("hands-free-hamstring"))


def technique_with(changes: dict[str, dict[str, Any]]) -> Technique:
    """The built-in technique file with some of its sections changed, validated like a file would be."""
    data = copy.deepcopy(BUILT_IN)
    for section, fields in changes.items():
        data[section] = {**data[section], **fields}
    return Technique.model_validate(data)


def seconds(n: float) -> str:
    return f"{n:g} s"


def cm(n: float) -> str:
    return f"{n:g} cm"


@st.composite
def technique_changes(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """Spots, dose and segment of a technique, anywhere the model might accept them."""
    first_hold = draw(st.integers(10, 300))
    min_hold = draw(st.integers(1, first_hold))
    beginner_min = draw(st.integers(30, 600))
    beginner_max = draw(st.integers(beginner_min, 900))
    start = draw(st.integers(beginner_min, beginner_max))
    maximum = draw(st.integers(max(beginner_max, first_hold), 1800))
    shortest = draw(st.floats(15, 50))
    longest = draw(st.floats(shortest, 80))
    changes = {
        "spots": {
            "first_above_centre": cm(draw(st.floats(0, 5))),
            "step": cm(draw(st.floats(0.5, 10))),
            "clearance": cm(draw(st.floats(0, 8))),
            "seat_length": cm(draw(st.floats(1, 15))),
            "first_hold": {"max": seconds(first_hold), "ends_on": "softened"},
            "min_hold": seconds(min_hold),
            "check_in_after": seconds(draw(st.integers(1, first_hold - 1)) if first_hold > 1 else 0.5),
        },
        "dose": {
            "beginner_min": seconds(beginner_min),
            "beginner_max": seconds(beginner_max),
            "start": seconds(start),
            "grow_by": seconds(draw(st.integers(10, 120))),
            "grow_after": draw(st.integers(1, 4)),
            "maximum": seconds(maximum),
        },
        "segment": {
            "min_length": cm(shortest),
            "default_length": cm(draw(st.floats(shortest, longest))),
            "max_length": cm(longest),
        },
    }
    return changes


OUTCOMES = st.sampled_from(["comfortable", "rose", "discomfort", "out_of_time"])


TENSE = Ratings(left=6, right=5, back=4)
EASIER = Ratings(left=3, right=3, back=2)


def history_of(spec: list[tuple[str, int]], thigh: float) -> list[SessionSummary]:
    """Sessions at the given doses: comfortable, tension rose, or stopped (for discomfort or out of time)."""
    return [
        SessionSummary(
            key=f"s{n}",
            started_at=datetime(2026, 11, 2, 19, 30, tzinfo=UTC) + timedelta(days=n),
            seconds_per_leg=dose,
            active_seconds=600,
            before=EASIER if kind == "rose" else TENSE,
            after=None if kind in {"discomfort", "out_of_time"} else EASIER if kind == "comfortable" else TENSE,
            ended_early=kind in {"discomfort", "out_of_time"},
            stop_reason=kind if kind in {"discomfort", "out_of_time"} else None,
            thigh_cm=thigh,
        )
        for n, (kind, dose) in enumerate(spec)
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(
    changes=technique_changes(),
    where=st.floats(0, 1),
    spec=st.lists(st.tuples(OUTCOMES, st.integers(1, 3600)), max_size=12),
    asked=st.floats(0.1, 40),
)
def test_no_technique_plan_or_progression_asks_for_more_than_the_thigh_can_fill(
    changes: dict[str, dict[str, Any]], where: float, spec: list[tuple[str, int]], asked: float
) -> None:
    try:
        technique = technique_with(changes)
    except ValidationError:
        assume(False)
        raise
    assume(not safety_problems(technique))  # a technique that passes `technique check`
    seg = technique.segment
    thigh = seg.min_length + where * (seg.max_length - seg.min_length)
    fits = room(technique, thigh)
    assert fits.spots >= 1  # the safety limits guarantee a safe spot on the shortest segment it plans for

    def planned(minutes: float | None) -> int:
        script = plan(technique, PlanOptions(thigh=Length(thigh, "cm"), minutes_per_leg=minutes, answers=ALL_NO))
        for leg in script.legs:
            assert leg.budget_seconds <= fits.seconds
            assert leg.seconds == leg.budget_seconds  # the planned spots fill the dose: no leg ends early
        return script.dose.seconds_per_leg

    history = history_of(spec, thigh)
    if history:  # without today's thigh, the suggestion goes by the thigh of the last session
        assert suggest(technique, history).seconds_per_leg <= fits.seconds
    suggestion = suggest(technique, history, thigh)
    assert suggestion.seconds_per_leg <= fits.seconds
    assert suggestion.limit_seconds == fits.seconds
    assert planned(suggestion.seconds_per_leg / 60) == suggestion.seconds_per_leg
    assert planned(None) <= fits.seconds  # the technique's start dose, capped
    dose = technique.dose
    shortest, longest = min(dose.beginner_min, fits.seconds), min(dose.maximum, fits.seconds)
    if not shortest - 1e-6 <= asked * 60 <= longest + 1e-6:
        with pytest.raises(PlanError) as refused:
            planned(asked)
        assert refused.value.field == "--minutes-per-leg"
    else:
        assert planned(asked) <= fits.seconds
