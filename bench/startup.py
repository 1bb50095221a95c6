"""Start-up time of softspot's commands, each in a fresh process (goals: ``--help`` under 100 ms; ``plan``,
``screen`` and ``technique`` under 150 ms).

    .venv/bin/python bench/startup.py --runs 20
    .venv/bin/python bench/startup.py --runs 20 --sessions 10000   # store commands with that many sessions
    .venv/bin/python bench/startup.py --runs 15 --baseline /tmp/main-src   # beside another checkout's src/
    .venv/bin/python bench/startup.py --runs 15 --cpu   # median, p90 and min of the CPU time instead

Runs each command ``--runs`` times (after one run that fills the caches: the validated technique, the
database's migrations) with a fresh data and cache folder, and prints the median, p90 and minimum wall time
in milliseconds as JSON, then a table. Store commands run against a database with ``--sessions`` sessions
(seeded as ``bench/history_scale.py`` does). With ``--baseline SRC`` every run alternates with the same
command from that ``src`` folder (another checkout, e.g. ``git archive main src | tar -x -C /tmp/main``), on
the same interpreter and caches, so a shared machine's load falls on both alike; the table adds the
baseline's median and minimum and the ratio of the medians. Each row also gives the median CPU time (user +
system) of the command's process, which a crowded machine inflates less than the wall time, and with
``--baseline`` the baseline's and the ratio of the two. Python writes bytecode caches as installed code has them
(``PYTHONDONTWRITEBYTECODE`` is dropped).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
    parser.add_argument("--cpu", action="store_true", help="median, p90 and min of the CPU time, not the wall time")
    parser.add_argument("--baseline", default="", help="a src folder to time beside this checkout, run for run")
    args = parser.parse_args()
    exe = shutil.which("softspot") or str(Path(sys.executable).with_name("softspot"))
    only = {c.strip() for c in args.only.split(",") if c.strip()}
    rows = []
    with tempfile.TemporaryDirectory(prefix="softspot-startup-") as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SOFTSPOT_", "DJANGO_"))}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.update(SOFTSPOT_DATA_DIR=f"{folder}/data", SOFTSPOT_CACHE_DIR=f"{folder}/cache", COLUMNS="120")
        if args.sessions:
            seed = [sys.executable, str(ROOT / "bench" / "history_scale.py"), "--seed", f"{folder}/data"]
            seed += [str(args.sessions), "1"]  # that many sessions, for one receiver
            subprocess.run(seed, env={**env, "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"}, check=True)
        for name, argv in COMMANDS.items():
            if only and name not in only:
                continue
            base_env = {**env, "PYTHONPATH": str(Path(args.baseline).resolve())} if args.baseline else None
            subprocess.run([exe, *argv], stdout=subprocess.DEVNULL, env=env, check=True)  # fill the caches
            if base_env:
                subprocess.run([exe, *argv], stdout=subprocess.DEVNULL, env=base_env, check=True)
            times, base_times, cpu, base_cpu = [], [], [], []
            for _ in range(args.runs):
                wall, used = timed([exe, *argv], env)
                times.append(used if args.cpu else wall)
                cpu.append(used)
                if base_env:
                    wall, used = timed([exe, *argv], base_env)
                    base_times.append(used if args.cpu else wall)
                    base_cpu.append(used)
            times.sort()
            row: dict[str, object] = {
                "command": name,
                "runs": args.runs,
                "median_ms": round(statistics.median(times), 1),
                "p90_ms": round(times[int(0.9 * (len(times) - 1))], 1),
                "min_ms": round(times[0], 1),
                "cpu_ms": round(statistics.median(cpu), 1),
            }
            if base_times:
                row["baseline_median_ms"] = round(statistics.median(base_times), 1)
                row["baseline_min_ms"] = round(min(base_times), 1)
                row["ratio"] = round(statistics.median(times) / statistics.median(base_times), 2)
                row["baseline_cpu_ms"] = round(statistics.median(base_cpu), 1)
                row["cpu_ratio"] = round(statistics.median(cpu) / statistics.median(base_cpu), 2)
            rows.append(row)
            print(json.dumps(row), flush=True)
    extra = ""
    if args.baseline:
        extra = f" {'baseline ms':>11} {'base min':>8} {'ratio':>6} {'base cpu':>8} {'cpu ratio':>9}"
    print(f"\n{'command':<26} {'median ms':>9} {'p90 ms':>8} {'min ms':>8} {'cpu ms':>7}{extra}")
    for row in rows:
        line = f"{row['command']:<26} {row['median_ms']:>9} {row['p90_ms']:>8} {row['min_ms']:>8} {row['cpu_ms']:>7}"
        if args.baseline:
            line += f" {row['baseline_median_ms']:>11} {row['baseline_min_ms']:>8} {row['ratio']:>6}"
            line += f" {row['baseline_cpu_ms']:>8} {row['cpu_ratio']:>9}"
        print(line)
    print(f"{'CPU' if args.cpu else 'wall'} time; load average at the end: {os.getloadavg()[0]:.2f} (2 CPUs)")


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run, in milliseconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, env=env, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall * 1000, used * 1000


if __name__ == "__main__":
    main()
