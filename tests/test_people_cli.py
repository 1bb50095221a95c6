"""``softspot people`` and ``--receiver`` as a household uses them from the terminal.

On this computer the household is the local owner; alice and bob take turns receiving, as "Alice" and "Sam".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from tests.helpers import NO_ANSWERS
from typer.testing import CliRunner

from softspot.cli import app
from softspot.store import receivers
from softspot.store.models import Receiver, SessionRecord

runner = CliRunner()
FAST = ["--speed", "5000", "--no-voice"]
GOOD_NIGHT = [*NO_ANSWERS, "--before", "5,5,5", "--after", "4,4,4", *FAST]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, " ".join(result.stdout.split()), " ".join(result.stderr.split())


@pytest.fixture
def local(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> User:
    monkeypatch.setenv("SOFTSPOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    from softspot.store.records import local_owner

    return local_owner()


@pytest.fixture
def two(local: User) -> User:
    """Alice and Sam at home: `people add` for each."""
    assert run("people", "add", "Alice", "--thigh", "44 cm")[0] == 0
    assert run("people", "add", "Sam", "--thigh", "15 in", "--first-leg", "right")[0] == 0
    return local


def test_people_add_and_list_show_each_receivers_measurements(local: User) -> None:
    code, out, _ = run("people", "add", "Alice", "--thigh", "44 cm")
    assert (code, out) == (0, "Added Alice (thigh 44 cm; starts with the technique's first leg).")
    code, out, _ = run("people", "add", "Sam", "--height", "172 cm", "--first-leg", "Right")
    assert (code, out) == (0, "Added Sam (height 172 cm, thigh estimated from it; starts with the right leg).")
    code, out, _ = run("people", "list")
    assert code == 0
    assert "│ Alice │ 44 cm │ — │ 0 │ — │" in out
    assert "│ Sam │ from height 172 cm │ right │ 0 │ — │" in out
    rows = json.loads(runner.invoke(app, ["people", "list", "--json"]).stdout)
    assert [(r["name"], r["thigh_cm"], r["height_cm"], r["first_leg"], r["sessions"]) for r in rows] == [
        ("Alice", 44.0, None, None, 0),
        ("Sam", None, 172.0, "right", 0),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sam"], "softspot: NAME: there is already a receiver called Sam (names are the same whatever the case)"),
        ([""], "softspot: NAME: a name cannot be empty; give the receiver's name, e.g. Sam"),
        (["S" * 41], "softspot: NAME: the name is 41 characters long; keep it to 40"),
        (["Robin", "--thigh", "90 cm"], "softspot: --thigh: 90 cm is outside the thigh lengths softspot plans for"),
        (["Robin", "--thigh", "long"], "softspot: --thigh: 'long' is not a distance"),
        (["Robin", "--first-leg", "middle"], "softspot: --first-leg: 'middle' is not a leg; use left or right"),
    ],
)
def test_people_add_refuses_bad_input_with_a_clear_line_and_adds_nobody(
    two: User, args: list[str], message: str
) -> None:
    code, _, err = run("people", "add", *args)
    assert code == 2
    assert err.startswith(message), err
    assert receivers.names(two) == ["Alice", "Sam"]


def test_an_unknown_name_gets_the_nearest_one(two: User) -> None:
    code, _, err = run("people", "rename", "Sma", "Samuel")
    assert code == 2
    assert err == "softspot: OLD: there is no receiver called Sma; did you mean Sam? Receivers: Alice, Sam"
    code, _, err = run("history", "--receiver", "alicia")
    assert (code, err) == (2, "softspot: --receiver: there is no receiver called alicia; did you mean Alice? "
                           "Receivers: Alice, Sam")  # fmt: skip


def test_rename_keeps_the_sessions_and_refuses_a_name_taken(two: User) -> None:
    assert run("guide", "--receiver", "Sam", *GOOD_NIGHT)[0] == 0
    code, out, _ = run("people", "rename", "sam", "Samuel")
    assert (code, out) == (0, "Renamed Sam to Samuel; their sessions stay with them.")
    code, _, err = run("people", "rename", "Samuel", "ALICE")
    assert (code, err) == (2, "softspot: NEW: there is already a receiver called Alice; give another name")
    assert list(SessionRecord.objects.values_list("receiver__name", flat=True)) == ["Samuel"]


def test_removing_says_what_happens_to_the_sessions_and_needs_yes_without_a_terminal(two: User) -> None:
    for _ in range(2):
        assert run("guide", "--receiver", "Sam", *GOOD_NIGHT)[0] == 0
    code, out, err = run("people", "remove", "Sam")
    assert code == 2
    assert "Sam has 2 sessions; they will be deleted with Sam and cannot be brought back." in out
    assert "To keep them: `softspot export --receiver Sam --format json --out FILE` first" in out
    assert err == "softspot: Sam was not removed: no terminal to ask on; add --yes to remove Sam without asking"
    assert receivers.names(two) == ["Alice", "Sam"]
    assert SessionRecord.objects.count() == 2
    code, out, _ = run("people", "remove", "Sam", "--yes")
    assert code == 0
    assert out.endswith("Removed Sam and deleted 2 sessions.")
    assert receivers.names(two) == ["Alice"]
    assert SessionRecord.objects.count() == 0


def test_removing_with_move_to_keeps_the_sessions_with_someone_else(two: User) -> None:
    assert run("guide", "--receiver", "Sam", *GOOD_NIGHT)[0] == 0
    code, out, _ = run("people", "remove", "Sam", "--move-to", "alice", "--yes")
    assert code == 0
    assert "Sam has 1 session; it will move to Alice, then Sam is removed." in out
    assert out.endswith("Removed Sam; 1 session moved to Alice.")
    assert list(SessionRecord.objects.values_list("receiver__name", flat=True)) == ["Alice"]
    code, _, err = run("people", "remove", "Alice", "--move-to", "Alice", "--yes")
    assert (code, err) == (2, "softspot: --move-to: Alice is the receiver being removed; give someone else")


def test_guide_refuses_to_guess_between_several_receivers_without_a_terminal(two: User) -> None:
    code, _, err = run("guide", *GOOD_NIGHT)
    assert code == 2
    assert err == (
        "softspot: --receiver: there are 2 receivers here (Alice, Sam); say who is receiving with --receiver NAME "
        "(a new name adds someone)"
    )
    assert SessionRecord.objects.count() == 0


def test_the_only_receiver_is_used_silently_and_a_new_name_adds_someone(local: User) -> None:
    assert run("people", "add", "Alice", "--thigh", "44 cm")[0] == 0
    code, out, _ = run("guide", *GOOD_NIGHT)
    assert code == 0
    assert "Receiving today: Alice" in out
    code, out, _ = run("guide", "--receiver", "Robin", "--thigh", "40 cm", *GOOD_NIGHT)
    assert code == 0
    assert "Receiving today: Robin (new)" in out and "Added Robin." in out
    robin = Receiver.objects.get(name="Robin")
    assert robin.thigh_cm == 40.0
    assert sorted(SessionRecord.objects.values_list("receiver__name", flat=True)) == ["Alice", "Robin"]


def test_a_new_name_close_to_someones_is_refused_unattended(two: User) -> None:
    code, _, err = run("guide", "--receiver", "Sma", *GOOD_NIGHT)
    assert code == 2
    assert err == (
        "softspot: --receiver: there is no receiver called Sma; did you mean Sam? To add Sma as someone new, run "
        "`softspot people add Sma` first"
    )
    assert receivers.names(two) == ["Alice", "Sam"] and not SessionRecord.objects.exists()


def test_with_nobody_yet_an_unattended_guide_makes_a_first_receiver(local: User) -> None:
    code, out, _ = run("guide", "--thigh", "42 cm", *GOOD_NIGHT)
    assert code == 0
    assert "Recorded for Receiver, the first receiver here; give them their name with `softspot people rename " \
        "Receiver NAME`." in out  # fmt: skip
    assert list(Receiver.objects.values_list("name", "thigh_cm")) == [("Receiver", 42.0)]


def test_each_receiver_keeps_their_own_thigh_first_leg_and_dose(two: User) -> None:
    """Alice does two comfortable sessions and grows to 4 min; Sam stops for discomfort and stays low."""
    for _ in range(2):
        assert run("guide", "--receiver", "alice", *GOOD_NIGHT)[0] == 0
    sam_stop = ["--receiver", "Sam", *NO_ANSWERS, "--before", "5,5,5", "--after", "6,6,6", *FAST]
    assert run("guide", *sam_stop)[0] == 0  # tension went up: not comfortable
    code, out, _ = run("guide", "--receiver", "Alice", *GOOD_NIGHT)
    assert code == 0
    assert "Suggested: 4 min per leg" in out
    assert "Thigh length 44 cm, as measured." in out
    code, out, _ = run("guide", "--receiver", "Sam", *GOOD_NIGHT)
    assert code == 0
    assert "Suggested: 3 min per leg again" in out
    assert "Thigh length 15.0 in, as measured." in out
    sams = SessionRecord.objects.filter(receiver__name="Sam").order_by("started_at")
    assert [r.engine["spots"][0]["leg"] for r in sams] == ["right"] * 2  # Sam starts with the right leg
    # A new measurement is Sam's from now on.
    assert run("guide", "--receiver", "Sam", "--thigh", "39 cm", "--start-leg", "left", *GOOD_NIGHT)[0] == 0
    sam = Receiver.objects.get(name="Sam")
    assert (sam.thigh_cm, sam.unit, sam.first_leg) == (39.0, "cm", "left")
    assert Receiver.objects.get(name="Alice").thigh_cm == 44.0


def test_history_progress_and_export_per_receiver(two: User, tmp_path: Path) -> None:
    assert run("guide", "--receiver", "Alice", *GOOD_NIGHT, "--note", "alice night")[0] == 0
    assert run("guide", "--receiver", "Sam", *GOOD_NIGHT, "--note", "sam night")[0] == 0
    code, out, _ = run("history")
    assert code == 0 and "Receiver" in out and "alice night" in out and "sam night" in out
    code, out, _ = run("history", "--receiver", "sam")
    assert code == 0 and "Sam's sessions, newest first" in out and "alice night" not in out
    rows = json.loads(runner.invoke(app, ["history", "--json"]).stdout)
    assert sorted(r["receiver"] for r in rows) == ["Alice", "Sam"]
    code, _, err = run("progress")
    assert (code, err) == (2, "softspot: --receiver: there are 2 receivers here (Alice, Sam); say whose with "
                           "--receiver NAME")  # fmt: skip
    numbers = json.loads(runner.invoke(app, ["progress", "--receiver", "Sam", "--json"]).stdout)
    assert (numbers["receiver"], len(numbers["changes"])) == ("Sam", 1)
    code, out, _ = run("export", "--format", "json", "--receiver", "Alice", "--out", str(tmp_path / "alice.json"))
    assert (code, out) == (0, f"Wrote 1 session to {tmp_path / 'alice.json'}.")
    assert [r["receiver"] for r in json.loads((tmp_path / "alice.json").read_text())] == ["Alice"]
    csv = runner.invoke(app, ["export", "--format", "csv"]).stdout.splitlines()
    assert csv[0].startswith("key,receiver,")
    assert {line.split(",")[1] for line in csv[1:]} == {"Alice", "Sam"}


def test_plan_with_a_receiver_uses_their_thigh_and_dose_and_changes_nothing(two: User) -> None:
    for _ in range(2):
        assert run("guide", "--receiver", "Alice", *GOOD_NIGHT)[0] == 0
    code, out, _ = run("plan", *NO_ANSWERS, "--receiver", "alice")
    assert code == 0
    assert "For Alice. Suggested: 4 min per leg" in out
    assert "Thigh length 44 cm, as measured." in out
    script = json.loads(runner.invoke(app, ["plan", *NO_ANSWERS, "--receiver", "Sam", "--json"]).stdout)
    assert (script["person"]["unit"], script["dose"]["seconds_per_leg"], script["legs"][0]["leg"]) == (
        "in",
        180,
        "right",
    )
    code, _, err = run("plan", *NO_ANSWERS, "--receiver", "Sam", "--sessions", "3")
    assert (code, err) == (2, "softspot: --sessions: not with --receiver, whose comfortable sessions are counted "
                           "from their own records")  # fmt: skip
    assert Receiver.objects.get(name="Sam").thigh_cm == pytest.approx(38.1)


def test_import_goes_to_the_receiver_the_file_names_or_the_one_given(two: User, tmp_path: Path) -> None:
    from tests.helpers import make_payload

    kept = tmp_path / "record.json"
    kept.write_text(json.dumps({**make_payload(source="terminal"), "receiver": "sam"}))
    code, out, _ = run("import", str(kept))
    assert code == 0 and "for Sam" in out
    other = tmp_path / "other.json"
    other.write_text(json.dumps(make_payload(source="terminal")))
    code, _, err = run("import", str(other))
    assert code == 2
    assert "say who received this session (the receiver's name); receivers: Alice, Sam" in err
    assert run("import", str(other), "--receiver", "Alice")[0] == 0
    assert sorted(SessionRecord.objects.values_list("receiver__name", flat=True)) == ["Alice", "Sam"]


# On a terminal: asked, not refused.


def test_on_a_terminal_guide_asks_who_and_removing_asks_first(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    from tests.test_guide import Terminal

    env = {**os.environ, "SOFTSPOT_DATA_DIR": str(tmp_path), "COLUMNS": "100", "LINES": "40", "TERM": "xterm"}
    for name in ("Alice", "Sam"):
        subprocess.run(
            [sys.executable, "-m", "softspot", "people", "add", name], env=env, check=True, capture_output=True
        )
    guide = Terminal(["guide", *NO_ANSWERS, "--no-voice"], env)
    guide.wait_for("Who is receiving today?")
    guide.wait_for("3. someone new")
    guide.type("Sma\r")  # a typo: told, and asked again
    guide.wait_for("Sma is not one of them; did you mean Sam?")
    guide.type("2\r")
    guide.wait_for("Sam")
    guide.wait_for("1. Safety check")
    guide.wait_for("Press Enter when you are set up")
    os.kill(guide.pid, signal.SIGTERM)
    guide.exit_code()

    remove = Terminal(["people", "remove", "sam"], env)
    remove.wait_for("Sam has no sessions; only their name and measurements go.")
    remove.wait_for("Remove Sam? [y/N]")
    remove.type("\r")  # the default is no
    remove.wait_for("Sam was not removed; nothing changed.")
    assert remove.exit_code() == 1
    listed = subprocess.run(
        [sys.executable, "-m", "softspot", "people", "list", "--json"], env=env, check=True, capture_output=True
    )
    assert [r["name"] for r in json.loads(listed.stdout)] == ["Alice", "Sam"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "softspot: --receiver: a name cannot be empty; give the receiver's name, e.g. Sam"),
        ("S" * 41, "softspot: --receiver: the name is 41 characters long; keep it to 40"),
        ("Sam\x1b[2J", "softspot: --receiver: the name contains a control character; use letters, digits and spaces"),
    ],
)
def test_guide_refuses_a_bad_receiver_name_before_anything_is_written(
    name: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOFTSPOT_DATA_DIR", str(tmp_path / "fresh"))
    code, _, err = run("guide", "--receiver", name, *GOOD_NIGHT)
    assert (code, err) == (2, message)
    assert not (tmp_path / "fresh").exists()
