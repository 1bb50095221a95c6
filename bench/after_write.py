"""A store command right after another softspot command wrote to the database: does it read the whole file again?

    .venv/bin/python bench/after_write.py --sessions 10000 --runs 10 --baseline /tmp/main/src

Seeds a data folder with ``--sessions`` sessions (as ``bench/history_scale.py`` does), then ``--runs`` times:
``softspot people add`` (a write, as ``guide`` saving a session or ``progress`` keeping its tally) and then
``softspot history``, timed (CPU time, user + system, and wall time). With ``--baseline SRC`` each round runs the
same pair from that ``src`` folder too, on the same data folder, so the ratio compares the two in one run.
Before issue 12's store-command work the ``history`` after a write ran ``PRAGMA quick_check`` over the whole
file (about 1 s a GB); now a command's own clean writes are stamped as checked.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import timed  # (wall ms, CPU ms) of one run, as the start-up figures are taken

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--baseline", default="", help="a src folder to time beside this checkout, run for run")
    args = parser.parse_args()
    exe = shutil.which("softspot") or str(Path(sys.executable).with_name("softspot"))
    with tempfile.TemporaryDirectory(prefix="softspot-after-write-") as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SOFTSPOT_", "DJANGO_"))}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.update(SOFTSPOT_DATA_DIR=f"{folder}/data", SOFTSPOT_CACHE_DIR=f"{folder}/cache", COLUMNS="120")
        seed = [sys.executable, str(ROOT / "bench" / "history_scale.py"), "--seed", f"{folder}/data"]
        seed += [str(args.sessions), "1"]  # that many sessions, for one receiver
        subprocess.run(seed, env={**env, "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"}, check=True)
        size = Path(folder, "data", "softspot.sqlite3").stat().st_size
        codes = {"this": env}
        if args.baseline:
            codes["baseline"] = {**env, "PYTHONPATH": str(Path(args.baseline).resolve())}
        subprocess.run([exe, "history"], stdout=subprocess.DEVNULL, env=env, check=True)  # migrate, check once
        found: dict[str, list[tuple[float, float]]] = {name: [] for name in codes}
        for n in range(args.runs):
            for name, code_env in codes.items():
                add = [exe, "people", "add", f"R{name}{n}"]
                subprocess.run(add, stdout=subprocess.DEVNULL, env=code_env, check=True)
                found[name].append(timed([exe, "history"], code_env))
        rows = {}
        for name, times in found.items():
            rows[name] = {
                "cpu_median_ms": round(statistics.median(t[1] for t in times), 1),
                "wall_median_ms": round(statistics.median(t[0] for t in times), 1),
            }
        result: dict[str, object] = {"sessions": args.sessions, "file_mb": round(size / 1e6, 1), **rows}
        if args.baseline:
            result["cpu_ratio"] = round(rows["this"]["cpu_median_ms"] / rows["baseline"]["cpu_median_ms"], 2)
            result["wall_ratio"] = round(rows["this"]["wall_median_ms"] / rows["baseline"]["wall_median_ms"], 2)
        result["load_average"] = round(os.getloadavg()[0], 2)
        print(json.dumps(result))


if __name__ == "__main__":
    main()
