"""A finished session is never lost: when the store cannot take it, it is kept in a recovery file.

``guide`` checks the store before a session starts, but a disk can fill up or a
folder change while the pair is on the floor. Then the record goes, as the same
JSON the web player sends, to ``<data dir>/recovery/`` (else the temporary
folder, else the home folder), private to this user, and the message says how
to bring it back: ``softspot import FILE``, which stores it once (its key).
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from softspot.cli.output import errors, fail
from softspot.i18n import _

log = logging.getLogger(__name__)
FOLDER = "recovery"


def places() -> list[Path]:
    """Where a recovery file may go, in order of preference."""
    from softspot.paths import data_dir

    return [data_dir() / FOLDER, Path(tempfile.gettempdir()), Path.home()]


def keep(payload: dict[str, Any], where: list[Path] | None = None) -> Path | None:
    """Write ``payload`` to the first place that takes it (private, atomic); None when none does."""
    from softspot.files import write_atomic

    started = str(payload.get("started_at", ""))[:19].replace(":", "").replace("-", "")
    name = f"softspot-record-{started or 'session'}-{str(payload.get('key', ''))[:8]}.json"
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    for folder in where if where is not None else places():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            write_atomic(path, text, mode=0o600)
        except (OSError, ValueError):
            continue
        return path
    return None


def save_or_keep(receiver: Any, payload: dict[str, Any]) -> Any:
    """Store the record as ``receiver``'s and return it; when that fails for any reason, keep it in a file (which
    names the receiver) and exit 2 saying how."""
    try:
        from softspot.core.record import parse_record
        from softspot.store.records import save_record

        record, _created = save_record(receiver, parse_record(payload, now=datetime.now(UTC)))
        return record
    except Exception as exc:
        reason = describe(exc)
        log.warning("a session could not be saved: %s", reason, exc_info=exc)
    path = keep(payload)
    if path is None:
        errors.print("softspot: " + _("the record of this session, to keep (save it to a file):"), soft_wrap=True)
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        fail(
            _(
                "the session could not be saved (%(reason)s) and no recovery file could be written either: "
                "the record is printed above. Save it to a file and run `softspot import FILE` once the store works."
            )
            % {"reason": reason}
        )
    fail(
        _(
            "the session could not be saved: %(reason)s. Nothing is lost: it is kept in %(path)s. "
            "Once that is fixed, store it with `softspot import %(path)s` (importing it twice stores it once)."
        )
        % {"reason": reason, "path": path}
    )


def describe(exc: BaseException) -> str:
    from softspot.cli.store import store_problem_line
    from softspot.core.record import RecordError

    if isinstance(exc, RecordError):
        return _("the store refused the record (%(error)s)") % {"error": exc}
    line = store_problem_line(exc)
    if line is not None:
        return line.rstrip(".")
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
