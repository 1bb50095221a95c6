"""Static files with content-hashed names, compressed, cached for a year; collected on demand by ``serve``.

``collectstatic`` (run by ``softspot serve`` into ``<data dir>/static`` when the
sources changed, or by hand in production) writes every file under a name
holding its content's hash (``player.3f2c9a1b7d4e.js``), with gzip and Brotli
copies, and a manifest. Django's ``ManifestStaticFilesStorage`` rewrites the ES
module imports inside the scripts to the hashed names too
(``support_js_module_import_aggregation``), so a page and every module it
imports always come from one version. whitenoise serves hashed names with
``Cache-Control: max-age=315360000, public, immutable``.

Until the files are collected (the test suite, a fresh clone before its first
``serve``), or when the collected copy is of other sources (a file edited since),
``{% static %}`` gives the plain names, which whitenoise serves from the app's
folder (``WHITENOISE_USE_FINDERS``) with a short lifetime. In production the
manifest is always used: there nothing but ``collectstatic`` puts files out.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]

SOURCE = Path(__file__).resolve().parent / "static"
STAMP = "softspot-sources.json"
"""Written beside the manifest after collecting: the hash of the sources it was made from."""


def source_hash(folder: Path = SOURCE) -> str:
    """A hash of every static source file's path and content (about 200 KB read: a millisecond or two)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class Storage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    """whitenoise's compressed manifest storage, rewriting ES module imports, with plain names until collected."""

    support_js_module_import_aggregation = True
    manifest_strict = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = bool(self.hashed_files) and (
            getattr(settings, "PRODUCTION", False) or self.stamp() == source_hash()
        )

    def stamp(self) -> str | None:
        try:
            return str(json.loads(Path(self.path(STAMP)).read_text())["sources"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def stored_name(self, name: str) -> str:
        if not self.current:
            return name
        return str(super().stored_name(name))

    def post_process(self, *args: Any, **kwargs: Any) -> Any:
        yield from super().post_process(*args, **kwargs)
        Path(self.path(STAMP)).write_text(json.dumps({"sources": source_hash()}))
        self.current = True


def collected() -> bool:
    """Is the collected copy in ``STATIC_ROOT`` made from these sources?"""
    root = settings.STATIC_ROOT
    if not root:
        return False
    try:
        stamp = json.loads((Path(root) / STAMP).read_text())["sources"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return bool(stamp == source_hash()) and (Path(root) / "staticfiles.json").is_file()


def collect() -> None:
    """``collectstatic`` into ``STATIC_ROOT`` when it is not current (``softspot serve`` at start-up)."""
    if collected():
        return
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0, clear=True)
