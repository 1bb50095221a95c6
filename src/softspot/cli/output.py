"""Shared output helpers: one console, one way to fail.

``console`` and ``errors`` are made on first use, so a command whose output is plain starts without Rich
(``plan``, ``screen`` and ``technique`` print through :mod:`softspot.cli.plain`, which needs Rich only on a
terminal), and the fast path of :mod:`softspot.cli.fast` runs and exits without Typer. A module that prints
holds :func:`on_first_use` stand-ins.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Literal, NoReturn, cast

if TYPE_CHECKING:
    from rich.console import Console

    console: Console
    errors: Console


def __getattr__(name: str) -> Console:
    """``console`` (stdout) and ``errors`` (stderr), each made once, when first asked for."""
    if name not in ("console", "errors"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rich.console import Console

    made = Console(stderr=name == "errors", highlight=False)
    globals()[name] = made
    return made


class _OnFirstUse:
    """Stands for ``output.console`` or ``output.errors``, which is made when a command first prints."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(getattr(sys.modules[__name__], self._name), attr)


def on_first_use(name: Literal["console", "errors"]) -> Console:
    """A stand-in for ``console`` or ``errors`` that a module can hold from import without importing Rich."""
    return cast("Console", _OnFirstUse(name))


def escape(markup: str) -> str:
    """:func:`rich.markup.escape` (without importing Rich)."""
    from softspot.cli.plain import escape as plain_escape

    return plain_escape(markup)


def exit_with(code: int) -> NoReturn:
    """End the command with this exit code: ``typer.Exit`` under the Typer app (or wherever Typer is loaded,
    as in the tests), else ``SystemExit``. The fast path (:mod:`softspot.cli.fast`) then exits without
    importing Typer (20 to 40 ms for a screening that says stop, or bad input)."""
    typer = sys.modules.get("typer")
    if typer is None:
        raise SystemExit(code)
    raise typer.Exit(code)


def pad(text: str, width: int) -> str:
    """``text`` filled with spaces to ``width`` terminal cells (Thai vowel and tone marks take none)."""
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``softspot: <message>`` to stderr and exit with ``code`` (2 = bad input)."""
    from softspot.cli.plain import stderr  # Rich only on a terminal

    stderr.print(f"[bold red]softspot:[/] {message}", markup=True, soft_wrap=True)
    exit_with(code)
