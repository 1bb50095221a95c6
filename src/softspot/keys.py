"""Files only this computer's user may read: the installation's secret key, the household's TLS keys.

Every such file is written whole or not at all: the bytes go to a temporary file
(mode 0600) in the same folder, are flushed to disk, and only then take the
file's name. A crash leaves at most a stray ``.tmp-*`` file, never a half-written
key. Folders are made 0700.

No Django here: ``softspot.web.settings`` calls :func:`installation_secret_key`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import tempfile
from pathlib import Path

SECRET_KEY_FILE = "secret_key"
SECRET_KEY_MIN_LENGTH = 50


class FolderNotWritable(OSError):
    """softspot cannot write a file it needs in its data folder; ``str()`` says which and why, in plain words."""

    def __init__(self, path: Path, cause: OSError) -> None:
        reason = cause.strerror or str(cause)
        super().__init__(cause.errno or errno.EACCES, f"cannot write {path}: {reason}")
        self.path = path
        self.cause = cause

    def __str__(self) -> str:
        return str(self.strerror)


def private_folder(folder: Path) -> Path:
    """Make ``folder`` (and its parents) if missing; a folder softspot makes is readable by the owner only."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        pass  # a file of that name: said below
    except OSError as exc:
        raise FolderNotWritable(folder, exc) from exc
    if not folder.is_dir():
        raise FolderNotWritable(folder, NotADirectoryError(errno.ENOTDIR, "it is a file, not a folder"))
    return folder


def write_private(path: Path, data: bytes, *, replace: bool) -> bool:
    """Write ``data`` to ``path`` atomically with mode 0600.

    ``replace=False`` never overwrites: when ``path`` already exists (another
    process got there first) nothing is written and the answer is False.
    """
    private_folder(path.parent)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".tmp-{path.name}-", dir=path.parent)  # mode 0600
    except OSError as exc:
        raise FolderNotWritable(path, exc) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the name is taken: never overwrites
            except FileExistsError:
                return False
        _sync_folder(path.parent)
        return True
    except OSError as exc:
        raise FolderNotWritable(path, exc) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _sync_folder(folder: Path) -> None:
    """Flush the folder entry, so the new name survives a power cut (where the platform allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def installation_secret_key(folder: Path) -> str:
    """This installation's secret key (signs sessions and sign-in): ``<folder>/secret_key``, made on first use.

    Made once, atomically, mode 0600, and never overwritten: two processes
    starting together agree on the same key. A file too short to be a key
    (someone emptied it) is an error that says what to do, not a silent new key.
    """
    path = folder / SECRET_KEY_FILE
    if not path.exists():
        write_private(path, secrets.token_urlsafe(SECRET_KEY_MIN_LENGTH).encode(), replace=False)
    try:
        key = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretKeyUnreadable(path, f"cannot read it: {exc}") from exc
    if len(key) < SECRET_KEY_MIN_LENGTH:
        raise SecretKeyUnreadable(path, "it is too short to be a key; delete it and softspot makes a new one")
    return key


class SecretKeyUnreadable(OSError):
    """The secret key file exists but cannot be used."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(errno.EINVAL, f"the secret key file {path} is unusable: {why}")
        self.path = path

    def __str__(self) -> str:
        return str(self.strerror)


__all__ = ["FolderNotWritable", "SecretKeyUnreadable", "installation_secret_key", "private_folder", "write_private"]
