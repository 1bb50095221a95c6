"""Requests per second for the technique, plan and player pages and record POSTs, beside a bare Django view.

    .venv/bin/python bench/serve_rate.py --runs 3 --seconds 10

Starts gunicorn (2 sync workers, as a practice would run it, SQLite in a fresh data folder) on a free
loopback port with softspot's whole middleware stack and one extra route, ``/bench/bare/``: a Django view
that returns "ok" (the floor every page pays). A plan with its ratings before is made for the local owner.
Then `wrk` (Debian's ``wrk``: 1 thread, 8 connections, asking for gzip as a phone does) loads each URL for
``--seconds``, ``--runs`` times in turn, and the median rate and p50 latency are printed. Record POSTs each
carry a new key (a Lua script makes one per request), so every one is stored.

The load generator shares the 2 CPUs with the server: these are rates of this machine, not of a server.
Goal (issue 12): the player page at least half the plan page's rate.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CSRF = "benchbenchbenchbenchbenchbench12"  # a 32-character secret: the cookie and the header agree

LUA = r"""
local f = io.open(os.getenv("SOFTSPOT_BENCH_BODY"), "r")
local body = f:read("*a")
f:close()
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-CSRFToken"] = "@CSRF@"
wrk.headers["Cookie"] = "csrftoken=@CSRF@"
local function uuid4()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end
request = function()
  local sent = string.gsub(body, "@@KEY@@", uuid4())
  return wrk.format(nil, nil, nil, sent)
end
""".replace("@CSRF@", CSRF)


def application() -> Any:
    """gunicorn's app: softspot with one more route, the bare view (``serve_rate:application()``)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "softspot.web.settings")
    from django.conf import settings

    settings.ROOT_URLCONF = __name__
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def bare(request: Any) -> Any:
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")


def __getattr__(name: str) -> Any:  # the URLconf, built when Django asks for it
    if name == "urlpatterns":
        from django.urls import include, path

        return [path("bench/bare/", bare), path("", include("softspot.web.urls"))]
    raise AttributeError(name)


def prepare(data: Path) -> dict[str, str]:
    """Migrate, make a plan with ratings for the local owner; return its URLs and a record body."""
    code = r"""
import json, sys
from softspot.store.bootstrap import setup
setup()
from tests.helpers import make_payload
from softspot.core.loader import built_in
from softspot.core.planner import PlanOptions, plan
from softspot.store.records import local_owner
from softspot.web.models import CueText, Plan, spoken_texts
owner = local_owner()
try:  # a household's receiver (w2-people), or the owner in code from before receivers
    from softspot.store.receivers import only_or_first
    owner = only_or_first(owner)
except ImportError:
    pass
technique = built_in()
script = plan(technique, PlanOptions(answers={q.id: False for q in technique.questions}, minutes_per_leg=3))
row = Plan.create_for(owner, script)
CueText.register(spoken_texts(script))
row.before = {"left": 5, "right": 5, "back": 5}
row.save()
body = make_payload()
body["key"] = "@@KEY@@"
print(json.dumps({"plan": f"/p/{row.id}/", "play": f"/p/{row.id}/play/", "body": json.dumps(body)}))
"""
    env = env_for(data)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    # As production serves them: hashed, compressed static files (a no-op for code from before issue 12,
    # whose storage only compresses).
    subprocess.run(
        [sys.executable, "-m", "softspot", "admin", "collectstatic", "--noinput", "-v0"], env=env, check=True
    )
    found: dict[str, str] = json.loads(out.stdout.strip().splitlines()[-1])
    return found


def env_for(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOFTSPOT_", "DJANGO_"))}
    env.update(
        SOFTSPOT_DATA_DIR=str(data),
        DJANGO_SETTINGS_MODULE="softspot.web.settings",
        PYTHONPATH=os.pathsep.join([str(ROOT / "bench"), str(ROOT), str(ROOT / "src")]),
    )
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def wrk(url: str, seconds: int, lua: Path | None, body: Path) -> dict[str, float]:
    argv = ["wrk", "-t1", "-c8", f"-d{seconds}s", "--latency", "-H", "Accept-Encoding: gzip, deflate, br"]
    if lua is not None:
        argv += ["-s", str(lua)]
    out = subprocess.run(
        [*argv, url], capture_output=True, text=True, check=True, env={**os.environ, "SOFTSPOT_BENCH_BODY": str(body)}
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {
        "rate": rate,
        "p50_ms": float(p50.group(1)) * scale[p50.group(2)] if p50 else float("nan"),
        "non_2xx": float(bad.group(1)) if bad else 0.0,
        "socket_errors": 1.0 if errors else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="softspot-rate-") as folder:
        data = Path(folder)
        urls = prepare(data)
        body = data / "record.json"
        body.write_text(urls["body"])
        lua = data / "post.lua"
        lua.write_text(LUA)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [GUNICORN, "-w", str(args.workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
             "serve_rate:application()"],
            env=env_for(data), cwd=ROOT,
        )  # fmt: skip
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"{base}/bench/bare/", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.1)
            targets: dict[str, tuple[str, Path | None]] = {
                "bare Django view": ("/bench/bare/", None),
                "technique page": ("/t/hands-free-hamstring/", None),
                "plan page": (urls["plan"], None),
                "player page": (urls["play"], None),
                "record POST": ("/api/records/", lua),
            }
            for path, _ in targets.values():  # warm both workers (and their caches) before measuring
                if path != "/api/records/":
                    for _ in range(4):
                        urllib.request.urlopen(base + path, timeout=10).read()
            results: dict[str, list[dict[str, float]]] = {}
            for _ in range(args.runs):
                for name, (path, script) in targets.items():
                    found = wrk(base + path, args.seconds, script, body)
                    results.setdefault(name, []).append(found)
                    print(json.dumps({"what": name, **found}))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    print(f"\n{'what':<18} {'req/s (median)':>14} {'p50 ms':>8}  runs")
    medians = {}
    for name, values in results.items():
        rate = statistics.median(v["rate"] for v in values)
        medians[name] = rate
        p50 = statistics.median(v["p50_ms"] for v in values)
        bad = sum(v["non_2xx"] for v in values)
        runs = ", ".join(f"{v['rate']:.0f}" for v in values)
        print(f"{name:<18} {rate:>14.0f} {p50:>8.1f}  {runs}" + (f"  ({bad:.0f} non-2xx!)" if bad else ""))
    print(f"player / plan: {medians['player page'] / medians['plan page']:.2f} (goal: at least 0.5)")


if __name__ == "__main__":
    main()
