"""Hostile technique files: one clear line per problem, quickly; never a traceback, a hang or a dangerous pass.

The corpus is tests/data/hostile/: `cases.yaml` lists files that attack the reading of a file, `dangerous.yaml`
lists changes to the built-in technique that break a safety limit. Each case comes from issue #10.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.helpers import ENGLISH_SOURCE

from softspot.core import yaml_input
from softspot.core.loader import MAX_PROBLEMS, TechniqueError, load_technique, parse_technique
from softspot.core.yaml_input import MAX_BYTES, compose

HOSTILE = Path(__file__).parent / "data" / "hostile"
CASES: list[dict[str, Any]] = yaml.safe_load((HOSTILE / "cases.yaml").read_text())
DANGEROUS: list[dict[str, Any]] = yaml.safe_load((HOSTILE / "dangerous.yaml").read_text())
BUILT_IN = ENGLISH_SOURCE  # the file's text as plain English strings, as edited below
ONE_LINE = re.compile(r"[^\n]+:\d+:\d+: [^\x00-\x1f\x7f-\x9f\u2028\u2029]+")
PARSERS = {"libyaml": yaml.CSafeLoader, "pure-python": yaml.SafeLoader}


def problem_lines(caught: pytest.ExceptionInfo[TechniqueError]) -> list[str]:
    """The problems as printed, each checked to be one FILE:LINE:COLUMN: message line."""
    lines = [str(p) for p in caught.value.problems]
    assert lines
    assert len(lines) <= MAX_PROBLEMS + 1
    for line in lines:
        assert ONE_LINE.fullmatch(line), repr(line)
        assert len(line) < 600
    return lines


@pytest.mark.parametrize("parser", PARSERS.values(), ids=PARSERS.keys())
@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_each_hostile_file_gives_one_clear_line_per_problem(
    case: dict[str, Any], parser: type[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yaml_input, "_Parser", parser)
    path = HOSTILE / case["file"]

    with pytest.raises(TechniqueError) as caught:
        load_technique(path)

    assert problem_lines(caught)[0] == f"{path}:{case['expect']}"


def test_technique_check_prints_each_hostile_file_as_lines_and_exits_2() -> None:
    from typer.testing import CliRunner

    from softspot.cli import app

    files = sorted(str(HOSTILE / c["file"]) for c in CASES)
    result = CliRunner().invoke(app, ["technique", "check", *files])

    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert all(ONE_LINE.fullmatch(line) for line in lines), result.output
    assert {line.split(":")[0] for line in lines} == set(files)


def run_check(*paths: str | Path) -> subprocess.CompletedProcess[str]:
    """``softspot technique check`` in its own process, as a person runs it: at most 1 GB and 60 s."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))

    return subprocess.run(
        [sys.executable, "-c", "from softspot.entry import main; main()", "technique", "check", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit_memory,
        env={**os.environ, "COLUMNS": "300"},
    )


def test_a_fifo_a_device_a_folder_and_a_huge_file_are_refused_without_reading_them(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # nobody ever writes to it: opening it for reading would block for ever
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(BUILT_IN.encode() + b"# " + b"x" * 10 * 1024 * 1024 + b"\n")

    result = run_check(fifo, "/dev/urandom", tmp_path, huge)

    assert result.returncode == 2
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"{fifo}:1:1: this is a named pipe (FIFO), not a technique file; give the path of a YAML file",
        "/dev/urandom:1:1: this is a character device, not a technique file; give the path of a YAML file",
        f"{tmp_path}:1:1: this is a folder, not a technique file; give the path of a YAML file",
        f"{huge}:1:1: the file is 10.0 MB; a technique file may be at most 256 KB",
    ]


def test_a_file_of_exactly_the_largest_size_is_read_and_one_byte_more_is_not(tmp_path: Path) -> None:
    padded = BUILT_IN + "# padding\n"
    padded += "#" * (MAX_BYTES - len(padded.encode()) - 1) + "\n"
    largest = tmp_path / "largest.yaml"
    largest.write_text(padded)
    assert largest.stat().st_size == MAX_BYTES
    assert load_technique(largest).id == "hands-free-hamstring"

    largest.write_text(padded + "\n")
    with pytest.raises(TechniqueError) as caught:
        load_technique(largest)
    assert problem_lines(caught) == [f"{largest}:1:1: the file is 256 KB; a technique file may be at most 256 KB"]


def test_thousands_of_unknown_keys_give_the_first_fifty_and_a_count_in_little_memory() -> None:
    text = BUILT_IN + "".join(f"unknown_key_{i}: {i}\n" for i in range(4000))
    assert len(text) < MAX_BYTES

    tracemalloc.start()
    try:
        with pytest.raises(TechniqueError) as caught:
            parse_technique(text, "keys.yaml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    lines = problem_lines(caught)
    first = BUILT_IN.count("\n") + 1
    assert lines[0] == f"keys.yaml:{first}:1: unknown key 'unknown_key_0'; valid keys: " + lines[0].split(": ")[-1]
    assert lines[-1] == f"keys.yaml:{first + 50}:1: and 3950 more problems from here on; fix these first"
    assert caught.value.count == 4000
    assert peak < 100 * 2**20


def test_values_beyond_the_limit_and_keys_given_thousands_of_times_are_refused_early() -> None:
    with pytest.raises(TechniqueError) as caught:
        parse_technique("id: [" + "1, " * 20_000 + "]\n", "many.yaml")
    assert problem_lines(caught) == ["many.yaml:1:29997: more than 10,000 values; a technique file needs far fewer"]

    with pytest.raises(TechniqueError) as caught:
        parse_technique(BUILT_IN + "licence: MIT\n" * 4000, "twice.yaml")
    lines = problem_lines(caught)
    first = BUILT_IN.count("\n") + 1
    assert lines[0] == f"twice.yaml:{first}:1: 'licence' is given twice; keep one"
    assert lines[-1] == f"twice.yaml:{first + 50}:1: and 3950 more problems from here on; fix these first"


def test_a_base_60_number_of_80000_parts_is_refused_by_its_length() -> None:
    # PyYAML reads 59:59:59... as one base-60 integer, in time that grows with the square of its length.
    text = "format: 1:" + ":".join(["59"] * 80_000) + "\n"
    with pytest.raises(TechniqueError) as caught:
        parse_technique(text, "sixty.yaml")
    assert problem_lines(caught) == [
        "sixty.yaml:1:9: the number '1:59:59:59:59:59:59:…' is too long; write at most 30 characters"
    ]


def test_messages_echo_text_from_the_file_escaped_and_cut_short() -> None:
    text = BUILT_IN.replace("kind: partner", 'kind: "trio\\nwith a second line and then a great deal more text"')
    text = text.replace("hands_free: true", '"hands\\tfree": true\n"' + "x" * 1000 + '": 1')
    with pytest.raises(TechniqueError) as caught:
        parse_technique(text, "echo\nname.yaml")
    lines = problem_lines(caught)
    assert "kind: Input should be 'partner' or 'self', got 'trio\\nwith a second line and then a great…'" in [
        line.split(": ", 1)[1] for line in lines
    ]
    assert all(line.startswith("echo\\nname.yaml:") for line in lines)
    assert any("unknown key 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'" in line for line in lines)
    assert any("unknown key 'hands\\tfree'; did you mean 'hands_free'?" in line for line in lines)


def apply(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``value`` at a path such as ``questions[0].if_yes`` in the technique's data."""
    parts: list[str | int] = []
    for name in dotted.split("."):
        key, *indices = re.split(r"\[(\d+)\]", name)
        parts.append(key)
        parts.extend(int(i) for i in indices if i)
    target: Any = data
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = value


def loc_of(dotted: str) -> tuple[str | int, ...]:
    parts: list[str | int] = []
    for name in dotted.split("."):
        key, *indices = re.split(r"\[(\d+)\]", name)
        parts.append(key)
        parts.extend(int(i) for i in indices if i)
    return tuple(parts)


@pytest.mark.parametrize("case", DANGEROUS, ids=[c["name"] for c in DANGEROUS])
def test_each_dangerous_technique_fails_check_with_one_clear_message(case: dict[str, Any]) -> None:
    data = yaml.safe_load(BUILT_IN)
    for path, value in case["set"].items():
        apply(data, path, value)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=2000)

    with pytest.raises(TechniqueError) as caught:
        parse_technique(text, "dangerous.yaml")

    lines = problem_lines(caught)
    assert len(lines) == 1, lines
    problem = caught.value.problems[0]
    assert problem.message.startswith(case["expect"]), problem.message
    # It is reported where the change was made (at the key, or at the value below it).
    at = loc_of(case.get("at") or next(iter(case["set"])))
    where = compose(text)
    lines_of_change = {where.keys.get(at, (0, 0))[0], where.values[at][0]}
    assert problem.line in lines_of_change
