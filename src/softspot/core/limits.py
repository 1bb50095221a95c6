"""Safety limits every technique must keep, whoever wrote it (docs/technique-format.md).

The technique models check each value against these as a file is read. :func:`safety_problems`
checks them all again, with the rules that join several values: the loader reports those at their
line, and the planner refuses any technique that breaks one, however the technique was built
(defence in depth: ``Technique.model_construct`` skips every validator).

It also holds the two things every cue template goes through: :func:`template_problem` (only
``{name}`` of a known field) and :func:`fill_template` (fills them, never fails, never grows).
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from softspot.core.units import format_distance, format_duration

if TYPE_CHECKING:
    from softspot.core.technique import Cue, Shown, Technique

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Limit:
    """The range a time (seconds) or a distance (cm) must keep."""

    low: float
    high: float
    kind: Literal["time", "distance"]
    what: str

    def words(self, value: float) -> str:
        if self.kind == "time":
            return format_duration(value) if value >= 1 or value == 0 else f"{value:.2g} s"
        if value != 0 and abs(value) < 0.1:
            return f"{value * 10:.2g} mm"
        return f"{format_distance(value)} ({format_distance(value, 'in')})"

    def problem(self, value: object) -> str | None:
        """Why ``value`` is out of range, or ``None``."""
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return f"{self.what} must be a finite {self.kind}"
        if self.low <= value <= self.high:
            return None
        side = "short" if self.kind == "time" else "small"
        side = side if value < self.low else ("long" if self.kind == "time" else "large")
        return (
            f"{self.words(value)} is too {side} for {self.what}; "
            f"keep it between {self.words(self.low)} and {self.words(self.high)}"
        )

    def check(self, value: float) -> float:
        problem = self.problem(value)
        if problem:
            raise ValueError(problem)
        return value


HOLD = Limit(10, 5 * 60, "time", "a spot's hold")
DOSE = Limit(60, 20 * 60, "time", "the time per side")
GROW_BY = Limit(10, 5 * 60, "time", "the growth of the time per side")
EXTEND_BY = Limit(5, 2 * 60, "time", "'a little longer'")
STEP_TIME = Limit(1, 10 * 60, "time", "a preparation step")
ADD_ON_TIME = Limit(10, 10 * 60, "time", "an add-on")
SWITCH_TIME = Limit(5, 5 * 60, "time", "changing sides")
START_FINISH_TIME = Limit(1, 2 * 60, "time", "the opening or closing cue")
SEGMENT_LENGTH = Limit(10, 100, "distance", "a body segment's length")
FIRST_ABOVE_CENTRE = Limit(0, 20, "distance", "the first spot's distance above the centre")
STEP = Limit(1, 15, "distance", "the step between spots")
CLEARANCE = Limit(2.54, 20, "distance", "the clearance from the joint")
SEAT = Limit(5, 30, "distance", "the seat's length")
MIN_HOLD = Limit(5, 5 * 60, "time", "the minimum hold")
CHECK_IN_AFTER = Limit(5, 5 * 60, "time", "the check-in's time")

NO_CONTRAINDICATION = (
    "no question stops the session; a technique needs at least one contraindication question "
    "(answered with action 'stop' or 'ask_first')"
)
MAX_QUESTIONS = 50
MAX_NAME_CHARS = 40
"""The longest name of a side, segment or joint (they are said in cues)."""
CUE_FIELDS = frozenset({"side", "other_side", "spot", "spots", "from_joint", "time", "step", "segment", "joint"})
"""Placeholders a cue may use; filled in by the planner."""
MAX_SAID_CHARS = 200
MAX_ITEMS = 20
"""The most surfaces, positions, preparation steps, add-ons or set-up cues a technique has."""

CONTRAINDICATION_ACTIONS: frozenset[str] = frozenset({"stop", "ask_first"})
"""Answers that mark a question as a contraindication: the session is not planned as it stands."""

# Contraindications softspot knows: a question that asks about one of them is a contraindication
# question, whatever its answer says, so its answer must be 'stop' or 'ask_first'.
KNOWN_CONTRAINDICATIONS: dict[str, re.Pattern[str]] = {
    "a heart condition": re.compile(r"\b(heart|cardiac|cardiovascular)\b"),
    "pregnancy": re.compile(r"\bpregnan"),
    "varicose veins": re.compile(r"\bvaricose\b"),
    "a blood clot": re.compile(r"\b(blood clots?|clotting|thrombo\w*|dvt|embolism)\b"),
    "blood thinners": re.compile(r"\b(blood thinn\w*|anticoagul\w*)\b"),
    "a broken bone": re.compile(r"\b(fractur\w*|broken bones?)\b"),
}


def contraindication_in(question_id: str, ask: str) -> str | None:
    """The known contraindication a question asks about, if any (from its id and its words)."""
    words = f"{question_id.replace('_', ' ').replace('-', ' ')} {ask}".lower()
    return next((name for name, pattern in KNOWN_CONTRAINDICATIONS.items() if pattern.search(words)), None)


def template_problem(text: str, fields: frozenset[str]) -> str | None:
    """What is wrong with a cue template, if anything: only ``{name}`` of a known field, nothing more.

    A format spec (``{side:>9999}``), a conversion (``{side!r}``), attribute access or indexing
    (``{side.x}``, ``{side[0]}``) and a lone brace are refused, so filling a cue can neither fail
    nor grow without bound.
    """
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return "the cue has a lone '{' or '}'; write '{{' or '}}' for a brace"
    known = ", ".join(sorted(fields))
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in fields:
            shown = name if len(name) <= 30 else name[:30] + "…"
            return f"the cue uses '{{{shown}}}', which is not a cue field (known: {known})"
        if spec or conversion:
            return f"the cue writes '{{{name}}}' with a format; write just '{{{name}}}'"
    return None


def fill_template(text: str, values: dict[str, str]) -> str:
    """A cue template with its fields filled in (a field without a value is left empty).

    Only plain ``{name}`` fields are filled; a format spec, conversion or attribute is ignored,
    so this never fails and never grows a text by more than the values put in.
    """
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return text
    return "".join(literal + (values.get(name, "") if name is not None else "") for literal, name, _, _ in parts)


def safety_problems(technique: Technique) -> list[tuple[Loc, str]]:
    """Every safety limit the technique breaks, as (where, message); empty when it keeps them all.

    A technique read by the loader keeps the limits of single values already; this checks them
    again (for a technique built some other way) and the rules that join several values.
    """
    problems: list[tuple[Loc, str]] = []
    try:
        problems.extend(_limits_broken(technique))
        problems.extend(_rules_between_values(technique))
    except (AttributeError, TypeError) as exc:  # a technique not built from these models at all
        problems.append(((), f"not a complete technique ({exc})"))
    return problems


def _limits_broken(t: Technique) -> Iterator[tuple[Loc, str]]:
    sp, dose, seg = t.spots, t.dose, t.segment
    values: list[tuple[Loc, object, Limit]] = [
        (("spots", "first_hold", "max"), sp.first_hold.max, HOLD),
        (("spots", "min_hold"), sp.min_hold, MIN_HOLD),
        (("spots", "check_in_after"), sp.check_in_after, CHECK_IN_AFTER),
        (("spots", "first_above_centre"), sp.first_above_centre, FIRST_ABOVE_CENTRE),
        (("spots", "step"), sp.step, STEP),
        (("spots", "clearance"), sp.clearance, CLEARANCE),
        (("spots", "seat_length"), sp.seat_length, SEAT),
        *((("dose", name), getattr(dose, name), DOSE) for name in ("beginner_min", "beginner_max", "start", "maximum")),
        (("dose", "grow_by"), dose.grow_by, GROW_BY),
        *(
            (("segment", name), getattr(seg, name), SEGMENT_LENGTH)
            for name in ("default_length", "min_length", "max_length")
        ),
        (("extend_by",), t.extend_by, EXTEND_BY),
        (("switch_time",), t.switch_time, SWITCH_TIME),
        (("start_time",), t.start_time, START_FINISH_TIME),
        (("finish_time",), t.finish_time, START_FINISH_TIME),
        *((("preparation", i, "time"), step.time, STEP_TIME) for i, step in enumerate(t.preparation[:MAX_ITEMS])),
        *(
            (("add_ons", i, "time"), a.time, ADD_ON_TIME)
            for i, a in enumerate(t.add_ons[:MAX_ITEMS])
            if a.time is not None
        ),
    ]
    for loc, value, limit in values:
        problem = limit.problem(value)
        if problem:
            yield loc, f"{_dotted(loc)}: {problem}"
    if not (isinstance(seg.length_per_height, (int, float)) and 0 < seg.length_per_height < 1):
        yield ("segment", "length_per_height"), "segment.length_per_height: must be a share between 0 and 1"
    for name, items, most in (
        ("questions", t.questions, MAX_QUESTIONS),
        ("surfaces", t.surfaces, MAX_ITEMS),
        ("positions", t.positions, MAX_ITEMS),
        ("setup", t.setup, MAX_ITEMS),
        ("preparation", t.preparation, MAX_ITEMS),
        ("add_ons", t.add_ons, MAX_ITEMS),
    ):
        if len(items) > most:
            yield (name,), f"{name}: more than {most}; a technique has at most {most}"
    if not 1 <= len(t.sides) <= 2 or not t.surfaces or not t.positions:
        yield (), "a technique has one or two sides and at least one surface and one position"
    for name in ("name", "from_end", "joint"):
        if len(getattr(seg, name)) > MAX_NAME_CHARS:
            yield ("segment", name), f"segment.{name}: longer than {MAX_NAME_CHARS} characters"
    for i, side in enumerate(t.sides[:2]):
        if len(side.name) > MAX_NAME_CHARS:
            yield ("sides", i, "name"), f"sides[{i}].name: longer than {MAX_NAME_CHARS} characters"
    for loc, cue in _cues(t):
        for text in (cue.show, getattr(cue, "say", "")):
            problem = template_problem(text, CUE_FIELDS) if len(text) <= MAX_SAID_CHARS else "the cue is too long"
            if problem:
                yield loc, f"{_dotted(loc)}: {problem}"
                break


def _cues(t: Technique) -> Iterator[tuple[Loc, Cue | Shown]]:
    from softspot.core.plain import field_names

    for name in field_names(t.cues) or ():
        cue = getattr(t.cues, name)
        if cue is not None and not isinstance(cue, str):  # optional cues may be absent; 'source' is a word
            yield ("cues", name), cue
    for i, cue in enumerate(t.setup[:MAX_ITEMS]):
        yield ("setup", i), cue
    for i, step in enumerate(t.preparation[:MAX_ITEMS]):
        yield ("preparation", i, "cue"), step.cue
    for i, position in enumerate(t.positions[:MAX_ITEMS]):
        for step_id, cue in list(position.steps.items())[:MAX_ITEMS]:
            yield ("positions", i, "steps", step_id), cue
    for i, add_on in enumerate(t.add_ons[:MAX_ITEMS]):
        yield ("add_ons", i, "cue"), add_on.cue


def _rules_between_values(t: Technique) -> Iterator[tuple[Loc, str]]:
    sp, seg = t.spots, t.segment
    joint, end = seg.joint, seg.from_end
    if sp.step > sp.seat_length:
        yield (
            ("spots", "step"),
            (
                f"spots.step: {_cm(sp.step)} is longer than the seat ({_cm(sp.seat_length)}); "
                f"a step must be no larger than the seat"
            ),
        )
    if sp.min_hold > sp.first_hold.max:
        yield (("spots", "min_hold"), f"spots.min_hold: longer than spots.first_hold.max ({sp.first_hold.max:g} s)")
    if sp.check_in_after >= sp.first_hold.max:
        yield (
            ("spots", "check_in_after"),
            f"spots.check_in_after: must come before spots.first_hold.max ({sp.first_hold.max:g} s)",
        )
    half_short = seg.min_length / 2
    if sp.first_above_centre + sp.seat_length / 2 > half_short:
        yield (
            ("spots", "first_above_centre"),
            (
                f"spots.first_above_centre: on the shortest {seg.name} ({_cm(seg.min_length)}) the first spot's seat "
                f"would reach past the {end}; keep first_above_centre plus half the seat within half of min_length"
            ),
        )
    edge = half_short + sp.first_above_centre - sp.seat_length / 2
    if edge < sp.clearance:
        yield (
            ("spots", "clearance"),
            (
                f"spots.clearance: on the shortest {seg.name} ({_cm(seg.min_length)}) even the first spot's seat "
                f"would come within {_cm(max(edge, 0))} of the {joint}; the seat must stay {_cm(sp.clearance)} away"
            ),
        )
    if not any(q.if_yes.action in CONTRAINDICATION_ACTIONS for q in t.questions):
        yield ("questions",), f"questions: {NO_CONTRAINDICATION}"
    for i, q in enumerate(t.questions[:MAX_QUESTIONS]):
        about = contraindication_in(q.id, q.ask)
        if about and q.if_yes.action not in CONTRAINDICATION_ACTIONS:
            yield (
                ("questions", i, "if_yes", "action"),
                (
                    f"questions[{i}].if_yes: this question asks about {about}, a contraindication; "
                    f"its answer must be 'stop' or 'ask_first', not '{q.if_yes.action}'"
                ),
            )


def _cm(cm: float) -> str:
    return f"{format_distance(cm)} ({format_distance(cm, 'in')})"


def _dotted(loc: Loc) -> str:
    return ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc).replace(".[", "[")
