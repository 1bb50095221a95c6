"""Record engine traces: (script, timed events) -> (states, cues, record).

The stored traces are the specification; tests compare both engines against them.
Re-record only after reading the differences (``git diff tests/traces``) by hand.

    # re-record the expectations of existing traces from their own script and events
    .venv/bin/python tests/traces/record.py tests/traces/pause-and-resume.json
    # make a new trace: plan a script, then play the events (a JSON list) through the engine
    .venv/bin/python tests/traces/record.py --new NAME --description "..." --events '[...]' \\
        [--plan-arg=--thigh=25cm ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from softspot.core.engine import Engine, Outcome
from softspot.core.script import SessionScript

HERE = Path(__file__).parent
ANSWERS = {
    "heart_condition": False,
    "varicose_veins": False,
    "pregnant": False,
    "floor_difficulty": False,
    "blood_clots": False,
    "skin": False,
    "recent_injury": False,
    "bones": False,
    "joint_replacement": False,
    "nerves": False,
}


def apply(engine: Engine, event: dict[str, Any]) -> Outcome:
    """Send one trace event to the engine."""
    at = float(event["at"])
    name = event["event"]
    if name == "stop":
        return engine.stop(at, str(event["reason"]))
    method = {
        "start": engine.start,
        "tick": engine.tick,
        "softened": engine.softened,
        "pause": engine.pause,
        "resume": engine.resume,
        "extend": engine.extend,
        "skip": engine.skip,
        "halt": engine.halt,
    }[name]
    return method(at)


def run_trace(script: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    """Play the events; return the expected part of a trace."""
    engine = Engine(SessionScript.model_validate(script))
    steps = []
    for event in events:
        outcome = apply(engine, event)
        steps.append({**event, **outcome.to_dict(), "state": engine.state(float(event["at"])).to_dict()})
    return {"steps": steps, "timeline": [p.to_dict() for p in engine.timeline], "record": engine.record()}


def plan_script(args: list[str]) -> dict[str, Any]:
    from softspot.core.loader import built_in
    from softspot.core.planner import PlanOptions, plan
    from softspot.core.units import parse_length

    options: dict[str, Any] = {"answers": ANSWERS}
    for arg in args:
        key, _, value = arg.lstrip("-").partition("=")
        if key in ("thigh", "height"):
            options[key] = parse_length(value)
        elif key == "minutes-per-leg":
            options["minutes_per_leg"] = float(value)
        elif key == "start-leg":
            options["start_leg"] = value
        elif key == "add-on":
            options["add_ons"] = [*options.get("add_ons", []), value]
        elif key == "sessions":
            options["comfortable_sessions"] = int(value)
        else:
            raise SystemExit(f"record.py knows no plan option {arg!r}")
    script = plan(built_in("hands-free-hamstring"), PlanOptions(**options))
    return script.model_dump(mode="json")


def write(path: Path, trace: dict[str, Any]) -> None:
    path.write_text(json.dumps(trace, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("traces", nargs="*", type=Path)
    parser.add_argument("--new")
    parser.add_argument("--description", default="")
    parser.add_argument("--events", default="[]")
    parser.add_argument("--plan-arg", action="append", default=[])
    ns = parser.parse_args(argv)
    if ns.new:
        script = plan_script(ns.plan_arg)
        events = json.loads(ns.events)
        trace = {"name": ns.new, "description": ns.description, "script": script, "events": events}
        trace["expected"] = run_trace(script, events)
        write(HERE / f"{ns.new}.json", trace)
        print(f"wrote {HERE / (ns.new + '.json')}")
    for path in ns.traces:
        trace = json.loads(path.read_text(encoding="utf-8"))
        trace["expected"] = run_trace(trace["script"], trace["events"])
        write(path, trace)
        print(f"re-recorded {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
