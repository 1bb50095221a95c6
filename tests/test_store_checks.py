"""A store command checks the database file with quick_check only when it changed since the last check."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from softspot.store import bootstrap
from softspot.store.health import StoreError


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "softspot.sqlite3"
    db = sqlite3.connect(path)
    with db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (1)")
    db.close()  # the last connection closed: SQLite folds the write-ahead log in and removes it
    return path


def test_quick_check_runs_again_only_after_the_file_changed(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checks: list[Path] = []
    real = bootstrap.quick_check

    def counted(path: Path) -> object:
        checks.append(path)
        return real(path)

    monkeypatch.setattr(bootstrap, "quick_check", counted)
    bootstrap.check_file(database)
    bootstrap.check_file(database)
    assert len(checks) == 1
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO t VALUES (2)")
    bootstrap.check_file(database)
    bootstrap.check_file(database)
    assert len(checks) == 2


def test_a_file_damaged_after_a_good_check_is_still_found(database: Path) -> None:
    bootstrap.check_file(database)
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(database.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema page
    database.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="is damaged"):
        bootstrap.check_file(database)


def test_a_command_that_only_reads_leaves_nothing_to_check_next_time(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a store command does: open the database (SQLite makes an empty write-ahead log), check it, read,
    close (SQLite removes the log). The next command must not read the whole file again."""
    checks: list[Path] = []
    real = bootstrap.quick_check

    def counted(path: Path) -> object:
        checks.append(path)
        return real(path)

    monkeypatch.setattr(bootstrap, "quick_check", counted)
    for _ in range(3):
        db = sqlite3.connect(database)  # Django's connection, open while the file is checked
        assert db.execute("SELECT count(*) FROM t").fetchone() == (1,)
        bootstrap.check_file(database)
        db.close()
    assert len(checks) == 1
