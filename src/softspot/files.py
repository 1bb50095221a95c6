"""Writing a file the user named, safely: never through a link or onto a device, never half-written.

``remind --out``, ``export --out``, ``render-audio --out`` and ``backup`` all
write here. A target that is a symbolic link, a folder, a FIFO, a socket or a
device is refused (:class:`UnsafeTarget`) and left as it was. A regular file is
replaced atomically: the new content goes to a temporary file in the same
folder, is flushed to disk (fsync), takes the old file's permissions (or the
usual ones for a new file), and is renamed over the target, so a reader sees
the old file or the new one, never a mix, and a crash leaves the old one.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


class UnsafeTarget(ValueError):
    """The target is not a regular file softspot may replace; the message says what it is instead."""


def _kind(mode: int) -> str | None:
    if stat.S_ISLNK(mode):
        return "a symbolic link (softspot does not write through links; give the real file's path)"
    if stat.S_ISDIR(mode):
        return "a folder; give a file name inside it"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe), not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file"
    if not stat.S_ISREG(mode):
        return "not a regular file"
    return None


def check_target(path: Path) -> os.stat_result | None:
    """The target's status when it is an existing regular file, None when it does not exist yet.

    Raises :class:`UnsafeTarget` for anything else, and when the folder it would go in does not exist.
    """
    try:
        status = path.lstat()
    except FileNotFoundError:
        status = None
    except OSError as exc:
        raise UnsafeTarget(f"{path} cannot be looked at ({exc.strerror})") from None
    if status is not None:
        kind = _kind(status.st_mode)
        if kind is not None:
            raise UnsafeTarget(f"{path} is {kind}")
        return status
    folder = path.parent
    if not folder.is_dir():
        raise UnsafeTarget(f"the folder {folder} does not exist")
    return None


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_writer(path: Path, *, mode: int | None = None) -> Iterator[BinaryIO]:
    """Write ``path`` through a temporary file beside it, replaced atomically when the block ends without error.

    ``mode``: the new file's permissions; default: the old file's, or the usual
    ones (0666 less the umask) for a new file. On any error the temporary file
    is removed and the target is unchanged.
    """
    old = check_target(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        keep = mode if mode is not None else (stat.S_IMODE(old.st_mode) if old is not None else _new_file_mode())
        os.chmod(temporary, keep)
        commit(Path(temporary), path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes | str, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8) atomically; see :func:`atomic_writer`."""
    with atomic_writer(path, mode=mode) as stream:
        stream.write(data.encode("utf-8") if isinstance(data, str) else data)


def commit(temporary: Path, path: Path) -> None:
    """Rename a finished temporary file (in the same folder) over ``path``, after checking ``path`` again.

    The temporary file is flushed to disk first, and the folder after the
    rename, so the new name survives a crash.
    """
    check_target(path)
    with open(temporary, "rb") as stream:
        os.fsync(stream.fileno())
    os.replace(temporary, path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_regular_file(path: Path, *, limit: int) -> bytes:
    """The bytes of a regular file no larger than ``limit``; OSError or UnsafeTarget saying why not.

    Opened without blocking, so a FIFO cannot hang the command, and checked
    after opening, so what is read is what was checked.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        status = os.fstat(fd)
        kind = _kind(status.st_mode)
        if kind is not None:
            raise UnsafeTarget(f"{path} is {kind}")
        if status.st_size > limit:
            raise UnsafeTarget(f"{path} is larger than {limit // 1_000_000} MB")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise UnsafeTarget(f"{path} is larger than {limit // 1_000_000} MB")
    return b"".join(chunks)
