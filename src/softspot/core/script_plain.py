"""The session script without pydantic, for a plan made from a technique read without it (``softspot plan``).

:func:`softspot.core.planner.plan` assembles its script with ``model_construct`` from the classes of
:mod:`softspot.core.script` (pydantic models), or, for a technique read from its plain file
(:mod:`softspot.core.plain`), from the classes here: the same names, the same fields in the same order with the
same defaults, the same methods (:class:`SegmentReading`, :class:`ScriptReading`, shared with the models) and
the same JSON, byte for byte. The fields are not written out again here: ``script_fields.json`` holds them, as
``scripts/gen_plain.py`` reads them from the models (``tests/test_plain.py`` fails when it is stale), keyed by
the source of ``script.py``; when the key does not match (the models changed and the file was not written
again), :func:`usable` is False and the planner uses the models.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from softspot.core.script import EventCues, ScriptLeg, ScriptSpot, Segment, SpokenCue

FORMAT = 1
FIELDS = Path(__file__).with_name("script_fields.json")
MODELS = Path(__file__).with_name("script.py")
_LOW, _HIGH = 1e-4, 1e15
"""Floats in this range print the same in Python's JSON and in pydantic's (others: pydantic_core prints them)."""


class SegmentReading:
    """A segment's methods beyond its fields (shared by the model and the plain class)."""

    if TYPE_CHECKING:
        cue: SpokenCue
        extra: list[SpokenCue]

    @property
    def label(self) -> str:
        """What happens in this segment, in a timeline: the on-screen cue, with any add-on said during it."""
        return " + ".join([self.cue.show, *(c.show for c in self.extra)])


class ScriptReading:
    """A script's methods beyond its fields (shared by the model and the plain class)."""

    if TYPE_CHECKING:
        segments: list[Segment]
        legs: list[ScriptLeg]
        cues: EventCues

    def spoken_texts(self) -> list[str]:
        """Every text a player may say for this script, each once, in order (for cue audio)."""
        texts = [s.cue.say for s in self.segments] + [c.say for s in self.segments for c in s.extra]
        texts += [t.cue.say for s in self.segments for t in s.timed]
        cues = self.cues
        texts += [cues.paused.say, cues.resumed.say, cues.extended.say, cues.stopped.say, cues.finish.say]
        texts += [c.say for c in (cues.pain_rule, cues.check_in) if c is not None]
        return list(dict.fromkeys(t for t in texts if t.strip()))

    def spot_at(self, segment: Segment) -> ScriptSpot | None:
        """The spot a ``spot`` segment sits on (None for other segments)."""
        if segment.kind != "spot" or segment.leg is None:
            return None
        leg = next(leg for leg in self.legs if leg.leg == segment.leg)
        return next((s for s in (*leg.spots, *leg.reserve) if s.index == segment.spot), None)


class Record:
    """One part of a script as plain attributes: ``model_construct``, ``model_copy``, ``model_dump`` and
    ``model_dump_json`` as the models have them; immutable like them."""

    shape: ClassVar[tuple[tuple[str, str, object], ...]] = ()
    """Each field: its name, and ``required``, ``value`` (with the default), ``list`` or ``dict`` (a new one)."""

    @classmethod
    def model_construct(cls, **values: object) -> Any:
        made = object.__new__(cls)
        fields = made.__dict__
        for name, how, default in cls.shape:
            if name in values:
                fields[name] = values.pop(name)
            elif how == "value":
                fields[name] = default
            elif how in ("list", "dict"):
                fields[name] = [] if how == "list" else {}
            else:
                raise TypeError(f"{cls.__name__}: {name} is needed")
        if values:
            raise TypeError(f"{cls.__name__}: no field {', '.join(values)}")
        return made

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return type(self).__name__ == type(other).__name__ and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"

    def model_copy(self, *, update: Mapping[str, object] | None = None) -> Any:
        made = object.__new__(type(self))
        made.__dict__.update(self.__dict__, **(update or {}))
        return made

    def model_dump(self) -> dict[str, Any]:
        return {name: _data(self.__dict__[name]) for name, _how, _default in self.shape}

    def model_dump_json(self, *, indent: int | None = None) -> str:
        """The model's ``model_dump_json``: the same keys in the same order, the same spacing and numbers."""
        data = self.model_dump()
        if not _plain_floats(data):
            import pydantic_core

            return pydantic_core.to_json(data, indent=indent).decode()
        if indent is None:
            return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return json.dumps(data, ensure_ascii=False, indent=indent)


def _data(value: object) -> Any:
    if isinstance(value, Record):
        return value.model_dump()
    if isinstance(value, (list, tuple)):
        return [_data(item) for item in value]
    if isinstance(value, dict):
        return {key: _data(item) for key, item in value.items()}
    return value


def _plain_floats(data: object) -> bool:
    """Every float in ``data`` is one Python's ``json`` writes as pydantic does."""
    if isinstance(data, float):
        return data == 0 or _LOW <= abs(data) < _HIGH
    if isinstance(data, list):
        return all(_plain_floats(item) for item in data)
    if isinstance(data, dict):
        return all(_plain_floats(item) for item in data.values())
    return True


def key() -> str:
    """What ``script_fields.json`` must say it was read from: this ``script.py``."""
    return hashlib.sha256(f"softspot plain script {FORMAT}\0".encode() + MODELS.read_bytes()).hexdigest()


_MIXINS: dict[str, tuple[type, ...]] = {"Segment": (SegmentReading,), "SessionScript": (ScriptReading,)}
_classes: dict[str, type[Record]] | None = None


def _load() -> dict[str, type[Record]]:
    """The classes, made from ``script_fields.json``; empty when it is not for this ``script.py``."""
    try:
        kept = json.loads(FIELDS.read_bytes())
        if kept["format"] != FORMAT or kept["key"] != key():
            return {}
        made: dict[str, type[Record]] = {}
        for name, fields in kept["models"].items():
            shape = tuple((str(field), str(how), default) for field, how, default in fields)
            if not all(how in ("required", "value", "list", "dict") for _field, how, _default in shape):
                return {}
            made[name] = type(name, (*_MIXINS.get(name, ()), Record), {"shape": shape, "__module__": __name__})
        return made
    except Exception:  # missing, garbled or of another shape: the planner uses the models
        return {}


def usable() -> bool:
    """Whether the classes here match the models (else plan with :mod:`softspot.core.script`)."""
    global _classes
    if _classes is None:
        _classes = _load()
    return bool(_classes)


def __getattr__(name: str) -> type[Record]:
    if usable() and _classes is not None and name in _classes:
        return _classes[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
