"""The planning commands as a person runs them: outputs, messages and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.helpers import NO_ANSWERS, answers
from typer.testing import CliRunner

from softspot.cli import app
from softspot.core.loader import built_in_text

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOFTSPOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)


def nothing_written(tmp_path: Path) -> bool:
    return not any(p for p in tmp_path.iterdir())


def test_plan_shows_the_explained_plan_the_thigh_map_and_the_timeline() -> None:
    code, out, _ = run("plan", *NO_ANSWERS, "--thigh", "16 in", "--minutes-per-leg", "4")
    assert code == 0
    assert "2 spots per leg, 1.0 in apart, from 9.0 in to 8.0 in above the knee" in out
    assert "hip " in out and " knee" in out and "▒" in out
    assert "Stay here · up to 2 minutes" in out


def test_plan_json_has_the_documented_fields() -> None:
    code, out, _ = run("plan", *NO_ANSWERS, "--json")
    assert code == 0
    script = json.loads(out)
    assert script["technique"]["id"] == "hands-free-hamstring"
    assert script["total_seconds"] == sum(s["seconds"] for s in script["segments"])
    leg = script["legs"][0]
    assert {"leg", "seconds", "spots"} <= set(leg)
    assert {"index", "from_knee_cm", "hold_seconds"} <= set(leg["spots"][0])
    assert {"kind", "seconds", "cue"} <= set(script["segments"][0])


def test_a_stop_answer_refuses_to_plan_with_exit_3_and_every_reason() -> None:
    code, out, _ = run("plan", *answers("heart_condition", "varicose_veins"))
    assert code == 3
    assert "STOP" in out
    assert "heart condition" in out and "varicose veins" in out


def test_screen_says_go_adapt_or_stop_with_exit_codes() -> None:
    assert run("screen", *NO_ANSWERS)[0] == 0
    code, out, _ = run("screen", *answers("floor_difficulty"), "--json")
    assert code == 0
    assert json.loads(out)["surface"] == "bed"
    code, out, _ = run("screen", *answers("pregnant"))
    assert code == 3
    assert "pregnancy" in out


def test_missing_answers_without_a_terminal_are_listed() -> None:
    code, _, err = run("screen", "-a", "pregnant=no")
    assert code == 2
    assert "heart_condition=yes|no, varicose_veins=yes|no, floor_difficulty=yes|no" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--thigh", "40 ft"], "--thigh: 'ft' is not a unit of distance; use cm or in"),
        (["--thigh", "40"], "--thigh: the distance '40' has no unit; write e.g. '40 cm' or '40 in'"),
        (["--thigh", "300 cm"], "--thigh: 300 cm is outside the thigh lengths softspot plans for (25 cm to 60 cm)"),
        (["--minutes-per-leg", "30"], "--minutes-per-leg: 30 is outside 2 to 10 minutes per leg"),
        (["--answer", "pregnent=no"], "--answer: there is no question 'pregnent'; did you mean 'pregnant'?"),
        (["--answer", "pregnant=maybe"], "--answer: the answer to 'pregnant' is 'maybe'; say yes or no"),
        (["--technique", "hamstring"], "--technique: no built-in technique 'hamstring'"),
    ],
)
def test_bad_plan_input_gets_a_clear_message_exit_2_and_writes_nothing(
    args: list[str], message: str, tmp_path: Path
) -> None:
    code, out, err = run("plan", *NO_ANSWERS, *args)
    assert code == 2
    assert message in " ".join(err.split())
    assert "Traceback" not in out + err
    assert nothing_written(tmp_path)


def test_a_misspelt_option_is_named(tmp_path: Path) -> None:
    code, _, err = run("plan", "--thigth", "40 cm")
    assert code == 2
    assert "No such option: --thigth" in err
    assert "--thigh" in err  # the suggestion
    assert nothing_written(tmp_path)


def test_technique_check_reports_file_line_column_and_exits_2(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(built_in_text("hands-free-hamstring"))
    tabbed = tmp_path / "tabbed.yaml"
    tabbed.write_text(built_in_text("hands-free-hamstring").replace("  beginner_min: 2 min", "\tbeginner_min: 2 min"))

    code, out, _ = run("technique", "check", str(good), str(tabbed))

    assert code == 2
    assert f"{good}: ok (hands-free-hamstring 1.0)" in out
    line = next(n for n, text in enumerate(tabbed.read_text().splitlines(), 1) if text.startswith("\t"))
    assert f"{tabbed}:{line}:1: a tab character; YAML indents with spaces only" in out


def test_technique_list_and_show() -> None:
    code, out, _ = run("technique", "list")
    assert code == 0 and "hands-free-hamstring" in out
    code, out, _ = run("technique", "show", "hands-free-hamstring")
    assert code == 0
    for words in ("Thai massage tradition", "Hands-free", "Straddling the leg", "heart condition", "video"):
        assert words in out


def test_a_plan_from_a_technique_file_uses_that_file(tmp_path: Path) -> None:
    custom = tmp_path / "mine.yaml"
    custom.write_text(built_in_text("hands-free-hamstring").replace("  start: 3 min", "  start: 4 min"))
    code, out, _ = run("plan", "-t", str(custom), *NO_ANSWERS, "--json")
    assert code == 0
    assert json.loads(out)["dose"]["seconds_per_leg"] == 240
