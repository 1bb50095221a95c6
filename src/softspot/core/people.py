"""Receivers' names: how a name is written, compared and suggested (pure Python, no database).

A household (one account) has several receivers, each with their own measurements,
dose progression and history. Names are unique within a household, compared without
regard to case (``sam`` and ``Sam`` are the same person); the store keeps that rule
with a unique constraint on the lower-cased name as well.
"""

from __future__ import annotations

import difflib
import unicodedata

from softspot.i18n import _

NAME_MAX_CHARS = 40
FIRST_RECEIVER = "Receiver"
"""The name of a household's first receiver when there is nothing better (rename it with ``people rename``)."""


class BadName(ValueError):
    """A name that cannot be a receiver's; the message says why, as a sentence fragment."""


def clean_name(text: str) -> str:
    """The name as it is kept: Unicode NFC, spaces trimmed and runs of spaces made one.

    Empty names, names over :data:`NAME_MAX_CHARS` characters and names with control
    characters (a newline, a tab, NUL) are refused.
    """
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if not name:
        raise BadName(_("a name cannot be empty; give the receiver's name, e.g. Sam"))
    if len(name) > NAME_MAX_CHARS:
        raise BadName(
            _("the name is %(n)d characters long; keep it to %(most)d") % {"n": len(name), "most": NAME_MAX_CHARS}
        )
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise BadName(_("the name contains a control character; use letters, digits and spaces"))
    return name


def fold(name: str) -> str:
    """The form two names are compared in: ``Sam`` and ``SAM`` fold the same."""
    return unicodedata.normalize("NFC", name).casefold()


def same_name(a: str, b: str) -> bool:
    return fold(a) == fold(b)


def nearest(name: str, names: list[str]) -> str | None:
    """The known name closest to ``name`` (a typo, another spelling), if any is close enough."""
    by_fold = {fold(n): n for n in names}
    close = difflib.get_close_matches(fold(name), list(by_fold), n=1, cutoff=0.6)
    return by_fold[close[0]] if close else None


def listing(names: list[str]) -> str:
    """Names for a message, in order, separated by commas."""
    return ", ".join(names)


def sorted_names(names: list[str]) -> list[str]:
    return sorted(names, key=lambda n: (fold(n), n))
