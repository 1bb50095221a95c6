"""The ``softspot`` command: thin Typer commands over the core and the store.

Each command module is imported only when its command runs, so ``softspot
--help`` stays fast and only commands that need the store import Django.
The Typer ``app`` is built on first use: :mod:`softspot.cli.fast` runs the
commonest commands without it. Its help is English in the code and said in the
terminal's language on each run (:mod:`softspot.cli.help_language`).
Exit codes: 0 done, 2 bad input, 3 screening said stop.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

    app: typer.Typer


def __getattr__(name: str) -> typer.Typer:
    """``app``, the Typer application, built once when first asked for."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import typer

    from softspot.cli import commands
    from softspot.cli.help_language import LocalGroup
    from softspot.i18n import N_

    made = typer.Typer(
        name="softspot",
        cls=LocalGroup,
        help=N_("Guided, safety-screened partner massage sessions at home."),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    made.callback()(terminal_language)
    commands.register(made)
    globals()["app"] = made
    return made


def terminal_language() -> None:
    # Every command speaks the terminal's language (LC_ALL, LC_MESSAGES, LANG, LANGUAGE); `guide`, `plan` and
    # `technique show` then choose again from --lang and the receiver's preference.
    from softspot import i18n

    i18n.activate(i18n.from_environment())


def main() -> None:
    from softspot.cli import app

    try:
        app()
    except SystemExit as done:
        if not done.code:
            stamp_own_writes()
        raise
    except Exception as exc:
        exit_for_store_problem(exc)
        raise
    stamp_own_writes()


def stamp_own_writes() -> None:
    """A command that ended well: its own writes to the database need no check next time
    (softspot.store.bootstrap.stamp_own_writes says when that holds)."""
    if "softspot.store.bootstrap" in sys.modules:
        from softspot.store.bootstrap import stamp_own_writes as stamp

        stamp()


def exit_for_store_problem(exc: Exception) -> None:
    """A database that fails in a way no command expected still gets one line, not a traceback: print it and
    exit 2 (return for any other exception)."""
    from softspot.cli.store import store_problem_line

    line = store_problem_line(exc)
    if line is None:
        return
    print(f"softspot: {line}", file=sys.stderr)
    raise SystemExit(2) from None
