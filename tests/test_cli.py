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
    assert "Sit here · relax into it" in out
    flat = " ".join(out.split())
    assert "Pain rule: softspot adds: Receiver: firm pressure is fine. Say at once if you feel sharp pain" in flat
    assert "↳ Receiver: is the pressure all right?" in flat  # the check-in in the timeline, where it is said
    assert "Your thigh has room for 5 spots: 10 min per leg is the most this technique gives." in flat


def test_plan_refuses_a_dose_the_thigh_cannot_fill_naming_the_option(tmp_path: Path) -> None:
    code, out, err = run("plan", *NO_ANSWERS, "--thigh", "25 cm", "--minutes-per-leg", "10")
    assert code == 2
    assert " ".join(err.split()) == (
        "softspot: --minutes-per-leg: 10 min is too long for this receiver (your thigh has room for 2 spots: "
        "4 min per leg is the most this technique gives); choose 4 or less"
    )
    assert out == ""
    assert nothing_written(tmp_path)


def test_plan_timeline_shows_the_calf_add_on_with_each_spot() -> None:
    code, out, _ = run("plan", *NO_ANSWERS, "--add-on", "calf", "--add-on", "lower_back", "--sessions", "3")
    assert code == 0
    flat = " ".join(out.split())
    assert "[left] Sit here · relax into it + Press the calf with" in flat  # the cell wraps on a narrow screen
    assert "Add-ons: hand compression on the calf (during every spot);" in flat


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
    flat = " ".join(out.split())
    assert code == 3
    assert "STOP" in out
    assert "heart condition" in flat and "varicose veins" in flat
    assert "softspot adds: Ask your doctor or therapist" in flat  # the advice is softspot's, the rule the article's


def test_screen_says_go_adapt_or_stop_with_exit_codes() -> None:
    assert run("screen", *NO_ANSWERS)[0] == 0
    code, out, _ = run("screen", *answers("floor_difficulty"), "--json")
    assert code == 0
    assert json.loads(out)["surface"] == "bed"
    code, out, _ = run("screen", *answers("pregnant"))
    assert code == 3
    assert "pregnancy" in out


@pytest.mark.parametrize(
    ("yes", "cleared", "code", "verdict"),
    [
        (("recent_injury",), False, 4, "ask_first"),
        (("bones", "nerves"), False, 4, "ask_first"),
        (("joint_replacement",), True, 0, "go"),
        (("nerves", "floor_difficulty"), True, 0, "adapt"),
        (("blood_clots",), False, 3, "stop"),
        (("skin", "bones"), True, 3, "stop"),  # a go-ahead clears ask-first questions, never a stop
    ],
)
def test_screen_exits_0_go_3_stop_4_ask_first(yes: tuple[str, ...], cleared: bool, code: int, verdict: str) -> None:
    got, out, _ = run("screen", *answers(*yes), *(["--cleared"] if cleared else []), "--json")
    assert got == code
    assert json.loads(out)["verdict"] == verdict


def test_an_ask_first_answer_says_who_to_ask_and_how_to_go_on(tmp_path: Path) -> None:
    code, out, _ = run("plan", *answers("nerves"))
    flat = " ".join(out.split())
    assert code == 4
    assert "ASK FIRST — no session until a doctor or therapist has said this technique is fine" in flat
    assert "softspot adds: The receiver may not feel when the pressure is too much" in flat
    assert "--cleared" in flat
    assert nothing_written(tmp_path)
    code, out, _ = run("plan", *answers("nerves"), "--cleared", "--json")
    assert code == 0
    assert json.loads(out)["screening"]["cleared"] == ["nerves"]


def test_technique_show_marks_what_softspot_adds_and_the_pain_rule() -> None:
    code, out, _ = run("technique", "show", "hands-free-hamstring")
    flat = " ".join(out.split())
    assert code == 0
    assert "• Does the receiver have a heart condition?" in flat  # the article's own: not marked
    assert "• softspot adds: Has the receiver ever had a blood clot" in flat
    assert "softspot adds: Receiver: firm pressure is fine. Say at once if you feel sharp pain" in flat
    assert "☐ softspot adds: Giver: feet on the floor · receiver says how much weight is enough" in flat
    assert "yes → only once a doctor or therapist says it is fine (--cleared)" in flat
    assert "facing away from the receiver" in flat


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
    assert f"{good}: ok (hands-free-hamstring 1.1)" in out
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
