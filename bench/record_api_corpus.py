"""The records API under the corpus of bad bodies: count the answers by status; there must be no 500.

    .venv/bin/python bench/record_api_corpus.py --rounds 20
    .venv/bin/python bench/record_api_corpus.py --rounds 20 --database-url postgres://user@host:5432/empty_db

Starts a fresh ``softspot serve`` on loopback (a new data folder, SQLite unless
``--database-url`` names an empty database), sends every body of
``tests/bad_records.py`` (the checked-in cases of ``tests/data/bad-records/`` and
the generated ones: 100,000-deep nesting, a 10 MB body, a 5,000-digit number,
wrong content types...) ``--rounds`` times, one after another over new
connections, then counts the records stored (there must be none) and sends one
good record (it must be stored). Prints a Markdown table: each status with its
count, and the rate of requests for the small bodies and for the large ones.
Exits 1 on any 5xx, any answer that is not JSON, or any bad record stored.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.bad_records import JSON, BadBody, corpus  # noqa: E402
from tests.helpers import make_payload  # noqa: E402

TOKEN = "Abcdefghijklmnopqrstuvwxyz012345"
LARGE = 1_000_000


def post(port: int, body: bytes, content_type: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.putrequest("POST", "/api/records/")
        connection.putheader("Cookie", f"csrftoken={TOKEN}")
        connection.putheader("X-CSRFToken", TOKEN)
        connection.putheader("Content-Length", str(len(body)))
        if content_type:
            connection.putheader("Content-Type", content_type)
        connection.endheaders()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a 413 may come before the body is sent
            connection.send(body)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", "")
    finally:
        connection.close()


def start(env: dict[str, str]) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "softspot", "serve", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if found:
            return process, int(found[1])
    raise SystemExit(f"softspot serve did not start (exit {process.wait()})")


def stored(env: dict[str, str], url: str | None) -> int:
    if url:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as db:
            row = db.execute("SELECT count(*) FROM store_sessionrecord").fetchone()
            return int(row[0]) if row else 0
    with sqlite3.connect(Path(env["SOFTSPOT_DATA_DIR"]) / "softspot.sqlite3") as db:
        return int(db.execute("SELECT count(*) FROM store_sessionrecord").fetchone()[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite in a new folder)")
    args = parser.parse_args()

    bodies: list[BadBody] = corpus()
    data = tempfile.mkdtemp(prefix="softspot-bench-corpus-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOFTSPOT_", "DJANGO_"))}
    env.update(SOFTSPOT_DATA_DIR=data, COLUMNS="200", PYTHONUNBUFFERED="1")
    if args.database_url:
        env["SOFTSPOT_DATABASE_URL"] = args.database_url
    process, port = start(env)
    statuses: Counter[int] = Counter()
    wrong: list[str] = []
    timing = {"small": [0, 0.0], "large": [0, 0.0]}
    try:
        for _ in range(args.rounds):
            for bad in bodies:
                began = time.perf_counter()
                status, content_type = post(port, bad.body, bad.content_type)
                size = "large" if len(bad.body) > LARGE else "small"
                timing[size][0] += 1
                timing[size][1] += time.perf_counter() - began
                statuses[status] += 1
                if status >= 500 or content_type != JSON or status != bad.status:
                    wrong.append(f"{bad.name}: {status} {content_type}")
        bad_stored = stored(env, args.database_url)
        good_status, _ = post(port, json.dumps(make_payload(key=uuid.uuid4())).encode(), JSON)
        good_stored = stored(env, args.database_url)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)

    database = "PostgreSQL" if args.database_url else "SQLite"
    total = sum(statuses.values())
    print(
        f"{len(bodies)} bad bodies x {args.rounds} rounds = {total} requests, {database}, "
        "`softspot serve` on loopback\n"
    )
    print("| answer | count |\n|---|---:|")
    for status in sorted(statuses):
        print(f"| {status} | {statuses[status]} |")
    print(f"| 5xx | {sum(n for s, n in statuses.items() if s >= 500)} |")
    for size, (count, seconds) in timing.items():
        if count:
            print(f"\n{size} bodies: {count} requests, {count / seconds:.0f} per second (one connection at a time)")
    print(f"\nbad records stored: {bad_stored}; then a good record: {good_status}, stored {good_stored}")
    tracebacks = output.count("Traceback")
    print(f"tracebacks in the server's output: {tracebacks}")
    failed = wrong or bad_stored or good_status != 201 or good_stored != 1 or tracebacks
    for line in wrong[:20]:
        print(f"WRONG {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
