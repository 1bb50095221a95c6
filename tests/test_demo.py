"""The demonstration and the drawings show the technique as planned: spots where the planner puts them, never
in the no-sit zone, the giver facing away, the straddling knees off the other leg (issue 8, items 7 and 8)."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest

from softspot.core.loader import built_in
from softspot.core.planner import PlanOptions, plan
from softspot.web import demo

SVG = "{http://www.w3.org/2000/svg}"


def drawing(name: str) -> str:
    """A drawing as the site serves it in English (``/illustration/en/NAME``: its labels in the page's language)."""
    from softspot.web.views.technique import _illustration

    return _illustration("en", name).decode()
TECHNIQUE = built_in("hands-free-hamstring")
EXAMPLE = plan(TECHNIQUE, PlanOptions(answers={q.id: False for q in TECHNIQUE.questions}))
FRAMES = demo.demonstration(TECHNIQUE, EXAMPLE)
SCALE = (demo.KNEE_Y - demo.HIP_Y) / EXAMPLE.person.thigh_cm


def test_every_seat_is_on_a_safe_spot_of_the_plan_and_never_in_the_no_sit_zone() -> None:
    for leg in EXAMPLE.legs:
        safe = {round(demo.KNEE_Y - s.from_knee_cm * SCALE, 1) for s in (*leg.spots, *leg.reserve)}
        seated = [f for f in FRAMES if f.pose in {"sit", "straddle"} and f.leg == leg.leg]
        assert seated, leg.leg
        assert {f.y for f in seated} <= safe
        for f in seated:
            near_edge_cm = (demo.KNEE_Y - f.y) / SCALE - TECHNIQUE.spots.seat_length / 2
            assert near_edge_cm >= TECHNIQUE.spots.clearance - 1e-6
            assert f.x == demo.LEG_X[leg.leg]  # on the leg, not beside it


def test_the_giver_moves_toward_the_knee_an_inch_at_a_time_and_ends_on_the_last_safe_spot() -> None:
    first = EXAMPLE.legs[0]
    ys = [f.y for f in FRAMES if f.pose == "sit" and f.leg == first.leg]
    steps = sorted({round(b - a, 1) for a, b in pairwise(ys) if b != a})
    assert steps == [round(EXAMPLE.rules.step_cm * SCALE, 1)]  # never a bigger jump, never back toward the hip
    last = [*first.spots, *first.reserve][-1]
    assert max(ys) == round(demo.KNEE_Y - last.from_knee_cm * SCALE, 1)


def test_sitting_sideways_faces_away_from_the_receiver_and_kneeling_faces_the_leg() -> None:
    middle = sum(demo.LEG_X.values()) / 2
    for f in FRAMES:
        outward = -1 if demo.LEG_X[f.leg] < middle else 1
        facing_x = -math.sin(math.radians(f.turn))  # the giver is drawn facing (0, 1): turned, (-sin, cos)
        if f.pose == "sit":
            assert facing_x == pytest.approx(outward), f.caption
        if f.pose == "kneel":
            assert facing_x == pytest.approx(-outward), f.caption
            assert abs(f.x - demo.LEG_X[f.leg]) == demo.KNEEL_GAP


def test_the_straddling_giver_kneels_in_the_gap_never_on_the_other_leg() -> None:
    gap = (max(demo.LEG_X.values()) - min(demo.LEG_X.values())) / 2
    for f in (f for f in FRAMES if f.pose == "straddle"):
        for side in (-1, 1):
            knee_x = f.x + side * gap
            other_legs = [x for leg, x in demo.LEG_X.items() if leg != f.leg]
            assert all(abs(knee_x - x) >= demo.LEG_HALF + 7 for x in other_legs)  # knee radius 7
            assert abs(knee_x - f.x) >= demo.LEG_HALF + 7


def test_the_stills_cover_each_kind_of_step_and_every_caption_can_be_read() -> None:
    built = demo.build(TECHNIQUE, EXAMPLE)
    kinds = {(f.pose, f.ring, f.zone, bool(f.lift), bool(f.sweep)) for _, f, _ in built.stills}
    assert ("kneel", False, False, False, True) in kinds  # palpating
    assert any(k[0] == "straddle" for k in kinds)
    assert any(k[2] for k in kinds)  # the no-sit zone pointed out
    assert all(f.seconds >= 3 for f in FRAMES)
    assert [f for f in FRAMES if f.adds] and all("other leg" in f.caption for f in FRAMES if f.adds)


def test_the_straddle_drawing_keeps_both_knees_off_the_receivers_legs() -> None:
    root = ET.fromstring(drawing("straddle.svg"))
    legs = [
        (float(r.get("x", 0)), float(r.get("x", 0)) + float(r.get("width", 0)))
        for r in root.iter(f"{SVG}rect")
        if r.get("height") == "160"
    ]
    knees = [(float(c.get("cx", 0)), float(c.get("r", 0))) for c in root.iter(f"{SVG}circle") if c.get("r") == "8"]
    assert len(legs) == 2 and len(knees) == 2
    for cx, r in knees:
        assert all(cx + r <= left or cx - r >= right for left, right in legs), (cx, legs)
    between = sorted(legs)
    assert any(between[0][1] < cx < between[1][0] for cx, _ in knees), "the inner knee is in the gap"


@pytest.mark.parametrize("name", ["giver-sideways.svg", "bed.svg"])
def test_the_sitting_drawings_say_facing_away_from_the_receiver(name: str) -> None:
    title = ET.fromstring(drawing(name)).find(f"{SVG}title")
    assert title is not None and "facing away from the receiver" in (title.text or "")
