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
import sqlite3
import tempfile
from dataclasses import dataclass
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
        if path is not None:
            watch(path)
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
    global _checked
    stamp = _file_stamp(path)
    marker = checked_marker(path)
    try:
        if marker.read_text() == stamp:
            _checked = (path, stamp)
            return  # whole when last checked, and not written since
    except OSError:
        pass
    found = quick_check(path)
    if found is not None:
        raise StoreError(found)
    if _file_stamp(path) == stamp:  # else written while it was checked: checked again next time
        _checked = (path, stamp)
        _mark(path, stamp)


def _mark(path: Path, stamp: str) -> None:
    """Keep ``stamp`` as the file found whole (best effort: a marker that cannot be written means a check next
    time). Written whole or not at all, so two processes at once never leave a mixed one."""
    marker = checked_marker(path)
    with contextlib.suppress(OSError):
        handle, temporary = tempfile.mkstemp(prefix=".softspot-checked-", dir=path.parent)
        try:
            with os.fdopen(handle, "w") as out:
                out.write(stamp)
            os.replace(temporary, marker)
        except OSError:
            os.unlink(temporary)
            raise


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


# Stamping a command's own writes. A command that writes (``guide`` saves a record, ``progress`` keeps its tally)
# changes the file, so the next command would read all of it again although nothing but softspot touched it.
# After a command that ended well, :func:`stamp_own_writes` marks the file as checked again, but only when
# every change since the check is this process's own and none of them failed:
# - the file was found whole (:func:`check_file`) and had not changed when this process's connection opened;
# - SQLite's ``data_version`` on that connection is the same at the end: no other connection (another
#   command, the web server) committed anything meanwhile; it is read again under the write lock, so nothing
#   can commit between that reading and the stamp;
# - the database file itself is as it was: this process's commits go to the write-ahead log, so a changed file
#   means something else wrote it (a copy or a restore while the command ran), or a write so large that SQLite
#   folded the log in on its own (then the next command checks, to be safe);
# - no database error happened on the connection (Django's ``errors_occurred``: a failed or interrupted write,
#   even one a command chose to ignore), no transaction is left open, and no other connection was opened;
# - the command exited 0 (softspot.cli.main); an exception, a failure, Ctrl-C or a kill stamps nothing.
# The write-ahead log is folded into the file first (a TRUNCATE checkpoint), so closing the connection at
# exit changes nothing that the stamp records.


@dataclass
class _Watch:
    path: Path
    stamp: str
    raw: Any  # the DB-API connection Django opened
    version: int
    others: bool = False


_checked: tuple[Path, str] | None = None
"""The file and its stamp as this process last found it whole."""
_watching: _Watch | None = None


def watch(path: Path) -> None:
    """Start watching this process's connection, if ``path`` was found whole and is unchanged since."""
    global _watching
    _watching = None
    if _checked is None or _checked[0] != path:
        return
    from django.db import connection
    from django.db.backends.signals import connection_created

    connection.ensure_connection()
    raw = connection.connection
    version = _data_version(raw)
    if _file_stamp(path) != _checked[1]:
        return  # written since it was checked (by someone else: this process has written nothing yet)
    _watching = _Watch(path, _checked[1], raw, version)
    connection_created.connect(_another_connection, dispatch_uid="softspot.store.bootstrap.watch")


def _another_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    if _watching is not None:
        _watching.others = True


def _data_version(raw: Any) -> int:
    return int(raw.execute("PRAGMA data_version").fetchone()[0])


def stamp_own_writes() -> None:
    """Mark the file as checked after this process's own clean writes (see above); call it only when the
    command ended well. Anything in doubt leaves the stamp as it is: the next command checks the file."""
    global _watching
    watched, _watching = _watching, None
    if watched is None or watched.others:
        return
    from django.db import connection

    if connection.connection is not watched.raw or connection.errors_occurred or connection.in_atomic_block:
        return
    now = _file_stamp(watched.path)
    if now == watched.stamp:
        return  # nothing written
    if now.split(" ")[0] != watched.stamp.split(" ")[0]:
        return  # the file itself changed: this process writes only to the log (else a copy or a restore meanwhile)
    raw = watched.raw
    try:
        raw.execute("PRAGMA busy_timeout = 200")  # never keep a finished command waiting for a busy server
        if _data_version(raw) != watched.version:
            return
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.execute("BEGIN IMMEDIATE")  # no other writer until the stamp is kept
        try:
            if _data_version(raw) == watched.version:
                _mark(watched.path, _file_stamp(watched.path))
        finally:
            raw.execute("ROLLBACK")
    except sqlite3.Error:
        return


def migrate_if_needed() -> None:
    """Apply the migrations not yet applied. Usually there are none: when every migration file of the installed
    apps is recorded as applied in the database itself (one query and a listing of the migration folders),
    Django's migration graph is not loaded at all; anything else (a new database, an upgrade, one that another
    version made, migrations found some other way) goes through Django's own plan."""
    if _all_applied():
        return
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0, interactive=False)


def _all_applied() -> bool:
    """Is every migration file of every installed app recorded in ``django_migrations``? False when in doubt."""
    code = code_migrations()
    if code is None:
        return False
    from django.db import DatabaseError, connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # a new database has no table yet: no failed query for that
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'")
            if cursor.fetchone() is None:
                return False
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = {(str(app), str(name)) for app, name in cursor.fetchall()}
    except DatabaseError:
        return False
    return code <= applied


def code_migrations() -> set[tuple[str, str]] | None:
    """(app label, migration name) of every migration file of the installed apps, found as Django's loader finds
    them (modules in each app's ``migrations`` package not starting with ``_`` or ``~``), without importing them;
    None when an app's migrations are not a plain package in its folder (MIGRATION_MODULES, a namespace)."""
    import pkgutil

    from django.apps import apps
    from django.conf import settings

    if getattr(settings, "MIGRATION_MODULES", None):
        return None
    found: set[tuple[str, str]] = set()
    for app in apps.get_app_configs():
        folder = Path(app.path) / "migrations"
        if not folder.is_dir():
            continue
        if not (folder / "__init__.py").is_file():
            return None
        for module in pkgutil.iter_modules([str(folder)]):
            if not module.ispkg and module.name[0] not in "_~":
                found.add((app.label, module.name))
    return found
