"""What a phone sees over ``softspot serve --lan --https``, with softspot's authority trusted as a person would.

The server runs as a person runs it (a subprocess on free ports, a fresh data folder, time 60 times
faster) on this machine's own address on the network, not on loopback (which browsers treat as secure
anyway). Chromium trusts the household's authority through an NSS database in a temporary HOME (``certutil``
from libnss3-tools), the same store Chrome on Linux reads; certificate errors are never ignored.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, SPEECH_STUB
from tests.browser.flow import new_session, rate
from tests.browser.test_accessibility import violations
from tests.running import Served, serving

pytestmark = pytest.mark.browser

BEFORE = {"left": 6, "right": 5, "back": 4}
AFTER = {"left": 3, "right": 2, "back": 2}

WAKE_LOCK_RECORDER = """
(() => {
  const calls = [];
  window.__wakeLocks = calls;
  const lock = navigator.wakeLock;
  if (!lock) return;
  const request = lock.request.bind(lock);
  lock.request = async (type) => {
    const call = { type, state: "asked" };
    calls.push(call);
    try {
      const sentinel = await request(type);
      call.state = "held";
      sentinel.addEventListener("release", () => { call.state = "released"; });
      return sentinel;
    } catch (error) {
      call.state = "refused: " + error.name;
      throw error;
    }
  };
})();
"""


def home_address() -> str | None:
    """This machine's first IPv4 address on the network (``hostname -I``), as a phone would reach it."""
    try:
        words = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=10).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    return next((w for w in words if w.count(".") == 3 and not w.startswith("127.")), None)


@dataclass
class Phone:
    served: Served
    data: Path
    address: str
    browser: Browser

    @property
    def base(self) -> str:
        return self.served.base


@pytest.fixture
def phone(playwright: Playwright, tmp_path: Path) -> Iterator[Phone]:
    address = home_address()
    if address is None:
        pytest.skip("this machine has no IPv4 address on a network (hostname -I)")
    certutil = shutil.which("certutil")
    if certutil is None:
        pytest.skip("certutil is missing: install libnss3-tools (scripts/test does)")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    data = tmp_path / "data"
    args = ["--lan", "--https", "--host", address, "--port", "0", "--http-port", "0"]
    with serving(data, *args, time_scale=60.0) as served:
        home = tmp_path / "home"
        nssdb = home / ".pki" / "nssdb"
        nssdb.mkdir(parents=True)
        db = f"sql:{nssdb}"
        subprocess.run([certutil, "-d", db, "-N", "--empty-password"], check=True, timeout=60)
        ca = str(data / "tls" / "ca.crt")
        subprocess.run([certutil, "-d", db, "-A", "-t", "C,,", "-n", "softspot", "-i", ca], check=True, timeout=60)
        env = {**os.environ, "HOME": str(home)}
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)
        try:
            yield Phone(served, data, address, browser)
        finally:
            browser.close()


def open_page(phone: Phone) -> Page:
    context = phone.browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.add_init_script(SPEECH_STUB)
    page.add_init_script(WAKE_LOCK_RECORDER)
    page.set_default_timeout(30_000)
    return page


def sign_in(page: Page, phone: Phone) -> None:
    """Open the one-time link the terminal showed and press the button, as a person does."""
    page.goto(phone.served.sign_in_link)
    page.get_by_role("button", name="Sign in on this device").click()
    page.wait_for_url(f"{phone.base}/t/**")


def stored_keys(data: Path) -> list[str]:
    """The keys of the records in the server's SQLite file, read without changing it."""
    db = sqlite3.connect(f"file:{data / 'softspot.sqlite3'}?mode=ro", uri=True)
    try:
        return [str(uuid.UUID(str(k))) for (k,) in db.execute("select key from store_sessionrecord")]
    finally:
        db.close()


def test_over_https_the_phone_gets_a_secure_page_and_a_whole_session_is_stored_once(phone: Phone) -> None:
    assert phone.base.startswith(f"https://{phone.address}:")
    page = open_page(phone)

    page.goto(f"{phone.base}/t/hands-free-hamstring/")
    assert page.evaluate("window.isSecureContext") is True
    assert page.evaluate("'serviceWorker' in navigator && 'wakeLock' in navigator") is True
    assert page.evaluate("typeof crypto.randomUUID") == "function"
    sign_in(page, phone)

    new_session(page, phone.base, BEFORE)
    page.get_by_role("button", name="Tap to start").click()
    expect(page.locator("#start-overlay")).to_be_hidden()
    page.wait_for_function("() => window.__wakeLocks.some((c) => c.type === 'screen' && c.state === 'held')")
    # The player's own account of it, where it gives one, must agree (window.player is the #player element).
    page.wait_for_function("() => [undefined, 'wake-lock'].includes(window.player.dataset.keepAwake)")

    # No tap: every step runs to its deadline, 60 times faster, to the end.
    expect(page.locator("#after")).to_be_visible(timeout=120_000)
    script = page.evaluate("JSON.parse(document.getElementById('session-data').textContent).script")
    played = page.evaluate("window.softspot.cues.map((c) => c.at)")
    assert {seg["starts_at"] for seg in script["segments"]} <= set(played), "a step began without its cue"
    rate(page, "after-", AFTER)
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#player[data-record='sent']", state="attached")  # the server said it is stored
    expect(page.locator("#saved-status")).to_contain_text("in your history")

    keys = stored_keys(phone.data)
    assert len(keys) == 1, keys  # stored exactly once
    status, record = page.evaluate(
        "async (url) => { const r = await fetch(url); return [r.status, await r.json()]; }",
        f"{phone.base}/api/records/{keys[0]}/",
    )
    assert status == 200
    assert (record["before"], record["after"]) == (BEFORE, AFTER)


def test_over_https_the_player_starts_offline_from_the_service_worker(phone: Phone) -> None:
    page = open_page(phone)
    sign_in(page, phone)
    new_session(page, phone.base, BEFORE)
    play_url = page.url
    page.wait_for_function("async () => !!(await navigator.serviceWorker.ready).active")
    page.reload()  # now controlled by the worker, which keeps the page, its modules and its cue audio
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    page.wait_for_function(
        """async () => {
          const cache = await caches.open("softspot-v1");
          const kept = (await cache.keys()).map((r) => new URL(r.url).pathname);
          // softspot serve collects the static files: the worker keeps them by their content-hashed names
          const hashed = (name) =>
            kept.some((p) => new RegExp(`^/static/softspot/${name}\\.[0-9a-f]{12}\\.(js|css)$`).test(p));
          return kept.includes(location.pathname) && ["player", "engine", "audio", "site"].every(hashed)
            && !kept.some((p) => p.endsWith("/engine.js"))
            && kept.some((p) => p.startsWith("/cue/")) && kept.includes("/chime.wav");
        }"""
    )
    page.wait_for_function("() => [undefined, 'yes'].includes(window.player.dataset.offline)")
    page.context.set_offline(True)
    try:
        page.goto(play_url)
        page.wait_for_selector("#player[data-ready='true']", state="attached")
        page.get_by_role("button", name="Tap to start").click()
        page.wait_for_selector("#player[data-kind='spot']", state="attached")
        assert page.evaluate("window.__wakeLocks.some((c) => c.state === 'held')")
    finally:
        page.context.set_offline(False)


def test_the_trust_page_reads_on_a_phone_over_plain_http_and_https_with_no_axe_violation(
    phone: Phone, axe_source: str
) -> None:
    page = open_page(phone)
    trust = phone.served.trust_url
    assert trust.startswith(f"http://{phone.address}:")
    for url in (trust, f"{phone.base}/trust/"):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text("Trust softspot on this phone")
        expect(page.get_by_role("heading", name="Android (Chrome)")).to_be_visible()
        expect(page.get_by_role("heading", name="iPhone and iPad (Safari)")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{url} scrolls sideways"
        assert violations(page, axe_source) == [], url
    for button in ("Save softspot’s certificate", "Download softspot’s certificate"):  # Android, iOS
        with page.expect_download() as download:
            page.get_by_role("link", name=button).click()
        assert download.value.suggested_filename == "softspot-ca.crt"
