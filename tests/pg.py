"""A throwaway PostgreSQL server for tests: started by the test command itself, removed afterwards.

Two ways to use it (docs/data.md, "Testing on PostgreSQL"):

* ``pytest --db=postgres -m postgres`` runs the modules marked ``postgres``
  (``pytestmark = pytest.mark.postgres``) with Django's test database on a fresh
  server; ``bash scripts/test`` does this after the SQLite run.
* The ``postgres_server`` fixture (any run) gives a running server; its
  ``new_database()`` makes an empty database and returns its URL, e.g. for a
  ``softspot serve`` started as a subprocess with ``SOFTSPOT_DATABASE_URL``.

One server per test session, on a free port, in a temporary folder: ``initdb``
and ``pg_ctl`` from PostgreSQL's binaries (``/usr/lib/postgresql/<version>/bin``,
15 preferred), run as the ``postgres`` user when the tests run as root (initdb
refuses root), as the current user otherwise. The server is stopped and its
folder removed at the end of the session, also when tests fail or the run is
interrupted (``atexit``).
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import pytest

PREFERRED_VERSION = "15"
SUPERUSER = "softspot"
START_TIMEOUT = 60


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries here, or the server would not start; the message says what to install or read."""


def find_bindir() -> Path:
    """The folder with ``initdb`` and ``pg_ctl``: PostgreSQL 15's if installed, else the newest."""
    wanted = os.environ.get("SOFTSPOT_TEST_PG_BINDIR")
    if wanted:
        return Path(wanted)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3] or 0))
    preferred = [p for p in found if Path(p).parts[-3] == PREFERRED_VERSION]
    if preferred or found:
        return Path((preferred or found)[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise PostgresUnavailable(
        "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); `apt-get install postgresql` "
        "(bash scripts/test does it)"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class PostgresServer:
    """A running server; ``stop()`` ends it and removes its folder (safe to call twice)."""

    bindir: Path
    folder: Path
    port: int
    as_user: list[str] = field(default_factory=list)
    stopped: bool = False

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self, prefix: str = "softspot") -> str:
        """Make an empty database and return its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self._run(str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, name)
        return self.url(name)

    def _run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [*self.as_user, *argv], capture_output=True, text=True, timeout=START_TIMEOUT, check=False, cwd="/"
        )
        if done.returncode != 0:
            raise PostgresUnavailable(f"{Path(argv[0]).name} failed: {(done.stderr or done.stdout).strip()}")
        return done

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                timeout=START_TIMEOUT,
                check=False,
                cwd="/",
            )
        shutil.rmtree(self.folder, ignore_errors=True)


def start_server() -> PostgresServer:
    """initdb and start a server on a free port in a new temporary folder (stopped at exit whatever happens)."""
    bindir = find_bindir()
    folder = Path(tempfile.mkdtemp(prefix="softspot-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres", "postgres")
    server = PostgresServer(bindir, folder, free_port(), as_user)
    atexit.register(server.stop)
    _stop_on_sigterm(server)
    try:
        server._run(
            str(bindir / "initdb"),
            "-D",
            str(server.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        for attempt in range(3):
            options = (
                f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
            )
            log = folder / "server.log"
            done = subprocess.run(
                [
                    *as_user,
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(server.data),
                    "-o",
                    options,
                    "-l",
                    str(log),
                    "-w",
                    "-t",
                    str(START_TIMEOUT),
                    "start",
                ],
                capture_output=True,
                text=True,
                timeout=START_TIMEOUT + 10,
                check=False,
                cwd="/",
            )
            if done.returncode == 0:
                return server
            if attempt < 2 and "could not bind" in _tail(log):
                server.port = free_port()  # another process took the port in between
                continue
            raise PostgresUnavailable(f"PostgreSQL did not start: {done.stderr.strip()}\n{_tail(log)}")
    except BaseException:
        server.stop()
        raise
    raise PostgresUnavailable("PostgreSQL did not start")


def _stop_on_sigterm(server: PostgresServer) -> None:
    """A test run ended with SIGTERM (a CI timeout) stops the server too; atexit alone does not run then."""
    if threading.current_thread() is not threading.main_thread():
        return
    previous = signal.getsignal(signal.SIGTERM)

    def stop_then_go_on(signum: int, frame: FrameType | None) -> None:
        server.stop()
        if callable(previous):
            previous(signum, frame)
        else:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop_then_go_on)


def _tail(log: Path) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-10:])
    except OSError:
        return ""


_server: PostgresServer | None = None


def session_server() -> PostgresServer:
    """The session's server, started on first use."""
    global _server
    if _server is None or _server.stopped:
        _server = start_server()
    return _server


def wait_until_accepting(server: PostgresServer, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", server.port)) == 0:
                return
        time.sleep(0.1)
    raise PostgresUnavailable(f"PostgreSQL does not accept connections on port {server.port}")


# The pytest side: the --db option, the postgres marker, and the fixtures.


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="Database for Django's test database: sqlite (in memory, default) or postgres (a throwaway server).",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--db") != "postgres":
        return
    server = session_server()
    from django.conf import settings
    from django.db import connections

    # Settings were read before this hook; point the default database at the server before anything connects.
    from softspot.web.dbsettings import database

    settings.DATABASES["default"] = database(server.url("softspot"))
    connections.__dict__.pop("settings", None)  # the handler's cached copy of the settings
    connections._settings = None  # type: ignore[attr-defined]
    with contextlib.suppress(AttributeError):
        del connections["default"]  # a wrapper made for SQLite, if any


def pytest_unconfigure(config: pytest.Config) -> None:
    if _server is not None:
        _server.stop()


def pytest_report_header(config: pytest.Config) -> str:
    if config.getoption("--db") == "postgres" and _server is not None:
        return f"database: PostgreSQL from {_server.bindir} on port {_server.port} ({_server.folder})"
    return "database: SQLite (pytest --db=postgres for PostgreSQL)"


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    """A running PostgreSQL server for this session (the one ``--db=postgres`` uses, if any); stopped at the end."""
    server = session_server()
    wait_until_accepting(server)
    return server


@pytest.fixture
def on_postgres(request: pytest.FixtureRequest) -> bool:
    """Whether Django's test database is PostgreSQL in this run."""
    return bool(request.config.getoption("--db") == "postgres")
