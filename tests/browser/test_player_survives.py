"""The player when things go wrong, or are simply seen from the floor (issue 7, item 5).

Reloads after the end and after Save, another device on a saved plan, pause, the spot counter,
the size of the words on a 390x844 phone, and the light theme. Time runs 60 times faster (``site``).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from tests.browser.conftest import SPEECH_STUB
from tests.browser.flow import new_session, rate

from softspot.store.models import SessionRecord
from softspot.web.models import Plan

pytestmark = pytest.mark.browser

BEFORE = {"left": 6, "right": 5, "back": 4}
AFTER = {"left": 3, "right": 2, "back": 2}


def play_to_the_end(page: Page) -> None:
    """Start, then let the session run out by itself (the end comes with the clock, not a key)."""
    page.get_by_role("button", name="Tap to start").click()
    expect(page.locator("#after")).to_be_visible(timeout=60_000)


def reload(page: Page) -> None:
    page.reload()
    page.wait_for_selector("#player[data-ready='true']", state="attached")


def test_a_reload_after_the_end_keeps_the_ratings_form_working_and_save_stores_once(page: Page, site: str) -> None:
    new_session(page, site, BEFORE)
    plan = Plan.objects.get()
    play_to_the_end(page)
    reload(page)  # straight after the end
    expect(page.locator("#after-form")).to_be_visible()
    rate(page, "after-", {"left": AFTER["left"]})
    page.fill("#note", "the phone fell over")
    reload(page)  # half-way through the ratings: what was chosen is still there
    expect(page.locator("input[name='after-left'][value='3']")).to_be_checked()
    expect(page.locator("#note")).to_have_value("the phone fell over")
    rate(page, "after-", {"right": AFTER["right"], "back": AFTER["back"]})
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#saved-status")).to_have_text("Saved. It is in your history.")
    record = SessionRecord.objects.get()
    assert (record.after, record.note, record.plan) == (AFTER, "the phone fell over", plan.id)
    assert not record.ended_early and record.engine["ended_at"] > 0


def test_save_while_offline_then_a_reload_shows_saved_and_the_record_arrives_once(browser: Browser, site: str) -> None:
    context = browser.new_context(service_workers="block", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.add_init_script(SPEECH_STUB)
    try:
        new_session(page, site, BEFORE)
        play_to_the_end(page)
        rate(page, "after-", AFTER)
        page.route("**/api/records/", lambda route: route.abort("internetdisconnected"))
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#saved-status")).to_have_text(
            "Saved on this device. It will be sent when the network is back."
        )
        reload(page)  # the server does not have it yet: this phone says so, and offers no form
        expect(page.locator("#after-title")).to_have_text("Saved")
        expect(page.locator("#after-form")).to_be_hidden()
        expect(page.locator("#saved-status")).to_contain_text("Saved on this device")
        assert SessionRecord.objects.count() == 0
        page.unroute("**/api/records/")
        page.evaluate("window.dispatchEvent(new Event('online'))")
        expect(page.locator("#saved-status")).to_have_text("Sent. It is in your history.")
        reload(page)
        expect(page.locator("#saved-status")).to_have_text("Saved. It is in your history.")
        assert SessionRecord.objects.get().after == AFTER
    finally:
        context.close()


def test_after_a_save_back_reload_and_another_device_show_saved_never_the_form(
    page: Page, browser: Browser, site: str
) -> None:
    new_session(page, site, BEFORE)
    play_url = page.url
    play_to_the_end(page)
    rate(page, "after-", AFTER)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#saved-status")).to_have_text("Saved. It is in your history.")
    expect(page.locator("#saved-summary")).to_have_text(
        "Tension before → after: left 6 → 3, right 5 → 2, lower back 4 → 2."
    )
    page.get_by_role("link", name="History and progress").click()
    page.wait_for_url("**/history/")
    page.go_back()
    page.wait_for_selector("#player[data-ready='true']", state="attached")
    expect(page.locator("#after-title")).to_have_text("Saved")
    expect(page.locator("#after-form")).to_be_hidden()
    reload(page)
    expect(page.locator("#after-title")).to_have_text("Saved")
    expect(page.locator("#history-link")).to_be_visible()

    # Another phone, same owner (loopback: the local owner), nothing in its storage: the server says "Saved".
    other = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        phone = other.new_page()
        phone.goto(play_url)
        expect(phone.locator("#after-title")).to_have_text("Saved")
        expect(phone.locator("#after-form")).to_be_hidden()
        expect(phone.locator("#player")).to_be_hidden()
        expect(phone.locator("#saved-summary")).to_contain_text("left 6 → 3")
    finally:
        other.close()
    assert SessionRecord.objects.count() == 1


def test_pause_is_unmistakable_a_big_paused_a_dimmed_countdown_and_the_word_spoken(page: Page, site: str) -> None:
    new_session(page, site, BEFORE)
    page.get_by_role("button", name="Tap to start").click()
    page.wait_for_selector("#player[data-kind='spot']", state="attached")
    countdown = page.locator("#countdown")
    running_colour = countdown.evaluate("el => getComputedStyle(el).color")
    expect(page.locator("#paused-mark")).to_be_hidden()
    page.get_by_role("button", name="Pause").click()
    mark = page.locator("#paused-mark")
    expect(mark).to_be_visible()
    expect(mark).to_have_text("Paused")
    assert mark.evaluate("el => getComputedStyle(el).textTransform") == "uppercase"
    assert mark.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 44
    assert countdown.evaluate("el => getComputedStyle(el).color") != running_colour
    page.wait_for_function("() => window.softspot.cues.some((c) => c.kind === 'paused' && c.how === 'clip')")
    page.get_by_role("button", name="Resume").click()
    expect(mark).to_be_hidden()


def test_the_counter_always_reads_spot_k_of_the_planned_spots_with_reserve_spots_as_plus(page: Page, site: str) -> None:
    new_session(page, site, BEFORE, minutes="3")
    planned = len(Plan.objects.get().script["legs"][0]["spots"])
    page.evaluate(
        """() => {
          window.__where = [];
          const where = document.getElementById("where");
          new MutationObserver(() => window.__where.push(where.hidden ? "" : where.textContent))
            .observe(where, {subtree: true, childList: true, characterData: true, attributes: true});
        }"""
    )
    page.get_by_role("button", name="Tap to start").click()
    page.wait_for_selector("#player[data-kind='spot'][data-spot='1']", state="attached")
    # Early: under the minimum hold, so a second press confirms it (both in one go, well inside the 5 s window
    # even at 60x); reserve spots follow.
    page.evaluate("() => { const b = document.getElementById('softened'); b.click(); b.click(); }")
    expect(page.locator("#after")).to_be_visible(timeout=60_000)
    seen = [w for w in page.evaluate("window.__where") if w]
    assert seen, "the counter was shown"
    assert all(w.endswith(f" of {planned}") for w in seen), seen
    assert not any("–" in w for w in seen)
    assert f"Left leg · spot +1 of {planned}" in seen and f"Right leg · spot 1 of {planned}" in seen


def font_px(page: Page, selector: str) -> float:
    return float(page.eval_on_selector(selector, "el => parseFloat(getComputedStyle(el).fontSize)"))


def test_on_a_390_px_phone_the_words_are_big_enough_to_read_from_the_floor(page: Page, site: str) -> None:
    assert page.viewport_size == {"width": 390, "height": 844}
    new_session(page, site, BEFORE)
    page.get_by_role("button", name="Tap to start").click()
    page.wait_for_selector("#player[data-kind='spot']", state="attached")
    assert font_px(page, "#now-text") >= 44
    assert font_px(page, "#countdown") >= 80
    assert font_px(page, ".next") >= 24
    assert font_px(page, "#where") >= 24
    # The map is scaled to the screen: the numbers' size as drawn (font size x the SVG's scale).
    drawn = page.eval_on_selector_all(
        "#live-map .num",
        "els => els.map((el) => parseFloat(getComputedStyle(el).fontSize) * el.ownerSVGElement.getScreenCTM().a)",
    )
    assert drawn and min(drawn) >= 24, drawn
    # Numbers side by side do not run into each other.
    boxes = page.eval_on_selector_all("#live-map .num", "els => els.map((el) => el.getBoundingClientRect().toJSON())")
    for a, b in ((a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]):
        overlap_x = min(a["right"], b["right"]) - max(a["left"], b["left"])
        overlap_y = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
        assert overlap_x <= 0 or overlap_y <= 0, (a, b)


def background(page: Page) -> str:
    return str(page.evaluate("getComputedStyle(document.body).backgroundColor"))


LIGHT_BG, DARK_BG = "rgb(247, 248, 250)", "rgb(16, 19, 24)"


def test_the_theme_follows_the_system_and_the_switch_is_remembered_from_the_first_paint(page: Page, site: str) -> None:
    page.emulate_media(color_scheme="light")
    new_session(page, site, BEFORE)
    assert background(page) == LIGHT_BG
    page.emulate_media(color_scheme="dark")
    assert background(page) == DARK_BG
    switch = page.locator("#start-overlay [data-theme-switch]")
    expect(switch).to_have_attribute("aria-pressed", "false")
    switch.click()  # light, on a dark system
    assert background(page) == LIGHT_BG
    expect(switch).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("localStorage.getItem('softspot:theme')") == "light"
    # The page comes from the server already light: right from the first paint, no script needed.
    served = page.request.get(page.url).text()
    assert '<html lang="en" dir="ltr" data-theme="light">' in served
    reload(page)
    assert background(page) == LIGHT_BG
    page.get_by_role("button", name="Tap to start").click()
    expect(page.locator("#player .options-row [data-theme-switch]")).to_have_attribute("aria-pressed", "true")
    page.goto(f"{site}/history/")
    assert background(page) == LIGHT_BG
    page.get_by_role("button", name="Light", exact=True).click()  # the header's switch: back to dark
    assert background(page) == DARK_BG
    assert page.evaluate("localStorage.getItem('softspot:theme')") == "dark"


def test_when_the_voice_clips_cannot_be_fetched_the_player_says_so_and_the_phone_speaks_them(
    page: Page, site: str
) -> None:
    page.route("**/cue/*.wav", lambda route: route.fulfill(status=503, body="espeak-ng is not installed"))
    new_session(page, site, BEFORE)
    expect(page.locator("#player")).to_have_attribute("data-voice", "partial")
    clips = page.evaluate("Object.keys(JSON.parse(document.getElementById('session-data').textContent).cue_urls)")
    expect(page.locator("#ready-line")).to_have_text(
        f"{len(clips)} of {len(clips) + 1} voice clips could not be fetched: "
        "the phone's own voice speaks those steps instead."
    )
    page.get_by_role("button", name="Tap to start").click()
    expect(page.locator("#voice-notice")).to_be_visible()
    page.wait_for_function("() => window.__spoken.length > 0")
    first = page.evaluate("window.softspot.cues[0]")
    assert first["how"] == "speech"
    assert page.evaluate("window.__spoken[0]").startswith(first["say"])  # with the pain rule said at the same moment
