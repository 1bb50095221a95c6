"""Every page a person reaches, in Spanish, German and Thai, shows no text the English page shows (issue 11).

The same pages are visited in English first and then in each language (by ``Accept-Language``, the way a
phone asks); every visible text node, the title and every ``title``/``aria-label``/``placeholder``/``alt`` is
read. A text of the translated page that is also a text of the English page is a string nobody translated
(an unmarked literal in a template, a view, a form or the player's JavaScript), unless it is made only of
names, numbers and a few words every language writes the same (``ALIKE``). Because the test compares with
what the English page really shows, a new unmarked string fails it without anyone listing it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from axes.utils import reset as reset_throttling
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from tests.browser.conftest import SPEECH_STUB
from tests.browser.flow import NO_TO_ALL, TECHNIQUE, rate
from tests.helpers import make_payload
from tests.practice_data import make_therapist

from softspot import tls
from softspot.core.record import parse_record
from softspot.practice import care
from softspot.practice.accounts import issue_reset_link
from softspot.store import receivers
from softspot.store.records import save_record

pytestmark = pytest.mark.browser

LOCALES = {"en": "en-GB", "es": "es-ES", "de": "de-DE", "th": "th-TH"}
PASSWORDS = {"jo": "jo has a long password", "ahmed": "ahmed has a long password"}
# Words every language writes the same: names (people, the product, browsers, phones, formats), the language
# switch's names (each in itself), units and abbreviations.
ALIKE = {
    "softspot", "Jo", "Reyes", "Sam", "ahmed", "jo", "dana",
    "English", "Español", "Deutsch", "ไทย",
    "Android", "Chrome", "iPhone", "iPad", "Safari", "SHA-256", "PIN", "CA", "CSV", "JSON", "FHIR",
    "Samsung", "hands", "free", "hamstring", "cm", "min", "s", "kg", "OK",
    # a month's short name where the language writes it as English does (Django's own format)
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
}  # fmt: skip
# A word that is the same in one language: Spanish "No", German "Pause" and "Export".
SAME_IN = {"es": {"No"}, "de": {"Pause", "Export"}}
# The core's words (the `softspot` gettext domain, w4-langcli's lane), still English on main: they leave this
# list as the core's catalogs get them.
CORE_PENDING: set[str] = set()  # core sentences now come from the softspot catalogs
NOT_WORDS = re.compile(r"[\d\s.,:;·/()%+\-–—→←×°'’\"“”«»!?…|#@&*=<>\[\]]+")

READ = """() => {
  const seen = [];
  const add = (text) => { const t = (text || "").replace(/\\s+/g, " ").trim(); if (t) seen.push(t); };
  const shown = (el) => el && el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const parent = walk.currentNode.parentElement;
    if (parent.closest("script, style, code, [translate='no']")) continue;
    if (shown(parent)) add(walk.currentNode.data);
  }
  for (const el of document.querySelectorAll("[title], [aria-label], [placeholder], [alt]")) {
    for (const name of ["title", "aria-label", "placeholder", "alt"]) add(el.getAttribute(name));
  }
  add(document.title);
  return seen;
}"""


def alike(text: str, lang: str) -> bool:
    """Only names, numbers and words every language (or this one) writes the same."""
    if text in SAME_IN.get(lang, set()) or text in CORE_PENDING:
        return True
    return all(word in ALIKE for word in NOT_WORDS.split(text) if word)


def read(page: Page) -> set[str]:
    return set(page.evaluate(READ))


class Tour:
    """One language's visit: a signed-out phone, the client's phone (Ahmed, for Sam) and the therapist's (Jo)."""

    def __init__(self, browser: Browser, base: str, lang: str) -> None:
        self.base, self.lang, self.browser = base, lang, browser
        self.pages: dict[str, set[str]] = {}
        self.contexts: list[Any] = []

    def phone(self) -> Page:
        context = self.browser.new_context(locale=LOCALES[self.lang], viewport={"width": 390, "height": 844})
        self.contexts.append(context)
        page = context.new_page()
        page.add_init_script(SPEECH_STUB)
        page.set_default_timeout(20_000)
        return page

    def look(self, page: Page, name: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", self.lang)
        self.pages[name] = read(page)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def submit(page: Page, form: str = "main form[method='post']") -> None:
    page.locator(f"{form} button[type='submit']").first.click()


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/signin/")
    page.fill("input[name='username']", username)
    page.fill("input[name='password']", password)
    submit(page, "#password-form")


def signed_out(tour: Tour, reset_url: str, invitation_url: str) -> None:
    page, base = tour.phone(), tour.base
    page.goto(f"{base}/signin/")
    tour.look(page, "sign-in")
    sign_in(page, base, "dana", "a wrong password")
    expect(page.locator("#signin-error")).to_be_visible()
    tour.look(page, "sign-in, wrong password")
    page.goto(reset_url)
    tour.look(page, "reset link")
    page.fill("input[name='new_password1']", "a brand new password")
    page.fill("input[name='new_password2']", "a different one")
    submit(page, "#reset-form")
    tour.look(page, "reset link, passwords differ")
    page.goto(f"{base}/account/reset/?token=made-up")
    tour.look(page, "reset link, used up")
    page.goto(invitation_url)
    tour.look(page, "invitation")
    page.goto(f"{base}/invitation/?token=made-up")
    tour.look(page, "invitation, expired")
    page.goto(f"{base}/trust/")
    tour.look(page, "trust")
    page.goto(f"{base}/no/such/page/")
    tour.look(page, "404")
    for n in range(10):
        sign_in(page, base, "dana", f"wrong guess {n}")
    expect(page.locator("#locked-out")).to_be_visible()
    tour.look(page, "lock-out")
    reset_throttling()


def client(tour: Tour, sam: int) -> None:
    page, base = tour.phone(), tour.base
    sign_in(page, base, "ahmed", PASSWORDS["ahmed"])
    page.wait_for_url(re.compile(r"/(t/|mine/)"))
    for name, path in (("home", "/"), ("technique", f"/t/{TECHNIQUE}/"), ("mine", "/mine/"), ("account", "/account/")):
        page.goto(base + path)
        tour.look(page, name)
    page.goto(f"{base}/t/{TECHNIQUE}/check/?receiver={sam}")
    tour.look(page, "check")
    submit(page)
    tour.look(page, "check, nothing answered")
    for question, answer in NO_TO_ALL.items():
        page.locator(f"input[name='{question}'][value='{answer}']").check()
    submit(page)
    page.wait_for_url("**/setup/**")
    tour.look(page, "set-up")
    page.fill("input[name='minutes']", "99")
    submit(page, "#setup-form")
    tour.look(page, "set-up, wrong minutes")
    page.locator("input[name='unit'][value='cm']").check()
    page.fill("input[name='thigh']", "42")
    page.locator("input[name='start_leg'][value='left']").check()
    page.fill("input[name='minutes']", "2")
    submit(page, "#setup-form")
    page.wait_for_url("**/p/*/")
    tour.look(page, "plan")
    page.locator("a[href$='/before/']").first.click()
    page.wait_for_url("**/p/*/before/")
    tour.look(page, "before")
    rate(page, "", {"left": 6, "right": 5, "back": 4})
    submit(page)
    page.wait_for_url("**/p/*/play/")
    page.wait_for_selector("#player[data-ready='true']", state="attached")
    tour.look(page, "player")
    page.locator("#start-button").click()
    page.wait_for_selector("#player[data-kind='spot']", state="attached")
    tour.look(page, "player, playing")
    expect(page.locator("#after")).to_be_visible(timeout=90_000)
    tour.look(page, "after the session")
    rate(page, "after-", {"left": 3, "right": 2, "back": 2})
    page.locator("#after-submit").click()
    expect(page.locator("#saved-status")).not_to_be_empty()
    tour.look(page, "saved")
    page.goto(f"{base}/history/?receiver={sam}")
    tour.look(page, "history")


def therapist(tour: Tour, link: int) -> None:
    page, base = tour.phone(), tour.base
    sign_in(page, base, "jo", PASSWORDS["jo"])
    page.wait_for_url("**/practice/")
    tour.look(page, "practice overview")
    page.goto(f"{base}/practice/clients/{link}/")
    tour.look(page, "client page")
    page.goto(f"{base}/practice/invite/")
    tour.look(page, "invite")
    page.goto(f"{base}/practice/techniques/")
    tour.look(page, "techniques")
    page.goto(f"{base}/practice/techniques/new/")
    tour.look(page, "publish")


def test_no_page_shows_an_english_text_in_another_language(browser: Browser, site: str, settings: Any) -> None:
    settings.LAN, settings.LOCAL_OWNER, settings.HTTPS_PORT = True, False, 8443
    tls.ensure(tls.folder(), tls.server_names("127.0.0.1", "house"), tls.now_utc())
    jo = make_therapist("jo", "Jo Reyes")
    ahmed = User.objects.create_user("ahmed", password=PASSWORDS["ahmed"])
    User.objects.create_user("dana", password="dana's right password")
    sam = receivers.add(ahmed, "Sam")
    found = care.invitation(care.invite(jo, "Sam", timezone.now()), timezone.now())
    assert found is not None
    link = care.accept(found, sam, timezone.now())
    payload = make_payload(started_at=timezone.now(), note="Sam")  # the person's own words are not the page's
    save_record(sam, parse_record(payload, now=timezone.now()))

    tours: dict[str, Tour] = {}
    for lang in LOCALES:
        tour = tours[lang] = Tour(browser, site, lang)
        reset_url = issue_reset_link(User.objects.get(username="dana"), site)
        invitation_url = f"{site}/invitation/?token={care.invite(jo, 'Kim', timezone.now())}"
        signed_out(tour, reset_url, invitation_url)
        client(tour, sam.pk)
        therapist(tour, link.pk)
        tour.close()

    english = tours["en"].pages
    left = {
        f"{lang} {where}": sorted(t for t in texts & english[where] if not alike(t, lang))
        for lang, tour in tours.items()
        if lang != "en"
        for where, texts in tour.pages.items()
    }
    left = {where: texts for where, texts in left.items() if texts}
    assert not left, json.dumps(left, indent=1, ensure_ascii=False)
