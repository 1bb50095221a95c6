"""The session record sent to the store, by the terminal and the web app alike.

``RecordIn`` is the boundary model of the record shape in ``docs/contracts.md``:
the planned script, what the engine says happened, and the pair's ratings.
:func:`parse_record` turns every validation problem into a :class:`FieldError`
that names the field, e.g. ``before.left: 11 is above 10``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)

from softspot.core.script import SessionScript

RATING_MIN = 0
RATING_MAX = 10
RATED_AREAS: tuple[tuple[str, str], ...] = (
    ("left", "left hamstring"),
    ("right", "right hamstring"),
    ("back", "lower back"),
)
"""What is rated, before and after: the field of :class:`Ratings` and how it is named to people."""
NOTE_MAX_CHARS = 2000

StopReason = Literal["discomfort", "out_of_time", "other"]
SpotEndedBy = Literal["softened", "time", "skipped", "stopped"]
LegEndedBy = Literal["time", "last_spot", "skipped", "stopped"]
Source = Literal["terminal", "web"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def parse_rating(text: str, what: str) -> int:
    """One rating as a person types it (``"6"``); the message names ``what`` is being rated."""
    value = text.strip()
    if not value.isdigit():
        raise ValueError(f"'{value}' ({what}) is not a whole number from {RATING_MIN} to {RATING_MAX}")
    if int(value) > RATING_MAX:
        raise ValueError(
            f"{int(value)} ({what}) is above {RATING_MAX}; rate {RATING_MIN} (none) to {RATING_MAX} (worst)"
        )
    return int(value)


class Ratings(_In):
    """Tension from 0 (none) to 10, for each hamstring and the lower back."""

    left: int
    right: int
    back: int

    @field_validator("left", "right", "back", mode="before")
    @classmethod
    def _whole_0_to_10(cls, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{value!r} is not a whole number from {RATING_MIN} to {RATING_MAX}")
        if value < RATING_MIN:
            raise ValueError(f"{value} is below {RATING_MIN}")
        if value > RATING_MAX:
            raise ValueError(f"{value} is above {RATING_MAX}")
        return value

    @property
    def mean(self) -> float:
        return (self.left + self.right + self.back) / 3


class Pause(_In):
    at: float = Field(ge=0)
    seconds: float = Field(ge=0)


class SpotOutcome(_In):
    leg: str
    index: int = Field(ge=1)
    from_knee_cm: float = Field(ge=0)
    planned_seconds: float = Field(ge=0)
    held_seconds: float = Field(ge=0)
    extended_seconds: float = Field(ge=0)
    ended_by: SpotEndedBy


class LegOutcome(_In):
    leg: str
    seconds: float = Field(ge=0)
    ended_by: LegEndedBy


class EngineRecord(_In):
    """What the engine says happened; seconds of session clock from the start."""

    ended_at: float = Field(ge=0)
    ended_early: StrictBool
    stop_reason: StopReason | None
    paused_seconds: float = Field(ge=0)
    pauses: list[Pause]
    spots: list[SpotOutcome]
    legs: list[LegOutcome]

    @model_validator(mode="after")
    def _consistent(self) -> EngineRecord:
        if self.stop_reason is not None and not self.ended_early:
            raise ValueError("a session with a stop_reason ended early; set ended_early to true")
        if self.paused_seconds > self.ended_at:
            raise ValueError("paused_seconds is longer than the whole session")
        return self

    @property
    def active_seconds(self) -> float:
        """Session time without pauses."""
        return max(0.0, self.ended_at - self.paused_seconds)


class RecordIn(_In):
    """A finished (or stopped) session, as sent to the store."""

    key: uuid.UUID = Field(description="Idempotency key made by the player: the same session is stored once.")
    plan: uuid.UUID | None = Field(
        default=None, description="The web plan this session played, so its play page shows it as saved."
    )
    source: Source
    script: SessionScript
    engine: EngineRecord
    before: Ratings
    after: Ratings | None
    note: str = Field(default="", max_length=NOTE_MAX_CHARS)
    started_at: AwareDatetime
    ended_at: AwareDatetime

    @model_validator(mode="after")
    def _consistent(self) -> RecordIn:
        if self.ended_at < self.started_at:
            raise ValueError("ended_at: comes before started_at")
        if self.after is None and not self.engine.ended_early:
            raise ValueError("after: the ratings after are needed when the session ran to the end")
        legs = {leg.leg for leg in self.script.legs}
        for n, spot in enumerate(self.engine.spots):
            if spot.leg not in legs:
                raise ValueError(f"engine.spots.{n}.leg: '{spot.leg}' is not a leg of the script")
        return self

    @property
    def comfortable(self) -> bool:
        """Ran to the end, and no tension rating went up."""
        return is_comfortable(self.engine.ended_early, self.engine.stop_reason, self.before, self.after)


def is_comfortable(ended_early: bool, stop_reason: str | None, before: Ratings, after: Ratings | None) -> bool:
    if ended_early or stop_reason == "discomfort" or after is None:
        return False
    return after.left <= before.left and after.right <= before.right and after.back <= before.back


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class RecordError(ValueError):
    """A record that cannot be stored; ``errors`` name each field at fault."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a field of a session record",
    "uuid_parsing": "is not a UUID",
    "uuid_type": "is not a UUID",
    "timezone_aware": "needs a time zone, e.g. 2026-11-23T20:01:02Z",
}


def field_errors(exc: ValidationError) -> list[FieldError]:
    """One :class:`FieldError` per problem, with a dotted field path and a plain message."""
    found: list[FieldError] = []
    for error in exc.errors(include_url=False):
        field = ".".join(str(part) for part in error["loc"])
        message = _MESSAGES.get(error["type"]) or str(error["msg"]).removeprefix("Value error, ")
        # Model-level checks name their own field as "field: message".
        head, sep, tail = message.partition(": ")
        if sep and not field and " " not in head:
            field, message = head, tail
        found.append(FieldError(field, message))
    return found


def parse_record(data: Any) -> RecordIn:
    """Validate a decoded JSON record, or raise :class:`RecordError` naming every bad field."""
    if not isinstance(data, dict):
        raise RecordError([FieldError("", "the record must be a JSON object")])
    try:
        return RecordIn.model_validate(data)
    except ValidationError as exc:
        raise RecordError(field_errors(exc)) from None
