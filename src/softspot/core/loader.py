"""Load technique files and report every problem as ``FILE:LINE:COLUMN: message``.

A technique file is untrusted input: :mod:`softspot.core.yaml_input` reads it with
every step bounded (size, kind of file, encoding, characters, and a YAML composer
that refuses anchors, aliases, tags and deep nesting) into plain data where each
value keeps its position. The data is then validated by
:class:`~softspot.core.technique.Technique`, and each pydantic error is mapped back
to the line and column of the value it concerns. Cross-references (a surface named
by a screening answer, a step named by a position...) and the safety rules that join
several values (:func:`~softspot.core.limits.safety_problems`) are checked last,
each at the line of the value at fault.

Each message is one line: text from the file is escaped and cut short, and at most
:data:`MAX_PROBLEMS` problems are listed, then how many more there are.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from softspot.core.built_ins import built_in_ids as built_in_ids
from softspot.core.built_ins import read_built_in
from softspot.core.echo import shown
from softspot.core.limits import safety_problems
from softspot.core.technique import Technique, text_locations
from softspot.i18n import DEFAULT as DEFAULT_LANGUAGE
from softspot.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from softspot.core.yaml_input import Loc

MAX_PROBLEMS = 50
"""The most problems listed for one file; the last line then says how many more there are."""
_MAX_MESSAGE = 400


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a technique file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    message: str

    def __post_init__(self) -> None:
        # One line, whatever the file name or the message echoes: escaped, and never very long.
        object.__setattr__(self, "file", shown(self.file, 200))
        object.__setattr__(self, "message", shown(self.message, _MAX_MESSAGE))

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class TechniqueError(Exception):
    """A technique file that cannot be used.

    ``problems`` lists the first :data:`MAX_PROBLEMS` in file order, and then, if there are more,
    one more line saying how many (at the first one left out); ``count`` is how many there are in all.
    """

    def __init__(self, problems: list[Problem]) -> None:
        ordered = sorted(problems)
        self.count = len(ordered)
        self.problems = ordered[:MAX_PROBLEMS]
        if len(ordered) > MAX_PROBLEMS:
            first_left_out = ordered[MAX_PROBLEMS]
            more = len(ordered) - MAX_PROBLEMS
            self.problems.append(
                Problem(
                    first_left_out.file,
                    first_left_out.line,
                    first_left_out.column,
                    ngettext(
                        "and %(n)d more problem from here on; fix these first",
                        "and %(n)d more problems from here on; fix these first",
                        more,
                    )
                    % {"n": more},
                )
            )
        super().__init__("\n".join(str(p) for p in self.problems))


class _Positions:
    """Where each value and each key sits in the file, by path from the root."""

    def __init__(self, values: dict[Loc, tuple[int, int]], keys: dict[Loc, tuple[int, int]]) -> None:
        self.values = values
        self.keys = keys

    def of_value(self, loc: Loc) -> tuple[int, int]:
        # The nearest enclosing value that has a position (a missing key has none).
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.values:
                return self.values[loc[:end]]
        return (1, 1)

    def of_key(self, loc: Loc) -> tuple[int, int]:
        return self.keys.get(loc) or self.of_value(loc)


def _fields_of(model: type[BaseModel], loc: Loc) -> list[str]:
    """The valid keys at ``loc`` (a path ending in the unknown key)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        current = _model_in(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _describe(loc: Loc) -> str:
    text = ".".join(shown(p) if isinstance(p, str) else f"[{p}]" for p in loc).replace(".[", "[")
    return shown(text, 120)


def _loc(error: Any) -> Loc:
    # Drop pydantic's tags for union members ("function-before[...]") from the path.
    return tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p and "]" in p))


_TYPE_ERRORS = {
    "string_type",
    "int_type",
    "float_type",
    "bool_type",
    "tuple_type",
    "list_type",
    "model_type",
    "dict_type",
    "model_attributes_type",
    "int_from_float",
}
_TYPE_NAMES = {
    "dict": N_("a mapping"),
    "list": N_("a list"),
    "str": N_("text"),
    "int": N_("a number"),
    "float": N_("a number"),
    "bool": N_("true/false"),
    "NoneType": N_("nothing"),
}
# Close matches are looked for among at most this many unknown keys of one mapping.
_MAX_CANDIDATES = 50


def _pydantic_problems(file: str, exc: ValidationError, where: _Positions) -> list[Problem]:
    """Each pydantic error at its line; hints (close matches) are worked out for the problems shown only."""
    placed: list[tuple[tuple[int, int], Loc, Any]] = []
    unknown: dict[Loc, list[str]] = {}
    for error in exc.errors(include_url=False):
        loc = _loc(error)
        if error["type"] == "extra_forbidden" and loc:
            placed.append((where.of_key(loc), loc, error))
            unknown.setdefault(loc[:-1], []).append(str(loc[-1]))
        else:
            placed.append((where.of_value(loc), loc, error))
    placed.sort(key=lambda item: item[0])

    problems: list[Problem] = []
    last_shown = (0, 0)
    for position, loc, error in placed:
        if len(problems) > MAX_PROBLEMS and position > last_shown:
            # Past the problems shown, a problem is only counted: no need to put it in words.
            if not _misspelt_twice(error, loc, unknown):
                problems.append(Problem(file, *position, _(_UNSHOWN)))
            continue
        message = _message(error, loc, unknown)
        if message is not None:
            problems.append(Problem(file, *position, message))
            last_shown = position
    return problems


_UNSHOWN = N_("(a further problem, counted but not shown)")


def _misspelt_twice(error: Any, loc: Loc, unknown: dict[Loc, list[str]]) -> bool:
    """A missing key whose misspelling is in the same mapping: it is said once, as an unknown key."""
    if error["type"] != "missing" or not loc:
        return False
    candidates = unknown.get(loc[:-1], [])[:_MAX_CANDIDATES]
    return bool(difflib.get_close_matches(str(loc[-1]), candidates, n=1, cutoff=0.6))


def _message(error: Any, loc: Loc, unknown: dict[Loc, list[str]]) -> str | None:
    """One pydantic error in plain words, or ``None`` for a missing key that is only misspelt."""
    kind = error["type"]
    message = str(error["msg"]).removeprefix("Value error, ")
    name = _describe(loc) or _("the file")
    if kind == "extra_forbidden" and loc:
        valid = _fields_of(Technique, loc)
        close = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.6)
        facts = {"key": shown(loc[-1]), "near": close[0] if close else "", "keys": ", ".join(valid)}
        if close:
            return _("unknown key '%(key)s'; did you mean '%(near)s'?") % facts
        if valid:
            return _("unknown key '%(key)s'; valid keys: %(keys)s") % facts
        return _("unknown key '%(key)s'") % facts
    if kind == "missing" and loc:
        if _misspelt_twice(error, loc, unknown):
            return None
        return _("'%(key)s' is missing (needed at %(where)s)") % {"key": shown(loc[-1]), "where": name}
    if kind in _TYPE_ERRORS:
        got = type(error.get("input")).__name__
        kind_name = _TYPE_NAMES.get(got)
        return _("%(where)s: wrong type: %(problem)s, got %(got)s") % {
            "where": name,
            "problem": message.lower(),
            "got": _(kind_name) if kind_name else got,
        }
    if kind == "literal_error":
        return _("%(where)s: %(problem)s, got '%(got)s'") % {
            "where": name,
            "problem": message,
            "got": shown(error.get("input")),
        }
    return f"{name}: {message}"


def _cross_check(file: str, technique: Technique, where: _Positions) -> Iterator[Problem]:
    """References between parts of the file, each reported where it is made."""

    def check(loc: Loc, wanted: str, known: Iterable[str], what: str) -> Iterator[Problem]:
        known = list(known)
        if wanted in known:
            return
        close = difflib.get_close_matches(wanted, known, n=1, cutoff=0.6)
        said = {
            "surface": _("there is no surface '%(wanted)s'"),
            "position": _("there is no position '%(wanted)s'"),
            "add-on": _("there is no add-on '%(wanted)s'"),
        }.get(what) or f"there is no {what} '%(wanted)s'"
        if close:
            hint = _("; did you mean '%(near)s'?") % {"near": close[0]}
        else:
            hint = " " + _("(known: %(ids)s)") % {"ids": ", ".join(known) or _("none")}
        line, column = where.of_value(loc)
        yield Problem(file, line, column, f"{_describe(loc)}: " + said % {"wanted": wanted} + hint)

    surfaces = [s.id for s in technique.surfaces]
    positions = [p.id for p in technique.positions]
    add_ons = [a.id for a in technique.add_ons]
    steps = [s.id for s in technique.preparation]
    for i, q in enumerate(technique.questions):
        answer = q.if_yes
        if answer.use_surface:
            yield from check(("questions", i, "if_yes", "use_surface"), answer.use_surface, surfaces, "surface")
        if answer.use_position:
            yield from check(("questions", i, "if_yes", "use_position"), answer.use_position, positions, "position")
        for j, add_on in enumerate(answer.omit_add_ons):
            yield from check(("questions", i, "if_yes", "omit_add_ons", j), add_on, add_ons, "add-on")
    for i, position in enumerate(technique.positions):
        for step in position.steps:
            loc: Loc = ("positions", i, "steps", step)
            if step not in steps:
                line, column = where.of_key(loc)
                close = difflib.get_close_matches(step, steps, n=1, cutoff=0.6)
                if close:
                    hint = _("; did you mean '%(near)s'?") % {"near": close[0]}
                else:
                    hint = " " + _("(steps: %(ids)s)") % {"ids": ", ".join(steps) or _("none")}
                said = _("there is no preparation step '%(step)s'") % {"step": step}
                yield Problem(file, line, column, f"positions[{i}].steps: {said}{hint}")
    id_lists: dict[str, list[str]] = {
        "questions": [q.id for q in technique.questions],
        "surfaces": surfaces,
        "positions": positions,
        "preparation": steps,
        "add_ons": add_ons,
        "sides": [s.id for s in technique.sides],
    }
    for name, ids in id_lists.items():
        seen: set[str] = set()
        for i, item_id in enumerate(ids):
            if item_id in seen:
                line, column = where.of_value((name, i, "id"))
                yield Problem(file, line, column, f"{name}[{i}].id: " + _("'%(id)s' is used twice") % {"id": item_id})
            seen.add(item_id)
    for name, items in (("surfaces", technique.surfaces), ("positions", technique.positions)):
        flags = [i for i, item in enumerate(items) if getattr(item, "default" if name == "surfaces" else "main")]
        if len(flags) > 1:
            line, column = where.of_value((name, flags[1]))
            yield Problem(
                file,
                line,
                column,
                f"{name}: "
                + _("only one may be marked %(flag)s") % {"flag": "default" if name == "surfaces" else "main"},
            )
    hold = technique.spots.first_hold.max
    if hold > technique.dose.maximum:
        line, column = where.of_value(("spots", "first_hold", "max"))
        yield Problem(
            file, line, column, "spots.first_hold.max: " + _("longer than dose.maximum, so it could never be reached")
        )


def _missing_languages(file: str, technique: Technique, where: _Positions) -> Iterator[Problem]:
    """Every text that has no words in one of the languages the file says it is written in."""
    wanted = technique.written_in
    for loc, text in text_locations(technique):
        have = text.languages(technique.language)
        missing = [lang for lang in wanted if lang not in have]
        if not missing:
            continue
        key = next((str(part) for part in reversed(loc) if isinstance(part, str)), "text")
        line, column = where.of_value(loc)
        for lang in missing:
            yield Problem(file, line, column, _("'%(key)s' has no '%(lang)s' text") % {"key": shown(key), "lang": lang})


def parse_technique(text: str, file: str = "<technique>") -> Technique:
    """Validate technique YAML text; raise :class:`TechniqueError` with every problem found."""
    from softspot.core.yaml_input import InputError, check_text, compose  # YAML only when a file is read

    try:
        check_text(text)
        composed = compose(text)
    except InputError as exc:
        raise TechniqueError([Problem(file, *problem) for problem in exc.problems]) from None
    where = _Positions(composed.values, composed.keys)
    problems = [Problem(file, *duplicate) for duplicate in composed.duplicates]
    data = composed.data
    if data is None:
        raise TechniqueError([Problem(file, 1, 1, _("the file is empty; a technique starts with 'id:'"))])
    if not isinstance(data, dict):
        line, column = where.of_value(())
        raise TechniqueError(
            [Problem(file, line, column, _("a technique file is a mapping of keys such as 'id:' and 'title:'"))]
        )
    language = data.get("language")
    context = {"language": language if isinstance(language, str) else DEFAULT_LANGUAGE}
    try:
        technique = Technique.model_validate(data, context=context)
    except ValidationError as exc:
        problems.extend(_pydantic_problems(file, exc, where))
        raise TechniqueError(problems) from None
    problems.extend(_cross_check(file, technique, where))
    problems.extend(_missing_languages(file, technique, where))
    problems.extend(Problem(file, *where.of_value(loc), message) for loc, message in safety_problems(technique))
    if problems:
        raise TechniqueError(problems)
    return technique


def parse_technique_bytes(data: bytes, file: str = "<technique>") -> Technique:
    """Validate the bytes of a technique file (UTF-8); raise :class:`TechniqueError` with every problem."""
    from softspot.core.yaml_input import decode

    return parse_technique(decode(data), file)


def load_technique(path: str | Path) -> Technique:
    """Read and validate one technique file: a regular file of at most 256 KB, never blocking."""
    from softspot.core.yaml_input import InputError, read_bounded

    try:
        data = read_bounded(path)
    except InputError as exc:
        raise TechniqueError([Problem(str(path), *problem) for problem in exc.problems]) from None
    return parse_technique_bytes(data, str(path))


def built_in_text(technique_id: str) -> str:
    """The YAML text of a technique that ships with softspot."""
    known = built_in_ids()
    if technique_id not in known:
        close = difflib.get_close_matches(technique_id, known, n=1)
        if close:
            hint = _("; did you mean '%(near)s'?") % {"near": close[0]}
        else:
            hint = " " + _("(built in: %(ids)s)") % {"ids": ", ".join(known)}
        raise KeyError(_("no built-in technique '%(id)s'") % {"id": technique_id} + hint)
    return read_built_in(technique_id)


_cache: dict[str, Technique] = {}


def built_in(technique_id: str = "hands-free-hamstring") -> Technique:
    """A technique that ships with softspot, validated once per process, and kept validated on disk
    between processes (:func:`softspot.core.technique_cache.load`: a command then starts without reading
    YAML or building the technique's validators)."""
    if technique_id not in _cache:
        from softspot.core import technique_cache

        text = built_in_text(technique_id)
        found = technique_cache.load(technique_id, text)
        if found is None:
            found = parse_technique(text, f"{technique_id}.yaml")
            technique_cache.store(technique_id, text, found)
        _cache[technique_id] = found
    return _cache[technique_id]
