"""The practice in Chromium (issue 9, done when): a therapist publishes a technique (one error first, then fixed),
invites a client and gives a programme; the client signs up by the link with a password and does a session;
the therapist sees it on the overview. Throttling, reset links and deleting an account too; axe on every page.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect
from tests.browser.flow import NO_TO_ALL, rate
from tests.browser.test_accessibility import assert_none, check
from tests.practice_data import make_therapist, technique_text, with_error

from softspot.practice.accounts import issue_reset_link
from softspot.practice.models import CareLink, Programme, PublishedTechnique
from softspot.store.models import SessionRecord

pytestmark = pytest.mark.browser
PASSWORD = "the client's own long password"
PUBLISHED = "evening-hamstring@jo"


@pytest.fixture
def lan(site: str, settings: Any) -> str:
    """The live server with sign-in required, as under ``softspot serve --lan``."""
    settings.LAN = True
    settings.LOCAL_OWNER = False
    return site


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/signin/")
    page.fill("input[name='username']", username)
    page.fill("input[name='password']", password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def publish(page: Page, base: str, text: str) -> None:
    page.goto(f"{base}/practice/techniques/new/")
    page.fill("#publish-form textarea", text)
    page.get_by_role("button", name="Publish").click()


def play_to_the_end(page: Page, before: dict[str, int], after: dict[str, int], note: str) -> None:
    page.get_by_role("link", name="Start").first.click()
    page.wait_for_url("**/p/*/before/")
    rate(page, "", before)
    page.get_by_role("button", name="Go to the session").click()
    page.wait_for_selector("#player[data-ready='true']", state="attached")
    page.get_by_role("button", name="Tap to start").click()
    expect(page.locator("#after")).to_be_visible(timeout=60_000)
    rate(page, "after-", after)
    page.fill("#note", note)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#saved-status")).to_have_text("Saved. It is in your history.")


def test_a_therapist_publishes_invites_prescribes_and_sees_the_clients_session(
    browser: Browser, lan: str, axe_source: str
) -> None:
    make_therapist("jo", "Jo Reyes")
    seen: dict[str, list[dict[str, Any]]] = {}
    therapist = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(therapist, lan, "jo", "jo has a long password")
    therapist.wait_for_url(f"{lan}/practice/")

    # A file with one error: the problem beside the text, linked to its line; nothing published.
    publish(therapist, lan, with_error(technique_text()))
    problems = therapist.locator("#problems li")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text("technique.yaml:222:")
    expect(therapist.locator("#L222")).to_have_class("problem")
    check(therapist, axe_source, "publish with a problem", seen)
    therapist.locator("#problems a[data-line='222']").click()
    selected = therapist.evaluate(
        "() => { const t = document.querySelector('#publish-form textarea');"
        " return t.value.slice(t.selectionStart, t.selectionEnd); }"
    )
    assert selected.strip().startswith("grow_by: 1")  # the cursor is on the line at fault
    assert PublishedTechnique.objects.count() == 0
    # Fixed: published.
    publish(therapist, lan, technique_text())
    therapist.wait_for_url(f"**/practice/techniques/{PUBLISHED}/v/1.0/")
    check(therapist, axe_source, "a published version", seen)

    # An invitation, with its QR code.
    therapist.goto(f"{lan}/practice/invite/")
    therapist.fill("input[name='name']", "Sam")
    therapist.get_by_role("button", name="Make the invitation").click()
    expect(therapist.locator("figure.qr svg")).to_be_visible()
    invitation = therapist.locator("#invitation-link").inner_text().strip()
    check(therapist, axe_source, "invitation made", seen)

    # The client opens it on their phone, makes an account with a password: signed in.
    client = browser.new_page(viewport={"width": 390, "height": 844})
    client.goto(invitation)
    expect(client.get_by_role("heading", name="Jo Reyes invites you")).to_be_visible()
    check(client, axe_source, "invitation", seen)
    client.fill("input[name='username']", "ahmed")
    client.fill("input[name='password1']", PASSWORD)
    client.fill("input[name='password2']", PASSWORD)
    expect(client.locator("input[name='receiver']")).to_have_value("Sam")
    client.get_by_role("button", name="Make the account and accept").click()
    client.wait_for_url(f"{lan}/mine/")
    expect(client.locator("#therapists")).to_contain_text("Jo Reyes, for Sam")
    check(client, axe_source, "mine", seen)
    link = CareLink.objects.get()
    assert User.objects.get(username="ahmed").check_password(PASSWORD)

    # The therapist gives Sam a programme: the published version 1.0, 4 minutes a leg, 3 a week.
    therapist.goto(f"{lan}/practice/")
    therapist.get_by_role("link", name="Sam").click()
    therapist.select_option("#id_technique", f"{PUBLISHED}|1.0")
    therapist.fill("#id_minutes", "4")
    therapist.fill("#id_per_week", "3")
    therapist.fill("#id_note", "Gently, and tell me how the back feels.")
    therapist.get_by_role("button", name="Give this programme").click()
    expect(therapist.locator("#programme")).to_contain_text(f"{PUBLISHED} version 1.0: start at 4 min per leg")
    assert Programme.objects.get().link == link

    # Sam's household does a session: the set-up starts from the programme.
    client.goto(f"{lan}/t/{PUBLISHED}/check/")
    for question, value in NO_TO_ALL.items():
        client.locator(f"input[name='{question}'][value='{value}']").check()
    client.get_by_role("button", name="Check").click()
    client.wait_for_url(f"**/t/{PUBLISHED}/setup/**")
    expect(client.locator("input[name='minutes']")).to_have_value("4")
    expect(client.locator("#suggestion")).to_contain_text("your therapist's programme")
    client.fill("input[name='thigh']", "44")
    client.get_by_role("button", name="Make the plan").click()
    client.wait_for_url("**/p/*/")
    play_to_the_end(client, {"left": 6, "right": 5, "back": 5}, {"left": 3, "right": 3, "back": 2}, "easier")
    record = SessionRecord.objects.get()
    assert (record.technique_id, record.technique_version, record.seconds_per_leg) == (PUBLISHED, "1.0", 240)
    assert record.receiver == link.receiver

    # The therapist sees it on the overview, and on Sam's page.
    therapist.goto(f"{lan}/practice/")
    row = therapist.locator("#clients tbody tr").first
    expect(row).to_contain_text("Sam")
    expect(row).to_contain_text("1 / 12")
    expect(row).to_contain_text("5.3 → 2.7")
    expect(row).to_contain_text("easier")
    check(therapist, axe_source, "overview", seen)
    therapist.get_by_role("link", name="Sam").click()
    expect(therapist.locator("#sessions")).to_contain_text(f"{PUBLISHED} 1.0")
    check(therapist, axe_source, "client page", seen)
    # A new version never changes the old record.
    publish(therapist, lan, technique_text("1.1", grow_by="2 min"))
    record.refresh_from_db()
    assert record.technique_version == "1.0"
    assert record.script["technique"]["version"] == "1.0"
    assert_none(seen)


def test_twenty_wrong_passwords_lock_the_account_with_a_page_that_says_when(page: Page, lan: str) -> None:
    User.objects.create_user("dana", password="dana's right password")
    answers = []
    for n in range(20):
        sign_in(page, lan, "dana", f"wrong guess {n}")
        answers.append(page.locator("h1").inner_text())
    assert answers[:9] == ["Sign in"] * 9
    assert set(answers[9:]) == {"Sign-in paused"}
    expect(page.locator("#locked-out")).to_contain_text(re.compile(r"paused until \d\d:\d\d \(15 minutes from now\)"))
    sign_in(page, lan, "dana", "dana's right password")
    expect(page.get_by_role("heading", name="Sign-in paused")).to_be_visible()  # the right one waits too
    expect(page.locator("#signin-error")).to_have_count(0)


def test_a_wrong_password_says_so_and_keeps_the_username(page: Page, lan: str, axe_source: str) -> None:
    User.objects.create_user("dana", password="dana's right password")
    sign_in(page, lan, "dana", "nope")
    expect(page.locator("#signin-error")).to_contain_text("The username or the password is wrong")
    expect(page.locator("input[name='username']")).to_have_value("dana")
    seen: dict[str, list[dict[str, Any]]] = {}
    check(page, axe_source, "sign-in with an error", seen)
    for _ in range(10):
        sign_in(page, lan, "dana", "nope")
    check(page, axe_source, "lock-out", seen)
    assert_none(seen)


def test_a_reset_link_sets_a_new_password_and_signs_in(page: Page, lan: str, axe_source: str) -> None:
    dana = User.objects.create_user("dana")
    url = issue_reset_link(dana, lan)
    page.goto(url)
    seen: dict[str, list[dict[str, Any]]] = {}
    check(page, axe_source, "reset", seen)
    page.fill("input[name='new_password1']", "a brand new password")
    page.fill("input[name='new_password2']", "a different one")
    page.get_by_role("button", name="Save and sign in").click()
    expect(page.locator("#reset-form")).to_contain_text("The two passwords differ")
    page.fill("input[name='new_password1']", "a brand new password")
    page.fill("input[name='new_password2']", "a brand new password")
    page.get_by_role("button", name="Save and sign in").click()
    page.wait_for_url(re.compile(r"/t/"))
    page.goto(f"{lan}/account/")
    expect(page.locator("#username")).to_have_text("dana")
    check(page, axe_source, "account", seen)
    page.goto(url)
    expect(page.locator("#reset-failed")).to_contain_text("used up, expired or mistyped")
    assert_none(seen)


def test_an_expired_invitation_says_so(page: Page, lan: str) -> None:
    page.goto(f"{lan}/invitation/?token=made-up-or-expired")
    expect(page.locator("#invitation-failed")).to_contain_text("This invitation has expired")
    assert User.objects.count() == 0


def test_a_client_deletes_the_account_after_being_asked_twice(browser: Browser, lan: str, axe_source: str) -> None:
    from django.utils import timezone
    from tests.helpers import make_payload

    from softspot.core.record import parse_record
    from softspot.practice import care
    from softspot.store import receivers
    from softspot.store.records import save_record

    jo = make_therapist("jo", "Jo Reyes")
    ahmed = User.objects.create_user("ahmed", password=PASSWORD)
    sam = receivers.add(ahmed, "Sam")
    found = care.invitation(care.invite(jo, "Sam", timezone.now()), timezone.now())
    assert found is not None
    link = care.accept(found, sam, timezone.now())
    save_record(sam, parse_record(make_payload(started_at=timezone.now()), now=timezone.now()))
    page = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(page, lan, "ahmed", PASSWORD)
    page.goto(f"{lan}/mine/")
    with page.expect_download() as download:
        page.locator("#download").click()
    body = json.loads(open(download.value.path()).read())  # noqa: SIM115
    assert [r["receiver"] for r in body["records"]] == ["Sam"]
    page.get_by_role("link", name="Delete the account…").click()
    seen: dict[str, list[dict[str, Any]]] = {}
    check(page, axe_source, "delete, first ask", seen)
    page.fill("input[name='word']", "delete")
    page.locator("#delete").click()
    expect(page.get_by_role("heading", name="Last question: delete it all?")).to_be_visible()
    check(page, axe_source, "delete, second ask", seen)
    assert SessionRecord.objects.count() == 1
    page.fill("input[name='word']", "delete")
    page.locator("#delete").click()
    expect(page.locator("#deleted")).to_contain_text("are gone")
    assert not User.objects.filter(username="ahmed").exists()
    assert SessionRecord.objects.count() == 0
    # The therapist's old URL of this client is not found.
    therapist = browser.new_page()
    sign_in(therapist, lan, "jo", "jo has a long password")
    response = therapist.goto(f"{lan}/practice/clients/{link.pk}/")
    assert response is not None and response.status == 404
    assert_none(seen)
