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


# A command's own writes (issue 12): stamped as checked when nothing else could have changed the file.

SETUP = """
import os, sqlite3, sys
from pathlib import Path
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "softspot.web.settings")
from softspot.store import bootstrap
path = bootstrap.sqlite_file()
assert path is not None

def write():
    from softspot.store.records import local_owner
    from softspot.store.receivers import add
    add(local_owner(), f"R{os.getpid()}-{len(sys.argv)}-{os.urandom(2).hex()}")

def elsewhere():  # another process's connection, as the web server's would be
    db = sqlite3.connect(path, timeout=20)
    with db:
        db.execute("UPDATE auth_user SET first_name = 'changed'")
    db.close()
"""


def run(folder: Path, body: str) -> None:
    import os
    import subprocess
    import sys
    import textwrap

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOFTSPOT_", "DJANGO_"))}
    env.update(SOFTSPOT_DATA_DIR=str(folder), SOFTSPOT_CACHE_DIR=str(folder / "cache"))
    subprocess.run([sys.executable, "-c", SETUP + textwrap.dedent(body)], env=env, check=True)


def stamped(folder: Path) -> bool:
    path = folder / "softspot.sqlite3"
    return bootstrap.checked_marker(path).read_text() == bootstrap._file_stamp(path)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A data folder with a migrated database, checked once."""
    run(tmp_path, "bootstrap.setup(); write()")
    run(tmp_path, "bootstrap.setup()")
    assert stamped(tmp_path)
    return tmp_path


def test_a_command_s_own_clean_writes_need_no_check_next_time(store: Path) -> None:
    run(store, "bootstrap.setup(); write(); write(); bootstrap.stamp_own_writes()")
    assert stamped(store)


def test_writes_not_stamped_by_a_command_that_did_not_end_well(store: Path) -> None:
    """softspot.cli.main stamps only after exit code 0; without the call, the next command checks the file."""
    run(store, "bootstrap.setup(); write()")
    assert not stamped(store)


def test_a_write_by_another_process_meanwhile_is_never_stamped(store: Path) -> None:
    run(store, "bootstrap.setup(); write(); elsewhere(); write(); bootstrap.stamp_own_writes()")
    assert not stamped(store)


def test_a_change_between_the_check_and_the_connection_is_never_stamped(store: Path) -> None:
    run(
        store,
        """
        bootstrap.check_file(path)
        elsewhere()  # after the check, before this process opens its connection
        import django
        django.setup()
        bootstrap.watch(path)
        write()
        bootstrap.stamp_own_writes()
        """,
    )
    assert not stamped(store)


def test_a_file_changed_by_another_program_meanwhile_is_never_stamped(store: Path) -> None:
    """A copy or a restore over the file while the command runs changes the file, not SQLite's data_version."""
    run(
        store,
        """
        bootstrap.setup()
        write()
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
        bootstrap.stamp_own_writes()
        """,
    )
    assert not stamped(store)


def test_a_database_error_during_the_command_is_never_stamped(store: Path) -> None:
    """Even an error the command chose to ignore (as the kept progress tally does when it cannot be written)."""
    run(
        store,
        """
        import contextlib
        from django.db import DatabaseError, connection
        bootstrap.setup()
        write()
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("INSERT INTO no_such_table VALUES (1)")
        bootstrap.stamp_own_writes()
        """,
    )
    assert not stamped(store)


def test_a_command_that_exits_0_stamps_its_own_writes(store: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOFTSPOT_", "DJANGO_"))}
    env.update(SOFTSPOT_DATA_DIR=str(store), SOFTSPOT_CACHE_DIR=str(store / "cache"))
    softspot = [sys.executable, "-m", "softspot"]
    subprocess.run([*softspot, "people", "add", "Robin"], env=env, check=True, capture_output=True)
    assert stamped(store)


def test_migrations_are_skipped_only_when_every_migration_file_is_recorded(store: Path) -> None:
    run(
        store,
        """
        import django
        django.setup()
        from django.db import connection
        from django.db.migrations.loader import MigrationLoader
        assert bootstrap.code_migrations() == set(MigrationLoader(connection).disk_migrations)
        assert bootstrap._all_applied()
        with connection.cursor() as cursor:  # as a database made by an older version
            cursor.execute("DELETE FROM django_migrations WHERE app = 'store' AND name = '0009_progress_tally'")
            cursor.execute("DROP TABLE store_progresstally")
        assert not bootstrap._all_applied()
        bootstrap.migrate_if_needed()
        assert bootstrap._all_applied()
        from softspot.store.models import ProgressTally
        assert ProgressTally.objects.count() == 0
        """,
    )
