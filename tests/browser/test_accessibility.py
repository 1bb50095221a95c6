"""axe-core finds no violation on any page, in each state a page can be in, in both themes (issues 4, 7)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from tests.browser.flow import NO_TO_ALL, TECHNIQUE, answer_check, make_plan, new_session, rate

pytestmark = pytest.mark.browser


def violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)  # evaluated, not a <script> tag: the CSP forbids inline scripts
    found: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map((v) => ({id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5)}))"""
    )
    return found


def check(page: Page, axe_source: str, where: str, seen: dict[str, list[dict[str, Any]]]) -> None:
    seen[where] = violations(page, axe_source)


def assert_none(seen: dict[str, list[dict[str, Any]]]) -> None:
    bad = {where: found for where, found in seen.items() if found}
    assert not bad, json.dumps(bad, indent=1)


THEMES = pytest.mark.parametrize("scheme", ["dark", "light"])


@THEMES
def test_axe_finds_no_violation_on_any_page(page: Page, site: str, axe_source: str, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    seen: dict[str, list[dict[str, Any]]] = {}
    page.goto(f"{site}/")
    check(page, axe_source, "home", seen)
    page.goto(f"{site}/t/{TECHNIQUE}/")
    check(page, axe_source, "technique", seen)
    page.goto(f"{site}/t/{TECHNIQUE}/check/")
    check(page, axe_source, "check", seen)
    page.get_by_role("button", name="Check").click()  # nothing answered: errors shown
    check(page, axe_source, "check with errors", seen)
    answer_check(page, site, {**NO_TO_ALL, "heart_condition": "yes", "pregnant": "yes"})
    check(page, axe_source, "stop", seen)
    answer_check(page, site, {**NO_TO_ALL, "floor_difficulty": "yes"})
    check(page, axe_source, "setup (bed)", seen)
    page.fill("input[name='minutes']", "99")
    page.get_by_role("button", name="Make the plan").click()
    check(page, axe_source, "setup with errors", seen)
    answer_check(page, site, NO_TO_ALL)
    make_plan(page)
    check(page, axe_source, "plan", seen)
    page.get_by_role("link", name="Start").first.click()
    check(page, axe_source, "before", seen)
    rate(page, "", {"left": 5, "right": 5, "back": 5})
    page.get_by_role("button", name="Go to the session").click()
    page.wait_for_selector("#player[data-ready='true']", state="attached")
    check(page, axe_source, "player: tap to start", seen)
    page.get_by_role("button", name="Tap to start").click()
    page.wait_for_selector("#player[data-kind='spot']", state="attached")
    check(page, axe_source, "player: running", seen)
    page.keyboard.press("p")
    check(page, axe_source, "player: paused", seen)
    page.keyboard.press("p")
    page.keyboard.press("Escape")
    expect(page.locator("#stop-dialog")).to_be_visible()
    check(page, axe_source, "player: stop dialog", seen)
    page.locator("label[for='stop-discomfort']").click()
    page.get_by_role("button", name="End the session").click()
    expect(page.locator("#after")).to_be_visible()
    check(page, axe_source, "after", seen)
    page.get_by_role("button", name="Save").click()  # no ratings yet: the error names them
    expect(page.locator("#after-error")).to_be_visible()
    check(page, axe_source, "after with errors", seen)
    rate(page, "after-", {"left": 4, "right": 4, "back": 4})
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#saved-status")).to_contain_text("Saved")
    check(page, axe_source, "after, saved", seen)
    page.goto(f"{site}/history/")
    check(page, axe_source, "history", seen)

    assert_none(seen)
    assert len(seen) == 17


def test_axe_finds_no_violation_on_a_desktop_screen(page: Page, site: str, axe_source: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    new_session(page, site, {"left": 2, "right": 3, "back": 4})
    seen: dict[str, list[dict[str, Any]]] = {}
    check(page, axe_source, "player", seen)
    page.goto(f"{site}/t/{TECHNIQUE}/")
    check(page, axe_source, "technique", seen)
    assert_none(seen)


@THEMES
def test_axe_finds_no_violation_on_any_player_state(page: Page, site: str, axe_source: str, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    seen: dict[str, list[dict[str, Any]]] = {}
    new_session(page, site, {"left": 5, "right": 5, "back": 5})
    page.wait_for_selector("#player[data-voice='ready']", state="attached")
    check(page, axe_source, "tap to start, voice ready", seen)
    page.get_by_role("button", name="Tap to start").click()
    page.wait_for_selector("#player[data-kind='spot']", state="attached")
    check(page, axe_source, "a spot", seen)
    page.keyboard.press("p")
    expect(page.locator("#paused-mark")).to_be_visible()
    check(page, axe_source, "paused", seen)
    page.reload()
    expect(page.get_by_role("button", name="Tap to carry on")).to_be_visible()
    check(page, axe_source, "reloaded: paused until the tap", seen)
    page.get_by_role("button", name="Tap to carry on").click()
    page.keyboard.press("Escape")
    expect(page.locator("#stop-dialog")).to_be_visible()
    check(page, axe_source, "stop dialog", seen)
    page.locator("label[for='stop-discomfort']").click()
    page.get_by_role("button", name="End the session").click()
    expect(page.locator("#after")).to_be_visible()
    check(page, axe_source, "after", seen)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#after-error")).to_be_visible()
    check(page, axe_source, "after with errors", seen)
    rate(page, "after-", {"left": 4, "right": 4, "back": 4})
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#saved-status")).to_have_text("Saved. It is in your history.")
    check(page, axe_source, "saved", seen)
    page.reload()
    expect(page.locator("#after-title")).to_have_text("Saved")
    check(page, axe_source, "saved, after a reload", seen)
    assert_none(seen)
    assert len(seen) == 9


@THEMES
def test_axe_finds_no_violation_in_the_safety_states(
    page: Page, site: str, axe_source: str, scheme: str, settings: Any
) -> None:
    """Issue 8's new states: stopped and asking why, the second press to confirm, the pain rule and check-in on
    screen, aftercare, a refused record, the ask-first pages, history after discomfort, the demonstration."""
    settings.SOFTSPOT_TIME_SCALE = 2.0  # slow enough for the confirmation window to be seen
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    seen: dict[str, list[dict[str, Any]]] = {}
    answer_check(page, site, {**NO_TO_ALL, "nerves": "yes"})
    check(page, axe_source, "ask first", seen)
    page.get_by_role("button", name="Go on to set-up").click()
    expect(page.locator(".go-ahead .error")).to_be_visible()
    check(page, axe_source, "ask first, box not ticked", seen)
    page.get_by_role("button", name="Not yet").click()
    check(page, axe_source, "ask first: not yet", seen)
    answer_check(page, site, {**NO_TO_ALL, "nerves": "yes"})
    page.locator("label[for='id_cleared']").click()
    page.get_by_role("button", name="Go on to set-up").click()
    page.wait_for_url("**/setup/")
    check(page, axe_source, "set-up, cleared", seen)
    make_plan(page)
    check(page, axe_source, "plan with timed cues", seen)
    page.get_by_role("link", name="Start").first.click()
    rate(page, "", {"left": 5, "right": 5, "back": 5})
    page.get_by_role("button", name="Go to the session").click()
    page.wait_for_selector("#player[data-ready='true']", state="attached")
    page.get_by_role("button", name="Tap to start").click()
    expect(page.locator("#said-now")).to_be_visible()
    check(page, axe_source, "player: the pain rule on screen", seen)
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_selector("#player[data-kind='spot']", state="attached")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#confirm")).to_be_visible()
    check(page, axe_source, "player: press again to confirm", seen)
    page.keyboard.press("Escape")
    expect(page.locator("#stop-dialog")).to_be_visible()
    check(page, axe_source, "player: stopped, asking why", seen)
    page.locator("label[for='stop-discomfort']").click()
    refusal = '{"errors": [{"field": "note", "message": "too long"}]}'
    page.route("**/api/records/", lambda r: r.fulfill(status=400, content_type="application/json", body=refusal))
    page.get_by_role("button", name="End the session").click()
    expect(page.locator("#aftercare")).to_be_visible()
    check(page, axe_source, "after a discomfort stop", seen)
    page.get_by_role("button", name="Skip the ratings").click()
    expect(page.locator("#refused")).to_be_visible()
    check(page, axe_source, "a refused record", seen)
    page.unroute("**/api/records/")
    page.get_by_role("button", name="Try again").click()
    expect(page.locator("#refused")).to_be_hidden()
    page.goto(f"{site}/history/")
    expect(page.locator("tr.discomfort")).to_have_count(1)
    check(page, axe_source, "history after a discomfort stop", seen)
    page.goto(f"{site}/t/{TECHNIQUE}/")
    page.wait_for_selector("#demo[data-ready='true']", state="attached")
    page.get_by_role("button", name="Play").click()
    page.wait_for_selector("#demo-player[data-frame='2']", state="attached")
    check(page, axe_source, "technique: the demonstration playing", seen)
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")  # type: ignore[arg-type]
    page.reload()
    expect(page.locator("#demo-stills")).to_be_visible()
    check(page, axe_source, "technique: the demonstration as stills", seen)
    assert_none(seen)
    assert len(seen) == 13
