"""Progress, history and the history page with 100 to 100,000 sessions on record: time, memory, size.

    .venv/bin/python bench/history_scale.py --sizes 100,1000,10000,100000 --runs 3

For each size a fresh data folder (SQLite) gets that many sessions of the local owner, cloned from one
real record (a planned script, an engine record with its spots) with varied times, ratings and notes:
the sessions are spread over at most ten years (one a day up to 3,650 sessions, several a day beyond, as a
therapist's busiest client list or a long household history would be). Then, each in a fresh process,
``--runs`` times:

* ``softspot progress`` and ``softspot history`` (and ``history --all --json``, where the CLI has it):
  wall time and the process's peak resident memory (``wait4``);
* ``progress_report()`` alone, first with no kept tally (``progress_report_afresh``: as after migrating, or
  after a session older than the last was added) then as it usually runs (the tally kept by the previous
  read), and ``GET /history/`` through Django's whole middleware stack (the test client): time, queries,
  bytes of HTML, and the process's peak resident memory.

``--data DIR`` keeps the seeded folders (one a size, ``DIR/100000``; ``100000x3`` for a household of three
receivers, whose sessions are dealt to them in turn) and reuses them; ``--code TREE`` measures the code of
another worktree on them, e.g. main's, for a before/after in one run.

Prints one JSON line per measurement, then a table of medians and the growth from 1,000 to 10,000.
``--before`` skips what the code before issue 12 did not have (``history --all``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parents[1]
ROOT = Path(os.environ.get("SOFTSPOT_BENCH_CODE") or HERE)
"""The source tree measured (``--code``; default this one): another worktree measures older code in the same run."""
SOFTSPOT = str(Path(sys.executable).with_name("softspot"))
TEN_YEARS_DAYS = 3650


def env_for(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOFTSPOT_", "DJANGO_"))}
    env.update(SOFTSPOT_DATA_DIR=str(data), COLUMNS="120", PYTHONPATH=f"{ROOT}:{ROOT / 'src'}")
    env["SOFTSPOT_BENCH_CODE"] = str(ROOT)
    return env


def _django(data: Path) -> None:
    os.environ["SOFTSPOT_DATA_DIR"] = str(data)
    sys.path[:0] = [str(HERE), str(ROOT / "src")]
    from softspot.store.bootstrap import setup

    setup()


def seed(data: Path, count: int, receivers: int = 1) -> None:
    """``count`` sessions of the local owner, cloned from one real record; with several ``receivers`` (a
    household), dealt to them in turn. The first receiver's name is left in ``bench-receiver.txt``."""
    _django(data)
    from django.db import transaction
    from tests.helpers import make_payload

    from softspot.core.record import parse_record
    from softspot.store.models import SessionRecord, SpotRecord
    from softspot.store.records import local_owner, save_record

    rng = random.Random(20261201)
    owner = local_owner()
    receiver = _receiver_of(owner)
    template, _ = save_record(receiver, parse_record(make_payload()))
    values = {
        f.attname: getattr(template, f.attname)
        for f in SessionRecord._meta.concrete_fields
        if f.attname not in {"id", "key", "created"}
    }
    spots = [
        {
            f.attname: getattr(s, f.attname)
            for f in SpotRecord._meta.concrete_fields
            if f.attname not in {"id", "record_id"}
        }
        for s in template.spots.all()
    ]
    template.delete()
    household = [receiver]
    if receivers > 1:
        from softspot.store import receivers as people

        household += [people.add(owner, f"Receiver {n + 1}") for n in range(1, receivers)]
    (data / "bench-receiver.txt").write_text(receiver.name)
    now = datetime.now(UTC).replace(microsecond=0)
    span = timedelta(days=min(count, TEN_YEARS_DAYS))
    batch = 2000
    for start in range(0, count, batch):
        rows = []
        for i in range(start, min(start + batch, count)):
            when = now - span + span * (i + 1) / count - timedelta(hours=2)
            before = [rng.randint(3, 8) for _ in range(3)]
            after = [max(0, min(10, b - rng.choice((-1, 0, 1, 1, 2, 2, 3)))) for b in before]
            stopped = rng.random() < 0.03 and i < count - 1
            row = SessionRecord(
                **{
                    **values,
                    "receiver_id": household[i % len(household)].pk,
                    "key": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "started_at": when,
                    "ended_at": when + timedelta(minutes=12),
                    "before_left": before[0],
                    "before_right": before[1],
                    "before_back": before[2],
                    "after_left": None if stopped else after[0],
                    "after_right": None if stopped else after[1],
                    "after_back": None if stopped else after[2],
                    "ended_early": stopped,
                    "stop_reason": "out_of_time" if stopped else "",
                    "note": rng.choice(("", "", "felt good", "left side tight", "calmer afterwards")),
                }
            )
            rows.append(row)
        with transaction.atomic():
            made = SessionRecord.objects.bulk_create(rows)
            SpotRecord.objects.bulk_create(SpotRecord(record_id=r.pk, **s) for r in made for s in spots)


def _receiver_of(owner: Any) -> Any:
    """The household's one receiver (w2-people's model), or the owner itself in code from before receivers."""
    try:
        from softspot.store.receivers import only_or_first
    except ImportError:
        return owner
    return only_or_first(owner)


def measure(data: Path, what: str) -> dict[str, Any]:
    """One measurement in this (fresh) process."""
    _django(data)
    from datetime import date

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from softspot.core.loader import built_in
    from softspot.store.records import local_owner, progress_report

    named = data / "bench-receiver.txt"
    if named.exists():
        from softspot.store.receivers import find

        owner = find(local_owner(), named.read_text())
    else:
        owner = _receiver_of(local_owner())
    technique = built_in()
    result: dict[str, Any] = {}
    if what == "progress_report_afresh":  # as after migrating, or after an older session was added: no kept tally
        try:
            from softspot.store.models import ProgressTally
        except ImportError:  # code from before the tally was kept: every report is afresh
            pass
        else:
            ProgressTally.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        if what in ("progress_report", "progress_report_afresh"):
            report = progress_report(owner, technique, date.today())
            result["sessions"] = report.regularity.sessions
        elif what == "history_page":
            client = Client(HTTP_ACCEPT_ENCODING="identity")
            response = client.get("/history/")
            assert response.status_code == 200, response.status_code
            result["bytes"] = len(response.content)
            result["seconds"] = time.perf_counter() - started
            result["queries_first"] = len(queries)
            again = time.perf_counter()  # the same page again, as a running server answers it
            assert client.get("/history/").status_code == 200
            result["seconds_again"] = time.perf_counter() - again
        elif what != "nothing":
            raise SystemExit(f"unknown measurement {what}")
        result.setdefault("seconds", time.perf_counter() - started)
    result["queries"] = result.pop("queries_first", len(queries))
    return result


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB, and stdout of one process."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        if proc.returncode != 0:
            raise SystemExit(f"{argv} failed ({proc.returncode}): {stderr}")
        out.seek(0)
        text = out.read().decode()
    return wall, usage.ru_maxrss / 1024, text


def _without_code(argv: list[str]) -> list[str]:
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a == "--code":
            skip = True
        elif not a.startswith("--code="):
            out.append(a)
    return out


def has_option(command: str, option: str) -> bool:
    env = env_for(Path(tempfile.gettempdir()))
    help_text = subprocess.run(
        [SOFTSPOT, command, "--help"], capture_output=True, text=True, check=False, env=env
    ).stdout
    return option in help_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", nargs=3, metavar=("DIR", "COUNT", "RECEIVERS"), help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=2, metavar=("DIR", "WHAT"), help=argparse.SUPPRESS)
    parser.add_argument("--skip", default="", help="comma-separated measurements to leave out at the largest size")
    parser.add_argument("--data", help="a folder to keep the seeded data folders in (one per size), reused if there")
    parser.add_argument("--code", help="the source tree to measure (another worktree); default: this one")
    args = parser.parse_args()
    if args.code:
        os.environ["SOFTSPOT_BENCH_CODE"] = str(Path(args.code).resolve())
        os.execv(sys.executable, [sys.executable, __file__, *_without_code(sys.argv[1:])])
    if args.seed:
        seed(Path(args.seed[0]), int(args.seed[1]), int(args.seed[2]))
        return
    if args.measure:
        print(json.dumps(measure(Path(args.measure[0]), args.measure[1])))
        return

    commands: dict[str, list[str]] = {"softspot progress": ["progress"], "softspot history": ["history"]}
    if has_option("history", "--all"):
        commands["softspot history --all --json"] = ["history", "--all", "--json"]
    medians: dict[tuple[str, int], dict[str, float]] = {}
    skip = {s for s in args.skip.split(",") if s}
    specs = [s.partition("x") for s in args.sizes.split(",")]
    sizes = [int(n) for n, _, _ in specs]
    households = {int(n): int(r or 1) for n, _, r in specs}
    for size in sizes:
        receivers = households[size]
        with contextlib.ExitStack() as stack:
            if args.data:
                data = Path(args.data) / (str(size) if receivers == 1 else f"{size}x{receivers}")
            else:
                data = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="softspot-scale-")))
            env = env_for(data)
            if not (data / "softspot.sqlite3").exists():
                data.mkdir(parents=True, exist_ok=True)
                started = time.perf_counter()
                run([sys.executable, __file__, "--seed", str(data), str(size), str(receivers)], env)
                seeded = time.perf_counter() - started
                print(json.dumps({"size": size, "seeded_seconds": round(seeded, 1)}))
            db_mib = (data / "softspot.sqlite3").stat().st_size / 2**20
            print(json.dumps({"size": size, "code": str(ROOT), "database_mib": round(db_mib, 1)}))
            samples: dict[str, list[dict[str, float]]] = {}
            for _ in range(args.runs):
                named = data / "bench-receiver.txt"
                whose = ["--receiver", named.read_text()] if receivers > 1 and named.exists() else []
                for name, argv in commands.items():
                    if size == sizes[-1] and name in skip:
                        continue
                    wall, rss, text = run([SOFTSPOT, *argv, *(whose if argv[0] == "progress" else [])], env)
                    samples.setdefault(name, []).append({"seconds": wall, "rss_mib": rss, "bytes": len(text)})
                # afresh first: it keeps a new tally, a write, so the next process checks the whole file again
                # (softspot.store.bootstrap.check_file); "nothing" pays that, not the measurements after it
                for what in ("progress_report_afresh", "nothing", "progress_report", "history_page"):
                    if size == sizes[-1] and what in skip:
                        continue
                    _, rss, text = run([sys.executable, __file__, "--measure", str(data), what], env)
                    found = json.loads(text)
                    samples.setdefault(what, []).append({**found, "rss_mib": rss})
            for name, values in samples.items():
                median = {k: statistics.median(v[k] for v in values) for k in values[0]}
                medians[(name, size)] = median
                print(
                    json.dumps(
                        {"size": size, "what": name, "runs": len(values), **{k: round(v, 4) for k, v in median.items()}}
                    )
                )
    names = list(dict.fromkeys(n for n, _ in medians))
    print(f"\n{'what':<32} {'sessions':>8} {'median s':>9} {'peak RSS MiB':>12} {'bytes':>10} {'queries':>7}")
    for name in names:
        for size in sizes:
            m = medians.get((name, size))
            if m is None:
                continue
            print(
                f"{name:<32} {size:>8,} {m['seconds']:>9.3f} {m['rss_mib']:>12.1f} "
                f"{int(m.get('bytes', 0)):>10,} {int(m['queries']) if 'queries' in m else '':>7}"
            )
        small, large = medians.get((name, 1000)), medians.get((name, 10000))
        if small and large:
            print(f"{'':<32} growth 1,000 -> 10,000: time {large['seconds'] / small['seconds']:.1f}x")


if __name__ == "__main__":
    main()
