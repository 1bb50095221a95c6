"""Start-up time of ``softspot --help`` (and, for comparison, a command that loads the core).

    .venv/bin/python bench/startup.py --runs 20

Runs each command in a fresh process ``--runs`` times and prints the median, p90 and
minimum wall time in milliseconds as JSON. The goal for ``softspot --help`` is under 100 ms.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = {
    "softspot --help": ["--help"],
    "softspot plan --help": ["plan", "--help"],
    "softspot technique list": ["technique", "list"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    exe = shutil.which("softspot") or str(Path(sys.executable).with_name("softspot"))
    for name, argv in COMMANDS.items():
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run([exe, *argv], stdout=subprocess.DEVNULL, check=True)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(
            json.dumps(
                {
                    "command": name,
                    "runs": args.runs,
                    "median_ms": round(statistics.median(times), 1),
                    "p90_ms": round(times[int(0.9 * (len(times) - 1))], 1),
                    "min_ms": round(times[0], 1),
                }
            )
        )


if __name__ == "__main__":
    main()
