"""JSON from outside, read within bounds: no deep nesting, no NaN or Infinity, no huge numbers, no NUL.

Python's ``json`` accepts ``NaN`` and ``Infinity``, reads ``1e400`` as infinity,
turns a 5,000-digit number into a ValueError and recurses once per level of
nesting. Records come from browsers and files, so :func:`loads` checks the
nesting depth before decoding (a cheap pass over the brackets) and reads those
constants and numbers as :class:`Refused` markers, and :func:`problems` walks
decoded data (or data built in Python) for values no store can keep, naming
the field: the markers, NUL characters (PostgreSQL refuses them), strings,
lists and objects too large, numbers not finite or too large.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from softspot.i18n import _

MAX_DEPTH = 32
"""Levels of nesting: a record needs about 6."""
MAX_STRING_CHARS = 10_000
MAX_ITEMS = 10_000
"""Items in one list or object."""
MAX_INT_DIGITS = 18
MAX_NUMBER = 1e15
"""Largest magnitude of any number; fields have their own, smaller bounds."""


class JsonProblem(ValueError):
    """The text is not JSON softspot reads; the message says why, without a subject: "is not JSON (...)"."""


@dataclass(frozen=True)
class Problem:
    """A value at ``path`` (dotted, e.g. ``engine.spots.0.leg``; empty for the whole) and what is wrong."""

    path: str
    message: str


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` outside strings (an upper bound for text that is not JSON).

    Escaped backslashes and quotes are dropped first, so every remaining ``"``
    opens or closes a string; text between them is left out.
    """
    plain = text.replace("\\\\", "").replace('\\"', "")
    outside = "".join(plain.split('"')[::2])
    brackets = _NOT_BRACKETS.sub("", outside)
    steps = (1 if c in "[{" else -1 for c in brackets)
    return max(itertools.accumulate(steps, initial=0))


_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Refused:
    """A number read from JSON that no field can take (NaN, Infinity, 1e400, 5,000 digits).

    The decoder puts this in its place instead of failing, so :func:`problems`
    can name the field it was in; no float infinity or huge int is ever made.
    """

    text: str
    reason: str


def _constant(name: str) -> Refused:
    return Refused(name, _("%(name)s is not a number JSON allows; send a finite number") % {"name": name})


def _float(text: str) -> float | Refused:
    value = float(text)
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        return Refused(text, _too_large(_short(text)))
    return value


def _int(text: str) -> int | Refused:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        return Refused(text, _too_large(_short(text)))
    return int(text)


def _too_large(shown: str) -> str:
    return _("%(value)s is too large") % {"value": shown}


def _short(text: str, keep: int = 24) -> str:
    return text if len(text) <= keep else _("%(start)s… (%(n)d characters)") % {"start": text[:keep], "n": len(text)}


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Decode JSON text (bytes must be UTF-8), or raise :class:`JsonProblem` saying why it cannot be read.

    NaN, Infinity and numbers too large come back as :class:`Refused` values, for :func:`problems` to report.
    """
    return read(data, max_depth=max_depth)[0]


def read(data: bytes | str, *, max_depth: int = MAX_DEPTH, limit: int = 20) -> tuple[Any, list[Problem]]:
    """:func:`loads` and :func:`problems` in one: the decoded value, and what in it no store can keep.

    Most documents are fine, so they are read the quick way first: Python's own decoder, then one pass that
    looks for anything wrong without naming where (:func:`_clean`). Only a document that fails that (or does not
    decode) is read the careful way: nesting counted first, numbers read one by one, each problem named.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonProblem(_("is not UTF-8 text (byte %(byte)d)") % {"byte": exc.start + 1}) from None
    else:
        text = data
    text = text.removeprefix("\ufeff")
    # Python refuses to read an integer of more than 4,300 digits (which would take quadratic time) unless that
    # limit was lifted; then only the careful way is safe.
    if 0 < sys.get_int_max_str_digits() <= 5000:
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            pass  # the careful way says why
        else:
            if _clean(value, 0, max_depth):
                return value, []
    value = _careful(text, max_depth)
    return value, problems(value, limit=limit)


def _careful(text: str, max_depth: int) -> Any:
    depth = nesting_depth(text)
    if depth > max_depth:
        raise JsonProblem(
            _("is nested %(depth)d levels deep; at most %(most)d are allowed") % {"depth": depth, "most": max_depth}
        )
    try:
        return json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except json.JSONDecodeError as exc:
        where = {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
        raise JsonProblem(_("is not JSON (line %(line)d, column %(column)d: %(error)s)") % where) from None
    except (ValueError, RecursionError) as exc:  # a last guard: nothing from the decoder escapes
        raise JsonProblem(_("is not JSON (%(error)s)") % {"error": exc}) from None


def problems(data: Any, *, limit: int = 20) -> list[Problem]:
    """Values no store can keep, at most ``limit`` of them, in document order; [] when all is well."""
    if _clean(data, 0, MAX_DEPTH):
        return []
    return list(itertools.islice(_walk(data), limit))


_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


def _clean(value: Any, depth: int, max_depth: int) -> bool:
    """True only when neither :func:`_walk` nor :func:`nesting_depth` would find anything wrong in ``value``.

    The quick check (no paths are made): a container ``depth`` levels in is the ``depth + 1``-th level of
    nesting. Anything it does not know for certain to be fine (a type other than JSON's own, a marker) makes it
    say False, and the careful walk then names the problem, if there is one.
    """
    if type(value) is dict:
        for key in value:
            if type(key) is not str or "\x00" in key:
                return False
        items: Iterable[Any] = value.values()
    elif type(value) is list:
        items = value
    else:
        return False  # a document that is not an object or a list: the careful way
    if depth >= max_depth or depth >= MAX_DEPTH or len(value) > MAX_ITEMS:
        return False
    depth += 1
    bad = _BAD_TEXT.search
    for item in items:
        kind = type(item)
        if kind is str:
            if len(item) > MAX_STRING_CHARS or bad(item):
                return False
        elif kind is dict or kind is list:
            if not _clean(item, depth, max_depth):
                return False
        elif kind is float or kind is int:
            if not -MAX_NUMBER <= item <= MAX_NUMBER:  # NaN fails this too
                return False
        elif item is not None and kind is not bool:
            return False
    return True


def _walk(data: Any) -> Iterator[Problem]:
    stack: list[tuple[str, int, Any]] = [("", 0, data)]
    while stack:
        path, depth, value = stack.pop()
        if depth > MAX_DEPTH:
            yield Problem(path, _("is nested more than %(most)d levels deep") % {"most": MAX_DEPTH})
            continue
        if isinstance(value, Refused):
            yield Problem(path, value.reason)
        elif isinstance(value, str):
            yield from _text(path, value)
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if abs(value) > MAX_NUMBER:
                yield Problem(path, _too_large(_short(str(value))))
        elif isinstance(value, float):
            if not math.isfinite(value):
                yield Problem(path, _("%(value)s is not a finite number") % {"value": value})
            elif abs(value) > MAX_NUMBER:
                yield Problem(path, _too_large(f"{value:g}"))
        elif isinstance(value, dict):
            if len(value) > MAX_ITEMS:
                yield Problem(
                    path, _("has %(n)d fields; at most %(most)d are allowed") % {"n": len(value), "most": MAX_ITEMS}
                )
                continue
            children = []
            for key, item in value.items():
                where = _join(path, str(key))
                if not isinstance(key, str):
                    yield Problem(where, _("a field name must be text"))
                    continue
                if "\x00" in key:
                    yield Problem(_join(path, key.replace("\x00", "\\u0000")), _("a field name contains a NUL"))
                    continue
                children.append((where, depth + 1, item))
            stack.extend(reversed(children))
        elif isinstance(value, list | tuple):
            if len(value) > MAX_ITEMS:
                yield Problem(
                    path, _("has %(n)d items; at most %(most)d are allowed") % {"n": len(value), "most": MAX_ITEMS}
                )
                continue
            stack.extend(reversed([(_join(path, str(n)), depth + 1, item) for n, item in enumerate(value)]))
        else:
            yield Problem(path, _("a %(type)s is not a JSON value") % {"type": type(value).__name__})


def _text(path: str, value: str) -> Iterator[Problem]:
    if len(value) > MAX_STRING_CHARS:
        yield Problem(
            path,
            _("is %(n)d characters long; at most %(most)d are allowed") % {"n": len(value), "most": MAX_STRING_CHARS},
        )
    elif "\x00" in value:
        yield Problem(path, _("contains a NUL character (\\u0000), which cannot be stored"))
    elif _SURROGATE.search(value):
        yield Problem(path, _("contains a lone surrogate (an unpaired \\ud800-\\udfff escape), which is not text"))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
