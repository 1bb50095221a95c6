"""Files a person names are written safely: never through a link or onto a device, never half-written.

``remind --out``, ``export --out``, ``render-audio --out`` and ``backup`` share
``softspot.files``: a link, folder, FIFO or device is refused with one line and
exit 2 and left exactly as it was; a regular file is replaced atomically and
keeps its permissions.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.helpers import NO_ANSWERS

from softspot.files import UnsafeTarget, check_target, read_regular_file, write_atomic

COMMANDS: dict[str, Callable[[Path], list[str]]] = {
    "remind": lambda out: ["remind", "--out", str(out)],
    "export": lambda out: ["export", "--format", "json", "--out", str(out)],
    "render-audio": lambda out: ["render-audio", *NO_ANSWERS, "--format", "wav", "--out", str(out)],
    "backup": lambda out: ["backup", str(out)],
}


def softspot(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "softspot", *args],
        env={**env, "COLUMNS": "300", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A data folder with a database (backup and export need one)."""
    environment = {**os.environ, "SOFTSPOT_DATA_DIR": str(tmp_path_factory.mktemp("data"))}
    environment.pop("SOFTSPOT_DATABASE_URL", None)
    code, _, err = softspot("history", env=environment)
    assert code == 0, err
    return environment


def a_symlink(folder: Path, name: str) -> tuple[Path, Callable[[], bool]]:
    victim = folder / "victim.txt"
    victim.write_text("keep me")
    link = folder / name
    link.symlink_to(victim)
    return link, lambda: link.is_symlink() and victim.read_text() == "keep me"


def a_folder(folder: Path, name: str) -> tuple[Path, Callable[[], bool]]:
    target = folder / name
    target.mkdir()
    (target / "inside").write_text("x")
    return target, lambda: target.is_dir() and (target / "inside").read_text() == "x"


def a_fifo(folder: Path, name: str) -> tuple[Path, Callable[[], bool]]:
    target = folder / name
    os.mkfifo(target)
    return target, lambda: stat.S_ISFIFO(target.lstat().st_mode)


def a_device(folder: Path, name: str) -> tuple[Path, Callable[[], bool]]:
    target = folder / name
    try:
        os.mknod(target, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
    except PermissionError:
        pytest.skip("making a device node needs root")
    return target, lambda: stat.S_ISCHR(target.lstat().st_mode)


NAMES = {"remind": "out.ics", "export": "out.json", "render-audio": "out.wav", "backup": "out.sqlite3"}
TARGETS = {"symlink": a_symlink, "folder": a_folder, "FIFO": a_fifo, "device": a_device}
SAID = {
    "symlink": "is a symbolic link",
    "folder": "is a folder",
    "FIFO": "is a FIFO",
    "device": "is a device",
}


@pytest.mark.parametrize("kind", TARGETS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_target_that_is_not_a_regular_file_is_refused_and_left_as_it_was(
    command: str, kind: str, env: dict[str, str], tmp_path: Path
) -> None:
    target, unchanged = TARGETS[kind](tmp_path, NAMES[command])
    code, out, err = softspot(*COMMANDS[command](target), env=env)
    assert code == 2, (out, err)
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("softspot: could not play")]
    assert len(lines) == 1, err
    assert SAID[kind] in lines[0], err
    assert "Traceback" not in err
    assert unchanged()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


@pytest.mark.parametrize("command", ["remind", "export", "backup"])
def test_a_regular_file_is_replaced_whole_and_keeps_its_permissions(
    command: str, env: dict[str, str], tmp_path: Path
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o640)
    code, _, err = softspot(*COMMANDS[command](target), env=env)
    assert code == 0, err
    assert target.read_bytes() != b"old"
    expected = 0o600 if command == "backup" else 0o640  # a backup holds health data: private whatever was there
    assert stat.S_IMODE(target.stat().st_mode) == expected
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_an_atomic_write_that_fails_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("before")

    class Boom(Exception):
        pass

    from softspot.files import atomic_writer

    def half_then_fail() -> None:
        with atomic_writer(target) as stream:
            stream.write(b"half")
            raise Boom()

    with pytest.raises(Boom):
        half_then_fail()
    assert target.read_text() == "before"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    write_atomic(target, "after")
    assert target.read_text() == "after"


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(UnsafeTarget, match=r"the folder .*nowhere does not exist"):
        check_target(tmp_path / "nowhere" / "file.txt")


def test_reading_a_fifo_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "record.json"
    os.mkfifo(fifo)
    with pytest.raises(UnsafeTarget, match="is a FIFO"):
        read_regular_file(fifo, limit=1000)
    big = tmp_path / "big.json"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(UnsafeTarget, match="is larger than"):
        read_regular_file(big, limit=1000)
