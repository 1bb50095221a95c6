"""Shared output helpers: one console, one way to fail."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def pad(text: str, width: int) -> str:
    """``text`` filled with spaces to ``width`` terminal cells (Thai vowel and tone marks take none)."""
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``softspot: <message>`` to stderr and exit with ``code`` (2 = bad input)."""
    errors.print(f"[bold red]softspot:[/] {message}", markup=True, soft_wrap=True)
    raise typer.Exit(code)
