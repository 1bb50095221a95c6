"""Built-in techniques read without pydantic: the validated technique kept as plain data beside its YAML.

Importing pydantic and building the technique's 34 models takes about half the start-up of ``softspot
screen``, ``plan`` and ``technique show``, which only read a built-in technique. So each built-in technique
``techniques/<id>.yaml`` ships with ``techniques/<id>.plain.json``: the technique exactly as
:func:`softspot.core.loader.parse_technique` validated it, written by ``scripts/gen_plain.py``
(``tests/test_plain.py`` fails when it is stale). :func:`built_in` reads it back as :class:`Part` objects with
the models' field names and values (:class:`Text` and :class:`Name` as they are), and a
:class:`PlainTechnique` at the top with the technique's methods (:class:`TechniqueReading`, shared with the
model). ``technique show --json`` prints the model's own JSON, kept in the same file for every language.
:func:`built_in` returns it typed as the model it stands for, so the screening, the planner and the commands
are checked by mypy against the models; they read only fields and these methods (``tests/test_plain.py`` runs
them on both and compares the results), and a part says which model it stands for when asked for anything else.

The file is used only when it says it was made from exactly this YAML text by exactly this validating code:
its ``key`` is a SHA-256 of the YAML and of the source of the modules that validate (:data:`CODE`). Anything
else (a missing, garbled or truncated file, another format, a changed technique or validator, a value of an
unexpected kind) makes :func:`built_in` return None, and the caller validates the YAML as before
(:func:`softspot.core.loader.built_in`). Like the YAML and the code, the file is part of the installed package:
nothing in the user's data or cache folder is read here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from softspot.core.text import Name, Text

if TYPE_CHECKING:
    from softspot.core.technique import AddOn, Position, Side, Surface, Technique

FORMAT = 1
FOLDER = Path(__file__).with_name("techniques")
CODE = ("technique.py", "text.py", "loader.py", "limits.py", "units.py", "yaml_input.py", "plain.py", "../i18n.py")
"""The modules whose source is in the key: a change to any of them stops the plain file from being used."""


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_T = TypeVar("_T", bound=_HasId)


def _by_id(items: tuple[_T, ...], wanted: str, what: str) -> _T:
    for item in items:
        if item.id == wanted:
            return item
    known = ", ".join(item.id for item in items)
    raise KeyError(f"no {what} '{wanted}' (known: {known})")


class TechniqueReading:
    """A technique's methods beyond its fields, shared by the model and :class:`PlainTechnique`."""

    if TYPE_CHECKING:
        language: str
        languages: tuple[str, ...]
        surfaces: tuple[Surface, ...]
        positions: tuple[Position, ...]
        add_ons: tuple[AddOn, ...]
        sides: tuple[Side, ...]

    @property
    def written_in(self) -> tuple[str, ...]:
        """The languages the file is written in: ``languages``, or the file's ``language`` alone."""
        return self.languages or (self.language,)

    def surface(self, surface_id: str) -> Surface:
        return _by_id(self.surfaces, surface_id, "surface")

    def position(self, position_id: str) -> Position:
        return _by_id(self.positions, position_id, "position")

    def add_on(self, add_on_id: str) -> AddOn:
        return _by_id(self.add_ons, add_on_id, "add-on")

    def side(self, side_id: str) -> Side:
        return _by_id(self.sides, side_id, "side")

    @property
    def default_surface(self) -> Surface:
        return next((s for s in self.surfaces if s.default), self.surfaces[0])

    @property
    def main_position(self) -> Position:
        return next((p for p in self.positions if p.main), self.positions[0])


class Part:
    """One part of a validated technique (a ``Cue``, a ``Question``...): the model's fields as attributes, in
    the model's order, and immutable like the model."""

    _model: str
    _names: tuple[str, ...]

    def __init__(self, model: str, fields: Mapping[str, object]) -> None:
        object.__setattr__(self, "_model", model)
        object.__setattr__(self, "_names", tuple(fields))
        self.__dict__.update(fields)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{self._model} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{self._model} is immutable")

    def __getattr__(self, name: str) -> Any:  # only called for what is not there: say which part it was
        raise AttributeError(f"{type(self).__name__} {self.__dict__.get('_model')!r} has no attribute {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Part):
            return NotImplemented
        return self._model == other._model and self.fields() == other.fields()

    def __hash__(self) -> int:
        return hash((self._model, *self.fields().values()))

    def __repr__(self) -> str:
        return f"{self._model}({', '.join(f'{k}={v!r}' for k, v in self.fields().items())})"

    def fields(self) -> dict[str, object]:
        return {name: self.__dict__[name] for name in self._names}

    def replaced(self, update: Mapping[str, object]) -> Part:
        """A copy with some fields changed (the model's ``model_copy(update=...)``)."""
        return type(self)(self._model, {**self.fields(), **update})


class PlainTechnique(Part, TechniqueReading):
    """The technique itself, with the model's methods; its JSON is the model's, kept for every language."""

    _dumps: Mapping[str, str]
    _dump: str | None

    def __init__(
        self, model: str, fields: Mapping[str, object], dumps: Mapping[str, str], dump: str | None = ""
    ) -> None:
        super().__init__(model, fields)
        object.__setattr__(self, "_dumps", dumps)
        object.__setattr__(self, "_dump", dump)

    def replaced(self, update: Mapping[str, object]) -> Part:
        raise TypeError("a plain technique changes only through localized()")

    def localized(self, lang: str) -> Technique:
        """This technique written in ``lang`` alone (as :meth:`softspot.core.technique.Technique.localized`)."""
        if self.written_in == (lang,):
            return cast("Technique", self)
        update = {name: localized_value(value, lang) for name, value in self.fields().items()}
        update |= {"language": lang, "languages": (lang,)}
        dump = lang if self._dump == "" else None  # the file keeps the JSON of one localization, not of two
        return cast("Technique", PlainTechnique(self._model, update, self._dumps, dump))

    def model_dump_json(self) -> str:
        """The model's ``model_dump_json()``, as kept when the technique was validated (for the technique and
        each of its localizations; not for a localization of a localization, which no command makes)."""
        if self._dump is None or self._dump not in self._dumps:
            raise ValueError("no JSON is kept for this technique: validate its YAML for it")
        return self._dumps[self._dump]


def field_names(value: object) -> tuple[str, ...] | None:
    """The fields of a model or a :class:`Part`, in order; None for anything else."""
    if isinstance(value, Part):
        return value._names
    fields = getattr(type(value), "model_fields", None)
    return tuple(fields) if isinstance(fields, dict) else None


def localized_value(value: object, lang: str) -> object:
    """``value`` with every :class:`Text` in it in ``lang``; parts with no text are shared, not copied."""
    if isinstance(value, Text):
        return value.in_language(lang)
    names = field_names(value)
    if names is not None:
        update = {}
        for name in names:
            old = getattr(value, name)
            new = localized_value(old, lang)
            if new is not old:
                update[name] = new
        if not update:
            return value
        return value.replaced(update) if isinstance(value, Part) else value.model_copy(update=update)  # type: ignore[attr-defined]
    if isinstance(value, tuple):
        items = tuple(localized_value(item, lang) for item in value)
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if isinstance(value, dict):
        return {key: localized_value(item, lang) for key, item in value.items()}
    return value


# -- the file ------------------------------------------------------------------------------------------


def path(technique_id: str) -> Path:
    return FOLDER / f"{technique_id}.plain.json"


def key(yaml_text: str) -> str:
    """What a plain file must say it was made from: this YAML text, validated by this code."""
    digest = hashlib.sha256(f"softspot plain technique {FORMAT}\0".encode())
    digest.update(yaml_text.encode())
    here = Path(__file__).parent
    for name in CODE:
        digest.update(b"\0" + name.encode() + b"\0" + (here / name).read_bytes())
    return digest.hexdigest()


class _Unexpected(ValueError):
    """A value in a plain file of a kind a validated technique never holds."""


def encode(value: object) -> object:
    """A validated technique's value as JSON data (:func:`decode` reads it back)."""
    if isinstance(value, Text):
        kind = "Name" if isinstance(value, Name) else "Text"
        return {"$text": kind, "words": str(value), "source": value.source, "texts": value.texts}
    names = field_names(value)
    if names is not None:
        return {"$": type(value).__name__, **{name: encode(getattr(value, name)) for name in names}}
    if isinstance(value, tuple):
        return [encode(item) for item in value]
    if isinstance(value, dict) and all(isinstance(k, str) and not k.startswith("$") for k in value):
        return {"$dict": {k: encode(v) for k, v in value.items()}}
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if type(value).__name__ == "HttpUrl":  # pydantic's: kept as the text it prints as
        return {"$url": str(value)}
    raise _Unexpected(f"cannot keep a {type(value).__name__} as plain data")


def decode(data: object) -> object:
    """:func:`encode`'s output read back; :class:`_Unexpected` (or another error) for anything else."""
    if data is None or isinstance(data, (str, bool, int, float)):
        return data
    if isinstance(data, list):
        return tuple(decode(item) for item in data)
    if not isinstance(data, dict):
        raise _Unexpected(type(data).__name__)
    if "$text" in data:
        words, source, texts = data["words"], data["source"], data["texts"]
        if not (isinstance(words, str) and source in (None, "article", "softspot") and isinstance(texts, dict)):
            raise _Unexpected("text")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in texts.items()):
            raise _Unexpected("text")
        return {"Text": Text, "Name": Name}[data["$text"]](words, source, texts)
    if "$dict" in data:
        return {str(k): decode(v) for k, v in data["$dict"].items()}
    if "$url" in data:
        if not isinstance(data["$url"], str):
            raise _Unexpected("url")
        return data["$url"]
    model = data["$"]
    if not isinstance(model, str) or model == "Technique":
        raise _Unexpected("part")
    return Part(model, {name: decode(value) for name, value in data.items() if name != "$"})


def plain_data(technique: Technique, yaml_text: str) -> dict[str, object]:
    """What ``<id>.plain.json`` holds for a technique validated from ``yaml_text``."""
    from softspot.i18n import LANGUAGES

    dumps = {"": technique.model_dump_json()}
    dumps |= {lang: technique.localized(lang).model_dump_json() for lang in LANGUAGES}
    return {"format": FORMAT, "key": key(yaml_text), "technique": encode(technique), "json": dumps}


def built_in(technique_id: str, yaml_text: str) -> Technique | None:
    """The built-in technique ``technique_id`` as validated from ``yaml_text``, read from its plain file;
    None when that file is not exactly for this text and this code (then validate the YAML)."""
    try:
        kept = json.loads(path(technique_id).read_bytes())
        if kept["format"] != FORMAT or kept["key"] != key(yaml_text):
            return None
        body, dumps = kept["technique"], kept["json"]
        if body["$"] != "Technique" or not all(isinstance(k, str) and isinstance(v, str) for k, v in dumps.items()):
            return None
        fields = {name: decode(value) for name, value in body.items() if name != "$"}
        technique = PlainTechnique("Technique", fields, dumps)
        if technique.id != technique_id or not _well_formed(technique):
            return None
    except Exception:  # missing, unreadable, garbled, truncated or of another shape: validate the YAML
        return None
    return cast("Technique", technique)


def _well_formed(technique: PlainTechnique) -> bool:
    """Every part the commands read is there, of the kind the model holds (a sanity check of the file's shape:
    the key already says it was made by validating this very text)."""
    needed = ("questions", "surfaces", "positions", "sides", "segment", "spots", "dose", "cues", "guidance")
    return all(name in technique._names for name in needed) and all(
        isinstance(getattr(technique, name), tuple) for name in ("questions", "surfaces", "positions", "sides")
    )


def walk(value: object, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], object]]:
    """Every value in a technique (model or plain) with its path, parents first (for comparing the two)."""
    yield loc, value
    if isinstance(value, Text):
        return
    names = field_names(value)
    if names is not None:
        for name in names:
            yield from walk(getattr(value, name), (*loc, name))
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from walk(item, (*loc, i))
    elif isinstance(value, dict):
        for k, item in value.items():
            yield from walk(item, (*loc, k))
