"""Text from a technique file (or a command line) made safe to echo in a one-line message.

Apart from :mod:`softspot.core.yaml_input` so that messages, and the loader, can be
imported without YAML (a command that uses the cached built-in technique never reads YAML).
"""

from __future__ import annotations

import re
from typing import Final

MAX_SHOWN: Final = 40
"""Text from the file echoed in a message is cut to this many characters."""

# In a value (after YAML's escapes such as "\a" are applied) a line feed and a tab are fine.
_BAD_IN_VALUE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")


def shown(text: object, limit: int = MAX_SHOWN) -> str:
    """Text from the file made safe to echo in a one-line message: escaped and cut short."""
    raw = str(text) if not isinstance(text, str) else text
    safe = _UNSAFE_TO_SHOW.sub(_escape, raw[:limit])
    return safe + "…" if len(raw) > limit else safe


_UNSAFE_TO_SHOW = re.compile(f"{_BAD_IN_VALUE.pattern}|[\n\t]")


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape", "backslashreplace").decode("ascii")
