"""``--help`` speaks the terminal's language: no line of ``softspot --help`` or ``softspot COMMAND --help`` in
Spanish, German or Thai is the English line, unless it holds nothing but syntax (options, metavars, command names,
commands to type). Click's own words too: the usage line, the help option, the panels, and its usage errors.
"""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from softspot import i18n
from softspot.cli import app
from softspot.cli.help_language import ERRORS, TYPER_WORDS

runner = CliRunner()
LANGUAGES = ["es", "de", "th"]
LOCALES = {"en": "C.UTF-8", "es": "es_ES.UTF-8", "de": "de_DE.UTF-8", "th": "th_TH.UTF-8"}

# What may be the same in every language: options, metavars and types, commands to type, names of things.
SYNTAX = [
    r"--?[a-z][a-z-]*(?:/--[a-z-]+)?",  # options
    r"<[a-z]+>|\{[a-z_]+\}|\[[A-Z]+\]|\b[A-Z][A-Z_]+\b",  # metavars: <str>, {name}, [OPTIONS], COMMAND
    r"`[^`]*`",  # commands to type
    r"\b(?:softspot|screen|plan|guide|history|progress|export|render-audio|serve|admin|remind|import|backup|doctor"
    r"|technique|people|check|list|show|schema|add|language|rename|remove|hands-free-hamstring|mon,wed,fri"
    r"|softspot-reminders\.ics)\b",
]
_SYNTAX = re.compile("|".join(f"(?:{p})" for p in SYNTAX))
# Words that are the same in a language as in English: Spanish "Error" (the error panel's title).
COGNATES = {"es": {"Error"}}


def lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def untranslated(english: list[str], other: list[str], lang: str) -> list[str]:
    known = set(english)
    found = []
    for line in other:
        words = set(re.findall(r"[A-Za-z]{3,}", _SYNTAX.sub(" ", line))) - COGNATES.get(lang, set())
        if line in known and words:
            found.append(line)
    return found


def command_paths() -> list[tuple[str, ...]]:
    def walk(command: object, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
        paths = [prefix]
        for name, sub in getattr(command, "commands", {}).items():
            paths.extend(walk(sub, (*prefix, name)))
        return paths

    return walk(typer.main.get_command(app), ())


def run(argv: list[str], lang: str) -> typer.testing.Result:
    env = {"LANG": LOCALES[lang], "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": "", "COLUMNS": "200", "NO_COLOR": "1"}
    return runner.invoke(app, argv, env=env)


def test_every_command_has_help() -> None:
    paths = command_paths()
    assert ("guide",) in paths and ("people", "add") in paths and ("technique", "show") in paths
    assert len(paths) > 20


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_help_line_is_english_in_another_language(lang: str) -> None:
    found = {}
    seen_english = False
    for path in command_paths():
        english, other = run([*path, "--help"], "en"), run([*path, "--help"], lang)
        assert english.exit_code == other.exit_code == 0, (path, other.output)
        assert len(lines(other.output)) >= 4
        if same := untranslated(lines(english.output), lines(other.output), lang):
            found[" ".join(path)] = same
        seen_english = seen_english or bool(untranslated(lines(english.output), lines(english.output), lang))
    assert found == {}, "\n".join(f"softspot {cmd} --help\n    {line}" for cmd, same in found.items() for line in same)
    assert seen_english  # and the check itself sees English: the English help against itself has words to translate


# Click's words: the usage line, the help option, Typer's panels and what Click says about a wrong command line.
BAD_COMMAND_LINES = [
    ["guide", "--bogus"],  # No such option
    ["guide", "--thigh"],  # Option requires an argument
    ["guide", "--voice=yes"],  # does not take a value
    ["people", "add"],  # Missing argument
    ["export"],  # Missing option
    ["nope"],  # No such command
    ["plaan"],  # No such command. Did you mean
    ["plan", "extra"],  # Got unexpected extra argument(s)
    ["history", "--limit", "0"],  # Invalid value: greater than or equal
    ["history", "--limit", "x"],  # Invalid value: not an integer
    ["guide", "--speed", "x"],  # Invalid value: not a number
]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_clicks_own_words_are_in_the_language(lang: str) -> None:
    found = {}
    for argv in BAD_COMMAND_LINES:
        english, other = run(argv, "en"), run(argv, lang)
        assert english.exit_code == other.exit_code == 2, (argv, other.output)
        assert "Traceback" not in other.output
        if same := untranslated(lines(english.output), lines(other.output), lang):
            found[" ".join(argv)] = same
    assert found == {}, "\n".join(f"softspot {argv}\n    {line}" for argv, same in found.items() for line in same)


def test_a_wrong_option_in_spanish() -> None:
    result = run(["guide", "--bogus"], "es")
    assert result.exit_code == 2
    assert "Uso: softspot guide [OPTIONS]" in result.output
    assert "Pruebe 'softspot guide -h' para ver la ayuda." in result.output
    assert "No existe la opción: --bogus" in result.output


def test_guide_help_in_german() -> None:
    result = run(["guide", "--help"], "de")
    assert result.exit_code == 0
    assert "Aufruf: softspot guide [OPTIONS]" in result.output
    assert "Führt das Paar durch eine ganze Sitzung" in result.output
    assert "Diese Hilfe anzeigen und beenden." in result.output
    assert "[Standard: 150]" in " ".join(result.output.split())


def test_english_is_what_it_was() -> None:
    result = run(["guide", "--bogus"], "en")
    assert "Usage: softspot guide [OPTIONS]" in result.output
    assert "No such option: --bogus" in result.output
    assert "Show this message and exit." in run(["--help"], "en").output


def test_the_language_of_the_help_does_not_outlive_the_run() -> None:
    run(["--help"], "th")
    assert i18n.active() == i18n.DEFAULT


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_template_of_clicks_words_is_translated(lang: str) -> None:
    """A translation keeps the template's fields, so a message said again in the language names the same thing."""
    with i18n.use(lang):
        for template in [*ERRORS, *TYPER_WORDS.values()]:
            translated = i18n.gettext(template)
            assert translated != template or template in COGNATES.get(lang, set()), template
            assert sorted(re.findall(r"%\(\w+\)s|\{\w*\}", translated)) == sorted(
                re.findall(r"%\(\w+\)s|\{\w*\}", template)
            ), template


@pytest.mark.parametrize("lang", ["en", *LANGUAGES])
def test_a_paragraph_of_help_is_wrapped_to_the_terminal_not_cut_where_the_source_broke_it(lang: str) -> None:
    """Typer keeps a docstring's line breaks after its first paragraph; softspot joins them, so on a wide terminal
    each paragraph of ``guide --help`` is one line, and a line never ends early mid-sentence."""
    out = [line.strip() for line in run(["guide", "--help"], lang).output.splitlines()]
    paragraphs = [line for line in out if "--start-leg" in line and "--thigh" in line]
    assert len(paragraphs) == 1, out[:12]
    if lang == "en":
        assert paragraphs[0] == (
            "Every question has an option, so it runs unattended when all are given. "
            "A new --thigh, --height or --start-leg is remembered for the receiver."
        )
