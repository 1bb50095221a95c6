"""The technique format: what a therapist writes, as typed, validated models.

A technique file is YAML (see ``docs/technique-format.md``). ``loader.py``
reads it and reports problems with file, line and column; this module says what
a valid technique is. Times and distances are written with units (``2 min``,
``1 in``) and held here as seconds and centimetres.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    StrictBool,
    StrictInt,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import core_schema

from softspot.core.limits import (
    ADD_ON_TIME,
    CHECK_IN_AFTER,
    CLEARANCE,
    CONTRAINDICATION_ACTIONS,
    DOSE,
    EXTEND_BY,
    FIRST_ABOVE_CENTRE,
    GROW_BY,
    HOLD,
    MAX_ITEMS,
    MAX_NAME_CHARS,
    MAX_QUESTIONS,
    MIN_HOLD,
    NO_CONTRAINDICATION,
    SEAT,
    SEGMENT_LENGTH,
    START_FINISH_TIME,
    STEP,
    STEP_TIME,
    SWITCH_TIME,
    contraindication_in,
    template_problem,
)
from softspot.core.limits import CUE_FIELDS as CUE_FIELDS
from softspot.core.limits import MAX_SAID_CHARS as MAX_SAID_CHARS
from softspot.core.plain import TechniqueReading, localized_value, walk
from softspot.core.text import SOURCES as SOURCES
from softspot.core.text import LanguageCode as LanguageCode
from softspot.core.text import Name as Name
from softspot.core.text import Source as Source
from softspot.core.text import Text as Text
from softspot.core.text import _file_language
from softspot.core.text import source_of as source_of
from softspot.core.units import UnitError, parse_length, parse_seconds
from softspot.i18n import DEFAULT as DEFAULT_LANGUAGE
from softspot.i18n import LANGUAGES, N_, _

# A cue should be spoken in a few seconds: at ~150 words a minute, 18 words is ~7 s.
MAX_SPOKEN_WORDS = 18
MAX_SHOWN_CHARS = 90

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=60)]

if TYPE_CHECKING:
    from pydantic import HttpUrl
else:

    class HttpUrl:
        """pydantic's ``HttpUrl``, imported only when a technique is validated: ``pydantic.networks`` loads
        ``importlib.metadata`` and ``email`` (~15 ms a start-up), and a command that reads the validated
        built-in technique (:mod:`softspot.core.technique_cache`) never needs it."""

        @classmethod
        def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
            from pydantic import HttpUrl as Url

            return handler.generate_schema(Url)


# The longest time or distance written in a file, and the largest any may be (before each field's own limits).
_MAX_QUANTITY_CHARS = 30
_MAX_SECONDS = 24 * 60 * 60.0
_MAX_CM = 1000.0


_SAID = {
    "time": (
        N_("expected a time such as %(example)s"),
        N_("'%(value)s…' is too long to be a time; write e.g. %(example)s"),
        N_("%(value)s is not a time; write e.g. %(example)s"),
    ),
    "distance": (
        N_("expected a distance such as %(example)s"),
        N_("'%(value)s…' is too long to be a distance; write e.g. %(example)s"),
        N_("%(value)s is not a distance; write e.g. %(example)s"),
    ),
}


def _quantity(value: object, kind: str, example: str, largest: float) -> str | int | float:
    """A time or distance as written, refused early if it could not be a sane one."""
    expected, too_long, not_one = _SAID[kind]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(_(expected) % {"example": example})
    if isinstance(value, str) and len(value) > _MAX_QUANTITY_CHARS:
        raise ValueError(_(too_long) % {"value": value[:12], "example": example})
    if isinstance(value, (int, float)) and not (math.isfinite(value) and abs(value) <= largest):
        raise ValueError(_(not_one) % {"value": f"{value:.3g}", "example": example})
    return value


def _seconds(value: object) -> float:
    written = _quantity(value, "time", "'90 s' or '2 min'", _MAX_SECONDS)
    try:
        seconds = parse_seconds(written)
    except UnitError as exc:
        raise ValueError(str(exc)) from None
    if not math.isfinite(seconds) or seconds > _MAX_SECONDS:
        raise ValueError(_("'%(value)s' is far too long a time; write e.g. '90 s' or '2 min'") % {"value": written})
    return seconds


def _centimetres(value: object) -> float:
    written = _quantity(value, "distance", "'2 in' or '5 cm'", _MAX_CM)
    try:
        cm = parse_length(written).cm
    except UnitError as exc:
        raise ValueError(str(exc)) from None
    if not math.isfinite(cm) or cm > _MAX_CM:
        raise ValueError(_("'%(value)s' is far too long a distance; write e.g. '2 in' or '5 cm'") % {"value": written})
    return cm


Seconds = Annotated[
    float,
    BeforeValidator(_seconds),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*\d+(\.\d+)?\s*(s|sec|seconds?|min|minutes?)\s*$",
            "examples": ["90 s", "2 min"],
        }
    ),
]
"""A time written with a unit, held in seconds."""
Centimetres = Annotated[
    float,
    BeforeValidator(_centimetres),
    WithJsonSchema(
        {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*(cm|mm|m|in|inch|inches)\s*$", "examples": ["2 in", "5 cm"]}
    ),
]
"""A distance written with a unit, held in centimetres."""


class Spec(BaseModel):
    """Base of every part of a technique: unknown keys are errors; parts are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Sourced(Spec):
    """A part of a technique that says something: ``source`` marks where it comes from (default: what holds it)."""

    source: Source | None = Field(
        default=None,
        description="article (the therapist's text) or softspot (softspot's addition); default: as what holds it.",
    )


MAX_SPOKEN_CHARS_UNSPACED = 60
"""Thai is written without spaces between words, so its spoken cues are measured in letters instead of words:
at most 60 letters that take up space (tone marks and the vowels written above or below a consonant are not
counted), about 24 syllables, what a Thai speaker says in the time 18 English words take. docs/translating.md
gives espeak-ng's timings."""


def spoken_length_problem(words: str, lang: str) -> str | None:
    """Why a spoken cue is too long to say in a few seconds, or None."""
    if LANGUAGES.get(lang) is not None and LANGUAGES[lang].unspaced:
        letters = sum(1 for c in words if not c.isspace() and unicodedata.category(c)[0] in "LN")
        if letters > MAX_SPOKEN_CHARS_UNSPACED:
            return _(
                "the spoken '%(lang)s' cue has %(n)d letters; keep it to %(most)d so it is said in a few seconds"
            ) % {
                "lang": lang,
                "n": letters,
                "most": MAX_SPOKEN_CHARS_UNSPACED,
            }
        return None
    count = len(words.split())
    if count > MAX_SPOKEN_WORDS:
        facts = {"lang": lang, "n": count, "most": MAX_SPOKEN_WORDS}
        if lang == DEFAULT_LANGUAGE:
            return _("the spoken cue has %(n)d words; keep it to %(most)d so it is said in a few seconds") % facts
        return (
            _("the spoken '%(lang)s' cue has %(n)d words; keep it to %(most)d so it is said in a few seconds") % facts
        )
    return None


_Words = TypeVar("_Words", bound="Text")


def _each_checked(text: _Words, info: ValidationInfo, most: int | None, fields: frozenset[str] | None) -> _Words:
    """Every language's words of ``text`` no longer than ``most`` and using only ``fields`` as placeholders."""
    for lang, words in text.each(_file_language(info)):
        which = " " + _("(the '%(lang)s' text)") % {"lang": lang} if text.texts else ""
        if most is not None and len(words) > most:
            raise ValueError(_("String should have at most %(most)d characters") % {"most": most} + which)
        problem = template_problem(words, fields) if fields is not None else None
        if problem:
            raise ValueError(f"{problem}{which}")
    return text


class Cue(Sourced):
    """One transition, as shown on screen and as spoken."""

    show: Text = Field(description="Large on-screen text.")
    say: Text = Field(description="Spoken text: a few seconds at most.")

    @model_validator(mode="after")
    def _short(self, info: ValidationInfo) -> Cue:
        for lang, words in self.say.each(_file_language(info)):
            problem = spoken_length_problem(words, lang)
            if problem:
                raise ValueError(problem)
        return self

    @field_validator("show", "say")
    @classmethod
    def _known_fields_only(cls, text: Text, info: ValidationInfo) -> Text:
        return _each_checked(text, info, MAX_SHOWN_CHARS if info.field_name == "show" else MAX_SAID_CHARS, CUE_FIELDS)


class Shown(Sourced):
    """Words only shown on screen, never spoken (e.g. the hold text the engine fills in)."""

    show: Text = Field(description="Large on-screen text.")

    @field_validator("show")
    @classmethod
    def _known_fields_only(cls, text: Text, info: ValidationInfo) -> Text:
        return _each_checked(text, info, MAX_SHOWN_CHARS, CUE_FIELDS)


def _short_name(text: Name, info: ValidationInfo) -> Name:
    return _each_checked(text, info, MAX_NAME_CHARS, None)


class Demo(Sourced):
    description: Text
    url: HttpUrl | None = None


AnswerAction = Literal["stop", "ask_first", "adapt"]
"""``stop``: no session; ``ask_first``: no session until a doctor or therapist has said this technique is fine
for the receiver (``--cleared``); ``adapt``: the session changes."""


class Answer(Sourced):
    """What a "yes" to a screening question does."""

    action: AnswerAction
    reason: Text = Field(description="Shown to the pair, in plain words.")
    instead: Text | None = Field(default=None, description="What to do instead (for a stop or ask_first).")
    use_surface: Identifier | None = None
    use_position: Identifier | None = None
    omit_add_ons: tuple[Identifier, ...] = Field(default=(), max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _adaptation_changes_something(self) -> Answer:
        changes = self.use_surface or self.use_position or self.omit_add_ons
        if self.action == "adapt" and not changes:
            raise ValueError("an 'adapt' answer must set use_surface, use_position or omit_add_ons")
        if self.action == "stop" and changes:
            raise ValueError("a 'stop' answer ends the session; it cannot also adapt it")
        if self.action == "ask_first" and changes:
            raise ValueError("an 'ask_first' answer waits for a professional's go-ahead; it cannot also adapt it")
        return self


class Question(Sourced):
    id: Identifier
    ask: Text
    about: Literal["receiver", "giver", "either"] = "receiver"
    if_yes: Answer

    @field_validator("if_yes")
    @classmethod
    def _contraindications_are_not_adapted(cls, answer: Answer, info: ValidationInfo) -> Answer:
        about = contraindication_in(str(info.data.get("id", "")), str(info.data.get("ask", "")))
        if about and answer.action not in CONTRAINDICATION_ACTIONS:
            raise ValueError(
                f"this question asks about {about}, a contraindication; "
                f"its answer must be 'stop' or 'ask_first', not '{answer.action}'"
            )
        return answer


class Surface(Sourced):
    id: Identifier
    name: Name
    description: Text
    default: StrictBool = False


class Position(Sourced):
    id: Identifier
    name: Name
    description: Text
    main: StrictBool = False
    steps: dict[Identifier, Cue] = Field(
        default_factory=dict,
        max_length=MAX_ITEMS,
        description="Preparation steps this position words differently, by step id.",
    )


class Step(Sourced):
    id: Identifier
    cue: Cue
    time: Seconds = Field(gt=0, le=600, description="How long the player gives this step.")
    detail: Text | None = None

    @field_validator("time")
    @classmethod
    def _time_in_range(cls, value: float) -> float:
        return STEP_TIME.check(value)


class Segment(Sourced):
    """The body segment the spots walk along, e.g. the thigh from hip to knee."""

    name: Name
    from_end: Name = Field(description="The end where the spots start, e.g. 'hip'.")
    joint: Name = Field(description="The joint the spots walk toward and must keep clear of, e.g. 'knee'.")
    measure: Text = Field(description="How to measure its length.")
    default_length: Centimetres = Field(gt=0)
    min_length: Centimetres = Field(gt=0)
    max_length: Centimetres = Field(gt=0)
    length_per_height: float = Field(
        gt=0, lt=1, allow_inf_nan=False, description="Length as a share of body height, to estimate it."
    )

    _names_short = field_validator("name", "from_end", "joint")(_short_name)

    @field_validator("default_length", "min_length", "max_length")
    @classmethod
    def _lengths_in_range(cls, value: float) -> float:
        return SEGMENT_LENGTH.check(value)

    @model_validator(mode="after")
    def _ordered(self) -> Segment:
        if not self.min_length <= self.default_length <= self.max_length:
            raise ValueError("need min_length <= default_length <= max_length")
        return self


class Hold(Spec):
    max: Seconds = Field(gt=0)
    ends_on: Literal["softened"] = "softened"

    @field_validator("max")
    @classmethod
    def _hold_in_range(cls, value: float) -> float:
        return HOLD.check(value)


class Spots(Sourced):
    """How spots are placed along the segment and how long each is held."""

    first_above_centre: Centimetres = Field(
        ge=0, description="First spot: this far from the centre, away from the joint."
    )
    step: Centimetres = Field(gt=0, description="Each later spot: this much closer to the joint.")
    clearance: Centimetres = Field(ge=0, description="The seat never comes closer than this to the joint.")
    seat_length: Centimetres = Field(gt=0, description="Length of segment the giver's seat covers.")
    first_hold: Hold
    later_holds: Literal["same_as_first"] = "same_as_first"
    min_hold: Seconds = Field(
        default=20.0,
        gt=0,
        description=(
            "The shortest hold a 'softened' press ends without a second press to confirm it; "
            "later spots never hold less because the first was short."
        ),
    )
    check_in_after: Seconds = Field(
        default=15.0,
        gt=0,
        description="When the check-in cue is said: this much time on a leg's spots (in its first spot).",
    )

    @model_validator(mode="after")
    def _holds_in_order(self) -> Spots:
        if self.min_hold > self.first_hold.max:
            raise ValueError(
                f"min_hold ({self.min_hold:g} s) is longer than first_hold.max ({self.first_hold.max:g} s)"
            )
        if self.check_in_after >= self.first_hold.max:
            raise ValueError(
                f"check_in_after ({self.check_in_after:g} s) must come before first_hold.max "
                f"({self.first_hold.max:g} s), so the check-in falls in the first spot"
            )
        return self

    @field_validator("min_hold", "check_in_after")
    @classmethod
    def _times_in_range(cls, value: float, info: ValidationInfo) -> float:
        return (MIN_HOLD if info.field_name == "min_hold" else CHECK_IN_AFTER).check(value)

    @field_validator("first_above_centre", "step", "clearance", "seat_length")
    @classmethod
    def _distances_in_range(cls, value: float, info: ValidationInfo) -> float:
        limit = {"first_above_centre": FIRST_ABOVE_CENTRE, "step": STEP, "clearance": CLEARANCE}
        return limit.get(info.field_name or "", SEAT).check(value)


class Dose(Sourced):
    """Time per side, for beginners and as the pair grows comfortable."""

    beginner_min: Seconds = Field(gt=0)
    beginner_max: Seconds = Field(gt=0)
    start: Seconds = Field(gt=0, description="Suggested first dose.")
    grow_by: Seconds = Field(gt=0)
    grow_after: StrictInt = Field(ge=1, description="Comfortable sessions in a row before the dose grows.")
    maximum: Seconds = Field(gt=0)

    @field_validator("beginner_min", "beginner_max", "start", "maximum", "grow_by")
    @classmethod
    def _times_in_range(cls, value: float, info: ValidationInfo) -> float:
        return (GROW_BY if info.field_name == "grow_by" else DOSE).check(value)

    @model_validator(mode="after")
    def _ordered(self) -> Dose:
        if not self.beginner_min <= self.start <= self.beginner_max <= self.maximum:
            raise ValueError("need beginner_min <= start <= beginner_max <= maximum")
        return self


class AddOn(Sourced):
    id: Identifier
    name: Name
    description: Text
    placement: Literal["during_spots", "after_side"]
    time: Seconds | None = Field(default=None, description="For 'after_side': how long it lasts.")
    cue: Cue
    unlock_after: StrictInt = Field(ge=0, description="Comfortable sessions before it is offered.")

    @field_validator("time")
    @classmethod
    def _time_in_range(cls, value: float | None) -> float | None:
        return None if value is None else ADD_ON_TIME.check(value)

    @model_validator(mode="after")
    def _timed_when_after(self) -> AddOn:
        if self.placement == "after_side" and self.time is None:
            raise ValueError("an 'after_side' add-on needs a time")
        if self.placement == "during_spots" and self.time is not None:
            raise ValueError("a 'during_spots' add-on runs inside the spot holds; remove its time")
        return self


class Side(Spec):
    id: Identifier
    name: Name

    _name_short = field_validator("name")(_short_name)


class Cues(Sourced):
    """The words for each transition of a session."""

    session_start: Cue
    first_spot: Cue
    next_spot: Cue
    last_spot: Cue = Field(description="Moving onto the last spot before the joint's clearance.")
    switch_side: Cue
    session_done: Cue
    paused: Cue
    resumed: Cue
    extended: Cue
    stopped: Cue = Field(description="Said the moment Stop is pressed; the session waits for why, or Carry on.")
    pain_rule: Cue = Field(
        description="Said at the session's start and before each later side: say at once if anything hurts."
    )
    check_in: Cue = Field(description="Said once per side, during its first spot: is the pressure all right?")
    hold: Shown = Field(description="Shown once the giver has moved onto a spot; {time} is the spot's hold, M:SS.")
    switch_side_after_add_on: Cue | None = Field(
        default=None,
        description="Instead of switch_side when an after-side add-on comes first (the giver is off the leg).",
    )
    session_done_after_add_on: Cue | None = Field(
        default=None, description="Instead of session_done when an after-side add-on comes first."
    )


class Guidance(Sourced):
    """Written guidance shown before the session."""

    purpose: Text
    attire: Text
    practice: Text
    good_for: tuple[Text, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    notes: tuple[Text, ...] = Field(default=(), max_length=MAX_ITEMS)


class Technique(Spec, TechniqueReading):
    format: Literal[1] = 1
    source: Source = Field(
        default="article",
        description="Where the file's statements come from unless a part says otherwise (source: softspot).",
    )
    language: str = Field(
        default=DEFAULT_LANGUAGE,
        description="The language of the file's plain-string texts (a map of language to words may give others).",
    )
    languages: tuple[str, ...] = Field(
        default=(),
        max_length=MAX_ITEMS,
        description=(
            "Every language the file is written in; `technique check` reports each text missing in one of them. "
            "Default: the file's language only."
        ),
    )
    id: Identifier
    version: Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, (int, float)) else v)] = Field(
        pattern=r"^\d+(\.\d+){0,2}$"
    )
    title: Name
    summary: Text
    kind: Literal["partner", "self"]
    hands_free: StrictBool
    origin: Text
    author: str
    licence: str
    demo: Demo | None = None
    guidance: Guidance
    questions: tuple[Question, ...] = Field(max_length=MAX_QUESTIONS)
    surfaces: tuple[Surface, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    positions: tuple[Position, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    setup: tuple[Cue, ...] = Field(max_length=MAX_ITEMS, description="The checklist before anyone sits.")
    sides: tuple[Side, ...] = Field(min_length=1, max_length=2)
    segment: Segment
    preparation: tuple[Step, ...] = Field(max_length=MAX_ITEMS, description="Each side starts with these steps.")
    spots: Spots
    dose: Dose
    add_ons: tuple[AddOn, ...] = Field(default=(), max_length=MAX_ITEMS)
    cues: Cues
    extend_by: Seconds = Field(default=30.0, gt=0, description="What 'a little longer' adds to a spot.")
    switch_time: Seconds = Field(default=20.0, gt=0, description="Time to move to the other side.")
    start_time: Seconds = Field(default=6.0, gt=0, description="The opening cue's segment.")
    finish_time: Seconds = Field(default=10.0, gt=0, description="The closing cue's segment.")

    @field_validator("language")
    @classmethod
    def _a_language_softspot_speaks(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"'{value[:20]}' is not a language softspot speaks; use {', '.join(LANGUAGES)}")
        return value

    @field_validator("languages")
    @classmethod
    def _languages_softspot_speaks(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        for lang in value:
            if lang not in LANGUAGES:
                raise ValueError(f"'{lang[:20]}' is not a language softspot speaks; use {', '.join(LANGUAGES)}")
        if len(set(value)) != len(value):
            raise ValueError("a language is listed twice")
        own = info.data.get("language", DEFAULT_LANGUAGE)
        if value and own not in value:
            raise ValueError(f"the list should hold the file's own language '{own}'")
        return value

    def localized(self, lang: str) -> Technique:
        """This technique written in ``lang`` alone (a text with no words in ``lang`` keeps its own)."""
        if self.written_in == (lang,):
            return self
        changed = localized_value(self, lang)
        assert isinstance(changed, Technique)
        return changed.model_copy(update={"language": lang, "languages": (lang,)})

    @field_validator("questions")
    @classmethod
    def _a_contraindication_is_asked(cls, questions: tuple[Question, ...]) -> tuple[Question, ...]:
        if not any(q.if_yes.action in CONTRAINDICATION_ACTIONS for q in questions):
            raise ValueError(NO_CONTRAINDICATION)
        return questions

    @field_validator("extend_by", "switch_time", "start_time", "finish_time")
    @classmethod
    def _times_in_range(cls, value: float, info: ValidationInfo) -> float:
        return {"extend_by": EXTEND_BY, "switch_time": SWITCH_TIME}.get(info.field_name or "", START_FINISH_TIME).check(
            value
        )


def text_locations(value: object, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Text]]:
    """Every :class:`Text` in a technique with its path in the file (``("cues", "first_spot", "say")``)."""
    for where, found in walk(value, loc):
        if isinstance(found, Text):
            yield where, found


# -- statements and their sources ---------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """One thing a technique file says to people, with where it comes from."""

    path: str
    """Where it is in the file, e.g. ``questions[blood_clots].ask`` or ``cues.pain_rule``."""
    text: str
    source: Source


def statements(technique: Technique) -> Iterator[Statement]:
    """Every statement in the file (prose and cues), in file order, each with its resolved source."""

    def walk(value: object, path: str, inherited: Source) -> Iterator[Statement]:
        if isinstance(value, Name):
            return
        if isinstance(value, Text):
            yield Statement(path, str(value), value.source or inherited)
        elif isinstance(value, Cue):
            yield Statement(path, value.say, value.source or inherited)
        elif isinstance(value, Shown):
            yield Statement(path, value.show, value.source or inherited)
        elif isinstance(value, BaseModel):
            here = getattr(value, "source", None) or inherited
            for name in type(value).model_fields:
                if name != "source":
                    yield from walk(getattr(value, name), f"{path}.{name}" if path else name, here)
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                key = getattr(item, "id", None) or i
                yield from walk(item, f"{path}[{key}]", inherited)
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, f"{path}.{key}", inherited)

    yield from walk(technique, "", technique.source)
