"""What a phone on the home network gets: the whole flow over plain HTTP at this machine's own address.

``softspot serve --lan`` runs in a subprocess (its real command line, a fresh data folder, time 40 times
faster); Chromium opens the sign-in link it prints, at the first IPv4 address of ``hostname -I``, not
127.0.0.1, so the page is *not* a secure context: no wake lock, no service worker, no
``crypto.randomUUID``, as on a phone. The browser is started without the test-only autoplay flag, so the
keep-awake video and the sound start from the tap, as on a phone.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, Playwright, expect
from tests.browser.conftest import CHROMIUM, SPEECH_STUB
from tests.browser.flow import CHROMIUM_ARGS, NO_TO_ALL, answer_check, go_to_player, make_plan, rate
from tests.running import serving

pytestmark = pytest.mark.browser

TIME_SCALE = 40.0


def home_address() -> str | None:
    """The first IPv4 address of ``hostname -I``: this machine on the home network."""
    try:
        words = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=10).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    return next((w for w in words if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", w) and not w.startswith("127.")), None)


@dataclass
class LanServer:
    base: str
    sign_in: str
    database: Path


@pytest.fixture
def lan_server(tmp_path: Path) -> Iterator[LanServer]:
    """``softspot serve --lan`` on this machine's address, a free port and a fresh data folder."""
    address = home_address()
    if address is None:
        pytest.skip("this machine has no IPv4 address besides loopback (hostname -I)")
    data = tmp_path / "data"
    with serving(data, "--lan", "--host", address, "--port", "0", time_scale=TIME_SCALE) as served:
        assert served.base.startswith(f"http://{address}:")
        yield LanServer(served.base, served.sign_in_link, data / "softspot.sqlite3")


def stored_records(database: Path) -> list[tuple[str, str | None, int]]:
    """The records as the server stored them (the database opened read-only)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT key, plan, ended_early FROM store_sessionrecord").fetchall()
    return [(str(uuid.UUID(k)), None if p is None else str(uuid.UUID(p)), int(e)) for k, p, e in rows]


KEEP_AWAKE_VIDEO = """() => {
  const v = document.getElementById("keep-awake");
  const r = v.getBoundingClientRect();
  return {paused: v.paused, time: v.currentTime, muted: v.muted, source: v.currentSrc,
          covers: r.width * r.height / (innerWidth * innerHeight), opacity: Number(getComputedStyle(v).opacity)};
}"""


def test_a_phone_on_the_home_network_keeps_the_screen_on_hears_every_cue_and_saves_once(
    playwright: Playwright, lan_server: LanServer
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (set SOFTSPOT_CHROMIUM)")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)  # no autoplay flag
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page: Page = context.new_page()
    page.add_init_script(SPEECH_STUB)
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        # Sign in with the one-time link the terminal printed, then the safety check, set-up, plan, before.
        page.goto(lan_server.sign_in)
        page.get_by_role("button", name="Sign in on this device").click()
        answer_check(page, lan_server.base, NO_TO_ALL)
        make_plan(page, minutes="2")
        go_to_player(page, {"left": 6, "right": 5, "back": 4})
        plan_id = page.url.split("/p/")[1].split("/")[0]

        # What plain HTTP takes away, and what the player says it does instead.
        assert page.evaluate("window.isSecureContext") is False
        assert page.evaluate("[typeof navigator.wakeLock, typeof navigator.serviceWorker]") == ["undefined"] * 2
        assert page.evaluate("typeof crypto.randomUUID") == "undefined"
        player = page.locator("#player")
        expect(player).to_have_attribute("data-keep-awake", "video")
        expect(player).to_have_attribute("data-offline", "no")
        protection = page.locator("#overlay-protection")
        expect(protection).to_contain_text("Screen: will be kept on by a silent video")
        expect(protection).to_contain_text("Works offline: no, this address is not secure")
        expect(protection).to_contain_text("Record: kept on this phone until it is sent.")
        # Every clip is fetched and decoded before the tap, so the network may go away mid-session.
        expect(player).to_have_attribute("data-voice", "ready")
        clips = page.evaluate("Object.keys(JSON.parse(document.getElementById('session-data').textContent).cue_urls)")
        voice = page.evaluate("window.softspot.voice()")
        assert (voice["done"], voice["total"], voice["failed"]) == (len(clips) + 1, len(clips) + 1, 0)  # + the chime
        expect(page.locator("#ready-line")).to_have_text(f"Voice ready: all {len(clips) + 1} clips are on this phone.")

        page.get_by_role("button", name="Tap to start").click()

        # The screen is kept on by the looping silent video, started by the tap: playing, time moving,
        # covering the screen (Chromium holds its wake lock only for a video over a fifth of the screen).
        page.wait_for_function(f"() => ({KEEP_AWAKE_VIDEO})().time > 0 && !({KEEP_AWAKE_VIDEO})().paused")
        first = page.evaluate(KEEP_AWAKE_VIDEO)
        page.wait_for_function(f"t => ({KEEP_AWAKE_VIDEO})().time !== t", arg=first["time"])
        assert first["source"].endswith((".webm", ".mp4"))
        assert first["covers"] > 0.75 and 0 < first["opacity"] < 0.05
        expect(player).to_have_attribute("data-keep-awake", "video")
        expect(page.locator("#protection")).to_contain_text("Screen: kept on by a silent video.")

        # Pause: seen and heard.
        page.wait_for_selector("#player[data-kind='spot']", state="attached")
        page.get_by_role("button", name="Pause").click()
        expect(page.locator("#paused-mark")).to_be_visible()
        page.wait_for_function("() => window.softspot.cues.some((c) => c.kind === 'paused')")
        page.get_by_role("button", name="Resume").click()
        expect(player).to_have_attribute("data-phase", "running")

        # The session runs to its end by itself.
        expect(page.locator("#after")).to_be_visible(timeout=180_000)
        assert page.evaluate("document.getElementById('keep-awake').paused"), "the video stops at the end"

        # Every cue the engine emitted was played from its decoded clip; nothing fell back to speech.
        emitted = page.evaluate("window.softspot.emitted()")
        voiced = page.evaluate("window.softspot.cues")
        assert [(c["kind"], c["say"]) for c in voiced] == [(c["kind"], c["say"]) for c in emitted]
        assert {c["how"] for c in voiced} == {"clip"}, voiced
        assert page.evaluate("window.__spoken") == []
        assert {"start", "spot", "paused", "resumed", "switch", "finish"} <= {c["kind"] for c in emitted}

        rate(page, "after-", {"left": 3, "right": 3, "back": 2})
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#saved-status")).to_have_text("Saved. It is in your history.")

        # Stored exactly once, with the plan it played; a reload shows "Saved", and still one record.
        records = stored_records(lan_server.database)
        assert [(plan, early) for _, plan, early in records] == [(plan_id, 0)]
        page.reload()
        expect(page.locator("#after-title")).to_have_text("Saved")
        expect(page.locator("#after-form")).to_be_hidden()
        expect(page.locator("#history-link")).to_be_visible()
        assert stored_records(lan_server.database) == records
        answer = page.request.get(f"{lan_server.base}/api/records/{records[0][0]}/")
        assert answer.status == 200 and answer.json()["plan"] == plan_id
        assert errors == []
    finally:
        context.close()
        browser.close()
