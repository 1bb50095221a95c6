"""The ``softspot`` executable's entry point.

``softspot --help`` is answered from ``cli/help.txt`` without importing Typer,
Rich or pydantic (Python start-up plus a file read, well under 100 ms). The
file is Typer's own rendering of the help, written by
``scripts/cli_reference.py``; tests/test_docs.py fails when it goes stale.
``plan``, ``screen``, ``technique list`` and ``technique show`` go through
:mod:`softspot.cli.fast` (the same code without Typer); everything else, and any
argv the fast path does not fully understand, goes to the Typer app.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HELP = Path(__file__).with_name("cli") / "help.txt"


def main() -> None:
    if sys.argv[1:] in (["--help"], ["-h"]) and HELP.exists():
        sys.stdout.write(HELP.read_text(encoding="utf-8"))
        return
    # pydantic looks for plugins among every installed package's entry points (~15-30 ms): softspot uses none.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from softspot.cli import fast

    fast.run(sys.argv[1:])  # plan, screen, technique list/show: run here and exit, or go on to Typer
    from softspot.cli import main as run

    run()
