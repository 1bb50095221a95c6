#!/usr/bin/env bash
# Lighthouse (npm `lighthouse`, run with npx) on the technique page, the plan page and the player,
# with Debian's Chromium, against `softspot serve` on a free port with a fresh data folder.
#
#   bench/lighthouse.sh            # phone emulation (Lighthouse's default "mobile" form factor)
#   LIGHTHOUSE_PRESET=desktop bench/lighthouse.sh
#
# Prints performance / accessibility / best-practices per page; full JSON reports go to
# $OUT (default /tmp/softspot-lighthouse). Results: docs/benchmarks.md, "Browser".
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
LIGHTHOUSE=${LIGHTHOUSE:-lighthouse@12}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
OUT=${OUT:-/tmp/softspot-lighthouse}
PORT=$($PY -c 'from tests.browser.flow import free_port; print(free_port())')
DATA=$(mktemp -d)
mkdir -p "$OUT"

SOFTSPOT_DATA_DIR="$DATA" .venv/bin/softspot serve --port "$PORT" >"$OUT/serve.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$DATA"' EXIT
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 100); do curl -fsS -o /dev/null "$BASE/t/hands-free-hamstring/" 2>/dev/null && break; sleep 0.2; done

# A plan with its ratings before, made as a new user would (the player needs both).
PLAY=$($PY - "$BASE" <<'PYEOF'
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
PLAN=${PLAY%play/}

FLAGS="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
PRESET=()
[ "${LIGHTHOUSE_PRESET:-}" = desktop ] && PRESET=(--preset=desktop)
printf '%-12s %11s %13s %14s\n' page performance accessibility best-practices
for pair in "technique|$BASE/t/hands-free-hamstring/" "plan|$PLAN" "player|$PLAY"; do
  name=${pair%%|*}
  url=${pair#*|}
  for attempt in 1 2 3; do  # Lighthouse sometimes loses the trace (NO_NAVSTART): try again
    npx --yes "$LIGHTHOUSE" "$url" --quiet --chrome-flags="$FLAGS" "${PRESET[@]}" \
      --only-categories=performance,accessibility,best-practices \
      --output=json --output-path="$OUT/$name.json" >/dev/null 2>>"$OUT/lighthouse.log" && break
    [ "$attempt" = 3 ] && { echo "$name: lighthouse failed, see $OUT/lighthouse.log" >&2; exit 1; }
  done
  $PY - "$OUT/$name.json" "$name" <<'PYEOF'
import json, sys
report = json.load(open(sys.argv[1]))
scores = [round(report["categories"][c]["score"] * 100) for c in ("performance", "accessibility", "best-practices")]
print(f"{sys.argv[2]:<12} {scores[0]:>11} {scores[1]:>13} {scores[2]:>14}")
for cat in ("accessibility", "best-practices"):
    for ref in report["categories"][cat]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            print(f"    {cat}: {ref['id']}: {audit['title']}")
PYEOF
done
