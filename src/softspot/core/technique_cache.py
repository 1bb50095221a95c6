"""The built-in techniques, validated once and kept on disk, so a command starts without validating again.

A technique file is read and validated by :mod:`softspot.core.loader` (YAML, the
models' validators, the safety rules): a few tens of milliseconds, most of it building
pydantic's validators the first time. The validated :class:`~softspot.core.technique.Technique`
is kept as a pickle in ``<cache dir>/techniques/`` (:func:`softspot.paths.cache_dir`),
named by the technique's id and a hash of the file's text, softspot's version and
pydantic's: a changed file or an upgrade reads and validates afresh. Only built-in
techniques (shipped inside the package) are cached, never a file given on the command line.
``plan``, ``screen`` and ``technique show`` do not come here when the technique's plain file, shipped beside
its YAML, is up to date (:mod:`softspot.core.plain`: no pydantic at all).

``technique list`` needs only each built-in technique's id, version, title and summary: those are kept as
JSON beside the pickles (:func:`summaries`), so listing imports neither pydantic nor the technique's models.
Both are keyed as well by the size and time of the code that validates (the core's modules, pydantic's
package), so an edited checkout never reads a stale entry either.

The cache is best effort: a folder that cannot be written, or a file that cannot be
read back (truncated, another Python), means validating as before. The files are the
user's own, in the user's own folder, like the installed code they come from.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import sys
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from softspot.core.technique import Technique

FORMAT = 2
_CODE = ("technique.py", "text.py", "plain.py", "loader.py", "limits.py", "units.py", "yaml_input.py", "../i18n.py")


def _code() -> str:
    """softspot's version and the size and time of each module that reads a technique, and of pydantic."""
    from softspot import __version__

    here = Path(__file__).parent
    spec = find_spec("pydantic")
    files = [here / name for name in _CODE] + ([Path(spec.origin)] if spec and spec.origin else [])
    stats = []
    for path in files:
        try:
            found = path.stat()
        except OSError:
            stats.append(f"{path.name}:?")
        else:
            stats.append(f"{path.name}:{found.st_size}:{found.st_mtime_ns}")
    return f"{FORMAT}\0{__version__}\0{sys.version_info[:2]}\0{' '.join(stats)}"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _folder() -> Path:
    from softspot.paths import cache_dir

    return cache_dir() / "techniques"


def _path(technique_id: str, text: str) -> Path:
    import pydantic

    return _folder() / f"{technique_id}-{_digest(_code(), pydantic.VERSION, text)}.pickle"


def load(technique_id: str, text: str) -> Technique | None:
    """The validated technique kept for exactly this text, or None."""
    try:
        data = _path(technique_id, text).read_bytes()
        found = pickle.loads(data)
    except Exception:  # a missing, unreadable or stale file: validate afresh
        return None
    from softspot.core.technique import Technique

    return found if isinstance(found, Technique) and found.id == technique_id else None


def store(technique_id: str, text: str, technique: Technique) -> None:
    """Keep ``technique`` for next time; quietly nothing when the cache folder cannot be written."""
    path = _path(technique_id, text)
    with contextlib.suppress(pickle.PicklingError, TypeError, AttributeError):
        _write(path, pickle.dumps(technique, protocol=pickle.HIGHEST_PROTOCOL))


def _write(path: Path, data: bytes) -> None:
    """``data`` in ``path``, whole or not at all; quietly nothing when the folder cannot be written."""
    import tempfile

    temp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except OSError:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)


class Summary(NamedTuple):
    """What ``technique list`` shows of a technique."""

    id: str
    version: str
    title: str
    summary: str


def _summaries_path(texts: dict[str, str], lang: str) -> Path:
    digest = _digest(_code(), lang, *(part for pair in texts.items() for part in pair))
    return _folder() / f"summaries-{digest}.json"


def load_summaries(texts: dict[str, str], lang: str = "en") -> list[Summary] | None:
    """The summaries kept for exactly these built-in techniques (id -> YAML text) in ``lang``, in that order, or
    None."""
    try:
        kept = json.loads(_summaries_path(texts, lang).read_bytes())
        rows, check = kept["rows"], kept["sha256"]
        if check != hashlib.sha256(json.dumps(rows).encode()).hexdigest():
            return None  # damaged
        found = [Summary(*row) for row in rows]
    except Exception:  # missing, unreadable, damaged or another shape: read the techniques
        return None
    if [s.id for s in found] != list(texts) or not all(isinstance(x, str) for s in found for x in s):
        return None
    return found


def store_summaries(texts: dict[str, str], found: list[Summary], lang: str = "en") -> None:
    """Keep the summaries of these built-in techniques for next time (best effort, as :func:`store`)."""
    rows = [list(s) for s in found]
    body = {"rows": rows, "sha256": hashlib.sha256(json.dumps(rows).encode()).hexdigest()}
    _write(_summaries_path(texts, lang), json.dumps(body, ensure_ascii=False).encode())
