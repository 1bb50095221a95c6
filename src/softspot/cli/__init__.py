"""The ``softspot`` command: thin Typer commands over the core and the store.

Each command module is imported only when its command runs, so ``softspot
--help`` stays fast and only commands that need the store import Django.
Exit codes: 0 done, 2 bad input, 3 screening said stop.
"""

from __future__ import annotations

import sys

import typer

from softspot.cli import commands

app = typer.Typer(
    name="softspot",
    help="Guided, safety-screened partner massage sessions at home.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
commands.register(app)


@app.callback()
def _terminal_language() -> None:
    # Every command speaks the terminal's language (LC_ALL, LC_MESSAGES, LANG, LANGUAGE); `guide`, `plan` and
    # `technique show` then choose again from --lang and the receiver's preference.
    from softspot import i18n

    i18n.activate(i18n.from_environment())


def main() -> None:
    try:
        app()
    except Exception as exc:
        # A database that fails in a way no command expected still gets one line, not a traceback.
        from softspot.cli.store import store_problem_line

        line = store_problem_line(exc)
        if line is None:
            raise
        print(f"softspot: {line}", file=sys.stderr)
        raise SystemExit(2) from None
