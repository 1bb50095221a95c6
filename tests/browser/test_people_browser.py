"""In Chromium: "Who is receiving today?" loads the chosen receiver's own set-up, and the plan is theirs."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from tests.browser.flow import NO_TO_ALL, TECHNIQUE, answer_check
from tests.browser.test_accessibility import assert_none, violations

from softspot.store import receivers
from softspot.store.records import local_owner
from softspot.web.models import Plan

pytestmark = pytest.mark.browser


def test_choosing_who_is_receiving_shows_their_measurements_and_plans_for_them(
    page: Page, site: str, axe_source: str
) -> None:
    household = local_owner()
    receivers.add(household, "Alice", thigh_cm=44.0)
    receivers.add(household, "Sam", thigh_cm=38.0, first_leg="right")
    answer_check(page, site, NO_TO_ALL)
    expect(page.get_by_role("group", name="Who is receiving today?")).to_be_visible()
    expect(page.get_by_role("radio", name="Alice")).to_be_checked()
    expect(page.locator("#id_thigh")).to_have_value("44")
    expect(page.locator("#id_new_name")).to_be_hidden()  # only for someone new
    seen: dict[str, list[dict[str, Any]]] = {"setup for Alice": violations(page, axe_source)}

    page.get_by_role("radio", name="Sam").check()  # the page's script loads Sam's set-up
    page.wait_for_url(f"**/t/{TECHNIQUE}/setup/?receiver=*")
    expect(page.locator("#id_thigh")).to_have_value("38")
    expect(page.get_by_role("radio", name="Right")).to_be_checked()
    expect(page.locator("#who-note")).to_contain_text("are Sam's")

    page.get_by_role("radio", name="Someone new").check()
    page.wait_for_url("**receiver=new")
    expect(page.locator("#id_new_name")).to_be_focused()
    page.fill("#id_new_name", "sam")
    page.get_by_role("button", name="Make the plan").click()
    expect(page.locator("#id_new_name-error")).to_have_text(
        "There is already someone called Sam: choose Sam above, or give another name."
    )
    seen["someone new with an error"] = violations(page, axe_source)
    assert not Plan.objects.exists()

    page.get_by_role("radio", name="Sam").check()
    page.wait_for_url("**receiver=*")
    page.fill("#id_thigh", "39")
    page.get_by_role("button", name="Make the plan").click()
    expect(page.locator("#plan-for")).to_have_text("For Sam")
    plan = Plan.objects.get()
    assert (plan.receiver.name, plan.session_script.legs[0].leg) == ("Sam", "right")
    assert receivers.named(household, "Sam").thigh_cm == 39.0
    assert_none(seen)
