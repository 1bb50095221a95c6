"""Commands that do not need the store never import Django; ``--help`` imports almost nothing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
from softspot.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)
"""


def modules_loaded(*args: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60)
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


QUESTIONS = (
    "heart_condition",
    "varicose_veins",
    "pregnant",
    "floor_difficulty",
    "blood_clots",
    "skin",
    "recent_injury",
    "bones",
    "joint_replacement",
    "nerves",
)
NO_ANSWERS = [f"--answer={q}=no" for q in QUESTIONS]


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["plan", *NO_ANSWERS, "--json"],
        ["screen", *NO_ANSWERS],
        ["technique", "show", "hands-free-hamstring"],
        ["technique", "list"],
    ],
)
def test_commands_without_the_store_do_not_import_django(args: list[str]) -> None:
    assert "django" not in modules_loaded(*args)


def test_the_fast_help_path_imports_neither_typer_nor_pydantic() -> None:
    probe = (
        "import sys; sys.argv=['softspot','--help']; from softspot.entry import main; main(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'typer','pydantic','rich','django'}))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "[]"


FAST_PROBE = """
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr))
sys.argv[1:] = sys.argv[2:]
from softspot.entry import main
main()
"""


@pytest.mark.parametrize(
    "args",
    [
        ["screen", *NO_ANSWERS],
        ["screen", *NO_ANSWERS, "--json"],
        ["screen", *NO_ANSWERS, "--answer=pregnant=yes"],
        ["technique", "show", "hands-free-hamstring"],
        ["technique", "show", "hands-free-hamstring", "--json", "--lang", "de"],
    ],
)
def test_reading_a_built_in_technique_imports_no_pydantic(args: list[str], tmp_path: object) -> None:
    env = {"SOFTSPOT_DATA_DIR": f"{tmp_path}/data", "SOFTSPOT_CACHE_DIR": f"{tmp_path}/cache", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", FAST_PROBE, "softspot", *args], capture_output=True, text=True, timeout=60, env=env
    )
    loaded = set(json.loads(result.stderr.strip().splitlines()[-1]))
    assert result.stdout and not loaded & {"pydantic", "pydantic_core", "django"}
