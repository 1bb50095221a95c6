"""The session record sent to the store, by the terminal and the web app alike.

``RecordIn`` is the boundary model of the record shape in ``docs/contracts.md``:
the planned script, what the engine says happened, and the pair's ratings.
:func:`parse_record` turns every validation problem into a :class:`FieldError`
that names the field, e.g. ``before.left: 11 is above 10``.

Every value has bounds that the store's columns can hold on SQLite and
PostgreSQL alike (see docs/contracts.md): times within 2000-2100 and not in
the future, seconds and counts finite and bounded, ids and leg names no longer
than their columns, no NUL anywhere. :func:`read_record` reads a record from
JSON bytes (a request body, a recovery file) within bounds of size and depth.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from softspot.core import safejson
from softspot.core.people import NAME_MAX_CHARS, BadName, clean_name
from softspot.core.script import SessionScript
from softspot.i18n import N_, _, ngettext

RATING_MIN = 0
RATING_MAX = 10
RATED_AREAS: tuple[tuple[str, str], ...] = (
    ("left", N_("left hamstring")),
    ("right", N_("right hamstring")),
    ("back", N_("lower back")),
)
"""What is rated, before and after: the field of :class:`Ratings` and how it is named to people."""
NOTE_MAX_CHARS = 2000

# Bounds of a record (docs/contracts.md). Column sizes match softspot.store.models.
MAX_RECORD_BYTES = 2_000_000
"""A record as JSON: a real one is about 30 KB."""
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=2)
"""How far ahead of the receiving clock a start may be (a phone's clock may be off, or in another zone)."""
MAX_SESSION_SECONDS = 24 * 60 * 60
"""Longest session, pauses included; also the bound of every duration in the engine record."""
MAX_SECONDS_PER_LEG = 60 * 60
MAX_SPOT_INDEX = 1000
MAX_FROM_KNEE_CM = 500.0
MAX_SPOTS = 500
MAX_PAUSES = 1000
MAX_LEGS = 10
MAX_ADD_ONS = 20
ID_MAX_CHARS = 60
"""Technique, leg, surface, position and add-on ids."""
VERSION_MAX_CHARS = 20

StopReason = Literal["discomfort", "out_of_time", "other"]
SpotEndedBy = Literal["softened", "time", "skipped", "stopped"]
LegEndedBy = Literal["time", "last_spot", "skipped", "stopped"]
Source = Literal["terminal", "web"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


Seconds = Annotated[float, Field(ge=0, le=MAX_SESSION_SECONDS)]
LegId = Annotated[str, Field(min_length=1, max_length=ID_MAX_CHARS)]


def parse_rating(text: str, what: str) -> int:
    """One rating as a person types it (``"6"``); the message names ``what`` is being rated."""
    value = text.strip()
    if not value.isdigit():
        raise ValueError(
            _("'%(value)s' (%(what)s) is not a whole number from %(least)d to %(most)d")
            % {"value": value, "what": what, "least": RATING_MIN, "most": RATING_MAX}
        )
    if int(value) > RATING_MAX:
        raise ValueError(
            _("%(value)d (%(what)s) is above %(most)d; rate %(least)d (none) to %(most)d (worst)")
            % {"value": int(value), "what": what, "least": RATING_MIN, "most": RATING_MAX}
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
            raise ValueError(
                _("%(value)s is not a whole number from %(least)d to %(most)d")
                % {"value": repr(value), "least": RATING_MIN, "most": RATING_MAX}
            )
        if value < RATING_MIN:
            raise ValueError(_("%(value)s is below %(bound)s") % {"value": value, "bound": RATING_MIN})
        if value > RATING_MAX:
            raise ValueError(_("%(value)s is above %(bound)s") % {"value": value, "bound": RATING_MAX})
        return value

    @property
    def mean(self) -> float:
        return (self.left + self.right + self.back) / 3


class Pause(_In):
    at: Seconds
    seconds: Seconds


class SpotOutcome(_In):
    leg: LegId
    index: int = Field(ge=1, le=MAX_SPOT_INDEX)
    from_knee_cm: float = Field(ge=0, le=MAX_FROM_KNEE_CM)
    planned_seconds: Seconds
    held_seconds: Seconds
    extended_seconds: Seconds
    ended_by: SpotEndedBy


class LegOutcome(_In):
    leg: LegId
    seconds: Seconds
    ended_by: LegEndedBy


class EngineRecord(_In):
    """What the engine says happened; seconds of session clock from the start."""

    ended_at: Seconds
    ended_early: StrictBool
    stop_reason: StopReason | None
    paused_seconds: Seconds
    pauses: list[Pause] = Field(max_length=MAX_PAUSES)
    spots: list[SpotOutcome] = Field(max_length=MAX_SPOTS)
    legs: list[LegOutcome] = Field(max_length=MAX_LEGS)

    @model_validator(mode="after")
    def _consistent(self) -> EngineRecord:
        if self.stop_reason is not None and not self.ended_early:
            raise ValueError(_("a session with a stop_reason ended early; set ended_early to true"))
        if self.paused_seconds > self.ended_at:
            raise ValueError(_("paused_seconds is longer than the whole session"))
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
    receiver: str | None = Field(
        default=None,
        max_length=NAME_MAX_CHARS,
        description="Who received the session, by name in the household (the web plan says it when there is one).",
    )
    source: Source
    script: SessionScript
    engine: EngineRecord
    before: Ratings
    after: Ratings | None
    note: str = Field(default="", max_length=NOTE_MAX_CHARS)
    started_at: AwareDatetime
    ended_at: AwareDatetime

    @field_validator("started_at", "ended_at", mode="after")
    @classmethod
    def _in_range(cls, value: datetime) -> datetime:
        # Checked on the year as written, before any conversion: year 1 or 9999 with an
        # offset would overflow when turned into UTC.
        if not EARLIEST.year <= value.year < LATEST.year:
            raise ValueError(
                _("%(year)d is not a year softspot keeps; give a time from %(first)d to 2099")
                % {"year": value.year, "first": EARLIEST.year}
            )
        return value

    @field_validator("receiver", mode="after")
    @classmethod
    def _a_name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return clean_name(value)
        except BadName as exc:
            raise ValueError(str(exc)) from None

    @field_validator("note", mode="after")
    @classmethod
    def _storable_note(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError(_("contains a NUL character (\\u0000), which cannot be stored"))
        return value

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> RecordIn:
        now = info.context.get("now") if isinstance(info.context, dict) else None
        if isinstance(now, datetime) and self.started_at > now + FUTURE_SLACK:
            raise ValueError(
                "started_at: "
                + ngettext(
                    "is in the future (more than %(n)d day after now)",
                    "is in the future (more than %(n)d days after now)",
                    FUTURE_SLACK.days,
                )
                % {"n": FUTURE_SLACK.days}
            )
        if self.ended_at < self.started_at:
            raise ValueError("ended_at: " + _("comes before started_at"))
        if (self.ended_at - self.started_at).total_seconds() > MAX_SESSION_SECONDS:
            raise ValueError(
                "ended_at: " + _("is more than %(n)d hours after started_at") % {"n": MAX_SESSION_SECONDS // 3600}
            )
        if problem := _script_fits(self.script):
            raise ValueError(problem)
        if self.after is None and not self.engine.ended_early:
            raise ValueError("after: " + _("the ratings after are needed when the session ran to the end"))
        legs = {leg.leg for leg in self.script.legs}
        for n, spot in enumerate(self.engine.spots):
            if spot.leg not in legs:
                raise ValueError(
                    f"engine.spots.{n}.leg: " + _("'%(leg)s' is not a leg of the script") % {"leg": spot.leg}
                )
        return self

    @property
    def comfortable(self) -> bool:
        """Ran to the end, and no tension rating went up."""
        return is_comfortable(self.engine.ended_early, self.engine.stop_reason, self.before, self.after)


def _script_fits(script: SessionScript) -> str | None:
    """The first value of the script the store's columns cannot hold, as ``field: message``; None when it fits."""
    texts = (
        ("script.technique.id", script.technique.id, ID_MAX_CHARS),
        ("script.technique.version", script.technique.version, VERSION_MAX_CHARS),
        ("script.surface.id", script.surface.id, ID_MAX_CHARS),
        ("script.position.id", script.position.id, ID_MAX_CHARS),
        *((f"script.add_ons.{n}.id", a.id, ID_MAX_CHARS) for n, a in enumerate(script.add_ons)),
        *((f"script.legs.{n}.leg", leg.leg, ID_MAX_CHARS) for n, leg in enumerate(script.legs)),
    )
    for field, text, longest in texts:
        if not text:
            return f"{field}: " + _("is empty")
        if len(text) > longest:
            return f"{field}: " + _("is %(n)d characters long; at most %(most)d are allowed") % {
                "n": len(text),
                "most": longest,
            }
    seconds = script.dose.seconds_per_leg
    if not 1 <= seconds <= MAX_SECONDS_PER_LEG:
        return "script.dose.seconds_per_leg: " + _("%(value)s is outside 1 to %(most)d") % {
            "value": seconds,
            "most": MAX_SECONDS_PER_LEG,
        }
    if len(script.add_ons) > MAX_ADD_ONS:
        return "script.add_ons: " + _("has %(n)d add-ons; at most %(most)d are allowed") % {
            "n": len(script.add_ons),
            "most": MAX_ADD_ONS,
        }
    if len(script.legs) > MAX_LEGS:
        return "script.legs: " + _("has %(n)d legs; at most %(most)d are allowed") % {
            "n": len(script.legs),
            "most": MAX_LEGS,
        }
    return None


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
    "missing": N_("is required"),
    "extra_forbidden": N_("is not a field of a session record"),
    "uuid_parsing": N_("is not a UUID"),
    "uuid_type": N_("is not a UUID"),
    "timezone_aware": N_("needs a time zone, e.g. 2026-11-23T20:01:02Z"),
}


def _bound_message(error: Any) -> str | None:
    """A plainer sentence for pydantic's bound errors: ``40000 is above 1000``."""
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind in {"less_than_equal", "less_than"} and isinstance(value, int | float):
        return _("%(value)s is above %(bound)s") % {
            "value": _number(value),
            "bound": _number(ctx.get("le", ctx.get("lt"))),
        }
    if kind in {"greater_than_equal", "greater_than"} and isinstance(value, int | float):
        return _("%(value)s is below %(bound)s") % {
            "value": _number(value),
            "bound": _number(ctx.get("ge", ctx.get("gt"))),
        }
    if kind == "string_too_long" and isinstance(value, str):
        return _("is %(n)d characters long; at most %(most)d are allowed") % {
            "n": len(value),
            "most": ctx.get("max_length"),
        }
    if kind == "string_too_short":
        return _("is empty")
    if kind == "too_long":
        return _("has %(n)s items; at most %(most)s are allowed") % {
            "n": ctx.get("actual_length"),
            "most": ctx.get("max_length"),
        }
    if kind == "finite_number":
        return _("is not a finite number")
    return None


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def field_errors(exc: ValidationError) -> list[FieldError]:
    """One :class:`FieldError` per problem, with a dotted field path and a plain message."""
    found: list[FieldError] = []
    for error in exc.errors(include_url=False):
        field = ".".join(str(part) for part in error["loc"])
        known = _MESSAGES.get(error["type"])
        message = (
            (_(known) if known else None) or _bound_message(error) or str(error["msg"]).removeprefix("Value error, ")
        )
        # Model-level checks name their own field as "field: message".
        head, sep, tail = message.partition(": ")
        if sep and not field and " " not in head:
            field, message = head, tail
        found.append(FieldError(field, message))
    return found


def parse_record(data: Any, *, now: datetime | None = None) -> RecordIn:
    """Validate a decoded JSON record, or raise :class:`RecordError` naming every bad field.

    With ``now`` (the receiving clock), a record that starts in the future is refused.
    """
    if not isinstance(data, dict):
        raise RecordError([FieldError("", _("the record must be a JSON object"))])
    if found := safejson.problems(data):
        raise RecordError([FieldError(p.path, p.message) for p in found])
    return _validated(data, now)


def _validated(data: dict[str, Any], now: datetime | None) -> RecordIn:
    try:
        return RecordIn.model_validate(data, context={"now": now})
    except ValidationError as exc:
        raise RecordError(field_errors(exc)) from None


def read_record(body: bytes, *, now: datetime | None = None, what: str | None = None) -> RecordIn:
    """A record from JSON bytes (a request body, a recovery file), within bounds of size and nesting.

    ``what`` names the source in messages about the whole (``the body is not JSON (...)``).
    """
    what = what or _("the body")
    if len(body) > MAX_RECORD_BYTES:
        raise RecordError(
            [FieldError("", _("%(what)s is larger than %(n)d MB") % {"what": what, "n": MAX_RECORD_BYTES // 1_000_000})]
        )
    try:
        data, found = safejson.read(body)  # decoded and checked for unstorable values in one go
    except safejson.JsonProblem as exc:
        raise RecordError([FieldError("", f"{what} {exc}")]) from None
    if not isinstance(data, dict):
        raise RecordError([FieldError("", "the record must be a JSON object")])
    if found:
        raise RecordError([FieldError(p.path, p.message) for p in found])
    return _validated(data, now)
