"""Docs are tested: the generated reference and schemas match the code; every command is documented."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_generated_docs_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/gen_docs.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


FAST_HELP = {"en": "help.txt", "es": "help.es.txt", "de": "help.de.txt", "th": "help.th.txt"}


@pytest.mark.parametrize(
    ("locale", "lang"), [("C.UTF-8", "en"), ("es_MX.UTF-8", "es"), ("de_DE.UTF-8", "de"), ("th_TH.UTF-8", "th")]
)
def test_the_fast_help_is_what_the_command_prints(locale: str, lang: str) -> None:
    """`softspot --help` answers from the pre-rendered file of the terminal's language, which gen_docs keeps fresh."""
    env = {**os.environ, "LANG": locale, "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
    result = subprocess.run(
        [sys.executable, "-c", "from softspot.entry import main; main()", "--help"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0
    assert result.stdout == (ROOT / "src/softspot/cli" / FAST_HELP[lang]).read_text(encoding="utf-8")
    assert "softspot [OPTIONS] COMMAND" in result.stdout
    assert ("Usage: softspot" in result.stdout) == (lang == "en")


def test_every_language_has_its_fast_help() -> None:
    from softspot import i18n

    assert set(FAST_HELP) == set(i18n.LANGUAGES)


def test_the_fast_help_follows_language_before_the_locale() -> None:
    """GNU gettext's order, as softspot.i18n.from_environment reads it: LANGUAGE first, unless the locale is C."""
    base = {**os.environ, "LC_ALL": "", "LC_MESSAGES": ""}
    run = [sys.executable, "-c", "from softspot.entry import main; main()", "-h"]
    german = subprocess.run(
        run, capture_output=True, text=True, env={**base, "LANG": "es_ES.UTF-8", "LANGUAGE": "fr:de"}
    )
    assert german.stdout == (ROOT / "src/softspot/cli/help.de.txt").read_text(encoding="utf-8")
    english = subprocess.run(run, capture_output=True, text=True, env={**base, "LANG": "C", "LANGUAGE": "de"})
    assert english.stdout == (ROOT / "src/softspot/cli/help.txt").read_text(encoding="utf-8")


def test_the_technique_schema_command_prints_the_documented_schema() -> None:
    from typer.testing import CliRunner

    from softspot.cli import app

    result = CliRunner().invoke(app, ["technique", "schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads((ROOT / "docs/technique.schema.json").read_text())


def test_the_readme_gives_exactly_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = readme.split("## Set up")[1].split("\n## ")[0]
    commands = [line for line in blocks.splitlines() if line.startswith(("bash ", "./"))]
    assert len(commands) == 2, commands
    for command in commands:
        assert (ROOT / command.split()[1 if command.startswith("bash") else 0].lstrip("./")).exists()


def test_the_record_post_benchmark_runs_gunicorn_as_the_deployment_guide_says() -> None:
    """bench/record_posts.py measures the server docs/deployment.md sets up (issue 9), not another one."""
    import re

    source = (ROOT / "bench/record_posts.py").read_text()
    found = re.search(r'GUNICORN = \{"workers": (\d+), "threads": (\d+)\}', source)
    assert found, "bench/record_posts.py no longer names its gunicorn settings"
    workers, threads = found.groups()
    guide = (ROOT / "docs/deployment.md").read_text()
    assert f"gunicorn softspot.web.wsgi --workers {workers} --threads {threads} " in guide
