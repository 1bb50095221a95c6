"""``softspot guide`` end to end: unattended with every answer given, and live under a pseudo-terminal with keys."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from rich.console import Console
from tests.helpers import NO_ANSWERS, answers, make_plan
from typer.testing import CliRunner

from softspot.cli import app
from softspot.cli.live import LiveSession
from softspot.core.script import SessionScript
from softspot.store.models import SessionRecord

runner = CliRunner()
FAST = ["--speed", "5000", "--no-voice"]


@pytest.mark.django_db
def test_an_unattended_session_runs_to_the_end_and_is_saved() -> None:
    result = runner.invoke(
        app,
        [
            "guide",
            *NO_ANSWERS,
            "--thigh",
            "16 in",
            "--minutes-per-leg",
            "3",
            "--before",
            "6,5,4",
            "--after",
            "3,3,2",
            "--note",
            "felt lighter",
            *FAST,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Saved." in result.stdout

    record = SessionRecord.objects.get()
    assert (record.before_left, record.before_right, record.before_back) == (6, 5, 4)
    assert (record.after_left, record.after_right, record.after_back) == (3, 3, 2)
    assert record.note == "felt lighter"
    assert record.source == "terminal" and not record.ended_early
    spots = [
        (s["leg"], s["index"], s["planned_seconds"], round(s["held_seconds"]), s["ended_by"])
        for s in record.engine["spots"]
    ]
    # Nothing softened early: every planned spot ran its full time, the same on both legs.
    assert spots == [
        ("left", 1, 120, 120, "time"),
        ("left", 2, 60, 60, "time"),
        ("right", 1, 120, 120, "time"),
        ("right", 2, 60, 60, "time"),
    ]
    assert record.spots.count() == 4  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_the_next_session_remembers_the_thigh_and_offers_the_suggestion() -> None:
    common = [*NO_ANSWERS, "--before", "5,5,5", "--after", "4,4,4", *FAST]
    assert runner.invoke(app, ["guide", *common, "--thigh", "42 cm", "--minutes-per-leg", "2"]).exit_code == 0
    result = runner.invoke(app, ["guide", *common])
    assert result.exit_code == 0, result.output
    assert "Thigh length 42 cm, as measured." in result.stdout
    assert "Suggested: 2 min per leg again" in result.stdout
    assert SessionRecord.objects.count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--before", "11,2,3"], "--before: 11 (left hamstring) is above 10; rate 0 (none) to 10 (worst)"),
        (["--before", "5,5"], "--before: give three ratings L,R,B"),
        (["--after", "3,x,3"], "--after: 'x' (right hamstring) is not a whole number from 0 to 10"),
        (["--thigh", "300 cm"], "--thigh: 300 cm is outside"),
        (["--speed", "0"], "--speed: must be above 0"),
        (["--rate", "5"], "--rate: rate must be 80 to 450 words per minute, not 5"),
    ],
)
def test_bad_input_is_named_exits_2_and_writes_nothing(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOFTSPOT_DATA_DIR", str(tmp_path))
    base = {"--before": "5,5,5", "--after": "3,3,3"}
    for option, value in base.items():
        if option not in args:
            args = [*args, option, value]
    result = runner.invoke(app, ["guide", *FAST, *NO_ANSWERS, *args])
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert list(tmp_path.iterdir()) == []


def test_a_stop_answer_ends_before_anything_is_planned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOFTSPOT_DATA_DIR", str(tmp_path))
    result = runner.invoke(app, ["guide", *answers("varicose_veins"), "--before", "5,5,5", "--after", "3,3,3", *FAST])
    assert result.exit_code == 3
    assert "varicose veins" in " ".join(result.stdout.split())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_an_ask_first_answer_waits_for_cleared_and_the_go_ahead_is_kept_with_the_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOFTSPOT_DATA_DIR", str(tmp_path))
    common = ["guide", *answers("joint_replacement"), "--before", "5,5,5", "--after", "3,3,3", *FAST]
    waiting = runner.invoke(app, common)
    assert waiting.exit_code == 4
    assert "ASK FIRST" in waiting.stdout
    assert list(tmp_path.iterdir()) == []  # nothing planned, nothing written
    done = runner.invoke(app, [*common, "--cleared"])
    assert done.exit_code == 0, done.output
    record = SessionRecord.objects.get()
    assert record.script["screening"]["cleared"] == ["joint_replacement"]
    assert record.answers["joint_replacement"] is True


@pytest.mark.django_db
def test_guide_refuses_a_dose_the_thigh_cannot_fill_before_asking_anything() -> None:
    result = runner.invoke(
        app, ["guide", *NO_ANSWERS, "--thigh", "25 cm", "--minutes-per-leg", "10", "--before", "5,5,5", *FAST]
    )
    assert result.exit_code == 2
    assert "your thigh has room for 2 spots: 4 min per leg is the most this technique gives" in " ".join(
        result.stderr.split()
    )
    assert SessionRecord.objects.count() == 0


@pytest.mark.django_db
def test_the_suggestion_never_outgrows_a_short_thigh() -> None:
    common = [*NO_ANSWERS, "--before", "5,5,5", "--after", "4,4,4", *FAST]
    for minutes in ("4", "4"):
        assert runner.invoke(app, ["guide", *common, "--thigh", "25 cm", "--minutes-per-leg", minutes]).exit_code == 0
    result = runner.invoke(app, ["guide", *common])  # the thigh is remembered, and so is its limit
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert "Suggested: Your thigh has room for 2 spots: 4 min per leg is the most this technique gives." in flat
    assert SessionRecord.objects.order_by("-started_at").first().seconds_per_leg == 240  # type: ignore[union-attr]


# -- the terminal player's stop flow, on a fake clock ----------------------------------------------


class RecordingVoice:
    """A voice that writes down what it was asked to say, and when it was hushed."""

    def __init__(self) -> None:
        self.heard: list[object] = []

    def say(self, text: str | Sequence[str], *, chime: bool = True) -> None:
        self.heard.append(tuple([text] if isinstance(text, str) else text))

    def hush(self) -> None:
        self.heard.append("HUSH")

    def close(self, *, drain: bool = True, timeout: float = 15.0) -> None:
        return None


def live(script: SessionScript | None = None) -> tuple[LiveSession, RecordingVoice, Console]:
    voice = RecordingVoice()
    screen = Console(file=io.StringIO(), width=110, record=True)
    session = LiveSession(script or make_plan("38 cm", 3), console=screen, voice=voice, interactive=False)
    return session, voice, screen


def shown(session: LiveSession, screen: Console, now: float) -> str:
    screen.print(session.screen(session.engine.state(now)))
    return " ".join(screen.export_text().split())


def test_q_stops_at_once_a_second_q_does_not_undo_it_and_only_c_carries_on() -> None:
    session, voice, screen = live()
    engine = session.engine
    session.start(0.0)
    session.tick(60.0)  # 10 s into the first spot
    voice.heard.clear()
    session.handle("q", 60.0)
    assert voice.heard == ["HUSH", ("Stopping here. Lift off gently.",)]  # silence first, then the stop cue
    assert engine.halted and session.asking_why
    text = shown(session, screen, 61.0)
    assert "STOPPED" in text and "Why did you stop? d discomfort · o out of time · x other c carry on" in text
    for key in ("q", "escape", " ", "p", "e", "s"):  # nothing but c (or why) moves it on
        session.handle(key, 70.0)
        assert engine.halted, key
    assert session.notice == "Still stopped: press c to carry on, or d, o or x to say why."
    assert engine.state(90.0).remaining == 110.0  # the clock stood still
    session.handle("c", 90.0)
    assert not engine.halted
    assert voice.heard[-1] == ("Carry on.",)
    assert engine.state(90.0).remaining == 110.0
    assert engine.record()["pauses"] == [{"at": 60.0, "seconds": 30.0}]


def test_a_stop_for_discomfort_ends_the_session_at_the_first_press_not_at_the_answer() -> None:
    session, voice, _ = live()
    session.start(0.0)
    session.tick(100.0)
    session.handle("escape", 100.0)
    session.handle("q", 110.0)  # a second press changes nothing
    session.handle("d", 130.0)  # why: discomfort, half a minute later
    record = session.engine.record()
    assert (record["ended_at"], record["stop_reason"], record["ended_early"]) == (100.0, "discomfort", True)
    assert record["spots"][0]["held_seconds"] == 50.0
    assert voice.heard.count(("Stopping here. Lift off gently.",)) == 1


def test_an_early_softened_asks_for_a_second_press_on_the_screen() -> None:
    session, _, screen = live()
    session.start(0.0)
    session.tick(50.0)
    session.handle(" ", 53.0)
    assert session.engine.state(53.0).spot == 1
    assert "Softened already? Press space again within 5 s to confirm." in shown(session, screen, 53.0)
    session.handle(" ", 55.0)
    assert session.engine.state(55.0).spot == 2
    assert session.engine.spots[1].planned_seconds == 20.0  # the minimum hold, not the 5 s of the first


def test_the_live_screen_always_shows_the_pain_rule_and_how_to_stop() -> None:
    session, _, screen = live()
    session.start(0.0)
    text = shown(session, screen, 1.0)
    assert "q or Esc STOP" in text
    assert "Pain rule: Say at once if it hurts · firm is fine; sharp pain, pins and needles or numbness are not" in text


def test_cues_of_one_moment_are_said_together_so_none_is_dropped() -> None:
    session, voice, _ = live(make_plan("38 cm", 3, add_ons=["calf"], comfortable_sessions=3))
    session.start(0.0)
    session.tick(50.0)
    assert voice.heard[0] == (
        "Starting the hands-free hamstring massage. Follow the voice.",
        "Receiver: firm pressure is fine. Say at once if you feel sharp pain, pins and needles or numbness.",
    )
    assert voice.heard[-1] == (
        "Sit here and relax into it. Up to 2 minutes, or until it softens.",
        "If you like, lean over and press the calf gently with flat palms.",
    )


class Terminal:
    """softspot running on a pseudo-terminal: type keys, wait for text."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become softspot
            os.execve(sys.executable, [sys.executable, "-m", "softspot", *args], env)
        self.output = ""

    def read(self, timeout: float = 0.05) -> None:
        while select.select([self.fd], [], [], timeout)[0]:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk.decode("utf-8", "replace")

    def wait_for(self, text: str, timeout: float = 20.0, since: int = 0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output[since:]:
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {text!r}; screen so far:\n{self.output[-3000:]}")
            self.read(0.1)

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def exit_code(self, timeout: float = 20.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.read(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
        raise AssertionError("softspot did not exit:\n" + self.output[-3000:])


def test_a_live_session_driven_by_keys_under_a_terminal(tmp_path: Path) -> None:
    env = {**os.environ, "SOFTSPOT_DATA_DIR": str(tmp_path), "COLUMNS": "100", "LINES": "40", "TERM": "xterm"}
    term = Terminal(
        [
            "guide",
            *NO_ANSWERS,
            "--thigh",
            "40 cm",
            "--minutes-per-leg",
            "3",
            "--before",
            "6,6,5",
            "--after",
            "4,4,3",
            "--note",
            "keys",
            "--speed",
            "2",
            "--no-voice",
        ],
        env,
    )
    term.wait_for("The receiver's name")  # nobody yet: asked once the safety check says go
    term.type("Sam\r")
    term.wait_for("(new)")
    term.wait_for("Press Enter when you are set up")
    term.type("\r")
    term.wait_for("Press Enter to start")
    term.type("\r")
    term.wait_for("FEEL THE BACK OF THE LEFT THIGH")
    term.type(" ")  # palpated: move on
    term.wait_for("SIT SIDEWAYS")
    term.type(" ")  # seated
    term.wait_for("spot 1 of")
    time.sleep(2.5)  # at --speed 2 the first spot softens after ~5 s: under the 20 s minimum hold
    term.type("  ")  # softened, and the second press that confirms it
    term.wait_for("spot 2 of")
    term.type("p")
    term.wait_for("PAUSED")
    time.sleep(0.5)
    term.type("p")
    term.type("s")  # over to the other leg well before spot 2's 20 s of session time are up
    term.wait_for("MOVE TO THE RIGHT LEG")
    term.type("q")  # stop: at once
    term.wait_for("Why did you stop?")
    seen = len(term.output)
    term.type("q")  # a second q does not cancel the stop
    term.wait_for("Still stopped: press c to carry on", since=seen)
    seen = len(term.output)
    term.type("c")  # carry on
    term.wait_for("Carrying on.", since=seen)
    seen = len(term.output)
    term.type("\x1b")  # Esc stops again
    term.wait_for("Why did you stop?", since=seen)
    term.type("d")  # discomfort
    term.wait_for("Saved.")
    assert "Stopped because something hurt" in term.output
    assert "Added Sam." in term.output
    assert "Do not repeat this technique until the pain has gone." in term.output
    assert term.exit_code() == 0

    exported = subprocess.run(
        [sys.executable, "-m", "softspot", "export", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    record = json.loads(exported.stdout)[0]
    assert record["receiver"] == "Sam"
    engine = record["engine"]
    assert engine["ended_early"] and engine["stop_reason"] == "discomfort"
    first, second = engine["spots"][0], engine["spots"][1]
    assert first["ended_by"] == "softened" and 4.8 < first["held_seconds"] < 20
    assert second["ended_by"] == "skipped" and second["planned_seconds"] == 20  # the minimum hold
    assert len(engine["pauses"]) == 2  # the pause, and the first stop until "c"
    assert engine["pauses"][0]["seconds"] > 1.0
    assert [leg["ended_by"] for leg in engine["legs"]][:1] == ["skipped"]
    assert record["after"] == {"left": 4, "right": 4, "back": 3}


def test_on_a_terminal_guide_asks_for_the_go_ahead_after_an_ask_first_answer(tmp_path: Path) -> None:
    env = {**os.environ, "SOFTSPOT_DATA_DIR": str(tmp_path), "COLUMNS": "100", "LINES": "40", "TERM": "xterm"}
    declined = Terminal(["guide", *answers("bones"), "--thigh", "40 cm", "--no-voice"], env)
    declined.wait_for("Has a doctor or therapist said this technique is fine for the receiver?")
    declined.type("n\r")
    assert declined.exit_code() == 4
    cleared = Terminal(["guide", *answers("bones"), "--receiver", "Alice", "--thigh", "40 cm", "--no-voice"], env)
    cleared.wait_for("Has a doctor or therapist said this technique is fine for the receiver?")
    cleared.type("y\r")
    cleared.wait_for("GO, cleared")
    cleared.wait_for("Press Enter when you are set up")
    os.kill(cleared.pid, signal.SIGTERM)
    cleared.exit_code()


def test_keys_that_arrive_together_are_all_kept_in_order() -> None:
    from softspot.cli.live import split_keys

    assert split_keys("ps\x1b[C \x1b\x1b[A\x1b[6~Q\r") == [
        "p",
        "s",
        "right",
        " ",
        "escape",
        "other",
        "pagedown",
        "q",
        "\r",
    ]


# Nothing runs that cannot be saved; nothing saved is lost.

NINES = "9" * 400


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--speed", "nan"], "--speed: must be above 0 and at most 10000 (1 = real time), not nan"),
        (["--speed", "inf"], "--speed: must be above 0 and at most 10000 (1 = real time), not inf"),
        (["--speed", "-inf"], "--speed: must be above 0 and at most 10000"),
        (["--speed", "1e9"], "--speed: must be above 0 and at most 10000"),
        (["--minutes-per-leg", "nan"], "--minutes-per-leg: nan is not a number of minutes"),
        (["--note", "x" * 2001], "--note: the note is 2001 characters long; keep it to 2000"),
        (["--note", "a\x00b"], "--note: the note contains a NUL character"),
        (["--thigh", f"{NINES} cm"], "--thigh: '999999999999999999999999…' is too large to be a distance"),
        (["--height", f"{NINES}.5 in"], "--height: '999999999999999999999999…' is too large to be a distance"),
    ],
)
def test_an_option_that_would_fail_later_is_refused_before_anything_starts(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOFTSPOT_DATA_DIR", str(tmp_path))
    speed = [] if "--speed" in args else ["--speed", "5000"]
    result = runner.invoke(
        app, ["guide", *NO_ANSWERS, "--no-voice", *speed, "--before", "5,5,5", "--after", "3,3,3", *args]
    )
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
    assert "Safety check" not in result.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_a_technique_whose_record_the_store_cannot_keep_is_not_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from softspot.core.loader import built_in_text

    # The technique file allows any number of digits in a version; the store keeps 20 characters.
    text, changed = re.subn(
        r'^version: "[0-9.]+"', f'version: "1.{"0" * 25}"', built_in_text("hands-free-hamstring"), count=1, flags=re.M
    )
    assert changed == 1
    (tmp_path / "long-version.yaml").write_text(text)
    monkeypatch.setenv("SOFTSPOT_DATA_DIR", str(tmp_path / "data"))
    result = runner.invoke(
        app,
        [
            "guide",
            "-t",
            str(tmp_path / "long-version.yaml"),
            *NO_ANSWERS,
            *FAST,
            "--before",
            "5,5,5",
            "--after",
            "3,3,3",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "this session could not be saved, so it is not started: script.technique.version" in " ".join(
        result.stderr.split()
    )
    assert "The session" not in result.stdout


@pytest.mark.django_db
def test_a_session_the_store_refuses_at_the_end_is_kept_and_imported_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    from softspot.store import records

    monkeypatch.setenv("SOFTSPOT_DATA_DIR", str(tmp_path))
    real_save = records.save_record

    def disk_gone(*args: object, **kwargs: object) -> None:
        raise OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(records, "save_record", disk_gone)
    result = runner.invoke(
        app,
        ["guide", *NO_ANSWERS, *FAST, "--thigh", "42 cm", "--before", "6,5,4", "--after", "3,3,2", "--note", "kept"],
    )
    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert "the session could not be saved: the database" in said and "cannot be written" in said
    kept = list((tmp_path / "recovery").glob("softspot-record-*.json"))
    assert len(kept) == 1
    assert f"Nothing is lost: it is kept in {kept[0]}" in said
    assert f"softspot import {kept[0]}" in said
    assert oct(kept[0].stat().st_mode & 0o777) == "0o600"
    assert not SessionRecord.objects.exists()

    monkeypatch.setattr(records, "save_record", real_save)
    first = runner.invoke(app, ["import", str(kept[0])])
    assert first.exit_code == 0, first.output
    assert "Imported the session of" in first.stdout
    again = runner.invoke(app, ["import", str(kept[0])])
    assert again.exit_code == 0, again.output
    assert "Already stored: the session of" in again.stdout and "nothing changed" in again.stdout
    record = SessionRecord.objects.get()
    assert (record.note, record.before_left, record.after_back, record.source) == ("kept", 6, 2, "terminal")
    assert record.spots.count() == 4  # type: ignore[attr-defined]


def test_with_nowhere_to_keep_it_the_record_is_printed_not_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import typer

    from softspot.cli import recovery

    (tmp_path / "a-file").write_text("")
    monkeypatch.setattr(recovery, "places", lambda: [tmp_path / "a-file" / "recovery"])
    payload = {"key": "9b1c0000-0000-4000-8000-000000000000", "note": "hello", "started_at": "2026-11-23T20:01:02Z"}
    with pytest.raises(typer.Exit) as exited:
        recovery.save_or_keep(object(), payload)  # not a whole record: the store refuses it
    assert exited.value.exit_code == 2
    out, err = capsys.readouterr()
    assert json.loads(out) == payload
    said = " ".join(err.split())
    assert "the record is printed above. Save it to a file and run `softspot import FILE`" in said
