"""The store: each record kept once per key, owned by one person, read back whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from tests.helpers import NIGHT, hamstring, make_payload, receiver_of
from typer.testing import CliRunner

from softspot.cli import app
from softspot.core.record import RecordIn, parse_record
from softspot.store import records
from softspot.store.models import SessionRecord, SpotRecord
from softspot.store.records import KeyTaken, as_dict, export, export_rows, history, save_record, summaries

pytestmark = pytest.mark.postgres  # also run on PostgreSQL (pytest --db=postgres -m postgres)

ROOT = Path(__file__).resolve().parent.parent


def record_in(**kw: Any) -> RecordIn:
    return parse_record(make_payload(**kw))


def test_a_record_is_stored_with_its_spots_and_read_back_as_sent(alice: User) -> None:
    sent = make_payload(stop_reason=None)
    _, created = save_record(receiver_of(alice), parse_record(sent))
    assert created
    stored = SessionRecord.objects.get(key=sent["key"])
    back = as_dict(stored)
    assert {k: back[k] for k in sent} == sent
    assert (stored.technique_id, stored.technique_version) == ("hands-free-hamstring", hamstring().version)
    assert (stored.surface, stored.position, stored.add_ons, stored.seconds_per_leg) == ("floor", "sideways", [], 180)
    assert stored.answers == {
        "heart_condition": False,
        "varicose_veins": False,
        "pregnant": False,
        "floor_difficulty": False,
        "blood_clots": False,
        "skin": False,
        "recent_injury": False,
        "bones": False,
        "joint_replacement": False,
        "nerves": False,
    }
    assert stored.active_seconds == sent["engine"]["ended_at"] - 12
    assert (stored.ended_early, stored.stop_reason, stored.source) == (False, "", "web")
    spots = [
        (s.leg, s.index, s.from_knee_cm, s.planned_seconds, s.held_seconds, s.ended_by) for s in stored.spots.all()
    ]
    assert spots == [
        (s["leg"], s["index"], s["from_knee_cm"], s["planned_seconds"], s["held_seconds"], s["ended_by"])
        for s in sent["engine"]["spots"]
    ]


def test_the_same_key_is_stored_once_and_the_first_version_wins(alice: User) -> None:
    key = uuid.uuid4()
    first, created = save_record(receiver_of(alice), record_in(key=key, note="first"))
    again, created_again = save_record(receiver_of(alice), record_in(key=key, note="second"))
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert SessionRecord.objects.filter(key=key).count() == 1
    assert SessionRecord.objects.get(key=key).note == "first"
    assert SpotRecord.objects.filter(record=first).count() == len(record_in(key=key).engine.spots)


def test_a_save_that_loses_the_race_returns_the_winners_record(alice: User, monkeypatch: pytest.MonkeyPatch) -> None:
    # The insert comes first: the second save of a key (a repeat, or a race lost) inserts nothing (ON CONFLICT
    # DO NOTHING on the key's unique constraint), and only then looks the key up and hands back the first one's.
    key = uuid.uuid4()
    winner, _ = save_record(receiver_of(alice), record_in(key=key))
    real = records._by_key
    looks: list[uuid.UUID] = []

    def look(k: uuid.UUID) -> SessionRecord | None:
        looks.append(k)
        return real(k)

    monkeypatch.setattr(records, "_by_key", look)
    loser, created = save_record(receiver_of(alice), record_in(key=key))
    assert (created, loser.pk, looks) == (False, winner.pk, [key])
    assert SessionRecord.objects.count() == 1
    assert SpotRecord.objects.count() == len(record_in().engine.spots)
    _, made = save_record(receiver_of(alice), record_in())
    assert made
    assert looks == [key]  # a new record is stored without a look-up


def test_someone_elses_key_is_refused_and_their_record_is_untouched(alice: User, charlie: User) -> None:
    key = uuid.uuid4()
    save_record(receiver_of(alice), record_in(key=key, note="alice's"))
    with pytest.raises(KeyTaken):
        save_record(receiver_of(charlie), record_in(key=key, note="charlie's"))
    assert list(SessionRecord.objects.values_list("receiver__owner__username", "note")) == [("alice", "alice's")]
    assert not history(charlie).exists()


def test_a_record_that_fails_half_way_leaves_nothing(alice: User, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(records.SPOT_ROWS, "insert", broken)  # the spots, after the record
    with pytest.raises(RuntimeError):
        save_record(receiver_of(alice), record_in())
    assert SessionRecord.objects.count() == 0


def test_history_and_summaries_belong_to_their_owner_in_order(alice: User, bob: User) -> None:
    days = [NIGHT + timedelta(days=d) for d in (0, 2, 5)]
    for n, day in enumerate(days):
        save_record(receiver_of(alice), record_in(started_at=day, before=(6, 5, 4 - n)))
    save_record(receiver_of(bob), record_in(started_at=NIGHT, stop_reason="discomfort", after=None))
    assert [r.started_at for r in history(alice)] == days[::-1]
    alices = summaries(receiver_of(alice), "hands-free-hamstring")
    assert [(s.started_at, s.before.back, s.comfortable) for s in alices] == [
        (days[0], 4, True),
        (days[1], 3, True),
        (days[2], 2, True),
    ]
    bobs = summaries(receiver_of(bob), "hands-free-hamstring")
    assert [(s.ended_early, s.stop_reason, s.after, s.comfortable) for s in bobs] == [(True, "discomfort", None, False)]
    assert summaries(receiver_of(alice), "another-technique") == []


def test_the_suggestion_grows_after_two_comfortable_sessions(alice: User) -> None:
    assert records.suggestion(receiver_of(alice), hamstring()).seconds_per_leg == 180
    save_record(receiver_of(alice), record_in(started_at=NIGHT))
    assert records.suggestion(receiver_of(alice), hamstring()).seconds_per_leg == 180
    save_record(receiver_of(alice), record_in(started_at=NIGHT + timedelta(days=2)))
    assert records.suggestion(receiver_of(alice), hamstring()).seconds_per_leg == 240


def test_export_holds_everything_one_row_per_spot(alice: User, charlie: User) -> None:
    finished = make_payload(started_at=NIGHT)
    stopped = make_payload(started_at=NIGHT + timedelta(days=1), stop_reason="discomfort", after=None)
    for sent in (finished, stopped):
        save_record(receiver_of(alice), parse_record(sent))
    full = export(alice)
    assert [{k: r[k] for k in finished} for r in full] == [finished, stopped]
    rows = export_rows(alice)
    assert [(r["key"], r["spot_leg"], r["spot_index"], r["spot_ended_by"]) for r in rows] == [
        *((finished["key"], s["leg"], s["index"], s["ended_by"]) for s in finished["engine"]["spots"]),
        (stopped["key"], "left", 1, "stopped"),
    ]
    assert (rows[-1]["stop_reason"], rows[-1]["after_left"], rows[-1]["before_left"]) == ("discomfort", None, 6)
    assert export(charlie) == []
    assert export_rows(charlie) == []


def test_the_local_owner_is_one_user_without_a_password(db: None) -> None:
    first = records.local_owner()
    assert records.local_owner().pk == first.pk
    assert not first.has_usable_password()
    assert User.objects.filter(username="local").count() == 1


# The commands, run in this process against the test database.

runner = CliRunner()


@pytest.fixture
def local(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> User:
    monkeypatch.setenv("SOFTSPOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return records.local_owner()


def test_history_with_no_sessions_says_so_kindly(local: User) -> None:
    result = runner.invoke(app, ["history"])
    assert result.exit_code == 0
    assert "No sessions recorded yet" in result.stdout
    result = runner.invoke(app, ["history", "--json"])
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


def test_history_lists_sessions_newest_first(local: User) -> None:
    save_record(receiver_of(local), record_in(started_at=NIGHT, note="first night"))
    save_record(
        receiver_of(local), record_in(started_at=NIGHT + timedelta(days=1), stop_reason="out_of_time", after=None)
    )
    result = runner.invoke(app, ["history", "--json"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [(r["started_at"], r["before"], r["after"], r["stop_reason"], r["note"]) for r in rows] == [
        ("2026-11-24T20:01:02Z", {"left": 6, "right": 5, "back": 4}, None, "out_of_time", "felt good"),
        (
            "2026-11-23T20:01:02Z",
            {"left": 6, "right": 5, "back": 4},
            {"left": 3, "right": 3, "back": 2},
            None,
            "first night",
        ),
    ]
    table = runner.invoke(app, ["history"], env={"COLUMNS": "200"})
    assert table.exit_code == 0
    assert table.stdout.index("stopped: out of time") < table.stdout.index("first night")
    assert "6/5/4" in table.stdout
    assert "3/3/2" in table.stdout


def test_progress_shows_the_series_the_verdict_and_next_time(local: User) -> None:
    for n in range(6):
        save_record(
            receiver_of(local), record_in(started_at=NIGHT + timedelta(days=3 * n), before=(6, 5, 4), after=(3, 3, 2))
        )
    result = runner.invoke(app, ["progress"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "5.0 (6/5/4)" in out
    assert "2.7 (3/3/2)" in out
    assert "Minutes per week" in out
    assert "6 sessions over" in out
    assert "More than noise" in out
    assert "Next time: 5 min per leg" in out or "Next time: 4 min per leg" in out
    numbers = json.loads(runner.invoke(app, ["progress", "--json"]).stdout)
    assert numbers["verdict"]["kind"] == "better"
    assert [c["before_mean"] for c in numbers["changes"]] == [5.0] * 6
    assert numbers["suggestion"]["unlocked_add_ons"] == ["calf", "lower_back"]


def test_progress_with_no_sessions_offers_the_first_dose(local: User) -> None:
    result = runner.invoke(app, ["progress"])
    assert result.exit_code == 0
    assert "No sessions recorded yet" in result.stdout
    assert "3 min per leg" in result.stdout


def test_export_writes_csv_and_json_files(local: User, tmp_path: Path) -> None:
    sent = make_payload()
    save_record(receiver_of(local), parse_record(sent))
    result = runner.invoke(app, ["export", "--format", "json", "--out", str(tmp_path / "all.json")])
    assert result.exit_code == 0
    assert "Wrote 1 session to" in result.stdout
    written = json.loads((tmp_path / "all.json").read_text())
    assert [{k: r[k] for k in sent} for r in written] == [sent]
    result = runner.invoke(app, ["export", "--format", "csv"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("key,receiver,technique_id,technique_version,started_at")
    assert len(lines) == 1 + len(sent["engine"]["spots"])
    assert all(line.startswith(sent["key"]) for line in lines[1:])


def test_export_to_a_dash_prints_instead_of_writing_a_file_called_dash(
    local: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_record(receiver_of(local), parse_record(make_payload()))
    (here := tmp_path / "here").mkdir()
    monkeypatch.chdir(here)
    result = runner.invoke(app, ["export", "--format", "json", "--out", "-"])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 1
    assert list(here.iterdir()) == []


def test_export_refuses_an_unknown_format_and_writes_nothing(local: User, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--format", "xml", "--out", str(tmp_path / "x.xml")])
    assert result.exit_code == 2
    assert "--format: 'xml' is not a format; choose csv or json" in result.stderr
    assert not (tmp_path / "x.xml").exists()


# A fresh data folder, in another process: the database is made and migrated on first use.


def test_a_fresh_data_folder_gets_a_database_on_first_use(tmp_path: Path) -> None:
    env = {**os.environ, "SOFTSPOT_DATA_DIR": str(tmp_path / "fresh")}
    env.pop("SOFTSPOT_DATABASE_URL", None)
    save = (
        "import json, sys\n"
        "from softspot.store.bootstrap import setup\n"
        "setup()\n"
        "from softspot.core.record import parse_record\n"
        "from softspot.store.records import local_owner, save_record\n"
        "from softspot.store.receivers import only_or_first\n"
        "record, created = save_record(only_or_first(local_owner()), parse_record(json.load(sys.stdin)))\n"
        "print(created)\n"
    )
    sent = make_payload(source="terminal")
    for expected in ("True", "False"):
        done = subprocess.run(
            [sys.executable, "-c", save], input=json.dumps(sent), env=env, capture_output=True, text=True, check=False
        )
        assert (done.returncode, done.stdout.strip()) == (0, expected), done.stderr
    assert (tmp_path / "fresh" / "softspot.sqlite3").is_file()
    shown = subprocess.run(
        [sys.executable, "-m", "softspot", "history", "--json"], env=env, capture_output=True, text=True, check=False
    )
    assert shown.returncode == 0, shown.stderr
    assert [(r["key"], r["source"]) for r in json.loads(shown.stdout)] == [(sent["key"], "terminal")]


def test_settings_read_a_postgresql_url(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SOFTSPOT_DATA_DIR": str(tmp_path),
        "SOFTSPOT_DATABASE_URL": "postgres://softspot:s3cret@db.example:5433/practice",
    }
    code = "import json; from softspot.web import settings as s; print(json.dumps(s.DATABASES['default']))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    db = json.loads(done.stdout)
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql",
        "practice",
        "softspot",
        "s3cret",
        "db.example",
        5433,
    )
    import psycopg  # the driver the postgres extra installs

    assert psycopg.__version__


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_key_at_the_same_moment_store_it_once(alice: User) -> None:
    """Two servers' threads store the same record at once (a phone's retry racing its first send): one inserts,
    the other waits for it on the key's unique index, inserts nothing and answers with the stored record."""
    import threading

    from django.db import connection, connections

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("the in-memory SQLite test database is one connection; PostgreSQL's run has two")
    key, receiver = uuid.uuid4(), receiver_of(alice)
    barrier, answers = threading.Barrier(2), []

    def save() -> None:
        try:
            barrier.wait()
            record, created = save_record(receiver, record_in(key=key))
            answers.append((record.pk, created))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created for _, created in answers) == [False, True]
    assert len({pk for pk, _ in answers}) == 1
    assert SessionRecord.objects.filter(key=key).count() == 1
    assert SpotRecord.objects.count() == len(record_in().engine.spots)
