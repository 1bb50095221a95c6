"""The fast path: ``plan``, ``screen``, ``technique list`` and ``technique show`` without Typer.

Typer and Click take about half of these commands' start-up (building the app, its parameters and their
converters), for a grammar of a dozen options. :func:`run` parses exactly that grammar, the way Click
does, and calls the same functions the Typer commands call (:mod:`softspot.cli.plan_cmd`,
:mod:`softspot.cli.technique_cmd`), so every message and rendering is the same code.

Anything it does not fully understand is handed to the Typer app: ``--help`` anywhere, an unknown or
abbreviated option, ``--``, a missing or odd-looking value (one that starts with ``-``, a number Click might
read differently), a flag given a value, an extra argument, and ``plan --receiver`` (which opens the store).
The Typer path is then the same as before. ``SOFTSPOT_NO_FAST_PATH=1`` turns the fast path off
(``tests/test_fast_path.py`` compares both ways).
"""

from __future__ import annotations

import errno
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Literal, NoReturn

DISABLE = "SOFTSPOT_NO_FAST_PATH"

Kind = Literal["text", "many", "flag", "float", "count"]
Spec = dict[str, tuple[str, Kind]]
"""Each option's name (long or short) -> (where its value goes, how it is read)."""
Value = str | list[str] | bool | float | int

_TECHNIQUE: Spec = {"--technique": ("technique", "text"), "-t": ("technique", "text")}
_ANSWER: Spec = {"--answer": ("answer", "many"), "-a": ("answer", "many")}
_JSON: Spec = {"--json": ("json", "flag")}
_LANG: Spec = {"--lang": ("lang", "text")}

# The options of commands.screen, commands.plan, commands.technique_list and commands.technique_show.
SCREEN: Spec = {**_TECHNIQUE, **_ANSWER, "--cleared": ("cleared", "flag"), **_JSON}
PLAN: Spec = {
    **_TECHNIQUE,
    "--thigh": ("thigh", "text"),
    "--height": ("height", "text"),
    "--minutes-per-leg": ("minutes_per_leg", "float"),
    "--start-leg": ("start_leg", "text"),
    "--position": ("position", "text"),
    "--surface": ("surface", "text"),
    "--add-on": ("add_on", "many"),
    "--sessions": ("sessions", "count"),
    **_ANSWER,
    "--cleared": ("cleared", "flag"),
    **_JSON,
    **_LANG,
}  # not --receiver / -r: it reads the store (the Typer path)
LIST: Spec = dict(_JSON)
SHOW: Spec = {**_JSON, **_LANG}

_FLOAT = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")  # plain decimals: anything else, Click's reading decides
_COUNT = re.compile(r"[0-9]{1,9}")


class NotMine(Exception):
    """An argv the fast path does not fully understand: the Typer app answers it."""


def parse(args: Sequence[str], spec: Spec, positionals: int = 0) -> tuple[dict[str, Value], list[str]]:
    """Options and positional arguments as Click would read them, or :class:`NotMine`.

    Click's rules kept: options in any order and between arguments; ``--name value``, ``--name=value``,
    ``-x value`` and ``-xvalue``; a repeated single option keeps its last value; a repeatable one keeps all.
    """
    values: dict[str, Value] = {}
    found: list[str] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg.startswith("--"):
            name, equals, given = arg.partition("=")
            attached = given if equals else None
        elif arg.startswith("-") and arg != "-":
            name, attached = arg[:2], (arg[2:] or None)
            if attached is not None and attached.startswith("="):
                raise NotMine(arg)
        else:
            found.append(arg)
            if len(found) > positionals:
                raise NotMine(arg)
            continue
        if name not in spec:
            raise NotMine(arg)  # --help, -h, --, an unknown or abbreviated option
        dest, kind = spec[name]
        if kind == "flag":
            if attached is not None:
                raise NotMine(arg)
            values[dest] = True
            continue
        if attached is None:
            if not rest or rest[0].startswith("-"):
                raise NotMine(arg)
            attached = rest.pop(0)
        if kind == "many":
            many = values.setdefault(dest, [])
            assert isinstance(many, list)
            many.append(attached)
        elif kind == "float":
            if not _FLOAT.fullmatch(attached):
                raise NotMine(arg)
            values[dest] = float(attached)
        elif kind == "count":
            if not _COUNT.fullmatch(attached):
                raise NotMine(arg)
            values[dest] = int(attached)
        else:
            values[dest] = attached
    if len(found) != positionals:
        raise NotMine("arguments")
    return values, found


def command(argv: Sequence[str]) -> Callable[[], None]:
    """What ``softspot <argv>`` does, ready to call, or :class:`NotMine`."""
    match list(argv[:2]):
        case ["plan", *_]:
            return _plan(parse(argv[1:], PLAN)[0])
        case ["screen", *_]:
            return _screen(parse(argv[1:], SCREEN)[0])
        case ["technique", "list"]:
            as_json = bool(parse(argv[2:], LIST)[0].get("json", False))
            return lambda: _list(as_json)
        case ["technique", "show"]:
            values, (technique_id,) = parse(argv[2:], SHOW, positionals=1)
            return _show(technique_id, values)
    raise NotMine(" ".join(argv[:2]))


def _text(values: dict[str, Value], name: str, default: str | None = None) -> str | None:
    value = values.get(name, default)
    assert value is None or isinstance(value, str)
    return value


def _many(values: dict[str, Value], name: str) -> list[str]:
    value = values.get(name, [])
    assert isinstance(value, list)
    return value


def _screen(values: dict[str, Value]) -> Callable[[], None]:
    technique = _text(values, "technique", "hands-free-hamstring")
    assert technique is not None

    def run() -> None:
        from softspot.cli import plan_cmd

        as_json, cleared = bool(values.get("json")), bool(values.get("cleared"))
        plan_cmd.screen(technique, _many(values, "answer"), as_json, cleared=cleared)

    return run


def _plan(values: dict[str, Value]) -> Callable[[], None]:
    from softspot.cli.args import PlanArgs

    minutes, sessions = values.get("minutes_per_leg"), values.get("sessions")
    assert minutes is None or isinstance(minutes, float)
    assert sessions is None or isinstance(sessions, int)
    technique = _text(values, "technique", "hands-free-hamstring")
    assert technique is not None
    args = PlanArgs(
        technique,
        _text(values, "thigh"),
        _text(values, "height"),
        minutes,
        _text(values, "start_leg"),
        _text(values, "position"),
        _text(values, "surface"),
        _many(values, "add_on"),
        sessions,
        _many(values, "answer"),
        bool(values.get("cleared")),
        None,
        _text(values, "lang"),
    )

    def run() -> None:
        from softspot.cli import plan_cmd

        plan_cmd.plan(args, as_json=bool(values.get("json")))

    return run


def _list(as_json: bool) -> None:
    from softspot.cli import technique_cmd

    technique_cmd.list_(as_json)


def _show(technique_id: str, values: dict[str, Value]) -> Callable[[], None]:
    def run() -> None:
        from softspot.cli import technique_cmd

        technique_cmd.show(technique_id, bool(values.get("json")), _text(values, "lang"))

    return run


def run(argv: Sequence[str]) -> None:
    """Run ``softspot <argv>`` here and exit; return only when the Typer app should run it."""
    if os.environ.get(DISABLE):
        return
    try:
        call = command(argv)
    except NotMine:
        return
    from softspot.cli import terminal_language

    terminal_language()  # as the Typer app's callback does for every command
    _finish(call)


def _finish(call: Callable[[], None]) -> NoReturn:
    """Call the command and exit as the Typer app would (``typer.core._main`` and ``softspot.cli.main``)."""
    try:
        call()
    except EOFError:  # input ended at a prompt
        print(file=sys.stderr)
        _aborted()
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            _unexpected(exc)
        from typer._click.utils import PacifyFlushWrapper

        sys.stdout = PacifyFlushWrapper(sys.stdout)
        sys.stderr = PacifyFlushWrapper(sys.stderr)
        sys.exit(1)
    except Exception as exc:
        typer = sys.modules.get("typer")  # loaded if the command exited with a code or prompted
        if typer is not None and isinstance(exc, typer.Exit):
            sys.exit(exc.exit_code)
        if typer is not None and isinstance(exc, typer.Abort):
            _aborted()
        _unexpected(exc)
    sys.exit(0)


def _aborted() -> NoReturn:
    from typer import rich_utils

    rich_utils.rich_abort_error()
    sys.exit(1)


def _unexpected(exc: Exception) -> NoReturn:
    """A database problem as one line (as :func:`softspot.cli.main`); anything else as a traceback."""
    from softspot.cli import exit_for_store_problem

    exit_for_store_problem(exc)
    raise exc
