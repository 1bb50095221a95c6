"""The session script: what the planner produces and both players play.

It is plain data (JSON through pydantic), documented by the JSON Schema in
``docs/session-script.schema.json``, which a test keeps equal to
``SessionScript.model_json_schema()``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from softspot.core.script_plain import ScriptReading, SegmentReading

SegmentKind = Literal["start", "prepare", "spot", "add_on", "switch", "finish"]
TimedKind = Literal["pain_rule", "check_in"]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class SpokenCue(_Data):
    show: str = Field(description="Large on-screen text.")
    say: str = Field(description="What the voice says.")


class ScriptSpot(_Data):
    index: int = Field(ge=1, description="1 is the first spot, nearest the hip.")
    from_knee_cm: float = Field(description="Middle of the giver's seat to the joint, in cm.")
    seat_edge_from_knee_cm: float = Field(description="Nearest edge of the seat to the joint, in cm.")
    hold_seconds: int = Field(ge=0, description="Planned hold: the longest it lasts if nothing softens first.")
    cue: SpokenCue
    last_safe: bool = Field(description="No safe spot lies beyond this one.")


class ScriptLeg(_Data):
    leg: str = Field(description="Side id, e.g. 'left'.")
    name: str
    seconds: int = Field(description="Planned seconds on spots for this leg.")
    budget_seconds: int = Field(description="The dose: the leg ends when this time on spots is used.")
    spots: list[ScriptSpot] = Field(description="Spots reached if none softens early.")
    reserve: list[ScriptSpot] = Field(
        description="Further safe spots, reached only when earlier ones soften early and time remains."
    )


class TimedCue(_Data):
    """A cue said inside a segment, ``after`` seconds from its start (0: right after its main and extra cues)."""

    kind: TimedKind
    after: int = Field(ge=0, description="Seconds into the segment, as planned.")
    cue: SpokenCue


class Segment(_Data, SegmentReading):
    kind: SegmentKind
    seconds: int = Field(ge=0)
    starts_at: int = Field(ge=0, description="Seconds from the start of the session, as planned.")
    cue: SpokenCue
    extra: list[SpokenCue] = Field(default_factory=list, description="Add-on cues said after the main cue.")
    timed: list[TimedCue] = Field(
        default_factory=list,
        description=(
            "Cues said inside the segment: the pain rule (start and switch segments, after 0 s) and the "
            "check-in (the spot segment where a leg's spot time reaches rules.check_in_after_seconds)."
        ),
    )
    leg: str | None = None
    spot: int | None = Field(default=None, description="Spot index, for kind 'spot'.")
    step: str | None = Field(default=None, description="Preparation step or add-on id.")


class Rules(_Data):
    """What the engine enforces while the session runs."""

    first_hold_max_seconds: int
    later_holds: Literal["same_as_first"]
    extend_by_seconds: int
    max_leg_seconds: int
    step_cm: float
    clearance_cm: float
    seat_length_cm: float
    min_hold_seconds: int = Field(
        default=0,
        description=(
            "A 'softened' press before this on a leg's first spot asks for a second press; later spots hold "
            "at least this long (within the leg's budget)."
        ),
    )
    confirm_seconds: int = Field(default=5, description="How long the second press to confirm may take.")
    check_in_after_seconds: int | None = Field(
        default=None, description="The check-in cue is said when a leg's spot time reaches this (null: none)."
    )
    move_seconds: int = Field(
        default=5, description="Seconds into a spot after which the screen shows the hold text (cues.hold)."
    )


class EventCues(_Data):
    paused: SpokenCue
    resumed: SpokenCue
    extended: SpokenCue
    stopped: SpokenCue
    finish: SpokenCue
    pain_rule: SpokenCue | None = Field(default=None, description="Say at once if anything hurts.")
    check_in: SpokenCue | None = Field(default=None, description="Is the pressure all right?")
    hold: SpokenCue | None = Field(
        default=None, description="Shown once the giver has moved onto a spot; the engine fills {time} (M:SS)."
    )


class TechniqueRef(_Data):
    id: str
    version: str
    title: str


class Choice(_Data):
    id: str
    name: str


class Person(_Data):
    thigh_cm: float
    thigh_source: Literal["measured", "height", "default"]
    height_cm: float | None = None
    unit: Literal["cm", "in"]


class ScreeningSummary(_Data):
    verdict: Literal["go", "adapt"]
    answers: dict[str, bool]
    reasons: list[str]
    cleared: list[str] = Field(
        default_factory=list,
        description=(
            "Ask-first questions answered yes for which the user confirmed that a doctor or therapist said "
            "this technique is fine for the receiver."
        ),
    )


class Dose(_Data):
    seconds_per_leg: int
    beginner_min_seconds: int
    beginner_max_seconds: int
    maximum_seconds: int
    within_beginner_range: bool
    thigh_spots: int | None = Field(default=None, description="Safe spots on this receiver's segment.")
    thigh_limit_seconds: int | None = Field(
        default=None,
        description="The most time per side this segment can fill: safe spots times the first hold.",
    )


class SessionScript(_Data, ScriptReading):
    """A planned session: every step in order, with its cue and duration."""

    format: Literal[1] = 1
    language: str = Field(
        default="en",
        description="The language every text of the script is in (a softspot.i18n language tag).",
    )
    technique: TechniqueRef
    person: Person
    screening: ScreeningSummary
    surface: Choice
    position: Choice
    add_ons: list[Choice]
    dose: Dose
    rules: Rules
    joint: str
    total_seconds: int = Field(description="Planned length of the whole session.")
    legs: list[ScriptLeg]
    segments: list[Segment]
    cues: EventCues
    explanation: list[str] = Field(description="Sentences saying what the plan does and why.")
