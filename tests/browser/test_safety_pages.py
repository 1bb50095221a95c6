"""Safety around the session, in the browser (issue 8): what the pages say after a stop for discomfort, and a
check answer that needs a doctor's or therapist's go-ahead first. Time runs 60 times faster (``site``)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from tests.browser.flow import NO_TO_ALL, answer_check, make_plan, new_session

from softspot.core.aftercare import ADVICE, HEADLINE, SEE_A_PROFESSIONAL
from softspot.store.models import SessionRecord
from softspot.web.models import Plan

pytestmark = pytest.mark.browser

BEFORE = {"left": 6, "right": 5, "back": 4}


def stop_for_discomfort(page: Page, site: str, minutes: str) -> None:
    new_session(page, site, BEFORE, minutes=minutes)
    page.get_by_role("button", name="Tap to start").click()
    page.wait_for_selector("#player[data-kind='spot']", state="attached")
    page.get_by_role("button", name="Stop", exact=True).click()
    page.locator("label[for='stop-discomfort']").click()
    page.get_by_role("button", name="End the session").click()
    expect(page.locator("#after")).to_be_visible()


def test_after_a_stop_for_discomfort_the_after_page_and_history_say_what_to_do_and_never_on_track(
    page: Page, site: str
) -> None:
    stop_for_discomfort(page, site, minutes="3")
    care = page.locator("#aftercare")
    expect(care).to_be_visible()
    expect(care.locator(".aftercare-headline")).to_have_text(HEADLINE)
    expect(care.locator("li")).to_have_text(list(ADVICE))
    expect(page.locator("#see-a-professional")).to_have_count(0)  # the first one
    page.get_by_role("button", name="Skip the ratings").click()
    expect(page.locator("#saved-status")).to_have_text("Saved. It is in your history.")
    expect(care).to_be_visible()  # still there once saved
    page.reload()
    expect(page.locator("#aftercare")).to_be_visible()  # and from the server, on any device

    page.goto(f"{site}/history/")
    main = page.locator("main")
    expect(page.locator("#aftercare h2")).to_have_text(HEADLINE)
    expect(page.locator("tr.discomfort")).to_have_count(1)
    expect(page.locator("tr.discomfort")).to_contain_text("Stopped: discomfort")
    expect(page.locator(".chart .discomfort")).to_have_count(1)
    # A shorter dose, only once the pain has gone; nothing is "due" and nothing is "on track".
    expect(page.locator("#next-suggestion")).to_have_text(
        "2 min per leg, a little less: the last session stopped for discomfort. Only once the pain has gone."
    )
    expect(page.locator("#due")).to_contain_text("stopped for discomfort: no next one until the pain has gone")
    expect(page.locator("#verdict")).to_contain_text("The last session stopped for discomfort")
    expect(main).not_to_contain_text("on track")

    # A second stop for discomfort in a row: check with a professional before going on, on both pages.
    stop_for_discomfort(page, site, minutes="2")
    expect(page.locator("#see-a-professional")).to_have_text(SEE_A_PROFESSIONAL)
    page.get_by_role("button", name="Skip the ratings").click()
    expect(page.locator("#saved-status")).to_have_text("Saved. It is in your history.")
    page.goto(f"{site}/history/")
    expect(page.locator("#see-a-professional")).to_have_text(SEE_A_PROFESSIONAL)
    expect(page.locator("tr.discomfort")).to_have_count(2)
    expect(page.locator("#next-suggestion")).to_contain_text(
        "Two sessions in a row stopped for discomfort: check with a doctor or massage therapist before going on."
    )
    expect(page.locator("main")).not_to_contain_text("on track")
    assert [r.stop_reason for r in SessionRecord.objects.order_by("started_at")] == ["discomfort", "discomfort"]


def test_an_answer_that_needs_a_go_ahead_says_why_and_plans_only_once_the_box_is_ticked(page: Page, site: str) -> None:
    answer_check(page, site, {**NO_TO_ALL, "nerves": "yes"})
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask a doctor or therapist first")
    reasons = page.locator("#ask-reasons")
    expect(reasons).to_contain_text("softspot adds: Does the receiver have numbness or nerve problems in the legs?")
    expect(reasons).to_contain_text("The receiver may not feel when the pressure is too much")
    box = page.get_by_label("A doctor or therapist has said this technique is fine for the receiver")
    expect(box).not_to_be_checked()

    page.get_by_role("button", name="Go on to set-up").click()  # without the box: no plan, and why
    expect(page.locator(".go-ahead .error")).to_have_text(
        "Tick this only once a doctor or therapist has said this technique is fine; until then there is no session."
    )
    page.goto(f"{site}/t/hands-free-hamstring/setup/")  # no way round it
    page.wait_for_url("**/t/hands-free-hamstring/check/")

    answer_check(page, site, {**NO_TO_ALL, "nerves": "yes"})
    page.get_by_role("button", name="Not yet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "No session until a doctor or therapist says it is fine"
    )
    expect(page.locator("main")).to_contain_text("What to do: Ask the receiver's doctor or therapist whether")
    assert Plan.objects.count() == 0

    answer_check(page, site, {**NO_TO_ALL, "nerves": "yes"})
    page.get_by_label("A doctor or therapist has said this technique is fine for the receiver").check()
    page.get_by_role("button", name="Go on to set-up").click()
    page.wait_for_url("**/t/hands-free-hamstring/setup/")
    expect(page.locator("#cleared")).to_contain_text("Go-ahead given")
    make_plan(page)
    expect(page.locator(".explanation")).to_contain_text(
        "You confirmed that a doctor or therapist has said this technique is fine for the receiver (nerves)."
    )
    script = Plan.objects.get().session_script
    assert (script.screening.verdict, script.screening.cleared) == ("go", ["nerves"])


def test_a_stop_answer_still_stops_whatever_else_needs_a_go_ahead(page: Page, site: str) -> None:
    answer_check(page, site, {**NO_TO_ALL, "nerves": "yes", "heart_condition": "yes"})
    expect(page.get_by_role("heading", level=1)).to_have_text("No session today")
    expect(page.locator("main")).to_contain_text("Also, before any session: softspot adds: The receiver may not feel")
    expect(page.get_by_label("A doctor or therapist has said this technique is fine for the receiver")).to_have_count(0)
    assert Plan.objects.count() == 0
