"""Read a technique file as untrusted input, with every step bounded.

A technique file may come from anywhere, so before any YAML is parsed the file
must be a regular file of at most :data:`MAX_BYTES`, in UTF-8, without control
characters. The YAML is then composed from parser events by a small iterative
composer (never PyYAML's recursive one) that refuses anchors and aliases, tags,
keys that are not plain text, nesting deeper than :data:`MAX_DEPTH`, more than
:data:`MAX_VALUES` values and numbers longer than :data:`MAX_NUMBER_CHARS`.
Work and memory grow at most linearly with the (capped) size of the file.

Everything here answers with :class:`InputError`, whose problems are
``(line, column, message)`` with 1-based positions; the loader adds the file name.
"""

from __future__ import annotations

import bisect
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, NoReturn

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import Resolver

# Echoing text from a file lives apart, so messages can be made without importing YAML (softspot.core.echo).
from softspot.core.echo import _BAD_IN_VALUE, MAX_SHOWN, shown  # noqa: F401 (re-exported)

MAX_BYTES: Final = 256 * 1024
"""The largest technique file read (the built-in one is about 10 KB)."""
MAX_DEPTH: Final = 20
"""The deepest nesting of lists and mappings (the built-in technique needs 5)."""
MAX_VALUES: Final = 10_000
"""The most values (keys, scalars, lists and mappings) in one file (the built-in one has about 400)."""
MAX_NUMBER_CHARS: Final = 30
"""The longest number written in a file, in characters."""
Loc = tuple[str | int, ...]
Position = tuple[int, int]


class InputError(Exception):
    """The file cannot be read as a technique; ``problems`` are ``(line, column, message)``."""

    def __init__(self, problems: list[tuple[int, int, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{line}:{column}: {message}" for line, column, message in problems[:3]))


# Characters refused anywhere in the file: C0 and C1 controls (tab, line feed and carriage return
# are fine), DEL, the Unicode line and paragraph separators (YAML would count them as line breaks
# where editors do not), the non-characters YAML refuses, and lone surrogates (which is how bytes
# that are not UTF-8 arrive here, decoded with "surrogateescape").
_BAD_IN_FILE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _describe_char(char: str, where: str = "in a technique file") -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, kept by "surrogateescape"
        return f"byte 0x{code - 0xDC00:02x} is not UTF-8; save the file as UTF-8 text"
    if char in "\u2028\u2029":
        return f"a Unicode line separator (U+{code:04X}) is not allowed {where}; use an ordinary line break"
    return f"control character U+{code:04X} is not allowed {where}; remove it"


# -- the file itself ----------------------------------------------------------------------------

_KINDS: dict[Callable[[int], bool], str] = {
    stat.S_ISDIR: "a folder",
    stat.S_ISFIFO: "a named pipe (FIFO)",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISSOCK: "a socket",
}


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS.items() if test(mode)), "not a regular file")
    return f"this is {kind}, not a technique file; give the path of a YAML file"


def _too_big(size: int) -> str:
    amount = f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"
    return f"the file is {amount}; a technique file may be at most {MAX_BYTES // 1024} KB"


def read_bounded(path: str | Path) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_BYTES`, never blocking and never reading more.

    The path is looked at before it is opened (so a FIFO or a device is never opened), opened
    without blocking, and looked at again through the open file (in case it was swapped).
    """
    try:
        mode = os.stat(path).st_mode
        refused = _not_regular(mode)
        if refused:
            raise InputError([(1, 1, refused)])
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):
        raise InputError([(1, 1, "no such file")]) from None
    except PermissionError:
        raise InputError([(1, 1, "cannot be read: permission denied")]) from None
    except OSError as exc:
        raise InputError([(1, 1, f"cannot be read: {shown(exc.strerror or exc)}")]) from None
    except ValueError:  # a NUL in the path
        raise InputError([(1, 1, "no such file (the name holds a NUL character)")]) from None
    try:
        info = os.fstat(fd)
        refused = _not_regular(info.st_mode)
        if refused:
            raise InputError([(1, 1, refused)])
        if info.st_size > MAX_BYTES:
            raise InputError([(1, 1, _too_big(info.st_size))])
        chunks: list[bytes] = []
        left = MAX_BYTES + 1
        while left > 0:
            chunk = os.read(fd, left)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise InputError([(1, 1, f"cannot be read: {shown(exc.strerror or exc)}")]) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_BYTES:
        raise InputError([(1, 1, f"the file is over {MAX_BYTES // 1024} KB; a technique file may be at most that")])
    return data


def decode(data: bytes) -> str:
    """UTF-8 bytes to text; bytes that are not UTF-8 are kept (as lone surrogates) for :func:`check_text`."""
    return data.decode("utf-8", errors="surrogateescape")


class _Lines:
    """Line and column (1-based, in characters) of an index, counting line breaks as YAML does."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]

    def at(self, index: int) -> Position:
        line = bisect.bisect_right(self.starts, index) - 1
        return line + 1, index - self.starts[line] + 1

    def char(self, line: int, column: int) -> str:
        """The character at a 0-based line and column ('' past the end)."""
        if not 0 <= line < len(self.starts):
            return ""
        index = self.starts[line] + column
        return self.text[index] if 0 <= index < len(self.text) else ""


def check_text(text: str) -> None:
    """Refuse text over :data:`MAX_BYTES` or with characters a technique file must not hold."""
    if len(text) > MAX_BYTES or len(text.encode("utf-8", errors="surrogatepass")) > MAX_BYTES:
        raise InputError([(1, 1, f"the text is over {MAX_BYTES // 1024} KB; a technique file may be at most that")])
    bad = list(_BAD_IN_FILE.finditer(text))
    if bad:
        lines = _Lines(text)
        raise InputError([(*lines.at(m.start()), _describe_char(m.group())) for m in bad])


# -- YAML, composed by a bounded, iterative composer ------------------------------------------------

try:  # libyaml's parser is about ten times faster; both give the same events.
    from yaml import CSafeLoader as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{name}" for name in ("str", "int", "float", "bool", "null")}
_COLLECTION_TAGS = {f"{_TAG}seq", f"{_TAG}map"}
_NUMBER_TAGS = {f"{_TAG}int": "a whole number", f"{_TAG}float": "a number"}
_STARTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_ENDS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()


@dataclass
class Composed:
    """Plain data from the file, with where each value and each key sits (1-based)."""

    data: Any
    values: dict[Loc, Position] = field(default_factory=dict)
    keys: dict[Loc, Position] = field(default_factory=dict)
    duplicates: list[tuple[int, int, str]] = field(default_factory=list)
    """Each key given again in its mapping, where it is given again (the value there is left out)."""


def _at(event: Any) -> Position:
    """Where an event starts, 1-based."""
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Frame:
    """A list or mapping being built."""

    __slots__ = ("container", "key", "loc", "skip_value")

    def __init__(self, container: dict[str, Any] | list[Any], loc: Loc) -> None:
        self.container = container
        self.loc = loc
        self.key: str | None = None  # in a mapping: the key whose value comes next
        self.skip_value = False  # in a mapping: the next value belongs to a refused key


_NO_KEY = object()


def compose(text: str, parser: type[Any] | None = None) -> Composed:
    """Compose one YAML document into plain data, or raise :class:`InputError` with every problem.

    ``parser`` is a PyYAML loader class whose events are used (libyaml's when PyYAML has it).
    """
    try:
        loader = (parser or _Parser)(text)
    except Exception as exc:  # the parser refused the text itself: say so, never crash
        raise InputError([(1, 1, f"cannot be read as YAML ({type(exc).__name__})")]) from None
    try:
        return _Composer(loader, text).run()
    finally:
        loader.dispose()


class _Composer:
    def __init__(self, loader: Any, text: str) -> None:
        self.loader = loader
        self.text = text
        self.problems: list[tuple[int, int, str]] = []
        self.out = Composed(None)
        self.stack: list[_Frame] = []
        self.values = 0

    def event(self) -> Any:
        try:
            return self.loader.get_event()
        except yaml.MarkedYAMLError as exc:
            raise InputError([*self.problems, self.yaml_problem(exc)]) from None
        except Exception as exc:  # anything else the parser may raise: say so, never crash
            raise InputError([*self.problems, (1, 1, f"cannot be read as YAML ({type(exc).__name__})")]) from None

    def yaml_problem(self, exc: yaml.MarkedYAMLError) -> tuple[int, int, str]:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line, mark.column) if mark else (0, 0)
        lines = _Lines(self.text)
        if "\t" in (lines.char(line, column), lines.char(line, 0)) or "\\t" in (exc.problem or ""):
            return line + 1, column + 1, "a tab character; YAML indents with spaces only"
        message = f"not valid YAML: {shown(exc.problem or 'this is not valid YAML', 120)}"
        if exc.context:
            message += f" ({shown(exc.context, 80)})"
        return line + 1, column + 1, message

    def refuse(self, event: Any, message: str) -> None:
        self.problems.append((*_at(event), message))

    def run(self) -> Composed:
        self.event()  # StreamStart
        start = self.event()
        if isinstance(start, yaml.StreamEndEvent):
            return self.out
        root = self.node(self.event(), ())
        self.out.data = root
        self.event()  # DocumentEnd
        after = self.event()
        if isinstance(after, yaml.DocumentStartEvent):
            self.refuse(after, "a technique file is one YAML document; this starts a second one")
        if self.problems:
            raise InputError(self.problems)
        return self.out

    def count(self, event: Any) -> None:
        self.values += 1
        if self.values > MAX_VALUES:
            self.refuse(event, f"more than {MAX_VALUES:,} values; a technique file needs far fewer")
            raise InputError(self.problems)

    def node(self, event: Any, loc: Loc) -> Any:
        """The value starting with ``event``; a list or mapping is built without recursion."""
        if not isinstance(event, _STARTS):
            return self.leaf(event, loc)
        root = self.open(event, loc)
        if root is None:
            return None
        while self.stack:
            event = self.event()
            frame = self.stack[-1]
            if isinstance(event, _ENDS):
                self.stack.pop()
                continue
            if isinstance(frame.container, list):
                here: Loc = (*frame.loc, len(frame.container))
                frame.container.append(self.child(event, here))
                continue
            if frame.key is None and not frame.skip_value:
                self.key(event, frame)
                continue
            if frame.skip_value:
                frame.skip_value = False
                self.skip(event)
                continue
            key, frame.key = frame.key, None
            assert key is not None
            frame.container[key] = self.child(event, (*frame.loc, key))
        return root

    def child(self, event: Any, loc: Loc) -> Any:
        if isinstance(event, _STARTS):
            return self.open(event, loc)
        return self.leaf(event, loc)

    def open(self, event: Any, loc: Loc) -> dict[str, Any] | list[Any] | None:
        self.count(event)
        self.anchor_and_tag(event, _COLLECTION_TAGS)
        if len(self.stack) >= MAX_DEPTH:
            self.too_deep(event)
        self.out.values[loc] = _at(event)
        container: dict[str, Any] | list[Any] = [] if isinstance(event, yaml.SequenceStartEvent) else {}
        self.stack.append(_Frame(container, loc))
        return container

    def key(self, event: Any, frame: _Frame) -> None:
        if not isinstance(event, yaml.ScalarEvent):
            if isinstance(event, yaml.AliasEvent):
                self.count(event)
                self.refuse(event, f"aliases ('*{shown(event.anchor)}') are not allowed; write the value out in full")
            else:
                self.refuse(event, "a key must be plain text, not a list or mapping")
                self.skip(event)
            frame.skip_value = True
            return
        self.count(event)
        self.anchor_and_tag(event, _SCALAR_TAGS)
        key = event.value
        bad = _BAD_IN_VALUE.search(key)
        if bad:
            self.refuse(event, _describe_char(bad.group(), "in a key"))
        loc = (*frame.loc, key)
        position = _at(event)
        assert isinstance(frame.container, dict)
        if key in frame.container:
            self.out.duplicates.append((*position, f"'{shown(key)}' is given twice; keep one"))
            frame.skip_value = True
            return
        self.out.keys[loc] = position
        frame.key = key

    def skip(self, event: Any) -> None:
        """Pass over the rest of a value that is refused (its start is ``event``), without building it."""
        depth = 1 if isinstance(event, _STARTS) else 0
        while depth:
            event = self.event()
            if isinstance(event, _STARTS):
                depth += 1
                if len(self.stack) + depth > MAX_DEPTH:
                    self.too_deep(event)
            elif isinstance(event, _ENDS):
                depth -= 1

    def too_deep(self, event: Any) -> NoReturn:
        """Stop at once: the parser's work grows with the square of the depth, so it must not go on."""
        self.refuse(event, f"nested more than {MAX_DEPTH} levels deep; a technique file needs far fewer")
        raise InputError(self.problems)

    def anchor_and_tag(self, event: Any, allowed: set[str]) -> bool:
        """Refuse an anchor or a tag; ``False`` when the tag is refused."""
        if event.anchor is not None:
            self.refuse(event, f"anchors ('&{shown(event.anchor)}') are not allowed; write each value out in full")
        if event.tag not in (None, "!") and event.tag not in allowed:
            tag = str(event.tag).replace(_TAG, "!!", 1)
            self.refuse(event, f"the tag '{shown(tag)}' is not allowed; write a plain value")
            return False
        return True

    def leaf(self, event: Any, loc: Loc) -> Any:
        self.count(event)
        self.out.values[loc] = _at(event)
        if isinstance(event, yaml.AliasEvent):
            self.refuse(event, f"aliases ('*{shown(event.anchor)}') are not allowed; write the value out in full")
            return None
        if not isinstance(event, yaml.ScalarEvent):  # pragma: no cover - the parser gives nothing else here
            self.refuse(event, "not valid YAML here")
            return None
        if not self.anchor_and_tag(event, _SCALAR_TAGS):
            return None
        return self.scalar(event)

    def scalar(self, event: Any) -> Any:
        value: str = event.value
        tag = event.tag
        if tag in (None, "!"):
            implicit = event.implicit if tag is None else (False, False)
            tag = _RESOLVER.resolve(yaml.ScalarNode, value, implicit)  # type: ignore[no-untyped-call]
        if tag == f"{_TAG}str" or tag not in _SCALAR_TAGS | {f"{_TAG}timestamp"}:
            bad = _BAD_IN_VALUE.search(value)
            if bad:
                self.refuse(event, _describe_char(bad.group(), "in a value"))
            return value
        if tag in _NUMBER_TAGS and len(value) > MAX_NUMBER_CHARS:
            self.refuse(
                event, f"the number '{shown(value, 20)}' is too long; write at most {MAX_NUMBER_CHARS} characters"
            )
            return None
        node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark)
        try:
            return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
        except (ValueError, KeyError, OverflowError, ConstructorError):
            what = _NUMBER_TAGS.get(tag) or {f"{_TAG}bool": "true or false", f"{_TAG}null": "nothing"}.get(
                tag, "a date"
            )
            self.refuse(event, f"'{shown(value)}' cannot be read as {what}")
            return None
