"""Steps a new user takes in the browser, shared by the browser tests and benches."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

TECHNIQUE = "hands-free-hamstring"
NO_TO_ALL = {
    "heart_condition": "no",
    "varicose_veins": "no",
    "pregnant": "no",
    "floor_difficulty": "no",
    "blood_clots": "no",
    "skin": "no",
    "recent_injury": "no",
    "bones": "no",
    "joint_replacement": "no",
    "nerves": "no",
}


def answer_check(page: Page, base: str, answers: dict[str, str]) -> None:
    page.goto(f"{base}/t/{TECHNIQUE}/")
    page.get_by_role("link", name="Start: safety check").first.click()
    page.wait_for_url(f"**/t/{TECHNIQUE}/check/")
    for question, answer in answers.items():
        page.locator(f"input[name='{question}'][value='{answer}']").check()
    page.get_by_role("button", name="Check").click()


def make_plan(page: Page, *, minutes: str = "2", thigh: str = "42", start_leg: str = "left") -> str:
    """On the set-up page: make the plan; returns the plan page's URL."""
    page.wait_for_url(f"**/t/{TECHNIQUE}/setup/")
    page.locator("input[name='unit'][value='cm']").check()
    page.fill("input[name='thigh']", thigh)
    page.locator(f"input[name='start_leg'][value='{start_leg}']").check()
    page.fill("input[name='minutes']", minutes)
    page.get_by_role("button", name="Make the plan").click()
    page.wait_for_url("**/p/*/")
    return page.url


def rate(page: Page, prefix: str, ratings: dict[str, int]) -> None:
    for part, value in ratings.items():
        name = f"{prefix}{part}"
        page.locator(f"label:has(input[name='{name}'][value='{value}'])").click()


def go_to_player(page: Page, before: dict[str, int]) -> None:
    """From the plan page through the ratings before to the player, ready to start."""
    page.get_by_role("link", name="Start").first.click()
    page.wait_for_url("**/p/*/before/")
    rate(page, "", before)
    page.get_by_role("button", name="Go to the session").click()
    page.wait_for_url("**/p/*/play/")
    page.wait_for_selector("#player[data-ready='true']", state="attached")


def new_session(page: Page, base: str, before: dict[str, int], **plan: Any) -> str:
    answer_check(page, base, NO_TO_ALL)
    url = make_plan(page, **plan)
    go_to_player(page, before)
    return url


def new_session_in_any_language(page: Page, base: str, before: dict[str, int]) -> str:
    """:func:`new_session` by the forms' fields and buttons, whatever language the pages are in (issue 11)."""
    main_form = "main form[method='post']"
    page.goto(f"{base}/t/{TECHNIQUE}/check/")
    for question, answer in NO_TO_ALL.items():
        page.locator(f"input[name='{question}'][value='{answer}']").check()
    page.locator(f"{main_form} button[type='submit']").first.click()
    page.wait_for_url(f"**/t/{TECHNIQUE}/setup/")
    page.locator("input[name='unit'][value='cm']").check()
    page.fill("input[name='thigh']", "42")
    page.locator("input[name='start_leg'][value='left']").check()
    page.fill("input[name='minutes']", "2")
    page.locator("#setup-form button[type='submit']").click()
    page.wait_for_url("**/p/*/")
    url = page.url
    page.locator("a[href$='/before/']").first.click()
    page.wait_for_url("**/p/*/before/")
    rate(page, "", before)
    page.locator(f"{main_form} button[type='submit']").first.click()
    page.wait_for_url("**/p/*/play/")
    page.wait_for_selector("#player[data-ready='true']", state="attached")
    return url


def player_state(page: Page) -> dict[str, str]:
    return page.eval_on_selector("#player", "el => ({...el.dataset})")


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(time_scale: float = 1.0) -> Iterator[str]:
    """``softspot serve`` on a free port with a fresh data folder (for the benches); yields its address."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="softspot-bench-") as data:
        env = {**os.environ, "SOFTSPOT_DATA_DIR": data, "SOFTSPOT_TIME_SCALE": str(time_scale)}
        softspot = Path(sys.executable).with_name("softspot")
        proc = subprocess.Popen(
            [str(softspot), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"{base}/t/{TECHNIQUE}/", timeout=1).read()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("softspot serve did not start") from None
                    time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=10)
