"""The built-in techniques, validated once and kept on disk, so a command starts without validating again.

A technique file is read and validated by :mod:`softspot.core.loader` (YAML, the
models' validators, the safety rules): a few tens of milliseconds, most of it building
pydantic's validators the first time. The validated :class:`~softspot.core.technique.Technique`
is kept as a pickle in ``<cache dir>/techniques/`` (:func:`softspot.paths.cache_dir`),
named by the technique's id and a hash of the file's text, softspot's version and
pydantic's: a changed file or an upgrade reads and validates afresh. Only built-in
techniques (shipped inside the package) are cached, never a file given on the command line.

The cache is best effort: a folder that cannot be written, or a file that cannot be
read back (truncated, another Python), means validating as before. The files are the
user's own, in the user's own folder, like the installed code they come from.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from softspot.core.technique import Technique

FORMAT = 1


def _path(technique_id: str, text: str) -> Path:
    import pydantic

    from softspot import __version__
    from softspot.paths import cache_dir

    key = f"{FORMAT}\0{__version__}\0{pydantic.VERSION}\0{sys.version_info[:2]}\0{text}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return cache_dir() / "techniques" / f"{technique_id}-{digest}.pickle"


def load(technique_id: str, text: str) -> Technique | None:
    """The validated technique kept for exactly this text, or None."""
    try:
        data = _path(technique_id, text).read_bytes()
        found = pickle.loads(data)
    except Exception:  # a missing, unreadable or stale file: validate afresh
        return None
    return found if isinstance(found, Technique) and found.id == technique_id else None


def store(technique_id: str, text: str, technique: Technique) -> None:
    """Keep ``technique`` for next time; quietly nothing when the cache folder cannot be written."""
    path = _path(technique_id, text)
    temp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(technique, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
