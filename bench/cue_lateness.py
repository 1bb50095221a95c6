"""Cue lateness and drift of the terminal player, in real time.

    .venv/bin/python bench/cue_lateness.py --minutes-per-leg 2 --runs 3
    .venv/bin/python bench/cue_lateness.py --minutes-per-leg 10 --runs 1   # a ~26 min session: drift

Plays a planned session through the terminal player's loop (softspot.cli.live.LiveSession)
at real speed, silently, and for every cue records how late it was played after its
moment on the engine's clock (the scheduler's wake-up delay). Drift is how far the end of
the session is from the plan's length in real time (no keys pressed, so nothing ends
early). Prints p50/p99/max per run and the medians over runs as JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from io import StringIO

from rich.console import Console

from softspot.cli.live import LiveSession, Silent
from softspot.core.loader import built_in
from softspot.core.planner import PlanOptions, plan
from softspot.core.units import parse_length

ANSWERS = {q.id: False for q in built_in("hands-free-hamstring").questions}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def one_run(minutes: float) -> dict[str, float]:
    script = plan(built_in(), PlanOptions(thigh=parse_length("40 cm"), minutes_per_leg=minutes, answers=ANSWERS))
    session = LiveSession(script, console=Console(file=StringIO()), voice=Silent(), interactive=False)
    started = time.monotonic()
    engine = session.run()
    took = time.monotonic() - started
    late = [s * 1000 for s in session.lateness.samples]
    return {
        "planned_s": script.total_seconds,
        "real_s": round(took, 3),
        "drift_ms": round((took - script.total_seconds) * 1000, 1),
        "engine_end_s": engine.record()["ended_at"],
        "cues": len(late),
        "p50_ms": round(percentile(late, 0.5), 2),
        "p99_ms": round(percentile(late, 0.99), 2),
        "max_ms": round(max(late), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes-per-leg", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = []
    for n in range(args.runs):
        result = one_run(args.minutes_per_leg)
        runs.append(result)
        print(json.dumps({"run": n + 1, **result}), flush=True)
    medians = {k: statistics.median(r[k] for r in runs) for k in ("p50_ms", "p99_ms", "max_ms", "drift_ms")}
    print(json.dumps({"median_of_runs": medians, "runs": len(runs)}))


if __name__ == "__main__":
    main()
