#!/usr/bin/env bash
# Lighthouse (mobile, performance only) on the player page of two checkouts, alternating, on the same machine
# at the same time, so a busy machine slows both alike: e.g. main's code against a branch.
#
#   bench/lighthouse_ab.sh BASE_DIR NEW_DIR [RUNS]     # each DIR a checkout of softspot (its src/ is served)
#
# Uses this checkout's .venv (PYTHONPATH puts each DIR's src/ first) and npx lighthouse@12 with Debian's
# Chromium. Prints one line a run: side, run, score, total blocking time, max potential FID, TTI (ms), load.
# Results: docs/benchmarks.md, "Lighthouse".
set -euo pipefail
cd "$(dirname "$0")/.."
HERE=$PWD
BASE_DIR=$(cd "$1" && pwd)
NEW_DIR=$(cd "$2" && pwd)
RUNS=${3:-6}
PY=$HERE/.venv/bin/python
OUT=$(mktemp -d)
FLAGS="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
declare -A URL PID DIR=([base]=$BASE_DIR [new]=$NEW_DIR)
trap 'kill ${PID[base]:-} ${PID[new]:-} 2>/dev/null || true' EXIT
for side in base new; do
  PORT=$($PY -c 'from tests.browser.flow import free_port; print(free_port())')
  DATA=$(mktemp -d)
  SOFTSPOT_DATA_DIR="$DATA" PYTHONPATH="${DIR[$side]}/src" .venv/bin/softspot serve --port "$PORT" >"$OUT/serve-$side.log" 2>&1 &
  PID[$side]=$!
  for _ in $(seq 100); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/t/hands-free-hamstring/" 2>/dev/null && break; sleep 0.2; done
  URL[$side]=$($PY - "http://127.0.0.1:$PORT" <<'PYEOF'
import sys
from playwright.sync_api import sync_playwright
from tests.browser.conftest import SPEECH_STUB
from tests.browser.flow import CHROMIUM_ARGS, new_session
with sync_playwright() as pw:
    browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    page = browser.new_page()
    page.add_init_script(SPEECH_STUB)
    new_session(page, sys.argv[1], {"left": 5, "right": 5, "back": 5})
    print(page.url)
    browser.close()
PYEOF
)
done
for run in $(seq "$RUNS"); do
  for side in base new; do
    for attempt in 1 2 3; do  # Lighthouse sometimes loses the trace (NO_NAVSTART): try again
      npx --yes lighthouse@12 "${URL[$side]}" --quiet --chrome-flags="$FLAGS" --only-categories=performance \
        --output=json --output-path="$OUT/$side-$run.json" >/dev/null 2>>"$OUT/lighthouse.log" && break
    done
    $PY - "$OUT/$side-$run.json" "$side" "$run" "$(cut -d' ' -f1 /proc/loadavg)" <<'PYEOF'
import json, sys
report = json.load(open(sys.argv[1]))
audits = report["audits"]
score = round(report["categories"]["performance"]["score"] * 100)
ms = {k: round(audits[k]["numericValue"]) for k in ("total-blocking-time", "max-potential-fid", "interactive")}
print(f"{sys.argv[2]:<5} {sys.argv[3]:>3}  score {score:>3}  TBT {ms['total-blocking-time']:>4}  "
      f"max-FID {ms['max-potential-fid']:>4}  TTI {ms['interactive']:>5}  load {sys.argv[4]}", flush=True)
PYEOF
  done
done
