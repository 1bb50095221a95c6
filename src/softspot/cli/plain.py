"""Rich's output without Rich, where it is plain text: ``plan``, ``screen`` and ``technique`` start faster.

Importing and running Rich takes ~50 ms of these commands' start-up. When the output is not a terminal
(a pipe, a file, a test), Rich writes no escape codes: only its word wrapping, its markup's text and its
tables' columns show. :class:`Printer` does exactly that, the way Rich 15 does it, for the few things these
commands print (markup lines, :class:`Paragraphs` and :class:`Grid`), and hands anything else to the Rich
console of :mod:`softspot.cli.output`: a terminal (colour), ``FORCE_COLOR``/``TTY_COMPATIBLE``,
``UNICODE_VERSION``, a character whose width it does not know, a tab, a markup tag it does not know, a table
wider than the terminal. The fallback decides per ``print``, so the output is byte for byte Rich's either way
(``bench/compare_output.py`` compares whole commands; ``tests/test_plain_output.py`` compares the pieces).
"""

from __future__ import annotations

import builtins
import itertools
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TextIO

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


class Unplain(Exception):
    """Something only Rich itself renders exactly: the caller hands the whole ``print`` to Rich."""


# --- markup (rich.markup) ---------------------------------------------------------------------------------

_ESCAPE = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")
_TAGS = re.compile(r"((\\*)\[([a-z#/@][^[]*?)])")
_EMOJI = re.compile(r"(:(\S*?)(?:(?:\-)(emoji|text))?:)")
STYLES = frozenset({"bold", "dim", "red", "bold red", "bold green", "bold yellow", "bold cyan", "cyan", "yellow"})
"""The style tags this module reads; any other tag goes to Rich (its names are normalised, ``@`` runs code)."""
_CONTROL = {7: None, 8: None, 11: None, 12: None, 13: None}  # rich.control.strip_control_codes


def escape(markup: str) -> str:
    """:func:`rich.markup.escape`: text that markup shows as it is."""

    def backslashed(match: re.Match[str]) -> str:
        backslashes, text = match.groups()
        return f"{backslashes}{backslashes}\\{text}"

    markup = _ESCAPE.sub(backslashed, markup)
    if markup.endswith("\\") and not markup.endswith("\\\\"):
        return markup + "\\"
    return markup


def _emoji(text: str) -> str:
    if _EMOJI.search(text) is None:
        return text
    from rich._emoji_replace import _emoji_replace  # a rare ":name:" (the table alone, not the console)

    return _emoji_replace(text)


def text_of(markup: str, *, emoji: bool = True) -> str:
    """The characters Rich shows for this markup (``rich.markup.render(...).plain``), or :class:`Unplain`."""
    if "[" not in markup:
        return (_emoji(markup) if emoji else markup).translate(_CONTROL)
    parts: list[str] = []
    stack: list[str] = []
    position = 0
    for match in _TAGS.finditer(markup):
        full, escapes, tag = match.groups()
        start, end = match.span()
        if start > position:
            parts.append(_piece(markup[position:start], emoji))
        position = end
        if escapes:
            backslashes, escaped = divmod(len(escapes), 2)
            if backslashes:
                parts.append("\\" * backslashes)
            if escaped:
                parts.append(_piece(full[len(escapes) :], emoji))
                continue
        if tag in STYLES:
            stack.append(tag)
        elif tag == "/" and stack:
            stack.pop()
        elif tag.startswith("/") and tag[1:] in STYLES and tag[1:] in stack:
            del stack[len(stack) - 1 - stack[::-1].index(tag[1:])]
        else:
            raise Unplain(tag)
    if position < len(markup):
        parts.append(_piece(markup[position:], emoji))
    return "".join(parts).translate(_CONTROL)


def _piece(text: str, emoji: bool) -> str:
    text = text.replace("\\[", "[")
    return _emoji(text) if emoji else text


# --- cells (rich.cells) -----------------------------------------------------------------------------------

_ONE = frozenset(
    chr(c)
    for start, end in ((0x20, 0x7E), (0xA0, 0xAC), (0xAE, 0x2FF), (0x370, 0x482), (0x2500, 0x25FC), (0x2800, 0x28FF))
    for c in range(start, end + 1)
)  # rich.cells._SINGLE_CELL_UNICODE_RANGES
_MORE = frozenset(
    chr(c)
    for start, end in ((0x2010, 0x2027), (0x2030, 0x205E), (0x20A0, 0x20C0), (0x2190, 0x21FF), (0x2600, 0x2613))
    for c in range(start, end + 1)
) | {"\u2713", "\u2714"}  # punctuation („ “ — • …), currency, arrows (→ ↳), ☐, ✓: one cell each


def _width_of(char: str) -> int:
    if char in _ONE:
        return 1
    if "\u0e01" <= char <= "\u0e5b" and unicodedata.category(char) != "Cn":  # Thai
        return 0 if unicodedata.category(char) == "Mn" else 1
    if char in _MORE:
        return 1
    raise Unplain(char)


WIDTHS: dict[str, int] = {}
"""Each character's width in cells as Rich's Unicode table has it, for those this module knows."""


def cells(text: str) -> int:
    """:func:`rich.cells.cell_len`, or :class:`Unplain` for a character this module does not know."""
    if _ONE.issuperset(text):
        return len(text)
    total = 0
    for char in text:
        width = WIDTHS.get(char)
        if width is None:
            width = WIDTHS[char] = _width_of(char)
        total += width
    return total


def _chop(text: str, width: int) -> list[str]:
    """:func:`rich.cells.chop_cells`: a zero-width mark stays with the character before it."""
    if _ONE.issuperset(text):
        return [text[i : i + width] for i in range(0, len(text), width)]
    spans: list[tuple[int, int, int]] = []
    for index, char in enumerate(text):
        size = cells(char)
        if size or not spans:
            spans.append((index, index + 1, size))
        else:
            begin, _end, was = spans[-1]
            spans[-1] = (begin, index + 1, was)
    lines: list[str] = []
    line_size = offset = 0
    for begin, _end, size in spans:
        if line_size + size > width:
            lines.append(text[offset:begin])
            offset, line_size = begin, 0
        line_size += size
    if line_size:
        lines.append(text[offset:])
    return lines


# --- wrapping (rich._wrap, rich.text.Text.wrap) -----------------------------------------------------------

_WORD = re.compile(r"\s*\S+\s*")
_TRAILING = re.compile(r"\s+$")


def _breaks(text: str, width: int, fold: bool) -> list[int]:
    """:func:`rich._wrap.divide_line`."""
    found: list[int] = []
    offset = 0
    match = _WORD.match(text, 0)
    while match is not None:
        start, end = match.span()
        word = match.group(0)
        match = _WORD.match(text, end)
        length = cells(word.rstrip())
        if width - offset >= length:
            offset += cells(word)
        elif length > width and not fold:
            if start:
                found.append(start)
            offset = cells(word)
        elif length > width:
            folded = _chop(word, width)
            for n, line in enumerate(folded):
                if start:
                    found.append(start)
                if n == len(folded) - 1:
                    offset = cells(line)
                else:
                    start += len(line)
        elif offset and start:
            found.append(start)
            offset = cells(word)
    return found


def wrap(text: str, width: int, *, ellipsis: bool = False) -> list[str]:
    """The lines Rich prints for this text at this width: a console's defaults (words longer than a line
    folded), or a table cell's (``ellipsis``: such words cut short with ``…``, each line filled to ``width``)."""
    if "\t" in text:
        raise Unplain("tab")  # Rich expands tabs to tab stops
    lines: list[str] = []
    for line in text.split("\n"):
        edges = [0, *_breaks(line, width, fold=not ellipsis), len(line)]
        for start, end in itertools.pairwise(edges):
            piece = line[start:end]
            if len(piece) > width:  # Text.rstrip_end counts characters
                trailing = _TRAILING.search(piece)
                if trailing is not None:
                    piece = piece[: len(piece) - min(len(trailing.group(0)), len(piece) - width)]
            size = cells(piece)
            if size > width:
                if not ellipsis:
                    raise Unplain("crop")
                piece = _crop(piece, width - 1) + "…"
            elif ellipsis:
                piece += " " * (width - size)
            lines.append(piece)
    return lines


def _crop(text: str, size: int) -> str:
    """:func:`rich.cells.set_cell_size` for a text longer than ``size`` (characters of width 0 or 1)."""
    if _ONE.issuperset(text):
        return text[: max(size, 0)]
    if size <= 0:
        return ""
    taken = 0
    for index, char in enumerate(text):
        width = cells(char)
        if width and taken + width > size:
            return text[:index]
        taken += width
    return text


# --- what the commands print ------------------------------------------------------------------------------


class Paragraphs:
    """Plain paragraphs, each wrapped at the console's width (a ``rich.console.Group`` of ``Text``), that
    Rich renders from ``rich()`` on a terminal: the same characters, with their styles."""

    def __init__(self, texts: Sequence[str], rich: Callable[[], RenderableType]) -> None:
        self.texts = list(texts)
        self._rich = rich

    def __rich__(self) -> RenderableType:
        return self._rich()

    def lines(self, width: int) -> list[str]:
        return [line for text in self.texts for line in wrap(text.translate(_CONTROL), width)]


@dataclass(frozen=True)
class Cell:
    text: str
    markup: bool = False
    """Markup (a ``str`` cell of a Rich table) or the text as it is (a ``Text`` cell)."""


class Grid:
    """A ``rich.table.Table(box=None, pad_edge=False)`` whose columns fit the width (Rich lays out the rest)."""

    def __init__(self, header: Sequence[Cell], rows: Sequence[Sequence[Cell]], rich: Callable[[], RenderableType]):
        self.header = list(header)
        self.rows = [list(row) for row in rows]
        self._rich = rich

    def __rich__(self) -> RenderableType:
        return self._rich()

    def lines(self, width: int) -> list[str]:
        table = [
            [text_of(c.text) if c.markup else c.text.translate(_CONTROL) for c in row]
            for row in (self.header, *self.rows)
        ]
        if any("\n" in text for row in table for text in row):
            raise Unplain("cell of several lines")
        last = len(self.header) - 1
        pads = [(0 if i == 0 else 1) + (0 if i == last else 1) for i in range(last + 1)]
        longest = [max(cells(row[i]) for row in table) + pads[i] for i in range(last + 1)]
        widths = [min(most, width) or 1 for most in longest]
        if sum(widths) > width:
            widths = _collapse(widths, width)
            if sum(widths) > width:
                widths = _reduce(sum(widths) - width, [1] * len(widths), widths, widths)
            widths = [min(most, w) if w - pad >= 1 else w for most, w, pad in zip(longest, widths, pads, strict=True)]
        if any(w - pad < 1 for w, pad in zip(widths, pads, strict=True)):
            raise Unplain("column too narrow")
        shown = []
        for index, row in enumerate(table):
            columns = [wrap(text, widths[i] - pads[i], ellipsis=True) for i, text in enumerate(row)]
            height = max(len(lines) for lines in columns)
            blank = [[" " * widths[i]] * (height - len(lines)) for i, lines in enumerate(columns)]
            framed = [
                [(" " if i else "") + line + (" " if i < last else "") for line in lines]
                for i, lines in enumerate(columns)
            ]
            # the header's cells sit at the bottom of their row, the others at the top
            stacks = [b + f if index == 0 else f + b for b, f in zip(blank, framed, strict=True)]
            shown += ["".join(stack[n] for stack in stacks) for n in range(height)]
        return shown


def _collapse(widths: list[int], most: int) -> list[int]:
    """``rich.table.Table._collapse_widths`` with every column wrappable."""
    total = sum(widths)
    excess = total - most
    while total and excess > 0:
        widest = max(widths)
        second = max(w if w != widest else 0 for w in widths)
        if not widest - second:
            break
        ratios = [1 if w == widest else 0 for w in widths]
        widths = _reduce(excess, ratios, [min(excess, widest - second)] * len(widths), widths)
        total = sum(widths)
        excess = total - most
    return widths


def _reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """``rich._ratio.ratio_reduce``."""
    ratios = [ratio if top else 0 for ratio, top in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, top, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            given = min(top, round(ratio * remaining / total_ratio))
            result.append(value - given)
            remaining -= given
            total_ratio -= ratio
        else:
            result.append(value)
    return result


# --- where it goes ----------------------------------------------------------------------------------------


def _std_fds() -> list[int]:
    """The descriptors Rich asks for the terminal's size: stdin's, stdout's and stderr's, as Python began."""
    fds = []
    for default, stream in enumerate((sys.__stdin__, sys.__stdout__, sys.__stderr__)):
        try:
            fds.append(stream.fileno())  # type: ignore[union-attr]
        except Exception:
            fds.append(default)
    return fds


def _rich_console(name: Literal["console", "errors"]) -> Console:
    from softspot.cli import output

    return getattr(output, name)  # type: ignore[no-any-return]


class Printer:
    """Prints as ``output.console`` (stdout) or ``output.errors`` (stderr) does, Rich imported only when needed."""

    def __init__(self, name: Literal["console", "errors"]) -> None:
        self._name = name

    @property
    def file(self) -> TextIO:
        return sys.stderr if self._name == "errors" else sys.stdout

    def width(self) -> int | None:
        """Rich's width for this stream when Rich would write no escape codes to it, else ``None``."""
        env = os.environ
        if sys.platform == "win32" or hasattr(builtins, "get_ipython") or env.get("UNICODE_VERSION"):
            return None
        if getattr(sys.stdin, "__module__", "").startswith("idlelib"):
            return None
        compatible, force = env.get("TTY_COMPATIBLE", ""), env.get("FORCE_COLOR")
        if compatible == "1" or (compatible != "0" and force):
            return None
        if compatible != "0" and force is None:
            try:
                if self.file.isatty():
                    return None
            except (AttributeError, ValueError):
                pass
        columns = env.get("COLUMNS")
        if columns is not None and columns.isdigit():
            return int(columns) or None
        for fd in _std_fds():
            try:
                size = os.get_terminal_size(fd)
            except (AttributeError, ValueError, OSError):
                continue
            return size.columns or 80
        return 80

    def print(
        self, *objects: Any, markup: bool | None = None, emoji: bool | None = None, soft_wrap: bool | None = None
    ) -> None:
        """``rich.console.Console.print`` with these options (``None``: the console's defaults)."""
        width = self.width()
        if width is not None and len(objects) <= 1:
            try:
                shown = self._plain(objects[0] if objects else "", width, markup, emoji, soft_wrap)
            except Unplain:
                pass
            else:
                if self._write(shown):
                    return
        _rich_console(self._name).print(*objects, markup=markup, emoji=emoji, soft_wrap=soft_wrap)

    def print_json(self, text: str) -> None:
        """``rich.console.Console.print_json``: indented by 2, characters as they are."""
        if self.width() is None or not self._write(json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"):
            _rich_console(self._name).print_json(text)

    def _write(self, text: str) -> bool:
        """Write and flush, as Rich does; ``False`` when the stream cannot encode it (Rich then says so)."""
        try:
            self.file.write(text)  # encoded whole before anything is written
        except UnicodeEncodeError:
            return False
        self.file.flush()
        return True

    @staticmethod
    def _plain(thing: object, width: int, markup: bool | None, emoji: bool | None, soft_wrap: bool | None) -> str:
        if isinstance(thing, str):
            emoji = emoji is not False  # the console's default: on
            if markup is not False:
                text = text_of(thing, emoji=emoji)
            else:
                text = (_emoji(thing) if emoji else thing).translate(_CONTROL)
            if soft_wrap:
                if "\t" in text:
                    raise Unplain("tab")
                return text + "\n"
            lines = wrap(text, width)
        elif isinstance(thing, (Paragraphs, Grid)):
            lines = thing.lines(width)
        else:
            raise Unplain(type(thing).__name__)
        return "".join(line + "\n" for line in lines)


stdout = Printer("console")
stderr = Printer("errors")
