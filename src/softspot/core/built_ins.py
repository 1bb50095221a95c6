"""The techniques that ship with softspot: their ids and texts (no validation here, no pydantic: see
:func:`softspot.core.loader.built_in` for a validated technique)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from softspot.core.technique_cache import Summary

_BUILT_IN = Path(__file__).with_name("techniques")
"""Inside the installed package (a folder: softspot is never imported from a zip file)."""


def built_in_ids() -> list[str]:
    return sorted(p.name.removesuffix(".yaml") for p in _BUILT_IN.iterdir() if p.name.endswith(".yaml"))


def read_built_in(technique_id: str) -> str:
    """The YAML text of the built-in technique ``technique_id`` (one of :func:`built_in_ids`)."""
    return (_BUILT_IN / f"{technique_id}.yaml").read_text(encoding="utf-8")


def summaries(lang: str | None = None) -> list[Summary]:
    """Each built-in technique's id, version, title and summary, in ``lang`` (default: the active language) where
    the technique is written in it, without validating when they were kept."""
    from softspot import i18n
    from softspot.core import technique_cache

    lang = lang or i18n.active()
    texts = {i: read_built_in(i) for i in built_in_ids()}
    found = technique_cache.load_summaries(texts, lang)
    if found is None:
        from softspot.core.loader import built_in

        techniques = [built_in(i) for i in texts]
        shown = [t.localized(lang) if lang in t.written_in else t for t in techniques]
        found = [technique_cache.Summary(*map(str, (t.id, t.version, t.title, t.summary))) for t in shown]
        technique_cache.store_summaries(texts, found, lang)
    return found
