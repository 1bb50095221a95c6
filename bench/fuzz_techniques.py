"""Fuzzed technique files per second, with 0 crashes, 0 hangs over 2 s and peak memory under 200 MB.

    .venv/bin/python bench/fuzz_techniques.py --cases 2000 --runs 5
    .venv/bin/python bench/fuzz_techniques.py --seed S --case I [--write FILE]   # one case again

Each run checks ``--cases`` mutated technique files (tests/fuzzing.py: the built-in technique with one to
four mutations) as ``softspot technique check`` does, and plans those that pass for three people, in
``--workers`` worker processes (1 by default: the rate of one CPU). A case over 2 s (CPU, or without an
answer) is a hang. Run ``r`` uses seed ``--seed + r``, so runs check different files. Prints one JSON
line per run, then the medians over the runs. Peak memory is the largest resident set of a worker
(``ru_maxrss``), which includes the Python process with softspot loaded before the first case.
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzzing import check_case, make_case, run

HANG_SECONDS = 2.0
MB = 2**20


def one_case(seed: int, index: int, write: str | None) -> None:
    data, names = make_case(seed, index)
    print(f"seed {seed} case {index}: {', '.join(names)}; {len(data)} bytes")
    if write:
        Path(write).write_bytes(data)
        print(f"written to {write}; check it with: softspot technique check {write}")
        return
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        kind, detail = check_case(index, data, Path(folder) / "case.yaml")
    print(f"{kind}{': ' + detail if detail else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cases", type=int, default=2000, help="files per run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--case", type=int, help="show (or --write) one case of --seed instead")
    parser.add_argument("--write", help="with --case: write the file here")
    args = parser.parse_args()
    if args.case is not None:
        one_case(args.seed, args.case, args.write)
        return

    rows = []
    for r in range(args.runs):
        seed = args.seed + r
        report = run(seed, range(args.cases), workers=args.workers, cpu_limit=HANG_SECONDS, wall_limit=HANG_SECONDS)
        kinds = collections.Counter(o.kind for o in report.outcomes)
        slowest = max(report.outcomes, key=lambda o: max(o.cpu_seconds, o.wall_seconds))
        row = {
            "run": r + 1,
            "seed": seed,
            "files": len(report.outcomes),
            "files_per_s": round(len(report.outcomes) / report.wall_seconds, 1),
            "passed_check": kinds["passed"],
            "refused": kinds["refused"],
            "crashes": kinds["crash"],
            "hangs": kinds["hang"],
            "bad_messages": kinds["bad-message"],
            "unsafe_plans": kinds["unsafe-plan"],
            "slowest_ms": round(max(slowest.cpu_seconds, slowest.wall_seconds) * 1000, 1),
            "slowest_case": f"{seed}:{slowest.index} ({', '.join(make_case(seed, slowest.index)[1])})",
            "baseline_rss_mb": round(report.baseline_rss_bytes / MB, 1),
            "peak_rss_mb": round(report.peak_rss_bytes / MB, 1),
        }
        rows.append(row)
        print(json.dumps(row))
        for failure in report.failures:
            print("  " + report.describe(failure))
    summary = {
        "runs": len(rows),
        "files": sum(r["files"] for r in rows),
        "median_files_per_s": round(statistics.median(r["files_per_s"] for r in rows), 1),
        "crashes": sum(r["crashes"] for r in rows),
        "hangs": sum(r["hangs"] for r in rows),
        "bad_messages": sum(r["bad_messages"] for r in rows),
        "unsafe_plans": sum(r["unsafe_plans"] for r in rows),
        "median_slowest_ms": round(statistics.median(r["slowest_ms"] for r in rows), 1),
        "max_slowest_ms": max(r["slowest_ms"] for r in rows),
        "max_peak_rss_mb": max(r["peak_rss_mb"] for r in rows),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
