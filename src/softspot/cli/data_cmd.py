"""``softspot import`` and ``softspot backup``: bring a kept record back; copy the database while it is in use."""

from __future__ import annotations

import os
import shlex
import sqlite3
import tempfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from rich.markup import escape

from softspot.cli.output import console, fail
from softspot.cli.store import local_owner, store_errors
from softspot.i18n import _, ngettext


def import_(file: Path, receiver_name: str | None = None) -> None:
    """Validate a record file (a recovery file, or one record as the web player sends it) and store it once.

    It goes to ``--receiver``, else to the receiver the file names, else to the household's only receiver.
    """
    from softspot.core.record import MAX_RECORD_BYTES, RecordError, read_record
    from softspot.files import UnsafeTarget, read_regular_file

    try:
        body = read_regular_file(file, limit=MAX_RECORD_BYTES)
    except FileNotFoundError:
        fail(_("%(file)s: no such file") % {"file": file})
    except UnsafeTarget as exc:
        fail(_("cannot import it: %(error)s") % {"error": exc})
    except OSError as exc:
        fail(_("%(file)s: cannot read it (%(error)s)") % {"file": file, "error": exc.strerror or exc})
    try:
        record = read_record(body, now=datetime.now(UTC), what=_("the file"))
    except RecordError as exc:
        fail(_("%(file)s: not a session record softspot can store: %(error)s") % {"file": file, "error": exc})
    owner = local_owner()
    from softspot.cli.people_cmd import choose
    from softspot.store.receivers import ReceiverError, for_record
    from softspot.store.records import KeyTaken, save_record

    chosen = choose(owner, receiver_name) if receiver_name is not None else None
    from django.db import transaction

    with store_errors(), transaction.atomic():  # a first receiver made for this record goes if it is refused
        try:
            receiver = chosen or for_record(owner, record.plan, record.receiver)
        except ReceiverError as exc:
            fail(_("%(file)s: %(error)s; say whose session it is with --receiver NAME") % {"file": file, "error": exc})
        try:
            stored, created = save_record(receiver, record)
        except KeyTaken:
            fail(
                _("%(file)s: its key %(key)s is already used by someone else's record; nothing was imported")
                % {"file": file, "key": record.key}
            )
    when = f"{stored.started_at.astimezone():%Y-%m-%d %H:%M}"
    if created:
        console.print(
            _("Imported the session of %(when)s for %(name)s (record %(key)s); see `softspot history`.")
            % {"when": when, "name": escape(stored.receiver.name), "key": stored.key}
        )
    else:
        console.print(
            _("Already stored: the session of %(when)s (record %(key)s); nothing changed.")
            % {"when": when, "key": stored.key}
        )
    console.print(
        "[dim]" + _("%(file)s is no longer needed; you may delete it.") % {"file": escape(str(file))} + "[/]",
        soft_wrap=True,
    )


def backup(out: Path) -> None:
    """Copy the SQLite database to ``out`` with SQLite's online backup (safe while softspot writes)."""
    from softspot.files import UnsafeTarget, check_target, commit
    from softspot.store.bootstrap import database
    from softspot.store.health import StoreError, quick_check, restore_commands, sqlite_path

    try:
        db = database()
    except StoreError as exc:
        fail(str(exc))
    path = sqlite_path(db)
    if path is None:
        fail(
            _(
                "backup copies the SQLite database; this installation uses another database (%(engine)s). "
                'For PostgreSQL use pg_dump, e.g. `pg_dump --format=custom --file %(file)s "$SOFTSPOT_DATABASE_URL"`.'
            )
            % {"engine": db.get("ENGINE"), "file": shlex.quote(str(out))}
        )
    try:
        check_target(out)
    except UnsafeTarget as exc:
        fail(f"FILE: {exc}")
    if not path.is_file():
        fail(_("there is no database at %(path)s yet, so nothing to back up") % {"path": path})
    if _same(out, path):
        fail(_("FILE: %(file)s is the database itself; give another file") % {"file": out})
    found = quick_check(path)
    if found is not None:
        fail(_("not backed up: %(reason)s") % {"reason": found.message})
    handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        sessions = _copy(path, temporary)
        os.chmod(temporary, 0o600)
        commit(temporary, out)
    except sqlite3.Error as exc:
        temporary.unlink(missing_ok=True)
        fail(_("the backup failed, nothing was written to %(file)s: %(error)s") % {"file": out, "error": exc})
    except UnsafeTarget as exc:
        temporary.unlink(missing_ok=True)
        fail(f"FILE: {exc}")
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        fail(_("FILE: cannot write %(file)s: %(error)s") % {"file": out, "error": exc.strerror or exc})
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    size = out.stat().st_size
    console.print(
        _("Backed up %(sessions)s (%(size)s KB) from %(path)s to %(file)s.")
        % {
            "sessions": ngettext("%d session", "%d sessions", sessions) % sessions,
            "size": f"{size / 1024:.0f}",
            "path": escape(str(path)),
            "file": escape(str(out)),
        }
        + "\n"
        + _("To restore it: stop softspot, then `%(commands)s`.")
        % {"commands": escape(restore_commands(str(out.resolve()), path))},
        soft_wrap=True,
    )


def _copy(source: Path, target: Path) -> int:
    """SQLite's online backup of ``source`` into ``target`` as one self-contained file; the sessions it holds."""
    from softspot.store.health import connect_read_only

    with closing(connect_read_only(source, timeout=20)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)  # every page in one step: a consistent copy even while another process writes
        dst.execute("PRAGMA journal_mode=DELETE")  # one file to keep, no -wal beside it
        found = [str(r[0]) for r in dst.execute("PRAGMA quick_check").fetchmany(5)]
        if found != ["ok"]:
            raise sqlite3.DatabaseError(f"the copy does not check out: {'; '.join(found)}")
        tables = {r[0] for r in dst.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "store_sessionrecord" not in tables:
            return 0
        count: int = dst.execute("SELECT count(*) FROM store_sessionrecord").fetchone()[0]
        return count


def _same(out: Path, database: Path) -> bool:
    """Is ``out`` the database or one of its -wal/-shm files?"""
    mine = [database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")]
    if out.resolve() in {m.resolve() for m in mine}:
        return True
    try:
        return out.exists() and os.path.samefile(out, database)
    except OSError:
        return False
