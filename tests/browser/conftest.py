"""Browser tests: Debian's Chromium through Playwright, against a real server on a free port.

Session time is compressed through ``settings.SOFTSPOT_TIME_SCALE`` (the live
server runs in this process, so the ``settings`` fixture reaches it), and
``speechSynthesis`` is replaced by a recorder: headless Chromium has no voices.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from tests.browser.flow import CHROMIUM_ARGS as BASE_ARGS

# pytest-django's live_server and ORM checks in the same (sync Playwright) test.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SOFTSPOT_CHROMIUM", "/usr/bin/chromium")
# The flags every headless run here needs (flow.CHROMIUM_ARGS), and sound without a tap for the tests.
CHROMIUM_ARGS = [*BASE_ARGS, "--autoplay-policy=no-user-gesture-required"]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

SPEECH_STUB = """
(() => {
  const spoken = [];
  window.__spoken = spoken;
  class Utterance { constructor(text) { this.text = text; } }
  const synth = {
    speaking: false, pending: false, paused: false,
    speak(u) { spoken.push(u.text); },
    cancel() {}, pause() {}, resume() {},
    getVoices() { return []; },
    addEventListener() {}, removeEventListener() {},
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  Object.defineProperty(window, "SpeechSynthesisUtterance", { value: Utterance, configurable: true });
})();
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (set SOFTSPOT_CHROMIUM)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


@pytest.fixture
def page(page: Page) -> Page:
    page.add_init_script(SPEECH_STUB)
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def site(live_server: Any, settings: Any) -> str:
    """The live server's address, with session time running 60 times faster."""
    settings.SOFTSPOT_TIME_SCALE = 60.0
    return str(live_server.url)


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm ci` at the repository root")
    return AXE.read_text()
