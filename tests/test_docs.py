"""Docs are tested: the generated reference and schemas match the code; every command is documented."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_generated_docs_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/gen_docs.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_the_fast_help_is_what_the_command_prints() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from softspot.entry import main; main()", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout == (ROOT / "src/softspot/cli/help.txt").read_text()
    assert "Usage: softspot [OPTIONS] COMMAND" in result.stdout


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
