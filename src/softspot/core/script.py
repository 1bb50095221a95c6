"""The session script: what the planner produces and both players play.

It is plain data (JSON through pydantic), documented by the JSON Schema in
``docs/session-script.schema.json``, which a test keeps equal to
``SessionScript.model_json_schema()``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SegmentKind = Literal["start", "prepare", "spot", "add_on", "switch", "finish"]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class Segment(_Data):
    kind: SegmentKind
    seconds: int = Field(ge=0)
    starts_at: int = Field(ge=0, description="Seconds from the start of the session, as planned.")
    cue: SpokenCue
    extra: list[SpokenCue] = Field(default_factory=list, description="Add-on cues said after the main cue.")
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


class EventCues(_Data):
    paused: SpokenCue
    resumed: SpokenCue
    extended: SpokenCue
    stopped: SpokenCue
    finish: SpokenCue


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


class Dose(_Data):
    seconds_per_leg: int
    beginner_min_seconds: int
    beginner_max_seconds: int
    maximum_seconds: int
    within_beginner_range: bool


class SessionScript(_Data):
    """A planned session: every step in order, with its cue and duration."""

    format: Literal[1] = 1
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

    def spot_at(self, segment: Segment) -> ScriptSpot | None:
        """The spot a ``spot`` segment sits on (None for other segments)."""
        if segment.kind != "spot" or segment.leg is None:
            return None
        leg = next(leg for leg in self.legs if leg.leg == segment.leg)
        return next((s for s in (*leg.spots, *leg.reserve) if s.index == segment.spot), None)
