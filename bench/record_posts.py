"""Record POSTs per second: gunicorn (2 workers) on a throwaway PostgreSQL, wrk beside it on this machine.

    .venv/bin/python bench/record_posts.py --seconds 20 --connections 8
    .venv/bin/python bench/record_posts.py --profile 300      # where a POST's time goes, in one process
    git archive main | tar -x -C /tmp/before && .venv/bin/python bench/record_posts.py --src /tmp/before \
        --worker-threads 1                                    # the same run on another tree, for a before/after

The server runs as a practice runs it (docs/deployment.md): ``SOFTSPOT_LAN=true`` so every request is
signed in (a session cookie and the CSRF token, as the phone sends them), PostgreSQL (started by
``tests/pg.py`` in a temporary folder, removed afterwards), ``gunicorn softspot.web.wsgi --workers 2 --threads 4``
(:data:`GUNICORN`, the settings docs/deployment.md gives: one worker per CPU core, four threads each).
wrk (Debian's ``wrk``) sends real session records, each with a new key (``bench/record_posts.lua``), so
every request stores a record and its spots; afterwards the stored records are counted. Load generator and
server share the machine's CPUs: the figure is what this machine does with both, and the report says so.

``--profile N`` instead sends N records through the whole Django stack in this process (the test client,
every middleware) under cProfile and prints where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import http.cookiejar
import json
import os
import platform
import pstats
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.pg import PostgresServer, free_port, start_server  # noqa: E402

LUA = Path(__file__).with_name("record_posts.lua")
BIN = Path(sys.executable).parent
PASSWORD = "bench password, long enough"
GUNICORN = {"workers": 2, "threads": 4}
"""docs/deployment.md's gunicorn settings for a 2-core server (tests/test_docs.py checks they agree)."""


def record_template() -> str:
    """A real record (a 3-minute plan, spots held) as JSON with ``__KEY__`` where each request's key goes."""
    from tests.helpers import make_payload

    started = datetime.now(UTC) - timedelta(days=1)
    payload = make_payload(key=uuid.UUID(int=0), started_at=started)
    payload["receiver"] = "Bench"  # as the player names whose session it is (or sends its plan)
    return json.dumps(payload).replace(str(uuid.UUID(int=0)), "__KEY__")


def environment(data: Path, database_url: str, src: Path = ROOT / "src") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOFTSPOT_", "DJANGO_"))}
    env.update(
        SOFTSPOT_DATA_DIR=str(data),
        SOFTSPOT_DATABASE_URL=database_url,
        SOFTSPOT_LAN="true",
        SOFTSPOT_DB_CONN_MAX_AGE=os.environ.get("SOFTSPOT_DB_CONN_MAX_AGE", "60"),  # production's default
        SOFTSPOT_ALLOWED_HOSTS="127.0.0.1,localhost",
        SOFTSPOT_SECRET_KEY="bench-" + "k" * 40,
        DJANGO_SETTINGS_MODULE="softspot.web.settings",
        PYTHONPATH=str(src),
    )
    return env


MAKE_USER = f"""
from softspot.store.bootstrap import setup
setup()
from django.contrib.auth.models import User
from softspot.store import receivers
receivers.add(User.objects.create_user("bench", password={PASSWORD!r}), "Bench")
"""


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (from /proc; vanished ones count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def family(pid: int) -> list[int]:
    """A process and its children (gunicorn's master and workers; PostgreSQL's postmaster and backends)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


SERVER_PID: list[int] = []


@contextmanager
def served(env: dict[str, str], workers: int, threads: int = 1) -> Iterator[str]:
    port = free_port()
    command = [str(BIN / "gunicorn"), "softspot.web.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    if threads > 1:
        # gthread workers: connections kept alive (wrk's, Caddy's), and a thread runs while another waits
        command += ["--threads", str(threads)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    SERVER_PID[:] = [proc.pid]
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/signin/", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start: {proc.stderr.read() if proc.stderr else ''}") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def sign_in(base: str) -> dict[str, str]:
    """Sign in with the password as a phone does; returns the cookies (session and CSRF)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/signin/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the sign-in page"
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "username": "bench", "password": PASSWORD})
    opener.open(urllib.request.Request(f"{base}/signin/", data=body.encode()), timeout=30).read()
    cookies = {c.name: c.value for c in jar}
    assert "sessionid" in cookies, "sign-in failed"
    return cookies


def count_records(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as conn:
        row = conn.execute("SELECT count(*) FROM store_sessionrecord").fetchone()
        return int(row[0]) if row else 0


def run_wrk(base: str, cookies: dict[str, str], template: Path, seconds: int, connections: int, threads: int) -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    command = [
        wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(LUA),
        "-H", f"Cookie: {cookie}", "-H", f"X-CSRFToken: {cookies['csrftoken']}",
        "-H", "Content-Type: application/json", f"{base}/api/records/", "--", str(template), uuid.uuid4().hex[:8],
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def throughput(args: argparse.Namespace) -> None:
    server: PostgresServer = start_server()
    try:
        with tempfile.TemporaryDirectory(prefix="softspot-posts-") as tmp:
            data = Path(tmp)
            url = server.new_database("posts")
            env = environment(data, url, args.src / "src")
            subprocess.run([sys.executable, "-c", MAKE_USER], env=env, check=True)
            template = data / "record.json"
            template.write_text(record_template())
            with served(env, args.workers, args.worker_threads) as base:
                cookies = sign_in(base)
                run_wrk(base, cookies, template, 3, args.connections, args.threads)  # warm-up
                before = count_records(url)
                postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
                app, db = family(SERVER_PID[0]), family(postmaster)
                cpu_app, cpu_db = cpu_seconds(app), cpu_seconds(db)
                load_before = os.getloadavg()[0]
                children = resource.getrusage(resource.RUSAGE_CHILDREN)
                out = run_wrk(base, cookies, template, args.seconds, args.connections, args.threads)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu_app, cpu_db = cpu_seconds(app) - cpu_app, cpu_seconds(db) - cpu_db
                cpu_wrk = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
                stored = count_records(url) - before
            print(out)
            rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
            print(f"stored in the measured run: {stored} records")
            print(
                f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
                f"gunicorn --workers {args.workers} --threads {args.worker_threads} and wrk -t{args.threads} "
                f"-c{args.connections} "
                "on the same CPUs"
            )
            if rate:
                print(f"record POSTs per second: {float(rate.group(1)):.0f}")
            if stored:
                per = {"app (gunicorn)": cpu_app, "PostgreSQL": cpu_db, "wrk": cpu_wrk}
                shown = ", ".join(f"{k} {v / stored * 1000:.2f} ms" for k, v in per.items())
                server_ms = (cpu_app + cpu_db) / stored * 1000
                print(f"CPU per stored record: {shown}")
                print(
                    f"so 2 cores given only to the server would take about {2000 / server_ms:.0f} records/s "
                    f"({server_ms:.2f} CPU-ms each); load average when the run began: {load_before:.2f}"
                )
    finally:
        server.stop()


def profile(args: argparse.Namespace) -> None:
    server = start_server()
    try:
        with tempfile.TemporaryDirectory(prefix="softspot-posts-") as tmp:
            env = environment(Path(tmp), server.new_database("profile"))
            os.environ.update(env)
            subprocess.run([sys.executable, "-c", MAKE_USER], env=env, check=True)
            from softspot.store.bootstrap import setup

            setup()
            from django.contrib.auth.models import User
            from django.test import Client

            client = Client(enforce_csrf_checks=True, HTTP_HOST="localhost")
            client.force_login(User.objects.get(username="bench"))
            page = client.get("/account/")
            csrf = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
            assert csrf, f"no CSRF cookie ({page.status_code})"
            template = record_template()
            bodies = [template.replace("__KEY__", str(uuid.uuid4())) for _ in range(args.profile + 20)]

            def post(body: str) -> Any:
                response = client.post("/api/records/", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
                assert response.status_code == 201, response.content[:300]

            for body in bodies[:20]:
                post(body)
            plain = [template.replace("__KEY__", str(uuid.uuid4())) for _ in range(args.profile)]
            started, cpu = time.perf_counter(), time.process_time()
            for body in plain:
                post(body)
            each = (time.perf_counter() - started) / args.profile * 1000
            cpu_each = (time.process_time() - cpu) / args.profile * 1000
            print(f"{args.profile} POSTs in one process: {each:.2f} ms each, {cpu_each:.2f} ms of CPU (no profiler)")
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            for body in bodies[20:]:
                post(body)
            profiler.disable()
            elapsed = time.perf_counter() - started
            each = elapsed / args.profile * 1000
            print(f"{args.profile} POSTs in one process: {each:.2f} ms each (with the profiler)")
            pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(45)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=GUNICORN["workers"], help="gunicorn workers")
    parser.add_argument(
        "--worker-threads",
        type=int,
        default=GUNICORN["threads"],
        help="gunicorn --threads (gthread when > 1; 1: sync workers, as before issue 9's work)",
    )
    parser.add_argument(
        "--src",
        type=Path,
        default=ROOT,
        help="serve this source tree instead (before and after in one run: `git archive main | tar -x -C DIR`)",
    )
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="profile N POSTs in one process instead")
    args = parser.parse_args()
    if args.profile:
        profile(args)
    else:
        throughput(args)


if __name__ == "__main__":
    main()
