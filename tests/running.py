"""``softspot serve`` run as a person runs it: a subprocess, a fresh data folder, what its terminal shows.

Shared by tests/test_serve.py and the browser tests over HTTPS.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SOFTSPOT = str(Path(sys.executable).with_name("softspot"))
STARTUP_LIMIT = 60.0
"""Seconds to wait for the server to say it is serving before the test fails (never a timed assertion)."""


def clean_env(data: Path, **more: str) -> dict[str, str]:
    """This environment without softspot's or Django's settings, with ``data`` as the data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOFTSPOT_", "DJANGO_"))}
    env.update(SOFTSPOT_DATA_DIR=str(data), COLUMNS="200", PYTHONUNBUFFERED="1")
    env.update(more)
    return env


def without_admin_rights(command: list[str]) -> list[str]:
    """``command`` as an ordinary user would run it: as root, without the rights to bind low ports or to
    write where the permissions say no (``setpriv`` drops those capabilities for the command)."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        import pytest

        pytest.skip("running as root without setpriv (util-linux) to drop the rights")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner,-net_bind_service", "--", *command]


@dataclass
class Served:
    proc: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def find(self, pattern: str) -> str:
        match = re.search(pattern, self.output)
        assert match, f"not in the terminal: {pattern}\n{self.output}"
        return match.group(0)

    @property
    def base(self) -> str:
        return self.find(r"https?://\S+?(?=/ \(Ctrl-C)")

    @property
    def sign_in_link(self) -> str:
        return self.find(r"https?://\S+/signin/\?token=[\w-]+")

    @property
    def trust_url(self) -> str:
        return self.find(r"http://\S+/trust/")


@contextmanager
def serving(data: Path, *args: str, time_scale: float = 1.0) -> Iterator[Served]:
    """Run ``softspot serve ARGS`` until it prints its address (and sign-in link under --lan); stop it after."""
    env = clean_env(data, SOFTSPOT_TIME_SCALE=str(time_scale))
    proc = subprocess.Popen(
        [SOFTSPOT, "serve", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    served = Served(proc)
    ready = threading.Event()
    wants_link = "--lan" in args

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            served.lines.append(line)
            if ("/signin/?token=" in line) if wants_link else ("(Ctrl-C to stop)" in line):
                ready.set()
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        ready.wait(STARTUP_LIMIT)
        if proc.poll() is not None or not ready.is_set():
            raise AssertionError(f"softspot serve did not start:\n{served.output}")
        yield served
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        reader.join(timeout=5)
