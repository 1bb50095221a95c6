"""Is the store usable? Plain reasons for a read-only, missing, damaged or unreachable database.

Commands turn a :class:`StoreProblem` into one line and exit 2 (``softspot.cli.store``);
the web app answers 503 with the same reason (:func:`server_error`, and
:class:`softspot.store.middleware.StoreHealth` once the database is known to be
damaged, so no record is accepted while pages fail).
"""

from __future__ import annotations

import errno
import logging
import os
import shlex
import sqlite3
import stat
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from softspot.i18n import N_, _

if TYPE_CHECKING:  # the web's request and response classes are loaded only where a page is answered
    from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

Kind = Literal["read_only", "cannot_open", "damaged", "full", "busy", "unreachable", "not_migrated", "settings"]


@dataclass(frozen=True)
class StoreProblem:
    """What is wrong with the store, where, and how to fix it, as one sentence or two."""

    kind: Kind
    message: str

    @property
    def lasting(self) -> bool:
        """A damaged database stays damaged: stop accepting records until it is dealt with."""
        return self.kind == "damaged"


class StoreError(Exception):
    """The store cannot be used; ``problem`` says why and how to fix it."""

    def __init__(self, problem: StoreProblem) -> None:
        self.problem = problem
        super().__init__(problem.message)


def sqlite_path(database: Mapping[str, Any]) -> Path | None:
    """The SQLite file of a Django database setting (None for another engine or an in-memory database)."""
    if "sqlite" not in str(database.get("ENGINE", "")):
        return None
    name = str(database.get("NAME", ""))
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def damaged(path: Path, detail: str) -> StoreProblem:
    folder, name = shlex.quote(str(path.parent)), shlex.quote(path.name)
    return StoreProblem(
        "damaged",
        _(
            "the database %(path)s is damaged (%(detail)s); nothing more is saved until it is dealt with. "
            "Restore a backup made by `softspot backup FILE`: `%(restore)s`, "
            "or move it aside and start with an empty one: "
            "`cd %(folder)s && mkdir -p damaged && mv %(name)s* damaged/` "
            "(`sqlite3 damaged/%(name)s .recover` may save some records)."
        )
        % {
            "path": path,
            "detail": detail,
            "restore": restore_commands("/path/to/FILE", path),
            "folder": folder,
            "name": name,
        },
    )


def restore_commands(backup: str, path: Path) -> str:
    """The shell commands that put a backup in place (the old write-ahead log must go, or it is replayed)."""
    name = shlex.quote(path.name)
    return f"cd {shlex.quote(str(path.parent))} && rm -f {name}-wal {name}-shm && cp {shlex.quote(backup)} {name}"


ELSEWHERE = N_("or set SOFTSPOT_DATA_DIR to a folder you can write")


def how_to_write(path: Path, error: OSError | None = None) -> str:
    """Why ``path`` cannot be written and what to do, to follow "cannot be written": ``(...); make it ...``."""
    if (error is not None and error.errno == errno.EROFS) or _on_read_only_file_system(path):
        return _("(it is on a read-only file system); remount that file system read-write, %(elsewhere)s") % {
            "elsewhere": _(ELSEWHERE)
        }
    facts = [error.strerror] if error is not None and error.strerror else []
    try:
        info = path.stat()
        facts.append(
            _("mode %(mode)s, owner %(owner)s")
            % {"mode": f"{stat.S_IMODE(info.st_mode):04o}", "owner": owner_name(info.st_uid)}
        )
    except OSError:
        pass
    shown = f"({'; '.join(facts)})" if facts else ""
    flags = "u+rwx" if path.is_dir() else "u+rw"
    return _("%(facts)s; make it writable by this user (`chmod %(flags)s %(path)s`), %(elsewhere)s") % {
        "facts": shown,
        "flags": flags,
        "path": shlex.quote(str(path)),
        "elsewhere": _(ELSEWHERE),
    }


def _on_read_only_file_system(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def owner_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


def read_only(path: Path, error: OSError | None = None) -> StoreProblem:
    """The database (or its folder) cannot be written."""
    where = path.parent if error is None or path.is_file() else path
    return StoreProblem(
        "read_only",
        _("the database %(path)s cannot be written %(how)s.") % {"path": path, "how": how_to_write(where, error)},
    )


def cannot_open(path: Path, detail: str) -> StoreProblem:
    return StoreProblem(
        "cannot_open",
        _(
            "cannot open the database %(path)s (%(detail)s). Check that the folder %(folder)s exists and that "
            "this user can read and write it, or set SOFTSPOT_DATA_DIR to a folder you can write."
        )
        % {"path": path, "detail": detail, "folder": path.parent},
    )


def classify(exc: BaseException, database: Mapping[str, Any] | None = None) -> StoreProblem | None:
    """The store problem behind a database exception, or None when it is something else (a bug)."""
    from django.db import DatabaseError, InterfaceError

    if not isinstance(exc, DatabaseError | InterfaceError | sqlite3.Error):
        return None
    if database is None:
        from django.conf import settings

        database = dict(settings.DATABASES["default"])
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lower = text.lower()
    path = sqlite_path(database)
    if path is None and "sqlite" in str(database.get("ENGINE", "")):
        path = Path(str(database.get("NAME") or "in memory"))
    if path is not None:
        if any(sign in lower for sign in ("malformed", "not a database", "corrupt", "could not decode to utf-8")):
            return damaged(path, text)
        if "readonly" in lower or "read-only" in lower:
            return read_only(path)
        if "unable to open" in lower:
            return cannot_open(path, text)
        if "disk is full" in lower or "disk i/o" in lower:
            return StoreProblem(
                "full",
                _("cannot write the database %(path)s (%(detail)s): free some space on that disk, then try again.")
                % {"path": path, "detail": text},
            )
        if "locked" in lower or "busy" in lower:
            return StoreProblem(
                "busy",
                _("the database %(path)s is busy (%(detail)s); try again in a moment.")
                % {"path": path, "detail": text},
            )
        if "no such table" in lower:
            return not_migrated(path, text)
        return None
    from django.db import OperationalError

    if isinstance(exc, OperationalError | InterfaceError):
        where = f"{database.get('HOST') or 'localhost'}:{database.get('PORT') or 5432}/{database.get('NAME')}"
        if "does not exist" in lower and "relation" in lower:
            return not_migrated(where, text)
        return StoreProblem(
            "unreachable",
            _(
                "cannot reach the database %(where)s (%(detail)s). Check SOFTSPOT_DATABASE_URL and that the server is "
                "running and accepts this user."
            )
            % {"where": where, "detail": text},
        )
    return None


def not_migrated(where: object, detail: str) -> StoreProblem:
    return StoreProblem(
        "not_migrated",
        _(
            "the database %(where)s is not set up (%(detail)s); run any softspot command that uses it "
            "(or `softspot admin migrate`)."
        )
        % {"where": where, "detail": detail},
    )


def connect_read_only(path: Path, *, timeout: float = 10.0) -> sqlite3.Connection:
    """A read-only connection to an SQLite file that changes nothing on disk.

    A WAL database needs its ``-shm`` file even to be read; in a folder that
    cannot be written, with no write-ahead log left over (so no one is writing),
    it is opened as immutable instead.
    """
    uri = path.resolve().as_uri()
    try:
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout)
        db.execute("SELECT 1 FROM sqlite_master LIMIT 1")
        return db
    except sqlite3.OperationalError as exc:
        leftover = path.with_name(path.name + "-wal")
        if "unable to open" not in str(exc) or os.access(path.parent, os.W_OK) or leftover.exists():
            raise
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, timeout=timeout)


def quick_check(path: Path, *, timeout: float = 10.0) -> StoreProblem | None:
    """SQLite's ``PRAGMA quick_check`` on ``path``, read-only: None when it says ok, else the problem."""
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    try:
        with closing(connect_read_only(path, timeout=timeout)) as db:
            rows = db.execute("PRAGMA quick_check").fetchmany(5)
    except sqlite3.DatabaseError as exc:
        return classify(exc, database) or damaged(path, str(exc))
    found = [str(r[0]) for r in rows]
    return None if found == ["ok"] else damaged(path, "; ".join(found))


# The web side: one broken flag per process, a 503 page, and Django's 500 handler.

_broken: StoreProblem | None = None
_cause: BaseException | None = None


def mark_broken(problem: StoreProblem, cause: BaseException | None = None) -> None:
    global _broken, _cause
    if _broken is None:
        log.error("the store is damaged; refusing requests until softspot is restarted: %s", problem.message)
    _broken, _cause = problem, cause


def broken() -> StoreProblem | None:
    """The lasting problem seen by this process (a damaged database), if any, said in the active language
    (the request that found it may have been in another)."""
    if _broken is not None and _cause is not None:
        return classify(_cause) or _broken
    return _broken


def unavailable(request: HttpRequest, problem: StoreProblem) -> HttpResponse:
    """503: JSON for the API, a plain page elsewhere; touches no database."""
    from softspot.store.api import errors, is_api

    if is_api(request):
        from softspot.core.record import FieldError

        response: HttpResponse = errors(
            503, FieldError("", _("the store cannot be used: %(problem)s") % {"problem": problem.message})
        )
    else:
        from django.http import HttpResponse
        from django.template.loader import render_to_string

        page = render_to_string("softspot/unavailable.html", {"problem": problem})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = "60"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a store problem becomes a 503 with its reason; anything else a plain 500.

    Django calls this while handling the exception (and has logged it with its
    traceback through the ``django.request`` logger).
    """
    import sys

    exc = sys.exc_info()[1]
    problem = classify(exc) if exc is not None else None
    if problem is not None:
        if problem.lasting:
            mark_broken(problem, exc)
        return unavailable(request, problem)
    from softspot.store.api import errors, is_api

    if is_api(request):
        from softspot.core.record import FieldError

        return errors(500, FieldError("", "the server failed to handle this record; it is logged"))
    from django.views.defaults import server_error as page

    return page(request)
