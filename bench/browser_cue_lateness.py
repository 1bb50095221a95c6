"""Cue lateness in the browser player, in real time, with the page visible.

Runs ``softspot serve`` (time scale 1), makes a plan in Debian's Chromium as a
new user would (60 cm thigh: 9 spots a leg, 2 minutes a leg), and plays short
sessions: the start runs on time, the preparations are moved on by key, the
first spot of each leg is moved on after 1 s, so every later spot holds 1 s and
ends at its deadline. The page measures each deadline cue with
``performance.now()`` against the engine's deadline (``window.softspot.lateness``,
kept by player.js); taps are not counted (a tap's cue is due when it is made).

    .venv/bin/python bench/browser_cue_lateness.py [--runs 5]

Prints p50/p99/max per run and the medians across runs (docs/benchmarks.md, "Browser").
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.conftest import SPEECH_STUB
from tests.browser.flow import CHROMIUM_ARGS, new_session, served

CHROMIUM = "/usr/bin/chromium"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def kind(page: Page) -> str:
    return str(page.eval_on_selector("#player", "el => `${el.dataset.kind}:${el.dataset.spot}`"))


def wait_kind(page: Page, want: str) -> None:
    page.wait_for_function(f"() => document.querySelector('#player').dataset.kind === '{want}'", timeout=60_000)


def one_run(page: Page, base: str) -> list[float]:
    new_session(page, base, {"left": 5, "right": 5, "back": 5}, thigh="60")
    page.get_by_role("button", name="Tap to start").click()
    for _leg in range(2):
        wait_kind(page, "prepare")  # the start (6 s) or the switch ended on time
        page.keyboard.press("ArrowRight")  # palpating: moved on
        page.keyboard.press("ArrowRight")  # sitting: moved on
        wait_kind(page, "spot")
        time.sleep(1.0)
        page.keyboard.press("ArrowRight")  # the first spot softened after 1 s: later spots hold 1 s
        page.wait_for_function(
            "() => ['switch', 'finish'].includes(document.querySelector('#player').dataset.kind)", timeout=60_000
        )
        if kind(page).startswith("switch"):
            page.keyboard.press("ArrowRight")
    wait_kind(page, "finish")
    lateness: list[float] = page.evaluate("window.softspot.lateness")
    page.keyboard.press("ArrowRight")
    page.wait_for_selector("#after", state="visible")
    return lateness


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = []
    with served(time_scale=1.0) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for n in range(args.runs):
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            page.add_init_script(SPEECH_STUB)
            late = one_run(page, base)
            context.close()
            row = (len(late), percentile(late, 50), percentile(late, 99), max(late))
            rows.append(row)
            print(f"run {n + 1}: {row[0]} deadline cues  p50 {row[1]:.2f} ms  p99 {row[2]:.2f} ms  max {row[3]:.2f} ms")
        browser.close()
    print(
        f"median of {len(rows)} runs: p50 {statistics.median(r[1] for r in rows):.2f} ms"
        f"  p99 {statistics.median(r[2] for r in rows):.2f} ms"
        f"  max {statistics.median(r[3] for r in rows):.2f} ms"
    )


if __name__ == "__main__":
    main()
