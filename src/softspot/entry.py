"""The ``softspot`` executable's entry point.

``softspot --help`` is answered from a pre-rendered file without importing Typer,
Rich, pydantic or even :mod:`softspot.i18n` (Python start-up plus a file read,
well under 100 ms): ``cli/help.txt`` in English, ``cli/help.<lang>.txt`` in each
other language, chosen from ``LC_ALL``/``LC_MESSAGES``/``LANG``/``LANGUAGE`` the
way :func:`softspot.i18n.from_environment` chooses. Each file is Typer's own
rendering of the help in that language, written by ``scripts/gen_docs.py``;
tests/test_docs.py fails when one goes stale.
``plan``, ``screen``, ``technique list`` and ``technique show`` go through
:mod:`softspot.cli.fast` (the same code without Typer); everything else, and any
argv the fast path does not fully understand, goes to the Typer app.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HELP = Path(__file__).with_name("cli") / "help.txt"


def help_file() -> Path:
    """The pre-rendered ``softspot --help`` in the terminal's language (English when it has none)."""
    from softspot.terminal_language import from_environment

    shipped = [
        name.split(".")[1] for name in os.listdir(HELP.parent) if name.startswith("help.") and name.count(".") == 2
    ]
    lang = from_environment(os.environ, shipped, "en")
    return HELP if lang == "en" else HELP.with_name(f"help.{lang}.txt")


def main() -> None:
    if sys.argv[1:] in (["--help"], ["-h"]):
        help_path = help_file()
        if help_path.exists():
            sys.stdout.write(help_path.read_text(encoding="utf-8"))
            return
    # pydantic looks for plugins among every installed package's entry points (~15-30 ms): softspot uses none.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from softspot.cli import fast

    fast.run(sys.argv[1:])  # plan, screen, technique list/show: run here and exit, or go on to Typer
    from softspot.cli import main as run

    run()
