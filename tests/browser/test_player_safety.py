"""Safety inside the session, in the browser player (issue 8): Stop is immediate and only Carry on goes on,
an early "softened" asks for a second press, the pain rule and the check-in are shown and heard, and a record
the server refuses is kept and explained, not resent in a loop.

Time is compressed (``site``: 60 times; slower where a person must see something happen).
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from tests.browser.conftest import SPEECH_STUB
from tests.browser.flow import new_session, rate

from softspot.store.models import SessionRecord
from softspot.web.models import Plan

pytestmark = pytest.mark.browser

BEFORE = {"left": 6, "right": 5, "back": 4}
AFTER = {"left": 3, "right": 2, "back": 2}
STOPPED = "Stopped · lift off gently"
STOPPED_SAID = "Stopping here. Lift off gently."

# The lock screen and headphone buttons, as the platform would press them: the handlers the page gives
# navigator.mediaSession are kept where the test can call them.
MEDIA_BUTTONS = """
(() => {
  window.__media = {};
  const session = navigator.mediaSession;
  if (!session) return;
  const set = session.setActionHandler.bind(session);
  session.setActionHandler = (action, fn) => {
    window.__media[action] = fn;
    try { set(action, fn); } catch (e) { /* not on this platform */ }
  };
})();
"""


def state(page: Page) -> dict[str, Any]:
    return dict(page.evaluate("window.softspot.state()"))


def halted_events(page: Page) -> list[dict[str, Any]]:
    return [e for e in page.evaluate("window.softspot.events()") if e["e"] in {"halt", "resume", "stop"}]


def test_stop_silences_every_sound_at_once_and_nothing_but_carry_on_goes_on(
    page: Page, site: str, settings: Any
) -> None:
    settings.SOFTSPOT_TIME_SCALE = 2.0  # the opening cue and the pain rule are still being said when Stop comes
    page.add_init_script(MEDIA_BUTTONS)
    new_session(page, site, BEFORE)
    player = page.locator("#player")
    expect(player).to_have_attribute("data-voice", "ready")
    page.get_by_role("button", name="Tap to start").click()
    page.wait_for_function(
        "() => window.softspot.sounding().cues.some((said) => said.startsWith('Receiver: firm pressure is fine'))"
    )

    page.get_by_role("button", name="Stop", exact=True).click()
    # At once: the pain rule is cut off, only "Stopping here. Lift off gently." sounds, the clock is frozen.
    assert page.evaluate("window.softspot.sounding()") == {"cues": [STOPPED_SAID], "background": False}
    expect(player).to_have_attribute("data-phase", "halted")
    expect(page.locator("#stop-dialog")).to_be_visible()
    expect(page.locator("#stop-dialog-title")).to_have_text(STOPPED)
    expect(page.locator("#now-text")).to_have_text(STOPPED)
    said = page.evaluate("window.softspot.cues")[-1]
    assert (said["kind"], said["show"], said["how"]) == ("stopped", STOPPED, "clip")
    frozen = state(page)
    assert frozen["phase"] == "halted"

    # Esc, Esc again, a pedal, and the lock screen's stop, play, pause and next: still stopped, still asking why.
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.keyboard.press("ArrowRight")
    page.evaluate("for (const a of ['stop', 'play', 'pause', 'nexttrack']) window.__media[a]()")
    page.wait_for_function("() => document.getElementById('stop-dialog').open")
    now = state(page)
    assert now["phase"] == "halted"
    # The step's time left has not moved (the session clock, `elapsed`, counts the stop as a pause).
    assert (now["remaining"], now["kind"]) == (frozen["remaining"], frozen["kind"])
    assert [e["e"] for e in halted_events(page)] == ["halt"]

    page.get_by_role("button", name="Carry on").click()
    expect(player).to_have_attribute("data-phase", "running")
    expect(page.locator("#stop-dialog")).to_be_hidden()
    page.wait_for_function("() => window.softspot.cues.some((c) => c.kind === 'resumed' && c.how === 'clip')")

    # The lock screen's (or headphones') stop halts too; then the reason ends the session as of that moment.
    page.evaluate("window.__media.stop()")
    expect(player).to_have_attribute("data-phase", "halted")
    expect(page.locator("#stop-dialog")).to_be_visible()
    page.locator("label[for='stop-discomfort']").click()
    page.get_by_role("button", name="End the session").click()
    expect(page.locator("#after")).to_be_visible()
    expect(page.locator("#aftercare")).to_be_visible()
    page.get_by_role("button", name="Skip the ratings").click()
    expect(page.locator("#saved-status")).to_have_text("Saved. It is in your history.")

    halt, resume, halt2, stop = halted_events(page)
    record = SessionRecord.objects.get()
    assert record.stop_reason == "discomfort"
    assert record.engine["ended_at"] == pytest.approx(halt2["at"], abs=0.002)  # the moment of the Stop
    assert record.engine["pauses"] == [
        {"at": pytest.approx(halt["at"], abs=0.002), "seconds": pytest.approx(resume["at"] - halt["at"], abs=0.002)}
    ]
    assert stop["reason"] == "discomfort"


def test_a_reload_while_stopped_comes_back_stopped_asking_why_and_carry_on_goes_on(page: Page, site: str) -> None:
    new_session(page, site, BEFORE)
    page.get_by_role("button", name="Tap to start").click()
    page.wait_for_selector("#player[data-kind='prepare']", state="attached")
    page.keyboard.press("Escape")
    expect(page.locator("#player")).to_have_attribute("data-phase", "halted")
    frozen = state(page)
    [halt] = halted_events(page)

    page.reload()
    page.wait_for_selector("#player[data-ready='true']", state="attached")
    expect(page.locator("#stop-dialog")).to_be_visible()
    expect(page.locator("#start-overlay")).to_be_hidden()
    expect(page.locator("#now-text")).to_have_text(STOPPED)
    back = state(page)
    assert (back["phase"], back["kind"], back["remaining"]) == ("halted", frozen["kind"], frozen["remaining"])

    page.get_by_role("button", name="Carry on").click()  # also the tap that lets sound play after a reload
    expect(page.locator("#player")).to_have_attribute("data-phase", "running")
    page.wait_for_function("() => window.softspot.cues.some((c) => c.kind === 'resumed')")
    page.keyboard.press("Escape")
    page.locator("label[for='stop-out-of-time']").click()
    page.get_by_role("button", name="End the session").click()
    expect(page.locator("#aftercare")).to_be_hidden()  # only after a stop for discomfort
    page.get_by_role("button", name="Skip the ratings").click()
    expect(page.locator("#saved-status")).to_have_text("Saved. It is in your history.")
    record = SessionRecord.objects.get()
    assert record.stop_reason == "out_of_time"
    [pause] = record.engine["pauses"]  # the halt, the reload and the tap: one pause
    assert pause["at"] == pytest.approx(halt["at"], abs=0.002)


def test_softened_before_the_minimum_hold_asks_for_a_second_press_with_the_window_counting_down(
    page: Page, site: str, settings: Any
) -> None:
    settings.SOFTSPOT_TIME_SCALE = 2.0  # slow enough to see the 5 s window count down
    new_session(page, site, BEFORE, minutes="2")
    page.get_by_role("button", name="Tap to start").click()
    for _ in range(3):  # the start, feeling for the centre and sitting down, moved on by hand
        page.keyboard.press("ArrowRight")
    page.wait_for_selector("#player[data-kind='spot'][data-spot='1']", state="attached")
    # Once the giver has had time to move onto the spot, the big text says how long to stay.
    expect(page.locator("#now-text")).to_have_text("Stay here · up to 2:00")

    page.get_by_role("button", name="Softened — move on").click()  # about 5 s in: under the 20 s minimum
    confirm = page.locator("#confirm")
    expect(confirm).to_be_visible()
    expect(page.locator("#confirm-text")).to_have_text("Under 20 s — press again to confirm")
    left = page.locator("#confirm-left")
    expect(left).to_have_text(re.compile(r"^[1-5] s left$"))
    first = left.text_content()
    page.wait_for_function("t => document.getElementById('confirm-left').textContent !== t", arg=first)
    assert page.evaluate("document.getElementById('player').dataset.spot") == "1"  # the first press moved nothing

    page.get_by_role("button", name="Softened — move on").click()  # the second press, inside the window
    page.wait_for_selector("#player[data-kind='spot'][data-spot='2']", state="attached")
    expect(confirm).to_be_hidden()
    # The later spot holds the minimum, not the few seconds the first one took.
    expect(page.locator("#now-text")).to_have_text("Stay here · up to 0:20")
    presses = [e for e in page.evaluate("window.softspot.events()") if e["e"] == "softened"]
    assert [e.get("refused", False) for e in presses][-2:] == [True, False]

    page.keyboard.press("Escape")
    page.locator("label[for='stop-other']").click()
    page.get_by_role("button", name="End the session").click()
    page.get_by_role("button", name="Skip the ratings").click()
    expect(page.locator("#saved-status")).to_have_text("Saved. It is in your history.")
    first_spot, second_spot = SessionRecord.objects.get().engine["spots"][:2]
    assert first_spot["ended_by"] == "softened" and first_spot["held_seconds"] < 20
    assert second_spot["planned_seconds"] == 20


def test_a_confirmed_early_softening_survives_a_reload_the_refused_press_is_kept(page: Page, site: str) -> None:
    new_session(page, site, BEFORE, minutes="2")
    page.get_by_role("button", name="Tap to start").click()
    page.evaluate("() => { for (const _ of [1, 2, 3]) document.getElementById('softened').click(); }")
    page.wait_for_selector("#player[data-kind='spot'][data-spot='1']", state="attached")
    page.evaluate("() => { const b = document.getElementById('softened'); b.click(); b.click(); }")  # both at once
    page.wait_for_selector("#player[data-kind='spot'][data-spot='2']", state="attached")
    page.reload()
    page.wait_for_selector("#player[data-ready='true']", state="attached")
    back = state(page)
    # Replayed with the refused first press, the second one confirms again: still on spot 2, not back on 1.
    assert (back["phase"], back["kind"], back["spot"]) == ("paused", "spot", 2)


def test_the_pain_rule_and_the_check_in_are_shown_and_heard_on_each_leg(page: Page, site: str) -> None:
    new_session(page, site, BEFORE, minutes="2")
    plan = Plan.objects.get().session_script
    pain_rule, check_in = plan.cues.pain_rule, plan.cues.check_in
    assert pain_rule is not None and check_in is not None
    expect(page.locator("#overlay-pain-rule")).to_contain_text(pain_rule.say)
    expect(page.locator("#overlay-pain-rule")).to_contain_text("softspot adds:")
    page.evaluate(
        """() => {
          window.__said = [];
          const el = document.getElementById("said-now");
          new MutationObserver(() => { if (!el.hidden && el.textContent) window.__said.push(el.textContent); })
            .observe(el, {subtree: true, childList: true, characterData: true, attributes: true});
        }"""
    )
    # Every clip loaded first: a tap while they load speaks the first cues with the phone's own voice.
    page.wait_for_selector("#player[data-voice='ready']", state="attached")
    page.get_by_role("button", name="Tap to start").click()
    expect(page.locator("#pain-rule")).to_contain_text(pain_rule.show)  # always under the controls
    expect(page.locator("#after")).to_be_visible(timeout=60_000)

    shown = list(dict.fromkeys(page.evaluate("window.__said")))
    assert shown == [pain_rule.show, check_in.show]
    voiced = page.evaluate("window.softspot.cues")
    said = [(c["kind"], c["at"], c["how"]) for c in voiced if c["kind"] in {"pain_rule", "check_in"}]
    planned = [(t.kind, seg.starts_at + t.after) for seg in plan.segments for t in seg.timed]
    assert [(kind, pytest.approx(at, abs=0.002), "clip") for kind, at in planned] == said
    assert [kind for kind, _ in planned] == ["pain_rule", "check_in", "pain_rule", "check_in"]


def outbox_count(page: Page) -> int:
    return int(
        page.evaluate(
            """() => new Promise((resolve, reject) => {
          const open = indexedDB.open("softspot", 1);
          open.onsuccess = () => {
            const req = open.result.transaction("outbox").objectStore("outbox").count();
            req.onsuccess = () => { open.result.close(); resolve(req.result); };
            req.onerror = () => reject(req.error);
          };
          open.onerror = () => reject(open.error);
        })"""
        )
    )


def test_a_record_the_server_refuses_is_kept_explained_and_not_resent_until_try_again(
    browser: Browser, site: str
) -> None:
    # No service worker: it would send the outbox itself, out of reach of page.route.
    context = browser.new_context(
        service_workers="block", viewport={"width": 390, "height": 844}, accept_downloads=True
    )
    page = context.new_page()
    page.add_init_script(SPEECH_STUB)
    posts: list[str] = []
    refusal = {"errors": [{"field": "after.left", "message": "11 is above 10"}]}

    def refuse(route: Any) -> None:
        posts.append(route.request.method)
        route.fulfill(status=400, content_type="application/json", body=json.dumps(refusal))

    try:
        new_session(page, site, BEFORE)
        page.get_by_role("button", name="Tap to start").click()
        page.route("**/api/records/", refuse)
        while page.locator("#after").is_hidden():
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(30)
        rate(page, "after-", AFTER)
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#saved-status")).to_have_text("Kept on this phone, but the server refused it: see below.")
        expect(page.locator("#player")).to_have_attribute("data-record", "refused")
        box = page.locator("#refused")
        expect(box).to_be_visible()
        expect(box).to_contain_text("after.left: 11 is above 10")  # the server's own words
        expect(box).to_contain_text("It stays on this phone and is not sent again by itself.")
        assert len(posts) == 1

        # The network comes back, the timer fires, the page reloads: no second try by itself.
        for _ in range(3):
            page.evaluate("window.dispatchEvent(new Event('online'))")
            result = page.evaluate("window.softspot.flush()")
            assert result["sent"] == [] and len(result["refused"]) == 1
        page.reload()
        page.wait_for_selector("#player[data-ready='true']", state="attached")
        expect(page.locator("#refused")).to_contain_text("after.left: 11 is above 10")
        page.evaluate("window.softspot.flush()")
        assert len(posts) == 1
        assert outbox_count(page) == 1
        assert SessionRecord.objects.count() == 0

        # A copy to keep: the whole record as a file.
        with page.expect_download() as got:
            page.get_by_role("link", name="Save a copy").click()
        saved = json.loads(Path(got.value.path()).read_text())
        assert saved["after"] == AFTER and saved["source"] == "web"

        # Try again (after an update, a new sign-in): stored exactly once.
        page.unroute("**/api/records/")
        page.get_by_role("button", name="Try again").click()
        expect(page.locator("#saved-status")).to_have_text("Sent. It is in your history.")
        expect(page.locator("#refused")).to_be_hidden()
        assert outbox_count(page) == 0
        assert SessionRecord.objects.get().key == uuid.UUID(saved["key"])
    finally:
        context.close()
