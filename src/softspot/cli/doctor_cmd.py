"""``softspot doctor``: is everything softspot needs here and working? Plain answers, exit 1 when something is wrong.

It changes nothing: the SQLite file is opened read-only, speech is rendered
without the cache, and no migration is applied. Each line is ``ok``, ``note``
(works, with something to know) or ``PROBLEM`` (with what to do).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import typer
from rich.cells import cell_len
from rich.markup import escape

from softspot.cli.output import console
from softspot.i18n import N_, _, format_number, ngettext

Status = Literal["ok", "note", "problem"]
Finder = Callable[[str], str | None]
TEST_CUE = "softspot check: one, two, three."
CERT_WARN_DAYS = 30
SHOWN = {"ok": ("green", N_("ok")), "note": ("yellow", N_("note")), "problem": ("bold red", N_("PROBLEM"))}
"""Each status's colour and word; the words are padded to the longest, so the lines line up in every language."""


def _status(status: Status, width: int) -> str:
    style, word = SHOWN[status]
    shown = _(word)
    return f"[{style}]{shown}[/]{' ' * (width - cell_len(shown))}"


@dataclass(frozen=True)
class Finding:
    status: Status
    what: str
    detail: str


def doctor(which: Finder = shutil.which) -> None:
    findings: list[Finding] = []
    for check in (folder, database, speech, sound, certificates):
        findings.extend(check(which))
    width = max(cell_len(f.what) for f in findings)  # in terminal cells: Thai vowel and tone marks take none
    status_width = max(7, *(cell_len(_(word)) for _style, word in SHOWN.values()))
    for f in findings:
        what = f.what + " " * (width - cell_len(f.what))
        console.print(f"{_status(f.status, status_width)} {what}  {escape(f.detail)}", soft_wrap=True)
    problems = [f for f in findings if f.status == "problem"]
    if problems:
        count = len(problems)
        console.print("\n" + ngettext("%d problem to fix (above).", "%d problems to fix (above).", count) % count)
        raise typer.Exit(1)
    console.print(
        "\n" + (_("All is well.") if all(f.status == "ok" for f in findings) else _("No problems; see the notes."))
    )


# The data folder.


def folder(which: Finder) -> Iterator[Finding]:
    from softspot.paths import data_dir
    from softspot.store.health import how_to_write, owner_name

    where = data_dir()
    if not where.exists():
        existing = where
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if existing.is_dir() and _write_problem(existing) is None:
            yield Finding(
                "ok",
                _("data folder"),
                _("%(path)s is not made yet; it is made the first time it is needed") % {"path": where},
            )
        else:
            yield Finding(
                "problem",
                _("data folder"),
                _(
                    "%(path)s does not exist and cannot be made (%(existing)s is not writable); "
                    "create it (`mkdir -p %(path)s`) or set SOFTSPOT_DATA_DIR to a folder you can write"
                )
                % {"path": where, "existing": existing},
            )
        return
    if not where.is_dir():
        yield Finding(
            "problem",
            _("data folder"),
            _("%(path)s is not a folder; move it away or set SOFTSPOT_DATA_DIR") % {"path": where},
        )
        return
    info = where.stat()
    mode = stat.S_IMODE(info.st_mode)
    owner = owner_name(info.st_uid)
    problem = _write_problem(where)
    if problem is not None:
        yield Finding(
            "problem",
            _("data folder"),
            _("%(path)s cannot be written %(how)s") % {"path": where, "how": how_to_write(where, problem)},
        )
        return
    facts = {"path": where, "mode": f"{mode:04o}", "owner": owner}
    if mode & 0o007:
        detail = _("%(path)s: writable, mode %(mode)s, owner %(owner)s (others can read it)") % facts
    else:
        detail = _("%(path)s: writable, mode %(mode)s, owner %(owner)s") % facts
    yield Finding("ok", _("data folder"), detail)


def _write_problem(path: Path) -> OSError | None:
    try:
        handle, probe = tempfile.mkstemp(prefix=".softspot-probe-", dir=path)
    except OSError as exc:
        return exc
    os.close(handle)
    os.unlink(probe)
    return None


# The database.


def database(which: Finder) -> Iterator[Finding]:
    from softspot.paths import data_dir
    from softspot.store.bootstrap import database as settings_database
    from softspot.store.bootstrap import sqlite_file
    from softspot.store.health import StoreError

    try:
        path = sqlite_file()
    except StoreError as exc:
        yield Finding("problem", _("settings"), str(exc))
        return
    db: dict[str, Any] = {}
    if path is None or data_dir().is_dir():  # loading the settings makes the secret key in the data folder
        try:
            db = settings_database()
        except StoreError as exc:
            yield Finding("problem", _("settings"), str(exc))
            return
    if path is None:
        yield from _server_database(db)
    else:
        yield from _sqlite_database(path)


def _sqlite_database(path: Path) -> Iterator[Finding]:
    from softspot.store.health import connect_read_only, how_to_write, quick_check

    if not path.exists():
        yield Finding(
            "ok",
            _("database"),
            _("%(path)s is not made yet; it is made and set up the first time it is needed") % {"path": path},
        )
        return
    if not path.is_file():
        yield Finding("problem", _("database"), _("%(path)s is not a regular file; move it aside") % {"path": path})
        return
    if not os.access(path, os.R_OK | os.W_OK):
        yield Finding(
            "problem",
            _("database"),
            _("%(path)s cannot be written %(how)s") % {"path": path, "how": how_to_write(path)},
        )
    found = quick_check(path)
    if found is not None:
        yield Finding("problem", _("database"), found.message)
        return
    try:
        with closing(connect_read_only(path)) as db:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            applied = set()
            if "django_migrations" in tables:
                applied = {(a, n) for a, n in db.execute("SELECT app, name FROM django_migrations")}
            sessions = 0
            if "store_sessionrecord" in tables:
                sessions = int(db.execute("SELECT count(*) FROM store_sessionrecord").fetchone()[0])
    except sqlite3.Error as exc:
        yield Finding("problem", _("database"), _("%(path)s cannot be read: %(error)s") % {"path": path, "error": exc})
        return
    size = path.stat().st_size
    held = ngettext("%d session", "%d sessions", sessions) % sessions
    yield Finding(
        "ok",
        _("database"),
        _("%(path)s: %(size)s KB, %(sessions)s, quick_check ok")
        % {"path": path, "size": f"{size / 1024:.0f}", "sessions": held},
    )
    if _wal(path):
        yield Finding("ok", _("write-ahead log"), _("on (WAL, synchronous=NORMAL on each connection)"))
    else:
        later = _("off (rollback journal); softspot turns it on when it next opens the database")
        yield Finding("note", _("write-ahead log"), later)
    missing = _unapplied(applied)
    if missing:
        yield Finding(
            "note",
            _("migrations"),
            _("%(n)d to apply (%(names)s...); applied on next use")
            % {"n": len(missing), "names": ", ".join(missing[:3])},
        )
    else:
        yield Finding("ok", _("migrations"), _("all applied"))


def _wal(path: Path) -> bool:
    """Is the file in WAL mode? Bytes 18 and 19 of an SQLite header are 2 for WAL (1 for a rollback journal)."""
    with open(path, "rb") as stream:
        header = stream.read(100)
    return len(header) == 100 and header[18:20] == b"\x02\x02"


def _unapplied(applied: set[tuple[str, str]]) -> list[str]:
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.graph.nodes if (app, name) not in applied)


def _server_database(db: dict[str, Any]) -> Iterator[Finding]:
    import django
    from django.apps import apps

    from softspot.store.health import classify

    where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db.get('NAME')}"
    try:
        if not apps.ready:
            django.setup()
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        connection.ensure_connection()
        version = connection.cursor().connection.info.server_version if connection.vendor == "postgresql" else ""
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        problem = classify(exc, db)
        yield Finding("problem", _("database"), problem.message if problem else f"{where}: {exc}")
        return
    facts = {"vendor": connection.vendor, "where": where}
    if isinstance(version, int) and version:
        facts["server"] = f"{version // 10000}.{version % 10000}"
        reachable = _("%(vendor)s at %(where)s: reachable, server %(server)s") % facts
    else:
        reachable = _("%(vendor)s at %(where)s: reachable") % facts
    yield Finding("ok", _("database"), reachable)
    if plan:
        yield Finding("note", _("migrations"), _("%(n)d to apply: `softspot admin migrate`") % {"n": len(plan)})
    else:
        yield Finding("ok", _("migrations"), _("all applied"))
    yield Finding("note", _("backups"), _("use pg_dump for this database (`softspot backup` copies SQLite only)"))


# Speech and sound.


def speech(which: Finder) -> Iterator[Finding]:
    from softspot.audio.speech import INSTALL_HINT, Espeak, SpeechError, Voice

    engine = Espeak(which=which)
    if not engine.available:
        yield Finding(
            "note",
            "espeak-ng",
            _("not installed: cues are shown and chimed, not spoken; %(hint)s") % {"hint": _(INSTALL_HINT)},
        )
        return
    try:
        clip = engine.speak(TEST_CUE, Voice())  # decodes the WAV and counts its frames; the exit code proves nothing
    except SpeechError as exc:
        yield Finding("problem", "espeak-ng", _("installed but cannot render a cue: %(error)s") % {"error": exc})
        return
    yield Finding(
        "ok",
        "espeak-ng",
        _("renders a cue: %(seconds)s s of speech (%(version)s)")
        % {"seconds": format_number(clip.seconds, fixed=True), "version": engine.version()},
    )


def sound(which: Finder, run: Callable[[Sequence[str]], str] | None = None) -> Iterator[Finding]:
    from softspot.audio.player import PLAYER_HINT, find_player

    run = run or _output
    player = find_player(which)
    if player is None:
        yield Finding(
            "note",
            _("sound output"),
            _(
                "no audio player program, so the terminal shows cues but cannot be heard; %(hint)s. "
                "The web app still speaks on the phone."
            )
            % {"hint": _(PLAYER_HINT)},
        )
        return
    program = Path(player[0]).name
    devices = _devices(program, which, run)
    if devices:
        yield Finding("ok", _("sound output"), f"{program}, {devices}")
    else:
        yield Finding(
            "note",
            _("sound output"),
            _(
                "%(program)s is installed but no sound device was found on this computer, so cues in the terminal "
                "cannot be heard here; the web app still speaks on the phone."
            )
            % {"program": program},
        )


def _devices(program: str, which: Finder, run: Callable[[Sequence[str]], str]) -> str | None:
    """A short description of the sound devices found, or None when there are none."""
    if program == "afplay":
        return _("the Mac's output")
    if which("pactl"):
        sinks = [line for line in run(["pactl", "list", "short", "sinks"]).splitlines() if line.strip()]
        if sinks:
            return ngettext("%d PulseAudio/PipeWire output", "%d PulseAudio/PipeWire outputs", len(sinks)) % len(sinks)
    if which("aplay"):
        cards = [line for line in run(["aplay", "-l"]).splitlines() if line.startswith("card ")]
        if cards:
            devices = ngettext("%d ALSA device", "%d ALSA devices", len(cards)) % len(cards)
            return f"{devices} ({cards[0].split(':', 1)[1].strip()})"
    cards_file = Path("/proc/asound/cards")
    if cards_file.is_file():
        text = cards_file.read_text(errors="replace")
        if "no soundcards" not in text and text.strip():
            return _("a sound card (/proc/asound/cards)")
    return None


def _output(argv: Sequence[str]) -> str:
    try:
        done = subprocess.run(list(argv), capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.decode("utf-8", "replace")


# The certificate for softspot's own HTTPS (files in <data dir>/tls/).


def certificates(which: Finder, now: datetime | None = None) -> Iterator[Finding]:
    from softspot.paths import data_dir

    tls = data_dir() / "tls"
    if not tls.is_dir():
        yield Finding(
            "ok", _("certificate"), _("none (%(path)s does not exist; plain HTTP or a proxy's HTTPS)") % {"path": tls}
        )
        return
    files = sorted(p for p in tls.iterdir() if p.is_file())
    if not files:
        yield Finding("note", _("certificate"), _("%(path)s is empty") % {"path": tls})
        return
    listed = ", ".join(f"{p.name} ({stat.S_IMODE(p.stat().st_mode):04o})" for p in files)
    yield Finding("ok", _("certificate files"), f"{tls}: {listed}")
    for key in (p for p in files if "key" in p.name.lower()):
        mode = stat.S_IMODE(key.stat().st_mode)
        if mode & 0o077:
            shown = _("%(path)s can be read by others (mode %(mode)s); `chmod 600 %(path)s`")
            yield Finding("problem", _("certificate key"), shown % {"path": key, "mode": f"{mode:04o}"})
    certs = [p for p in files if "key" not in p.name.lower() and p.suffix.lower() in {".pem", ".crt", ".cer"}]
    from cryptography import x509

    moment = now or datetime.now(UTC)
    for cert_file in certs:
        try:
            cert = x509.load_pem_x509_certificate(cert_file.read_bytes())
        except (ValueError, OSError) as exc:
            yield Finding(
                "problem",
                _("certificate"),
                _("%(path)s cannot be read as a PEM certificate (%(error)s)") % {"path": cert_file, "error": exc},
            )
            continue
        ends = cert.not_valid_after_utc
        names = cert.subject.rfc4514_string() or _("no subject")
        days = (ends - moment).days
        renewed = _(" (`softspot serve --lan --https` makes a new one)") if cert_file.name == "server.crt" else ""
        facts = {"file": cert_file.name, "names": names, "date": f"{ends:%Y-%m-%d}"}
        if ends <= moment:
            yield Finding("problem", _("certificate"), _("%(file)s (%(names)s) expired on %(date)s") % facts + renewed)
        elif days < CERT_WARN_DAYS:
            left = ngettext(
                "%(file)s (%(names)s) expires in %(n)d day", "%(file)s (%(names)s) expires in %(n)d days", days
            )
            yield Finding("note", _("certificate"), left % {**facts, "n": days} + renewed)
        else:
            yield Finding("ok", _("certificate"), _("%(file)s (%(names)s) valid until %(date)s") % facts)
