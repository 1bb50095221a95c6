"""The data folder as a person meets it: WAL, a read-only or missing folder, a damaged file, backups, doctor.

Each command runs as the ``softspot`` program in another process, the way a
person runs it. A read-only folder is really read-only: ``chmod 500``, with root's
rights to ignore permissions dropped (``setpriv``), and a read-only bind mount in
a private mount namespace (``unshare -m``, as root).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.helpers import NIGHT, NO_ANSWERS, make_payload
from tests.running import without_admin_rights

GUIDE = ["guide", *NO_ANSWERS, "--before", "5,5,5", "--after", "3,3,3", "--speed", "5000", "--no-voice"]
STORE_COMMANDS = {
    "history": ["history"],
    "progress": ["progress"],
    "export": ["export", "--format", "csv"],
    "guide": GUIDE,
    "serve": ["serve", "--port", "0"],
    "admin": ["admin", "migrate"],
}


def softspot(
    *args: str, env: dict[str, str], wrap: list[str] | None = None, timeout: float = 120
) -> tuple[int, str, str]:
    done = subprocess.run(
        [*(wrap or []), sys.executable, "-m", "softspot", *args],
        env={**env, "COLUMNS": "300", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = {**os.environ, "SOFTSPOT_DATA_DIR": str(tmp_path / "data")}
    environment.pop("SOFTSPOT_DATABASE_URL", None)
    return environment


def database(env: dict[str, str]) -> Path:
    return Path(env["SOFTSPOT_DATA_DIR"]) / "softspot.sqlite3"


def fill(env: dict[str, str], sessions: int) -> list[str]:
    """Store ``sessions`` records through the store (in another process); their keys."""
    records = [make_payload(started_at=NIGHT - timedelta(days=n)) for n in range(sessions)]
    code = (
        "import json, sys\n"
        "from softspot.store.bootstrap import setup\n"
        "setup()\n"
        "from softspot.core.record import parse_record\n"
        "from softspot.store.records import local_owner, save_record\n"
        "from softspot.store.receivers import only_or_first\n"
        "owner = local_owner()\n"
        "for r in json.load(sys.stdin):\n"
        "    save_record(only_or_first(owner), parse_record(r))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(records), env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return [r["key"] for r in records]


def damage_middle_pages(path: Path, pages: int = 6) -> None:
    size = path.stat().st_size
    page = 4096
    middle = size // page // 2
    with open(path, "r+b") as f:
        for n in range(middle, middle + pages):
            f.seek(n * page)
            f.write(bytes(range(256)) * (page // 256))


def one_clear_line(stderr: str, *expected: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("softspot: "), stderr
    assert "Traceback" not in stderr
    for text in expected:
        assert text in lines[0], stderr


# WAL


def test_sqlite_runs_in_wal_mode_with_synchronous_normal_and_a_busy_timeout(env: dict[str, str]) -> None:
    code = (
        "from softspot.store.bootstrap import setup\n"
        "setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    for p in ('journal_mode', 'synchronous', 'busy_timeout'):\n"
        "        print(c.execute(f'PRAGMA {p}').fetchone()[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["wal", "1", "20000"]  # synchronous 1 = NORMAL; 20 s in milliseconds
    with open(database(env), "rb") as f:
        assert f.read(20)[18:20] == b"\x02\x02"  # the file itself says WAL


# A folder that cannot be written, or made


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with 150 sessions, made once for the module; tests take copies."""
    folder = tmp_path_factory.mktemp("filled")
    environment = {**os.environ, "SOFTSPOT_DATA_DIR": str(folder)}
    environment.pop("SOFTSPOT_DATABASE_URL", None)
    fill(environment, 150)
    return database(environment)


def copy_of(filled: Path, env: dict[str, str]) -> Path:
    path = database(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(filled, path)
    return path


def read_only_wrapper(folder: Path, how: str) -> list[str]:
    """A command prefix that runs a program with ``folder`` read-only: ``chmod 500`` (as root, without the
    rights that ignore permissions), or a read-only bind mount in a private mount namespace (root only)."""
    if how == "chmod 500":
        folder.chmod(0o500)
        return without_admin_rights([])
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("a read-only mount needs root and unshare")
    if subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False).returncode != 0:
        pytest.skip("mount namespaces are not allowed here")
    script = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"'
    return ["unshare", "-m", "sh", "-c", script, str(folder)]


@pytest.fixture(params=["chmod 500", "read-only mount"])
def read_only(request: pytest.FixtureRequest, env: dict[str, str], filled: Path) -> Iterator[list[str]]:
    copy_of(filled, env)
    folder = Path(env["SOFTSPOT_DATA_DIR"])
    yield read_only_wrapper(folder, request.param)
    folder.chmod(0o700)


@pytest.mark.parametrize("command", STORE_COMMANDS, ids=str)
def test_a_read_only_folder_is_one_clear_line_and_exit_2(
    command: str, env: dict[str, str], read_only: list[str]
) -> None:
    before = sorted(p.name for p in Path(env["SOFTSPOT_DATA_DIR"]).iterdir())
    code, out, err = softspot(*STORE_COMMANDS[command], env=env, wrap=read_only, timeout=60)
    assert code == 2, (out, err)
    one_clear_line(err, f"the data folder {env['SOFTSPOT_DATA_DIR']} cannot be written", "SOFTSPOT_DATA_DIR")
    assert "The session" not in out  # guide: nothing started
    assert sorted(p.name for p in Path(env["SOFTSPOT_DATA_DIR"]).iterdir()) == before


@pytest.mark.parametrize("command", ["history", "guide", "serve", "admin"])
def test_a_folder_that_cannot_be_made_is_one_clear_line_and_exit_2(
    command: str, tmp_path: Path, env: dict[str, str]
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    env["SOFTSPOT_DATA_DIR"] = str(tmp_path / "a-file" / "data")
    code, out, err = softspot(*STORE_COMMANDS[command], env=env, timeout=60)
    assert code == 2, (out, err)
    one_clear_line(err, f"the data folder {tmp_path / 'a-file' / 'data'} cannot be made", "is not a folder")


def test_a_database_server_out_of_reach_is_one_clear_line(env: dict[str, str]) -> None:
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    env["SOFTSPOT_DATABASE_URL"] = f"postgres://someone@127.0.0.1:{port}/softspot"
    code, _, err = softspot("history", env=env)
    assert code == 2
    one_clear_line(err, f"cannot reach the database 127.0.0.1:{port}/softspot", "SOFTSPOT_DATABASE_URL")


def test_settings_that_cannot_start_are_one_clear_line(env: dict[str, str]) -> None:
    env["SOFTSPOT_DEBUG"] = "maybe"
    code, _, err = softspot("history", env=env)
    assert code == 2
    one_clear_line(err, "SOFTSPOT_DEBUG='maybe': use true or false")


# A damaged database


@pytest.fixture
def damaged(env: dict[str, str], filled: Path) -> Path:
    path = copy_of(filled, env)
    damage_middle_pages(path)
    return path


@pytest.mark.parametrize("command", [*STORE_COMMANDS, "backup"], ids=str)
def test_a_damaged_database_is_found_at_start_and_the_way_out_is_given(
    command: str, env: dict[str, str], damaged: Path, tmp_path: Path
) -> None:
    args = ["backup", str(tmp_path / "copy.sqlite3")] if command == "backup" else STORE_COMMANDS[command]
    code, out, err = softspot(*args, env=env, timeout=60)
    assert code == 2, (out, err)
    one_clear_line(err, f"the database {damaged} is damaged", "softspot backup FILE", "mkdir -p damaged && mv")
    assert "The session" not in out
    assert not (tmp_path / "copy.sqlite3").exists()


def test_the_way_out_of_a_damaged_database_works(env: dict[str, str], damaged: Path) -> None:
    _, _, err = softspot("history", env=env)
    move_aside = err.split("move it aside and start with an empty one: `")[1].split("`")[0]
    subprocess.run(["sh", "-c", move_aside], check=True)
    code, out, err = softspot("history", env=env)
    assert (code, err) == (0, "")
    assert "No sessions recorded yet" in out
    assert (damaged.parent / "damaged" / damaged.name).is_file()


def test_a_file_that_is_not_a_database_is_damaged_too(env: dict[str, str]) -> None:
    path = database(env)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not SQLite" * 1000)
    code, _, err = softspot("progress", env=env)
    assert code == 2
    one_clear_line(err, "is damaged (file is not a database)")


def test_doctor_names_the_damage_and_exits_1(env: dict[str, str], damaged: Path) -> None:
    code, out, err = softspot("doctor", env=env)
    assert code == 1, err
    assert any(
        line.startswith("PROBLEM database") and f"the database {damaged} is damaged" in line
        for line in out.splitlines()
    )
    assert "1 problem to fix" in out


def test_serve_stops_taking_records_once_a_page_finds_the_database_damaged(env: dict[str, str], filled: Path) -> None:
    from tests.test_api_corpus import Served, serve, wait_for_port

    copy_of(filled, env)
    process = serve(env)
    try:
        served = Served(wait_for_port(process), process, None)
        good = json.dumps(make_payload(started_at=datetime.now(UTC) - timedelta(hours=1))).encode()
        assert served.post(good, "application/json")[0] == 201
        time.sleep(0.2)
        # Damage the file under the running server (its write-ahead log checkpointed first).
        with sqlite3.connect(database(env)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        damage_middle_pages(database(env))
        import http.client

        page = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
        # The download of everything reads every record whole (the history page reads an index and a few columns,
        # which the damage may miss).
        page.request("GET", "/mine/everything.json")
        answer = page.getresponse()
        text = answer.read().decode()
        assert answer.status == 503, text[:500]
        assert "is damaged" in text and "softspot backup FILE" in text
        again = json.dumps(make_payload(started_at=datetime.now(UTC) - timedelta(minutes=30))).encode()
        status, content_type, body = served.post(again, "application/json")
        assert (status, content_type) == (503, "application/json")
        assert "is damaged" in json.loads(body)["errors"][0]["message"]
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert " 500 " not in output, output[-5000:]


# Backup


def test_backup_copies_a_live_database_while_another_process_writes(env: dict[str, str], tmp_path: Path) -> None:
    fill(env, 20)
    writer_code = (
        "import json, sys, uuid\n"
        "from softspot.store.bootstrap import setup\n"
        "setup()\n"
        "from softspot.core.record import parse_record\n"
        "from softspot.store.records import local_owner, save_record\n"
        "from softspot.store.receivers import only_or_first\n"
        "owner, record = local_owner(), json.load(sys.stdin)\n"
        "print('writing', flush=True)\n"
        "for n in range(400):\n"
        "    save_record(only_or_first(owner), parse_record({**record, 'key': str(uuid.uuid4())}))\n"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", writer_code],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdin is not None and writer.stdout is not None
    writer.stdin.write(json.dumps(make_payload()))
    writer.stdin.close()
    assert writer.stdout.readline().strip() == "writing"
    copies = []
    try:
        for n in range(3):
            copy = tmp_path / f"copy-{n}.sqlite3"
            code, out, err = softspot("backup", str(copy), env=env)
            assert code == 0, err
            assert f"to {copy}" in out and "To restore it: stop softspot" in out
            copies.append(copy)
    finally:
        assert writer.wait(timeout=120) == 0
    counts = []
    for copy in copies:
        with sqlite3.connect(copy) as db:
            assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            counts.append(db.execute("SELECT count(*) FROM store_sessionrecord").fetchone()[0])
        assert oct(copy.stat().st_mode & 0o777) == "0o600"
    assert 20 <= counts[0] <= counts[1] <= counts[2] <= 420
    assert not list(tmp_path.glob(".copy-*"))  # no temporary file left


def test_backup_says_to_use_pg_dump_on_postgresql(env: dict[str, str], tmp_path: Path) -> None:
    env["SOFTSPOT_DATABASE_URL"] = "postgres://someone@db.example:5432/practice"
    code, _, err = softspot("backup", str(tmp_path / "x.dump"), env=env)
    assert code == 2
    one_clear_line(err, "pg_dump --format=custom --file")
    assert not (tmp_path / "x.dump").exists()


def test_backup_with_no_database_yet_says_so(env: dict[str, str], tmp_path: Path) -> None:
    code, _, err = softspot("backup", str(tmp_path / "copy.sqlite3"), env=env)
    assert code == 2
    one_clear_line(err, "there is no database at", "nothing to back up")


def test_backup_refuses_to_write_over_the_database_itself(env: dict[str, str]) -> None:
    fill(env, 1)
    code, _, err = softspot("backup", str(database(env)), env=env)
    assert code == 2
    one_clear_line(err, "is the database itself")


# Doctor


def fake_program(folder: Path, name: str, script: str) -> None:
    folder.mkdir(exist_ok=True)
    program = folder / name
    program.write_text(f"#!/bin/sh\n{script}\n")
    program.chmod(0o755)


def test_doctor_on_a_healthy_folder_answers_plainly_and_exits_0(env: dict[str, str]) -> None:
    fill(env, 2)
    code, out, err = softspot("doctor", env=env)
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[0].startswith("ok      data folder") and "writable" in lines[0]
    assert any(line.startswith("ok      database") and "2 sessions, quick_check ok" in line for line in lines)
    assert any(line.startswith("ok      write-ahead log") for line in lines)
    assert any(line.startswith("ok      migrations") and "all applied" in line for line in lines)
    assert any(line.startswith("ok      certificate") for line in lines)


def test_doctor_does_not_trust_an_espeak_that_exits_0_without_sound(env: dict[str, str], tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    fake_program(bin_dir, "espeak-ng", 'case "$1" in --version) echo "eSpeak NG 9.9";; esac\nexit 0')
    env["PATH"] = f"{bin_dir}:/usr/bin:/bin"
    code, out, _ = softspot("doctor", env=env)
    assert code == 1
    assert "PROBLEM espeak-ng" in out and "installed but cannot render a cue" in out


def test_doctor_says_plainly_when_there_is_no_sound_output(env: dict[str, str], tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for program in ("python3", "sh"):
        (bin_dir / program).symlink_to(shutil.which(program) or f"/usr/bin/{program}")
    env["PATH"] = str(bin_dir)  # no espeak-ng, no player
    code, out, _ = softspot("doctor", env=env)
    assert code == 0, out
    assert "note    espeak-ng" in out and "not installed" in out
    assert "note    sound output" in out and "no audio player program" in out


def test_doctor_reports_the_certificate_files_and_a_key_others_can_read(env: dict[str, str]) -> None:
    tls = Path(env["SOFTSPOT_DATA_DIR"]) / "tls"
    tls.mkdir(parents=True)
    (tls / "ca-key.pem").write_text("-----BEGIN PRIVATE KEY-----\n")
    (tls / "ca-key.pem").chmod(0o644)
    (tls / "server.pem").write_text("not a certificate")
    code, out, _ = softspot("doctor", env=env)
    assert code == 1
    assert "ca-key.pem (0644), server.pem" in out
    assert "PROBLEM certificate key" in out and "chmod 600" in out


def test_doctor_reads_the_certificates_softspot_made(env: dict[str, str]) -> None:
    from softspot import tls

    folder = Path(env["SOFTSPOT_DATA_DIR"]) / "tls"
    now = datetime.now(UTC)
    tls.ensure(folder, tls.server_names("192.168.1.20", "laptop"), now, "laptop")
    code, out, _ = softspot("doctor", env=env)
    assert code == 0, out
    assert "ca.crt (0600), ca.key (0600), server.crt (0600), server.key (0600)" in out
    until = (now + tls.SERVER_LIFETIME).strftime("%Y-%m-%d")
    assert any(
        line.startswith("ok      certificate") and "server.crt" in line and until in line for line in out.splitlines()
    )
