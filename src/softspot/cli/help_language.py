"""``--help`` and Click's own words in the terminal's language.

The commands' help (docstrings in :mod:`softspot.cli.commands`, ``help=N_(...)`` on options and arguments)
stays English in the code: English is the ``softspot`` catalog's msgid. Typer turns the app into a fresh Click
command tree on every run, so :func:`translate_tree` puts that tree's help texts into the active language just
before Click parses the command line (Click prints ``--help`` and usage errors while parsing, before any command
or ``--lang`` runs: help follows ``LC_ALL``/``LC_MESSAGES``/``LANG``/``LANGUAGE`` only).

Click's and Typer's own words: Typer 0.29 carries its own copy of Click, whose words ("Usage:", "No such option",
"Missing argument", "Show this message and exit.") are plain English f-strings with no gettext, and translates its
panel titles ("Options", "Commands", "[default: ...]") once, at import, through the standard library's global
gettext domain. So softspot translates them itself, from the ``softspot`` catalog, in three places Click and
Typer leave open: the usage prefix (a :class:`~typer._click.formatting.HelpFormatter` given through the context
class), the help option's text and Typer's panel titles (set for each run), and an error's message (matched
against the English templates below and said again in the language; a message softspot already translated
matches none and passes unchanged).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from typer import _click
from typer._click import exceptions as click_errors
from typer._click.formatting import HelpFormatter
from typer.core import TyperGroup

from softspot import i18n
from softspot.i18n import N_, gettext

# Typer's panel titles and markers (typer.rich_utils): name -> English text, exactly as Typer writes it.
TYPER_WORDS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    # Translators: Typer's words; keep {} where the default value goes.
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    # Translators: Typer's hint under a usage error; keep the [blue]...[/] markup, {command_path} and {help_option}.
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}
USAGE = N_("Usage: ")
HELP_OPTION = N_("Show this message and exit.")

# Click's (and pydantic's, through Typer) error messages as templates of the English they print; the longer, the
# more specific, so they are tried longest first. %(problem)s is itself matched again (it is often pydantic's).
ERRORS = [
    N_("No such option: %(option)s"),
    N_("No such option: %(option)s (Possible options: %(options)s)"),
    N_("No such command %(command)s."),
    N_("No such command %(command)s. Did you mean %(suggestions)s?"),
    N_("Missing command."),
    N_("Missing argument %(name)s."),
    N_("Missing option %(name)s."),
    N_("Option %(option)s requires an argument."),
    N_("Option %(option)s requires %(count)s arguments."),
    N_("Option %(option)s does not take a value."),
    N_("Argument %(name)s takes %(count)s values."),
    N_("Got unexpected extra argument(s) (%(arguments)s)"),
    N_("Invalid value for %(name)s: %(problem)s"),
    N_("Invalid value: %(problem)s"),
    N_("Input should be a valid integer, unable to parse string as an integer"),
    N_("Input should be a valid number, unable to parse string as a number"),
    N_("Input should be a valid boolean, unable to interpret input"),
    N_("Input should be greater than or equal to %(limit)s"),
    N_("Input should be less than or equal to %(limit)s"),
    N_("Input should be greater than %(limit)s"),
    N_("Input should be less than %(limit)s"),
]
_FIELD = re.compile(r"%\((\w+)\)s")


@cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    found = []
    for template in sorted(ERRORS, key=len, reverse=True):
        parts = _FIELD.split(template)
        regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
        found.append((re.compile(f"^{regex}$", re.DOTALL), template))
    return found


def translate_message(message: str) -> str:
    """A Click error message in the active language (unchanged when it is not one of Click's templates)."""
    for pattern, template in _patterns():
        match = pattern.match(message)
        if match:
            fields = match.groupdict()
            if "problem" in fields:
                fields["problem"] = translate_message(fields["problem"])
            return gettext(template) % fields
    return message


class TranslatedError(click_errors.UsageError):
    """A Click error said in the language: the same context, exit code and usage line, the message translated."""

    def __init__(self, original: _click.ClickException) -> None:
        super().__init__(translate_message(original.format_message()), getattr(original, "ctx", None))
        self.exit_code = original.exit_code


def translated_error(exc: _click.ClickException) -> _click.ClickException:
    if isinstance(exc, TranslatedError | click_errors.NoArgsIsHelpError) or i18n.active() == i18n.DEFAULT:
        return exc
    return TranslatedError(exc)


class LocalHelpFormatter(HelpFormatter):
    """Click's help formatter with the usage line's ``Usage:`` in the language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, gettext(USAGE) if prefix is None else prefix)


class LocalContext(_click.Context):
    formatter_class = LocalHelpFormatter

    def __init__(self, command: _click.Command, *args: Any, **kwargs: Any) -> None:
        super().__init__(command, *args, **kwargs)
        option = command.get_help_option(self)
        if option is not None:
            option.help = gettext(HELP_OPTION)


def _commands(command: _click.Command) -> Iterator[_click.Command]:
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _commands(sub)


def _translated(text: str | None) -> str | None:
    return _reflowed(gettext(inspect.cleandoc(text))) if text else text


def _reflowed(text: str) -> str:
    """Each paragraph as one line, for Rich to wrap to the terminal: Typer keeps the source's line breaks after the
    first paragraph, which left lines cut short in the middle of a sentence."""
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in text.split("\n\n"))


def translate_tree(root: _click.Command) -> None:
    """Every command's and parameter's help in ``root``'s tree, and Typer's words, in the active language."""
    from typer import rich_utils

    for name, english in TYPER_WORDS.items():
        setattr(rich_utils, name, gettext(english))
    for command in _commands(root):
        command.context_class = LocalContext
        command.help = _translated(command.help)
        command.short_help = _translated(command.short_help)
        for param in command.params:
            if isinstance(getattr(param, "help", None), str):
                param.help = _translated(param.help)  # type: ignore[attr-defined]


class LocalGroup(TyperGroup):
    """softspot's root command: speaks the terminal's language from the first word Click prints."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with i18n.use(i18n.from_environment()):
            translate_tree(self)
            return super().main(*args, **kwargs)

    def make_context(self, *args: Any, **kwargs: Any) -> _click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click_errors.ClickException as exc:
            raise translated_error(exc) from None

    def invoke(self, ctx: _click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click_errors.ClickException as exc:
            raise translated_error(exc) from None
