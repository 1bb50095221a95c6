"""Django for command-line use: configure it, check the store, and bring the database up to date, quietly.

Only commands that need the store call :func:`setup`, so ``softspot --help``
never imports Django. Every way the store can be unusable is raised as a
:class:`~softspot.store.health.StoreError` whose message says what, where and
how to fix it: settings that cannot load, a data folder that is missing and
cannot be made or is read-only, a damaged SQLite file (``PRAGMA quick_check``),
a database server out of reach.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from softspot.i18n import N_, _
from softspot.store.health import (
    ELSEWHERE,
    StoreError,
    StoreProblem,
    cannot_open,
    classify,
    how_to_write,
    quick_check,
    read_only,
    sqlite_path,
)

SETTINGS_MODULE = "softspot.web.settings"
FIX_FOLDER = N_("make the data folder writable by this user, or set SOFTSPOT_DATA_DIR to a folder you can write")


def database() -> dict[str, Any]:
    """The default database's settings; settings that cannot load raise StoreError."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        db: dict[str, Any] = dict(settings.DATABASES["default"])
    except ImproperlyConfigured as exc:
        raise StoreError(
            StoreProblem("settings", _("the settings are not right: %(error)s") % {"error": exc})
        ) from None
    except OSError as exc:  # e.g. the per-installation secret key cannot be written in the data folder
        what = str(exc) if exc.strerror and str(exc) == exc.strerror else (exc.strerror or str(exc))
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        said = _("softspot cannot start: %(problem)s; %(fix)s.") % {"problem": what + where, "fix": _(FIX_FOLDER)}
        raise StoreError(StoreProblem("settings", said)) from None
    return db


def sqlite_file() -> Path | None:
    """The SQLite file the settings will use (None for another database), worked out without loading them.

    Loading the settings makes the installation's secret key in the data folder,
    so the folder is checked before they load.
    """
    import dj_database_url

    from softspot.paths import database_url

    try:
        return sqlite_path(dj_database_url.parse(database_url()))
    except ValueError as exc:
        said = _("SOFTSPOT_DATABASE_URL is not a database URL (%(error)s)") % {"error": exc}
        raise StoreError(StoreProblem("settings", said)) from None


def check() -> None:
    """Is the store usable? Checks without creating anything (``guide`` runs it before the safety check).

    For SQLite: the data folder can be written (or made), and an existing
    database file is whole. Other databases are checked by :func:`setup`.
    """
    path = sqlite_file()
    if path is not None:
        check_folder(path.parent)
        if path.exists():
            check_file(path)


def setup() -> None:
    """Check the store, make the SQLite folder, configure Django, and apply any migrations not yet applied."""
    path = sqlite_file()
    if path is not None:
        check_folder(path.parent)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            check_file(path)
    db = database()
    import django
    from django.apps import apps

    try:
        if not apps.ready:
            django.setup()
        migrate_if_needed()
    except Exception as exc:
        problem = classify(exc, db)
        if problem is None:
            raise
        raise StoreError(problem) from exc


def check_folder(folder: Path) -> None:
    """The folder exists and this user can write it, or it can be made; else StoreError saying how to fix it."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        what = _("the data folder %(folder)s cannot be made: %(existing)s is not a folder; %(elsewhere)s.") % {
            "folder": folder,
            "existing": existing,
            "elsewhere": _(ELSEWHERE),
        }
        raise StoreError(StoreProblem("cannot_open", what))
    try:
        handle, probe = tempfile.mkstemp(prefix=".softspot-probe-", dir=existing)
    except OSError as exc:
        if existing == folder:
            what = _("the data folder %(folder)s cannot be written %(how)s.") % {
                "folder": folder,
                "how": how_to_write(folder, exc),
            }
            raise StoreError(StoreProblem("read_only", what)) from None
        what = _(
            "the data folder %(folder)s does not exist and cannot be made: %(existing)s cannot be written "
            "%(how)s (or create it: `mkdir -p %(folder)s`)."
        ) % {"folder": folder, "existing": existing, "how": how_to_write(existing, exc)}
        raise StoreError(StoreProblem("cannot_open", what)) from None
    os.close(handle)
    os.unlink(probe)


def check_file(path: Path) -> None:
    """An existing SQLite file: a regular file this user can read and write, and whole."""
    if not path.is_file():
        raise StoreError(cannot_open(path, _("it is not a regular file")))
    if not os.access(path, os.R_OK | os.W_OK):
        raise StoreError(read_only(path))
    stamp = _file_stamp(path)
    marker = checked_marker(path)
    try:
        if marker.read_text() == stamp:
            return  # whole when last checked, and not written since
    except OSError:
        pass
    found = quick_check(path)
    if found is not None:
        raise StoreError(found)
    after = _file_stamp(path)  # opening it may have made an empty write-ahead log
    if after.split(" ")[0] == stamp.split(" ")[0]:
        with contextlib.suppress(OSError):  # else checked again next time
            marker.write_text(after)


def checked_marker(path: Path) -> Path:
    """Beside the database: the file's identity, size and time when ``quick_check`` last found it whole."""
    return path.with_name(path.name + ".checked")


def _file_stamp(path: Path) -> str:
    """What changes whenever the database is written: the file's and its write-ahead log's identity, size and
    modification time. ``quick_check`` reads the whole file (about 1 s a GB), so a command pays for it only
    after something wrote to the database (or changed it from outside: a copy, a restore, damage by a tool).

    An empty log is no log: SQLite makes one whenever a connection opens the database and removes it when the
    last one closes, so its identity changes with every command that only reads."""
    parts = []
    for name in (path, path.with_name(path.name + "-wal")):
        try:
            st = name.stat()
        except OSError:
            parts.append("-")
            continue
        empty_log = name != path and st.st_size == 0
        parts.append("-" if empty_log else f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}")
    return " ".join(parts)


def migrate_if_needed() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0, interactive=False)
