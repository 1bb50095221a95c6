"""The practice at scale: 1,000 clients × 100 sessions on PostgreSQL; the overview and a client's page, timed.

    .venv/bin/python bench/practice_scale.py --clients 1000 --sessions 100 --requests 60

A throwaway PostgreSQL (tests/pg.py) gets one therapist, ``--clients`` households of one receiver each
(all the therapist's clients, each with a programme) and ``--sessions`` session records per client over the
last ``2 × sessions`` days (one in seven stopped for discomfort), bulk-created. The records carry every
column the pages read; their ``script`` and ``engine`` JSON are left empty and no spot rows are made (no
page of the practice reads them), which keeps the database at a few hundred MB instead of several GB.

Then, through the whole Django stack in this process (the test client, every middleware, the
templates; no network), it times ``--requests`` GETs of: the therapist's overview (page 1, 50 clients),
its last page, one client's page (100 sessions), and what the household sees of it; with the number of
SQL queries each makes. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.pg import start_server  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--explain", action="store_true", help="print PostgreSQL's plan of each overview query")
    args = parser.parse_args()
    server = start_server()
    try:
        with tempfile.TemporaryDirectory(prefix="softspot-scale-") as data:
            os.environ.update(
                SOFTSPOT_DATA_DIR=data,
                SOFTSPOT_DATABASE_URL=server.new_database("scale"),
                SOFTSPOT_LAN="true",
                SOFTSPOT_ALLOWED_HOSTS="testserver",
                SOFTSPOT_SECRET_KEY="scale-" + "k" * 40,
                SOFTSPOT_DB_CONN_MAX_AGE="60",
                DJANGO_SETTINGS_MODULE="softspot.web.settings",
            )
            run(args)
    finally:
        server.stop()


def run(args: argparse.Namespace) -> None:
    from softspot.store.bootstrap import setup

    setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from tests.practice_data import make_therapist
    from tests.test_practice_scale import populate

    started = time.perf_counter()
    therapist = make_therapist("jo", "Jo Reyes")
    batch = 100
    links = []
    for first in range(0, args.clients, batch):
        links += populate(therapist, min(batch, args.clients - first), args.sessions, first)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    made = time.perf_counter() - started
    print(f"made {args.clients} clients × {args.sessions} sessions in {made:.0f} s; database {size}\n")

    therapist_client = Client()
    therapist_client.force_login(therapist.user)
    household = Client()
    household.force_login(links[0].receiver.owner)
    last_page = -(-args.clients // 50)
    pages = {
        "therapist's overview, page 1 (50 clients)": (therapist_client, "/practice/"),
        f"therapist's overview, page {last_page}": (therapist_client, f"/practice/?page={last_page}"),
        f"one client's page ({args.sessions} sessions)": (therapist_client, f"/practice/clients/{links[0].pk}/"),
        "what the household sees of it": (household, f"/mine/therapists/{links[0].pk}/"),
    }
    if args.explain:
        with CaptureQueriesContext(connection) as captured:
            therapist_client.get("/practice/")
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                if query["sql"].startswith("SELECT") and "django_session" not in query["sql"]:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    print("\n".join(row[0] for row in cursor.fetchall()), "\n")
    print("| page | p50 | p95 | max | queries |")
    print("|---|---:|---:|---:|---:|")
    for label, (client, url) in pages.items():
        for _ in range(3):
            assert client.get(url).status_code == 200
        times = []
        for _ in range(args.requests):
            begun = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - begun) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(f"| {label} | {statistics.median(times):.0f} ms | {p95:.0f} ms | {times[-1]:.0f} ms | {len(captured)} |")
    print(
        f"\nmachine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"PostgreSQL from tests/pg.py (fsync off); {args.requests} requests each, in one process; "
        f"{timezone.now():%Y-%m-%d}"
    )


if __name__ == "__main__":
    main()
