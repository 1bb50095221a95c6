"""No layout shift on any page on a 390x844 phone (CLS 0; issue 12): the server renders what the scripts will show.

A layout shift is a distance the browser measured, not a time: the test waits for the player to be ready and its
voice to be prepared, then reads every ``layout-shift`` entry the page had.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from tests.browser.flow import new_session

pytestmark = pytest.mark.browser

SHIFTS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (!e.hadRecentInput) {
      const nodes = (e.sources || []).map((s) => s.node && (s.node.id || s.node.className));
      window.__shifts.push({value: e.value, nodes});
    }
  }
}).observe({type: "layout-shift", buffered: true});
"""


def shifts_of(page: Page, url: str, ready: str) -> list[dict[str, object]]:
    page.goto(url)
    page.wait_for_function(ready)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    found: list[dict[str, object]] = page.evaluate("window.__shifts")
    return found


def test_no_page_shifts_its_layout_while_it_loads(page: Page, site: str) -> None:
    new_session(page, site, {"left": 6, "right": 5, "back": 4})
    play = page.url
    page.add_init_script(SHIFTS)
    voice_ready = (
        "() => document.querySelector('#player[data-ready=\"true\"]')"
        " && /ready|could not/i.test(document.getElementById('ready-line').textContent)"
        " && document.getElementById('overlay-protection').children.length === 3"
    )
    assert shifts_of(page, play, voice_ready) == []
    loaded = "() => document.readyState === 'complete'"
    for url in (f"{site}/t/hands-free-hamstring/", play.removesuffix("play/"), f"{site}/history/"):
        assert shifts_of(page, url, loaded) == [], url
