"""Bursts of simultaneous record POSTs against ``softspot serve``: every one answered, none reset, each stored once.

    .venv/bin/python bench/serve_burst.py --bursts 50,200 --rounds 5

For each server it starts a fresh one (fresh data folder, SQLite, loopback), then
for each burst size sends that many POSTs of real session records to
``/api/records/`` at the same instant (new connections released together by a
barrier), and counts what came back: 201, other answers, connection resets,
refused connections, time-outs. Afterwards it counts the stored records.

Servers:

- ``cheroot``: ``softspot serve`` (cheroot, listen queue 256, 16 threads);
- ``cheroot-https``: ``softspot serve --lan --https`` on loopback, requests over TLS trusting the
  household's authority (signed in through the one-time link);
- ``django-dev``: Django's development server as ``softspot serve`` ran it before (``basehttp.run``,
  threaded, listen queue 10), for comparison.

Only loopback addresses are used. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import socket
import sqlite3
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SOFTSPOT = str(Path(sys.executable).with_name("softspot"))
OLD_SERVER = """
import sys
from softspot.store import bootstrap
bootstrap.setup()
from django.core.servers.basehttp import run
from django.core.wsgi import get_wsgi_application
announce = lambda _: print("serving", flush=True)
run("127.0.0.1", int(sys.argv[1]), get_wsgi_application(), threading=True, on_bind=announce)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    base: str
    data: Path
    context: ssl.SSLContext | None
    cookies: dict[str, str]


def _wait_for(proc: subprocess.Popen[str], marker: str) -> list[str]:
    lines: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if marker in line:
            return lines
    raise RuntimeError("the server did not start:\n" + "".join(lines))


@contextmanager
def start(kind: str) -> Iterator[Server]:
    with tempfile.TemporaryDirectory(prefix="softspot-burst-") as tmp:
        data = Path(tmp) / "data"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SOFTSPOT_", "DJANGO_"))}
        env.update(SOFTSPOT_DATA_DIR=str(data), COLUMNS="200", PYTHONUNBUFFERED="1")
        port = free_port()
        if kind == "django-dev":
            command = [sys.executable, "-c", OLD_SERVER, str(port)]
            marker = "serving"
        elif kind == "cheroot":
            command = [SOFTSPOT, "serve", "--port", str(port)]
            marker = "Ctrl-C"
        else:
            command = [SOFTSPOT, "serve", "--lan", "--https", "--host", "127.0.0.1", "--port", str(port)]
            command += ["--http-port", "0"]
            marker = "/signin/?token="
        proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        errors: list[str] = []
        try:
            lines = _wait_for(proc, marker)

            def keep_errors() -> None:
                for line in proc.stdout or []:
                    if "Error" in line or "error" in line:
                        errors.append(line.strip())

            threading.Thread(target=keep_errors, daemon=True).start()
            if kind == "cheroot-https":
                context = ssl.create_default_context(cafile=str(data / "tls" / "ca.crt"))
                link = next(w for line in lines for w in line.split() if "/signin/?token=" in w)
                cookies = sign_in(link, context)
                yield Server(f"https://127.0.0.1:{port}", data, context, cookies)
            else:
                yield Server(f"http://127.0.0.1:{port}", data, None, csrf_cookie(f"http://127.0.0.1:{port}"))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            for line in sorted(set(errors))[:5]:
                print(f"{kind} server said: {line}", file=sys.stderr)


def csrf_cookie(base: str) -> dict[str, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/t/hands-free-hamstring/check/", timeout=30).read()
    return {c.name: c.value for c in jar if c.value}


def sign_in(link: str, context: ssl.SSLContext) -> dict[str, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=context), urllib.request.HTTPCookieProcessor(jar)
    )
    opener.open(link, timeout=30).read()
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["token"][0]
    csrf = next(c.value for c in jar if c.name == "csrftoken" and c.value)
    body = urllib.parse.urlencode({"token": token, "next": "/", "csrfmiddlewaretoken": csrf}).encode()
    base = link.split("/signin/", 1)[0]
    opener.open(urllib.request.Request(f"{base}/signin/", data=body, headers={"Referer": link}), timeout=30).read()
    return {c.name: c.value for c in jar if c.value}


def payloads(count: int) -> list[bytes]:
    from tests.test_store import make_payload

    return [json.dumps(make_payload(key=uuid.uuid4())).encode() for _ in range(count)]


def burst(server: Server, bodies: list[bytes]) -> tuple[Counter[str], list[float]]:
    parts = urllib.parse.urlsplit(server.base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    cookie = "; ".join(f"{k}={v}" for k, v in server.cookies.items())
    headers = {
        "Content-Type": "application/json",
        "X-CSRFToken": server.cookies.get("csrftoken", ""),
        "Cookie": cookie,
        "Referer": f"{server.base}/",
    }
    gate = threading.Barrier(len(bodies))
    outcomes: Counter[str] = Counter()
    seconds: list[float] = []
    lock = threading.Lock()

    def one(body: bytes) -> None:
        gate.wait()
        began = time.perf_counter()
        try:
            if server.context is not None:
                conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                    host, port, context=server.context, timeout=60
                )
            else:
                conn = http.client.HTTPConnection(host, port, timeout=60)
            conn.request("POST", "/api/records/", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            outcome = str(response.status)
        except ConnectionResetError:
            outcome = "reset"
        except ConnectionRefusedError:
            outcome = "refused"
        except TimeoutError:
            outcome = "timeout"
        except (OSError, http.client.HTTPException) as exc:
            outcome = type(exc).__name__
        with lock:
            outcomes[outcome] += 1
            seconds.append(time.perf_counter() - began)

    threads = [threading.Thread(target=one, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes, seconds


def stored(data: Path) -> int:
    with sqlite3.connect(f"file:{data / 'softspot.sqlite3'}?mode=ro", uri=True) as db:
        return int(db.execute("select count(*) from store_sessionrecord").fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", default="django-dev,cheroot,cheroot-https")
    parser.add_argument("--bursts", default="50,200")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="softspot-burst-maker-") as tmp:
        os.environ["SOFTSPOT_DATA_DIR"] = tmp
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "softspot.web.settings")
        import django

        django.setup()
        sizes = [int(n) for n in args.bursts.split(",")]
        rows: list[dict[str, Any]] = []
        for kind in args.servers.split(","):
            for size in sizes:
                with start(kind) as server:
                    total: Counter[str] = Counter()
                    times: list[float] = []
                    for _ in range(args.rounds):
                        outcomes, seconds = burst(server, payloads(size))
                        total += outcomes
                        times += seconds
                    sent = size * args.rounds
                    rows.append(
                        {
                            "server": kind,
                            "burst": size,
                            "sent": sent,
                            "201": total.pop("201", 0),
                            "reset": total.pop("reset", 0),
                            "other": dict(total),
                            "stored": stored(server.data),
                            "p50": statistics.median(times),
                            "max": max(times),
                        }
                    )
                    print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print("| server | burst | sent | stored (201) | reset | other | p50 | max |")
    print("|---|---:|---:|---:|---:|---|---:|---:|")
    for r in rows:
        other = ", ".join(f"{k}: {v}" for k, v in sorted(r["other"].items())) or "none"
        print(
            f"| {r['server']} | {r['burst']} | {r['sent']} | {r['stored']} ({r['201']}) | {r['reset']} | {other} "
            f"| {r['p50'] * 1000:.0f} ms | {r['max'] * 1000:.0f} ms |"
        )


if __name__ == "__main__":
    main()
