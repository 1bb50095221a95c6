"""Start-up time of softspot's commands, each in a fresh process (goals: ``--help`` under 100 ms; ``plan``,
``screen`` and ``technique`` under 150 ms).

    .venv/bin/python bench/startup.py --runs 20
    .venv/bin/python bench/startup.py --runs 20 --sessions 10000   # store commands with that many sessions

Runs each command ``--runs`` times (after one run that fills the caches: the validated technique, the
database's migrations) with a fresh data and cache folder, and prints the median, p90 and minimum wall time
in milliseconds as JSON, then a table. Store commands run against a database with ``--sessions`` sessions
(seeded as ``bench/history_scale.py`` does).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANSWERS = [
    f"--answer={q}=no"
    for q in (
        "heart_condition", "varicose_veins", "pregnant", "floor_difficulty", "blood_clots", "skin",
        "recent_injury", "bones", "joint_replacement", "nerves",
    )
]  # fmt: skip
COMMANDS = {
    "softspot --help": ["--help"],
    "softspot plan --help": ["plan", "--help"],
    "softspot technique list": ["technique", "list"],
    "softspot technique show": ["technique", "show", "hands-free-hamstring"],
    "softspot screen": ["screen", *ANSWERS],
    "softspot plan": ["plan", *ANSWERS],
    "softspot history": ["history"],
    "softspot progress": ["progress"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=0, help="sessions on record for the store commands")
    parser.add_argument("--only", default="", help="comma-separated command names to run (default: all)")
    args = parser.parse_args()
    exe = shutil.which("softspot") or str(Path(sys.executable).with_name("softspot"))
    only = {c.strip() for c in args.only.split(",") if c.strip()}
    rows = []
    with tempfile.TemporaryDirectory(prefix="softspot-startup-") as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SOFTSPOT_", "DJANGO_"))}
        env.update(SOFTSPOT_DATA_DIR=f"{folder}/data", SOFTSPOT_CACHE_DIR=f"{folder}/cache", COLUMNS="120")
        if args.sessions:
            seed = [sys.executable, str(ROOT / "bench" / "history_scale.py"), "--seed", f"{folder}/data"]
            subprocess.run([*seed, str(args.sessions)], env={**env, "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"}, check=True)
        for name, argv in COMMANDS.items():
            if only and name not in only:
                continue
            subprocess.run([exe, *argv], stdout=subprocess.DEVNULL, env=env, check=True)  # fill the caches
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                subprocess.run([exe, *argv], stdout=subprocess.DEVNULL, env=env, check=True)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            row = {
                "command": name,
                "runs": args.runs,
                "median_ms": round(statistics.median(times), 1),
                "p90_ms": round(times[int(0.9 * (len(times) - 1))], 1),
                "min_ms": round(times[0], 1),
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    print(f"\n{'command':<26} {'median ms':>9} {'p90 ms':>8} {'min ms':>8}")
    for row in rows:
        print(f"{row['command']:<26} {row['median_ms']:>9} {row['p90_ms']:>8} {row['min_ms']:>8}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} (2 CPUs)")


if __name__ == "__main__":
    main()
