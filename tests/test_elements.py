"""Every element F1-F25 of the product brief is present in the built-in technique.

Each element is checked on the validated technique (the value, not just a word)
and must be tagged ``# Fn`` in the YAML file next to where it lives.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from tests.helpers import hamstring, make_plan

from softspot.core.loader import built_in_text
from softspot.core.technique import Technique, source_of, statements
from softspot.core.units import CM_PER_INCH

Check = Callable[[Technique], bool]


def has(text: str, *words: str) -> bool:
    return all(w.lower() in text.lower() for w in words)


def q(t: Technique, qid: str) -> str:
    return next(x.if_yes.action for x in t.questions if x.id == qid)


ELEMENTS: dict[str, Check] = {
    "F1": lambda t: has(t.guidance.purpose, "hamstring", "lower back", "tug-of-war"),
    "F2": lambda t: t.hands_free and has(t.summary, "hands"),
    "F3": lambda t: has(t.origin, "Thai"),
    "F4": lambda t: has(t.guidance.attire, "clothes") and has(t.setup[0].say, "fully clothed"),
    "F5": lambda t: t.default_surface.id == "floor" and has(t.default_surface.description, "face down", "padded"),
    "F6": lambda t: has(t.surface("bed").description, "firm bed") and q(t, "floor_difficulty") == "adapt",
    "F7": lambda t: any(has(c.say, "hip-width", "parallel") for c in t.setup),
    "F8": lambda t: any(has(c.say, "choose", "leg") for c in t.setup),
    "F9": lambda t: t.preparation[0].id == "palpate" and has(t.preparation[0].cue.say, "centre"),
    "F10": lambda t: t.main_position.id == "sideways"
    and has(t.main_position.name, "sideways", "facing away")
    and has(t.main_position.description, "facing away from the receiver"),
    "F11": lambda t: 0 < t.spots.first_above_centre <= CM_PER_INCH * 1.5 and has(t.preparation[1].cue.say, "above"),
    "F12": lambda t: has(t.preparation[1].cue.say, "back straight"),
    "F13": lambda t: t.spots.first_hold.max == 120 and t.spots.first_hold.ends_on == "softened",
    "F14": lambda t: t.spots.step == pytest.approx(CM_PER_INCH) and has(t.cues.next_spot.say, "lift", "toward"),
    "F15": lambda t: t.spots.later_holds == "same_as_first",
    "F16": lambda t: t.spots.clearance == pytest.approx(2 * CM_PER_INCH),
    "F17": lambda t: [s.id for s in t.sides] == ["left", "right"] and has(t.cues.switch_side.say, "leg"),
    "F18": lambda t: (t.dose.beginner_min, t.dose.beginner_max) == (120, 300),
    "F19": lambda t: t.dose.grow_by > 0 and t.dose.maximum > t.dose.beginner_max,
    "F20": lambda t: {a.id for a in t.add_ons} == {"calf", "lower_back"} and all(a.unlock_after > 0 for a in t.add_ons),
    "F21": lambda t: has(t.position("straddle").name, "straddl"),
    "F22": lambda t: t.demo is not None and has(t.demo.description, "video"),
    "F23": lambda t: has(t.guidance.practice, "regularly")
    and any(has(n, "record", "remind") for n in t.guidance.notes),
    "F24": lambda t: has(" ".join(t.guidance.good_for), "recent", "long-standing", "hamstring", "back"),
    "F25": lambda t: [q(t, i) for i in ("heart_condition", "varicose_veins", "pregnant")] == ["stop"] * 3,
}


def test_the_brief_has_twenty_five_elements() -> None:
    assert list(ELEMENTS) == [f"F{n}" for n in range(1, 26)]


@pytest.mark.parametrize("element", list(ELEMENTS))
def test_each_element_is_in_the_technique_and_tagged_where_it_lives(element: str) -> None:
    assert ELEMENTS[element](hamstring()), f"{element} is not expressed in the technique"
    assert re.search(rf"#.*\b{element}\b", built_in_text("hands-free-hamstring")), f"no '# {element}' tag in the file"


def test_the_elements_reach_the_plan_the_pair_follows() -> None:
    script = make_plan("40 cm")
    says = " ".join(s.cue.say for s in script.segments).lower()
    assert "centre" in says  # F9
    assert "sideways, facing away" in says and "back straight" in says  # F10, F12
    assert "up to 2 minutes, or until it softens" in says  # F13
    assert "toward the knee" in says  # F14
    assert "move to the right leg" in says  # F17
    assert all(s.seat_edge_from_knee_cm >= 2 * CM_PER_INCH - 0.01 for s in script.legs[0].reserve)  # F16


def test_the_articles_three_contraindications_are_its_own_and_the_rest_are_marked_as_softspots() -> None:
    t = hamstring()
    by_id = {q.id: (q.if_yes.action, source_of(t, q)) for q in t.questions}
    assert {k: v for k, v in by_id.items() if v[1] == "article"} == {
        "heart_condition": ("stop", "article"),
        "varicose_veins": ("stop", "article"),
        "pregnant": ("stop", "article"),
        "floor_difficulty": ("adapt", "article"),
    }
    assert {k: v for k, v in by_id.items() if v[1] == "softspot"} == {
        "blood_clots": ("stop", "softspot"),
        "skin": ("stop", "softspot"),
        "recent_injury": ("ask_first", "softspot"),
        "bones": ("ask_first", "softspot"),
        "joint_replacement": ("ask_first", "softspot"),
        "nerves": ("ask_first", "softspot"),
    }


def test_wording_the_article_does_not_support_is_gone_or_marked_as_softspots() -> None:
    t = hamstring()
    text = built_in_text("hands-free-hamstring")
    for unsupported in ("looking away from the receiver's head", "does not tire", "more difference than one long one"):
        assert unsupported not in text
    said = {s.path: s for s in statements(t)}
    for path in (
        "questions[varicose_veins].if_yes.instead",
        "add_ons[calf].description",
        "add_ons[calf].cue",
        "add_ons[lower_back].description",
        "add_ons[lower_back].cue",
        "cues.pain_rule",
        "cues.check_in",
        "setup[4]",  # the giver's weight
    ):
        assert said[path].source == "softspot", path
    assert "softspot" not in {said[f"questions[{q}].if_yes.reason"].source for q in ("heart_condition", "pregnant")}


def test_the_giver_keeps_their_feet_down_and_the_receiver_says_how_much_weight() -> None:
    weight = hamstring().setup[-1]
    assert has(weight.say, "feet on the floor", "how much weight")
    assert weight.source == "softspot"
