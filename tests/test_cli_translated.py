"""Every command speaks the terminal's language: no line a command prints in Spanish, German or Thai is the
English line, unless it holds nothing but names, numbers, units, paths and syntax.

The store is seeded (two receivers, sessions, one stopped for discomfort); each command, and a bad input for
each, runs once in English and once in the language, each run rolled back so both see the same store. A
message nobody marked for translation comes out the same in both and fails here, wherever it is printed.
The core's bad-input messages are checked the same way, straight from the functions that raise them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from tests.helpers import NO_ANSWERS, hamstring, make_payload
from typer.testing import CliRunner

from softspot import i18n
from softspot.cli import app

runner = CliRunner()
LANGUAGES = ["es", "de", "th"]
LOCALES = {"en": "C.UTF-8", "es": "es_ES.UTF-8", "de": "de_DE.UTF-8", "th": "th_TH.UTF-8"}
FAST = ["--speed", "5000", "--no-voice"]

BAD_TECHNIQUE = "id: broken\ntitle: 5\n"


def commands(tmp: Path) -> list[list[str]]:
    """Every command a person runs, with what it prints when all is well and when the input is wrong."""
    good = str(Path(__file__).resolve().parent / "data" / "hands-free-hamstring-en.yaml")
    bad = tmp / "broken.yaml"
    bad.write_text(BAD_TECHNIQUE, encoding="utf-8")
    record = tmp / "kept.json"
    record.write_text("{not json", encoding="utf-8")
    return [
        ["history"],
        ["history", "--receiver", "Sam"],
        ["history", "--limit", "2"],
        ["history", "--receiver", "Nobody"],
        ["progress", "--receiver", "Sam"],
        ["progress", "--receiver", "Alice"],
        ["progress"],  # two receivers, no terminal: say whose
        ["people", "list"],
        ["people", "add", "Neu", "--thigh", "44 cm", "--first-leg", "left"],
        ["people", "add", "Sam"],
        ["people", "add", "Zed", "--first-leg", "up"],
        ["people", "add", "Zed", "--thigh", "3 m"],
        ["people", "add", "Zed", "--thigh", "4 cm"],
        ["people", "add", "  "],
        ["people", "rename", "Alice", "Alicia"],
        ["people", "rename", "Alice", "Sam"],
        ["people", "rename", "Ali", "Bea"],
        ["people", "language", "Sam", "de"],
        ["people", "language", "Sam", "auto"],
        ["people", "language", "Sam", "xx"],
        ["people", "remove", "Alice"],  # no terminal, no --yes
        ["people", "remove", "Alice", "--yes", "--move-to", "Sam"],
        ["people", "remove", "Sam", "--yes"],
        ["people", "remove", "Sam", "--move-to", "Sam"],
        ["export", "--format", "csv", "--out", str(tmp / "out.csv")],
        ["export", "--format", "xml"],
        ["doctor"],
        ["remind", "--days", "mon,thu", "--at", "07:15", "--out", str(tmp / "r.ics")],
        ["remind", "--days", "mon,blursday"],
        ["remind", "--days", ","],
        ["remind", "--at", "25:00"],
        ["technique", "check", good],
        ["technique", "check", str(bad)],
        ["technique", "show", "hands-free-hamstring"],
        ["screen", "--answer", "pregnant=maybe"],
        ["screen", "--answer", "pregnent=no"],
        ["screen"],
        ["plan", *NO_ANSWERS, "--thigh", "44 cm"],
        ["plan", *NO_ANSWERS, "--receiver", "Sam"],
        ["plan", *NO_ANSWERS, "--thigh", "2 m"],
        ["plan", *NO_ANSWERS, "--thigh", "44"],
        ["plan", *NO_ANSWERS, "--thigh", "44 furlongs"],
        ["plan", *NO_ANSWERS, "--height", "9 cm"],
        ["plan", *NO_ANSWERS, "--minutes-per-leg", "60"],
        ["plan", *NO_ANSWERS, "--start-leg", "middle"],
        ["plan", *NO_ANSWERS, "--surface", "trampoline"],
        ["plan", *NO_ANSWERS, "--add-on", "calf"],
        ["plan", *NO_ANSWERS, "--receiver", "Sam", "--sessions", "3"],
        ["guide", "--receiver", "Sam", *NO_ANSWERS, "--before", "5,5,5", "--after", "4,4,4", *FAST],
        ["guide", "--receiver", "Sam", *NO_ANSWERS, "--before", "5,5", *FAST],
        ["guide", "--receiver", "Sam", *NO_ANSWERS, "--before", "5,5,5", *FAST],
        ["guide", "--receiver", "Sma", *NO_ANSWERS, *FAST],
        ["guide", "--speed", "0"],
        ["guide", "--receiver", "Sam", *NO_ANSWERS, "--note", "x" * 600, *FAST],
        ["render-audio", *NO_ANSWERS, "--out", str(tmp / "folder")],
        ["render-audio", *NO_ANSWERS, "--out", str(tmp / "a.wav"), "--format", "ogg"],
        ["render-audio", *NO_ANSWERS, "--format", "flac"],
        ["render-audio", *NO_ANSWERS, "--rate", "9"],
        ["render-audio", *NO_ANSWERS, "--voice-name", "not a voice"],
        ["import", str(tmp / "missing.json")],
        ["import", str(record)],
        ["backup", str(tmp)],
        ["serve", "--https"],
        ["serve", "--http-port", "8000"],
        ["serve", "--port", "70000"],
        ["serve", "--host", "0.0.0.0"],
    ]


# What may be the same in every language: names, numbers, units, paths, dates, keys, options and syntax.
SAME_EVERYWHERE = [
    r"(?:/|\./)[\w./~+-]*",  # paths
    r"[0-9a-f]{8}-[0-9a-f-]{27}",  # record keys
    r"\d{4}-\d\d-\d\d(?: \d\d:\d\d)?",  # dates
    r"--[a-z-]+|-[a-z]\b",  # options
    r"`[^`]*`",  # commands to type
    r"\b(?:Sam|Alice|Alicia|Neu|Zed|Bea|Sma|Ali|Nobody)\b",  # the receivers' names
    r"\b(?:softspot|espeak-ng|hands-free-hamstring|Thai|PEM|SQLite|WAL|KB|cm|in|min|s|ok)\b",
    r"\b\w+(?:\.yaml|\.json|\.csv|\.ics|\.wav)\b",
]
_SAME = re.compile("|".join(f"(?:{p})" for p in SAME_EVERYWHERE))


def untranslated(english: list[str], other: list[str]) -> list[str]:
    """Lines of ``other`` that are an English line word for word and hold a word that should be translated."""
    known = set(english)
    return [line for line in other if line in known and re.search(r"[A-Za-z]{3,}", _SAME.sub(" ", line))]


def lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def run_all(lang: str, tmp: Path) -> list[tuple[str, list[str]]]:
    """Every command in ``lang``; nothing they change is kept (each run is rolled back)."""
    outputs = []
    env = {"LANG": LOCALES[lang], "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": "", "COLUMNS": "200"}
    for argv in commands(tmp):
        with transaction.atomic():
            result = runner.invoke(app, argv, env=env)
            transaction.set_rollback(True)
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
            argv,
            result.exception,
        )
        assert "Traceback" not in result.output, (argv, result.output)
        outputs.append((" ".join(argv), lines(result.stdout) + lines(result.stderr)))
    return outputs


def seed(owner: User) -> None:
    """Sam with eight sessions, tension mostly lower after; Alice with two, the last stopped for discomfort."""
    from softspot.core.record import parse_record
    from softspot.store import receivers
    from softspot.store.records import save_record

    sam = receivers.add(owner, "Sam", thigh_cm=44.0, first_leg="right")
    alice = receivers.add(owner, "Alice", height_cm=165.0)
    now = datetime.now(UTC)
    start = datetime.combine((now - timedelta(days=30)).date(), time(19, 30), UTC)
    for n in range(8):
        after = (2, 3, 2) if n != 3 else (6, 6, 5)
        payload = make_payload(key=uuid.uuid4(), started_at=start + timedelta(days=3 * n), after=after)
        save_record(sam, parse_record(payload, now=now))
    save_record(alice, parse_record(make_payload(started_at=start + timedelta(days=1)), now=now))
    stopped = make_payload(started_at=now - timedelta(days=2), stop_reason="discomfort", after=None)
    save_record(alice, parse_record(stopped, now=now))


@pytest.fixture
def household(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOFTSPOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    from softspot.store.records import local_owner

    seed(local_owner())
    (tmp_path / "folder").mkdir()
    return tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_command_prints_an_english_line_in_another_language(household: Path, lang: str) -> None:
    english = run_all("en", household)
    other = run_all(lang, household)
    assert [argv for argv, _ in english] == [argv for argv, _ in other]
    found = {argv: same for (argv, en), (_, out) in zip(english, other, strict=True) if (same := untranslated(en, out))}
    assert found == {}, "\n".join(f"softspot {argv[:60]}\n    {line}" for argv, same in found.items() for line in same)
    # And the check itself sees English: the English run against itself finds the unmarked words.
    assert any(untranslated(en, en) for _, en in english)


# The core's bad-input messages, straight from the functions that raise them.


def _raises(name: str, call: Callable[[], Any]) -> str:
    try:
        call()
    except Exception as exc:  # every kind the core raises for bad input
        return str(exc)
    raise AssertionError(f"{name}: the input was accepted")


def core_corpus() -> Iterator[tuple[str, Callable[[], Any]]]:
    from datetime import date

    from softspot.core import loader, people, planner, progress, record, reminders, screening, units
    from softspot.core.units import Length

    t = hamstring()

    yield "units: no unit", lambda: units.parse_length("44")
    yield "units: not a distance", lambda: units.parse_length("furlongs")
    yield "units: bad unit", lambda: units.parse_length("44 furlongs")
    yield "units: negative", lambda: units.parse_length("-4 cm")
    yield "units: time without unit", lambda: units.parse_seconds("90")
    yield "units: time unit", lambda: units.parse_seconds("90 h")
    yield "units: huge", lambda: units.parse_seconds("1e400 s")
    yield "people: empty", lambda: people.clean_name("  ")
    yield "people: long", lambda: people.clean_name("x" * 60)
    yield "people: control", lambda: people.clean_name("a\x07b")
    yield "screening: pair", lambda: screening.parse_answers(t, ["pregnant"])
    yield "screening: unknown", lambda: screening.parse_answers(t, ["pregnent=no"])
    yield "screening: answer", lambda: screening.parse_answers(t, ["pregnant=maybe"])
    yield "screening: missing", lambda: screening.screen(t, {})
    yield "planner: thigh", lambda: planner.thigh_length(t, planner.PlanOptions(thigh=Length(400.0)))
    yield "planner: height", lambda: planner.thigh_length(t, planner.PlanOptions(height=Length(20.0)))
    yield "planner: minutes", lambda: planner.dose_seconds(t, 90.0)
    yield "reminders: day", lambda: reminders.parse_days(["blursday"])
    yield "reminders: none", lambda: reminders.parse_days([])
    yield "reminders: time", lambda: reminders.parse_at("25:00")
    yield "reminders: tz", lambda: reminders.reminder_calendar("T", ["mon"], time(7), date(2026, 1, 1), None, "x y")
    yield "reminders: url", lambda: reminders.reminder_calendar("T", ["mon"], time(7), date(2026, 1, 1), "ftp:x", "")
    yield "record: rating", lambda: record.parse_rating("11", "left")
    yield "record: not a number", lambda: record.parse_rating("a", "left")
    yield "record: not an object", lambda: record.parse_record([])
    yield "record: fields", lambda: record.parse_record({**make_payload(), "before": {"left": 11}, "extra": 1})
    yield "record: after", lambda: record.parse_record(make_payload(after=None))
    yield "record: too big", lambda: record.read_record(b" " * (record.MAX_RECORD_BYTES + 1))
    yield "progress: verdict", lambda: _say(progress.verdict([]).sentence)
    yield "store: damaged", lambda: _say(_store_problem("database disk image is malformed"))
    yield "store: busy", lambda: _say(_store_problem("database is locked"))
    yield "store: not set up", lambda: _say(_store_problem("no such table: store_receiver"))
    yield "loader: empty", lambda: loader.parse_technique("")
    yield "loader: not a mapping", lambda: loader.parse_technique("- a list")
    yield "loader: keys", lambda: loader.parse_technique("id: x\ntitel: y\n")
    yield "loader: built in", lambda: loader.built_in_text("hands-free-hamstrung")


def _say(sentence: str) -> None:
    raise ValueError(sentence)


def _store_problem(error: str) -> str:
    import sqlite3

    from softspot.store.health import classify

    problem = classify(sqlite3.OperationalError(error), {"ENGINE": "django.db.backends.sqlite3", "NAME": "/d/s.db"})
    assert problem is not None
    return problem.message


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_cores_bad_input_messages_are_in_the_language(lang: str) -> None:
    english = {name: _raises(name, call) for name, call in core_corpus()}
    with i18n.use(lang):
        other = {name: _raises(name, call) for name, call in core_corpus()}
    same = {name: text for name, text in other.items() if untranslated([english[name]], [text])}
    assert same == {}
