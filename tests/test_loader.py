"""Technique files: the built-in one loads; each broken one gives its one clear message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.helpers import ENGLISH_SOURCE

from softspot.core.loader import TechniqueError, built_in_ids, load_technique, parse_technique

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "data" / "broken-techniques.yaml").read_text())
BUILT_IN = ENGLISH_SOURCE  # the file's text as plain English strings, as edited below


def test_the_built_in_technique_loads() -> None:
    assert built_in_ids() == ["hands-free-hamstring"]
    technique = parse_technique(BUILT_IN)
    assert technique.id == "hands-free-hamstring"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_each_broken_technique_gives_one_clear_message(case: dict[str, Any]) -> None:
    assert BUILT_IN.count(case["old"]) == 1, "the case must edit exactly one place"
    text = BUILT_IN.replace(case["old"], case["new"])

    with pytest.raises(TechniqueError) as caught:
        parse_technique(text, "broken.yaml")

    problems = caught.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert problem.message.startswith(case["expect"]), str(problem)
    assert str(problem).startswith(f"broken.yaml:{problem.line}:{problem.column}: ")
    # The line points at the edit (a missing key: at its parent, tested by its message).
    if "is missing" in problem.message:
        return
    changed = next(i for i, (a, b) in enumerate(zip(BUILT_IN.splitlines(), text.splitlines(), strict=False)) if a != b)
    assert abs(problem.line - (changed + 1)) <= 3


def test_every_problem_is_reported_not_just_the_first() -> None:
    text = BUILT_IN.replace("  step: 1 in ", "  step: 1    ").replace("kind: partner", "kind: trio   ")
    with pytest.raises(TechniqueError) as caught:
        parse_technique(text, "two.yaml")
    assert [p.message.split(":")[0] for p in caught.value.problems] == ["kind", "spots.step"]


def test_missing_empty_and_non_mapping_files_are_explained(tmp_path: Path) -> None:
    with pytest.raises(TechniqueError, match="no such file"):
        load_technique(tmp_path / "absent.yaml")
    (tmp_path / "empty.yaml").write_text("")
    with pytest.raises(TechniqueError, match="the file is empty"):
        load_technique(tmp_path / "empty.yaml")
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    with pytest.raises(TechniqueError, match="a technique file is a mapping"):
        load_technique(tmp_path / "list.yaml")
    (tmp_path / "bad.yaml").write_text("id: [unclosed\n")
    with pytest.raises(TechniqueError, match=r"bad.yaml:2:1: not valid YAML"):
        load_technique(tmp_path / "bad.yaml")
