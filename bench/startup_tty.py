"""Start-up of ``plan``, ``screen`` and ``technique show`` on a terminal (goal: under 150 ms median).

    .venv/bin/python bench/startup_tty.py --runs 25
    .venv/bin/python bench/startup_tty.py --runs 25 --baseline /tmp/before/src   # another checkout's src/ too

``bench/startup.py`` pipes the output, where softspot prints without Rich. A person types these commands at a
terminal, where Rich draws the colours: here each command runs from the ``softspot`` script with a
pseudo-terminal as its stdin, stdout and stderr (``TERM=xterm-256color``, 100 columns), the output read and
thrown away, and the median and minimum wall time of ``--runs`` runs are printed (after one run that fills the
caches). With ``--baseline SRC`` the same commands run with that ``src`` folder first on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import os
import pty
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import ANSWERS  # the same answers as the piped figures

COMMANDS = {
    "softspot plan": ["plan", "--thigh", "44 cm", *ANSWERS],
    "softspot screen": ["screen", *ANSWERS],
    "softspot technique show": ["technique", "show", "hands-free-hamstring"],
}


def once(script: str, args: list[str], env: dict[str, str]) -> float:
    leader, follower = pty.openpty()

    def drain() -> None:
        try:
            while os.read(leader, 65536):
                pass
        except OSError:
            pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    began = time.perf_counter()
    done = subprocess.run([script, *args], stdin=follower, stdout=follower, stderr=follower, env=env, check=False)
    took = (time.perf_counter() - began) * 1000
    os.close(follower)
    os.close(leader)
    if done.returncode != 0:
        raise SystemExit(f"{args[0]} exited {done.returncode}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--baseline", type=Path, help="a src folder to time after this checkout's")
    options = parser.parse_args()
    script = str(Path(sys.executable).with_name("softspot"))
    folder = tempfile.mkdtemp()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(SOFTSPOT_DATA_DIR=folder, SOFTSPOT_CACHE_DIR=f"{folder}/cache", COLUMNS="100", TERM="xterm-256color")
    sides = {"this checkout": env}
    if options.baseline:
        sides[str(options.baseline)] = {**env, "PYTHONPATH": str(options.baseline.resolve())}
    print(f"{'command':26} {'side':28} {'median ms':>10} {'min ms':>8}")
    for name, args in COMMANDS.items():
        for side, side_env in sides.items():
            once(script, args, side_env)
            times = [once(script, args, side_env) for _ in range(options.runs)]
            print(f"{name:26} {side[-28:]:28} {statistics.median(times):10.1f} {min(times):8.1f}")
    print(f"on a pseudo-terminal; load average at the end: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
