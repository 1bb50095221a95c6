"""Quantities with units: times and distances as people write them.

A technique file and a command line say ``90 s``, ``2 min``, ``2 in`` or ``5 cm``.
Inside the core a time is a number of seconds and a distance a number of
centimetres; the unit a person used is kept so answers can be given back in it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from softspot.i18n import _
from softspot.i18n import format_distance as written_distance
from softspot.i18n import format_duration as written_duration

CM_PER_INCH = 2.54
MAX_QUANTITY = 1e9
"""No time or distance a person writes is larger; bigger numbers are refused before any arithmetic."""

DistanceUnit = Literal["cm", "in"]

_TIME_UNITS: dict[str, float] = {
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
}
_DISTANCE_UNITS: dict[str, tuple[float, DistanceUnit]] = {
    "cm": (1.0, "cm"),
    "mm": (0.1, "cm"),
    "m": (100.0, "cm"),
    "in": (CM_PER_INCH, "in"),
    "inch": (CM_PER_INCH, "in"),
    "inches": (CM_PER_INCH, "in"),
    '"': (CM_PER_INCH, "in"),
}

_QUANTITY = re.compile(r"^\s*(?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<unit>[A-Za-z\"]*)\s*$")


class UnitError(ValueError):
    """A quantity that cannot be read; the message says what a person should write."""


def _split(text: str, kind: str, example: str) -> tuple[float, str]:
    match = _QUANTITY.match(text)
    if match is None:
        said = (
            _("'%(text)s' is not a time; write a number and a unit, e.g. '%(example)s'")
            if kind == "time"
            else _("'%(text)s' is not a distance; write a number and a unit, e.g. '%(example)s'")
        )
        raise UnitError(said % {"text": _short(text), "example": example})
    number = float(match["number"])
    if not math.isfinite(number) or number > MAX_QUANTITY:
        said = (
            _("'%(text)s' is too large to be a time")
            if kind == "time"
            else _("'%(text)s' is too large to be a distance")
        )
        raise UnitError(said % {"text": _short(text)})
    return number, match["unit"].lower()


def _short(text: str, keep: int = 24) -> str:
    return text if len(text) <= keep else f"{text[:keep]}…"


def parse_seconds(value: str | int | float) -> float:
    """Read a time such as ``90 s`` or ``2 min`` into seconds."""
    if isinstance(value, bool) or not isinstance(value, str):
        raise UnitError(
            _("the time '%(value)s' has no unit; write e.g. '%(value)s s' or '%(value)s min'") % {"value": value}
        )
    number, unit = _split(value, "time", "90 s")
    if not unit:
        raise UnitError(
            _("the time '%(value)s' has no unit; write e.g. '%(value)s s' or '%(value)s min'") % {"value": value}
        )
    if unit not in _TIME_UNITS:
        raise UnitError(_("'%(unit)s' is not a unit of time; use s or min") % {"unit": unit})
    if number < 0:
        raise UnitError(_("the time '%(value)s' is negative") % {"value": value})
    return number * _TIME_UNITS[unit]


@dataclass(frozen=True)
class Length:
    """A distance in centimetres, remembering the unit it was written in."""

    cm: float
    unit: DistanceUnit = "cm"

    def show(self, unit: DistanceUnit | None = None) -> str:
        return format_distance(self.cm, unit or self.unit)


def parse_length(value: str | int | float, *, default_unit: DistanceUnit | None = None) -> Length:
    """Read a distance such as ``2 in``, ``5 cm`` or ``45cm``.

    With ``default_unit`` a bare number is accepted in that unit (used for
    command-line options whose help names the unit); otherwise it is an error.
    """
    if isinstance(value, bool):
        raise UnitError(_("%(value)s is not a distance") % {"value": repr(value)})
    text = value if isinstance(value, str) else str(value)
    number, unit = _split(text, "distance", "2 in")
    if not unit:
        if default_unit is None:
            raise UnitError(
                _("the distance '%(value)s' has no unit; write e.g. '%(value)s cm' or '%(value)s in'") % {"value": text}
            )
        unit = default_unit
    if unit not in _DISTANCE_UNITS:
        raise UnitError(_("'%(unit)s' is not a unit of distance; use cm or in") % {"unit": unit})
    if number < 0:
        raise UnitError(_("the distance '%(value)s' is negative") % {"value": text})
    factor, shown = _DISTANCE_UNITS[unit]
    return Length(number * factor, shown)


def format_distance(cm: float, unit: DistanceUnit = "cm") -> str:
    """``42`` -> ``42 cm``; ``2.54, "in"`` -> ``1.0 in``: written for screens, in the active language
    (``2,5 cm`` in German; :func:`softspot.i18n.format_distance`)."""
    return written_distance(cm, unit)


def format_seconds(seconds: float) -> str:
    """``95`` -> ``1:35``; a clock face for countdowns and plans."""
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def format_duration(seconds: float) -> str:
    """``95`` -> ``1 min 35 s``: words for sentences, in the active language (``1 นาที 35 วินาที`` in Thai;
    :func:`softspot.i18n.format_duration`)."""
    return written_duration(seconds)
