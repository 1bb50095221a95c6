"""Load technique files and report every problem as ``FILE:LINE:COLUMN: message``.

YAML is composed into nodes first so each value keeps its position; the plain
data is then validated by :class:`~softspot.core.technique.Technique`, and each
pydantic error is mapped back to the line and column of the value it concerns.
Cross-references (a surface named by a screening answer, a step named by a
position...) are checked last, each at the line of the reference.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from softspot.core.technique import Technique

Loc = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a technique file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class TechniqueError(Exception):
    """A technique file that cannot be used; ``problems`` says every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class _Positions:
    """Where each value and each key sits in the file, by path from the root."""

    def __init__(self) -> None:
        self.values: dict[Loc, tuple[int, int]] = {}
        self.keys: dict[Loc, tuple[int, int]] = {}

    def of_value(self, loc: Loc) -> tuple[int, int]:
        # The nearest enclosing value that has a position (a missing key has none).
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.values:
                return self.values[loc[:end]]
        return (1, 1)

    def of_key(self, loc: Loc) -> tuple[int, int]:
        return self.keys.get(loc) or self.of_value(loc)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _construct(node: yaml.Node, loc: Loc, where: _Positions, problems: list[tuple[Loc, str]]) -> Any:
    where.values[loc] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            where.keys[(*loc, key)] = _mark(key_node)
            if key in result:
                where.values[(*loc, key)] = _mark(key_node)
                problems.append(((*loc, key), f"'{key}' is given twice; keep one"))
                continue
            result[key] = _construct(value_node, (*loc, key), where, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*loc, i), where, problems) for i, item in enumerate(node.value)]
    return _SCALARS.construct_object(node, deep=True)


# Turns one scalar node into its Python value with YAML's safe rules (1 -> int, yes -> True...).
_SCALARS = yaml.SafeLoader("")


def _yaml_problem(file: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "this is not valid YAML"
    if "\t" in problem or "'\\t'" in problem:
        message = "a tab character; YAML indents with spaces only"
    else:
        message = f"not valid YAML: {problem}"
        if exc.context:
            message += f" ({exc.context})"
    return Problem(file, line, column, message)


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
    return ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc).replace(".[", "[")


def _loc(error: Any) -> Loc:
    # Drop pydantic's tags for union members ("function-before[...]") from the path.
    return tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p and "]" in p))


def _pydantic_problems(file: str, exc: ValidationError, where: _Positions) -> Iterator[Problem]:
    errors = exc.errors(include_url=False)
    # A misspelt key shows up twice: as unknown, and its right spelling as missing. Say it once.
    misspelt: set[Loc] = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            loc = _loc(error)
            close = difflib.get_close_matches(str(loc[-1]), _fields_of(Technique, loc), n=1, cutoff=0.6)
            misspelt.update((*loc[:-1], c) for c in close)
    for error in errors:
        loc = _loc(error)
        kind = error["type"]
        message = str(error["msg"]).removeprefix("Value error, ")
        name = _describe(loc) or "the file"
        if kind == "extra_forbidden":
            key = str(loc[-1])
            line, column = where.of_key(loc)
            valid = _fields_of(Technique, loc)
            close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else (f"; valid keys: {', '.join(valid)}" if valid else "")
            yield Problem(file, line, column, f"unknown key '{key}'{hint}")
            continue
        if kind == "missing" and loc in misspelt:
            continue
        line, column = where.of_value(loc)
        if kind == "missing":
            yield Problem(file, line, column, f"'{loc[-1]}' is missing (needed at {name})")
        elif kind in {
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
        }:
            got = type(error.get("input")).__name__
            got = {
                "dict": "a mapping",
                "list": "a list",
                "str": "text",
                "int": "a number",
                "float": "a number",
                "bool": "true/false",
                "NoneType": "nothing",
            }.get(got, got)
            yield Problem(file, line, column, f"{name}: wrong type: {message.lower()}, got {got}")
        elif kind == "literal_error":
            yield Problem(file, line, column, f"{name}: {message}, got {error.get('input')!r}")
        else:
            yield Problem(file, line, column, f"{name}: {message}")


def _cross_check(file: str, technique: Technique, where: _Positions) -> Iterator[Problem]:
    """References between parts of the file, each reported where it is made."""

    def check(loc: Loc, wanted: str, known: Iterable[str], what: str) -> Iterator[Problem]:
        known = list(known)
        if wanted in known:
            return
        close = difflib.get_close_matches(wanted, known, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(known) or 'none'})"
        line, column = where.of_value(loc)
        yield Problem(file, line, column, f"{_describe(loc)}: there is no {what} '{wanted}'{hint}")

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
                hint = f"; did you mean '{close[0]}'?" if close else f" (steps: {', '.join(steps) or 'none'})"
                yield Problem(file, line, column, f"positions[{i}].steps: there is no preparation step '{step}'{hint}")
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
                yield Problem(file, line, column, f"{name}[{i}].id: '{item_id}' is used twice")
            seen.add(item_id)
    for name, items in (("surfaces", technique.surfaces), ("positions", technique.positions)):
        flags = [i for i, item in enumerate(items) if getattr(item, "default" if name == "surfaces" else "main")]
        if len(flags) > 1:
            line, column = where.of_value((name, flags[1]))
            yield Problem(
                file, line, column, f"{name}: only one may be marked {'default' if name == 'surfaces' else 'main'}"
            )
    hold = technique.spots.first_hold.max
    if hold > technique.dose.maximum:
        line, column = where.of_value(("spots", "first_hold", "max"))
        yield Problem(
            file, line, column, "spots.first_hold.max: longer than dose.maximum, so it could never be reached"
        )


def parse_technique(text: str, file: str = "<technique>") -> Technique:
    """Validate technique YAML text; raise :class:`TechniqueError` with every problem found."""
    where = _Positions()
    duplicates: list[tuple[Loc, str]] = []
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise TechniqueError([_yaml_problem(file, exc)]) from None
    except yaml.YAMLError as exc:
        raise TechniqueError([Problem(file, 1, 1, f"not valid YAML: {exc}")]) from None
    if node is None:
        raise TechniqueError([Problem(file, 1, 1, "the file is empty; a technique starts with 'id:'")])
    try:
        data = _construct(node, (), where, duplicates)
    except yaml.MarkedYAMLError as exc:
        raise TechniqueError([_yaml_problem(file, exc)]) from None
    problems = [Problem(file, *where.of_value(loc), message) for loc, message in duplicates]
    if not isinstance(data, dict):
        line, column = where.of_value(())
        raise TechniqueError(
            [Problem(file, line, column, "a technique file is a mapping of keys such as 'id:' and 'title:'")]
        )
    try:
        technique = Technique.model_validate(data)
    except ValidationError as exc:
        problems.extend(_pydantic_problems(file, exc, where))
        raise TechniqueError(problems) from None
    problems.extend(_cross_check(file, technique, where))
    if problems:
        raise TechniqueError(problems)
    return technique


def load_technique(path: str | Path) -> Technique:
    """Read and validate one technique file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TechniqueError([Problem(str(path), 1, 1, "no such file")]) from None
    except IsADirectoryError:
        raise TechniqueError([Problem(str(path), 1, 1, "this is a folder, not a technique file")]) from None
    except UnicodeDecodeError as exc:
        raise TechniqueError([Problem(str(path), 1, exc.start + 1, "not UTF-8 text")]) from None
    return parse_technique(text, str(path))


_BUILT_IN = "techniques"


def built_in_ids() -> list[str]:
    folder = resources.files("softspot.core").joinpath(_BUILT_IN)
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def built_in_text(technique_id: str) -> str:
    """The YAML text of a technique that ships with softspot."""
    known = built_in_ids()
    if technique_id not in known:
        close = difflib.get_close_matches(technique_id, known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f" (built in: {', '.join(known)})"
        raise KeyError(f"no built-in technique '{technique_id}'{hint}")
    return resources.files("softspot.core").joinpath(_BUILT_IN, f"{technique_id}.yaml").read_text(encoding="utf-8")


_cache: dict[str, Technique] = {}


def built_in(technique_id: str = "hands-free-hamstring") -> Technique:
    """A technique that ships with softspot, validated once per process."""
    if technique_id not in _cache:
        _cache[technique_id] = parse_technique(built_in_text(technique_id), f"{technique_id}.yaml")
    return _cache[technique_id]
