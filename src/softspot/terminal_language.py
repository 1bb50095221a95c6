"""The language a terminal asks for, the way GNU gettext reads it, with nothing but the standard library's ``os``.

:func:`softspot.i18n.from_environment` is this with softspot's languages; ``softspot --help``
(:mod:`softspot.entry`) calls it directly to pick its pre-rendered help without importing anything else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping


def normalize(tag: str | None, known: Collection[str]) -> str | None:
    """``es-MX``, ``es_MX.UTF-8``, ``ES`` -> ``es``; a language not in ``known`` -> ``None``."""
    if not tag:
        return None
    base = tag.strip().split(".", 1)[0].split("@", 1)[0].replace("_", "-").split("-", 1)[0].lower()
    return base if base in known else None


def from_environment(env: Mapping[str, str], known: Collection[str], default: str) -> str:
    """The locale is the first set of ``LC_ALL``, ``LC_MESSAGES``, ``LANG``. Unless that locale is ``C``/``POSIX``
    (or unset), ``LANGUAGE`` -- a colon-separated list of preferences -- comes first. The first language in
    ``known`` wins; with none, ``default``."""
    locale = next((env[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(k)), "")
    candidates: list[str] = []
    if locale.split(".", 1)[0] not in ("", "C", "POSIX"):
        candidates.extend(env.get("LANGUAGE", "").split(":"))
        candidates.append(locale)
    for candidate in candidates:
        lang = normalize(candidate, known)
        if lang is not None:
            return lang
    return default
