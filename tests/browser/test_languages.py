"""A whole session in Thai, Spanish and German from the browser's language alone (issue 11): every page in
that language (``<html lang>``), axe clean, the player's own words in it, and a saved record."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from tests.browser.conftest import SPEECH_STUB
from tests.browser.flow import NO_TO_ALL, TECHNIQUE, rate
from tests.browser.test_accessibility import violations

from softspot.store.models import SessionRecord

pytestmark = pytest.mark.browser

BEFORE = {"left": 6, "right": 5, "back": 4}
AFTER = {"left": 3, "right": 2, "back": 2}
# What each language's pages say at each step (the django catalogs), checked as a person would read them.
WORDS = {
    "th": {
        "check": "ตรวจความปลอดภัย",
        "setup": "เตรียมการนวดของวันนี้",
        "before": "ตอนนี้ตึงแค่ไหน",
        "start": "แตะเพื่อเริ่ม",
        "softened": "คลายแล้ว ไปต่อ",
        "saved": "บันทึกแล้ว อยู่ในประวัติของคุณ",
        "protection": "หน้าจอ: เปิดค้างไว้ (wake lock)",
        "history": "ผู้รับการนวด: ประวัติและความก้าวหน้า",
    },
    "es": {
        "check": "Control de seguridad",
        "setup": "Prepare la sesión de hoy",
        "before": "¿Cuánta tensión hay ahora?",
        "start": "Toque para empezar",
        "softened": "Se ha relajado: avanzar",
        "saved": "Guardado. Ya está en su historial.",
        "protection": "Pantalla: se mantiene encendida (bloqueo de suspensión).",
        "history": "Receptor: historial y progreso",
    },
    "de": {
        "check": "Sicherheitsprüfung",
        "setup": "Die heutige Sitzung vorbereiten",
        "before": "Wie angespannt ist es jetzt?",
        "start": "Zum Beginnen tippen",
        "softened": "Weich geworden – weiter",
        "saved": "Gespeichert. Es steht in Ihrem Verlauf.",
        "protection": "Bildschirm: bleibt an (Wake Lock).",
        "history": "Empfänger: Verlauf und Fortschritt",
    },
}
LOCALES = {"th": "th-TH", "es": "es-ES", "de": "de-DE"}


@pytest.fixture
def in_language(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    lang = request.param
    context = browser.new_context(locale=LOCALES[lang], viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.add_init_script(SPEECH_STUB)
    page.set_default_timeout(15_000)
    yield page
    context.close()


def submit(page: Page, form: str) -> None:
    page.locator(f"{form} button[type='submit']").first.click()


@pytest.mark.parametrize("in_language", ["th", "es", "de"], indirect=True)
def test_a_pair_does_a_whole_session_in_the_browsers_language(
    in_language: Page, site: str, axe_source: str, request: pytest.FixtureRequest
) -> None:
    page = in_language
    lang = request.node.callspec.params["in_language"]
    words = WORDS[lang]
    seen: dict[str, list[dict[str, Any]]] = {}

    def looked_at(where: str, heading: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        expect(page.locator("h1").first).to_contain_text(heading)
        seen[where] = violations(page, axe_source)

    page.goto(f"{site}/t/{TECHNIQUE}/check/")
    submit(page, "form[method='post']:not(.languages):not(.inline)")  # nothing answered: errors in the language
    looked_at("check with errors", words["check"])
    for question, answer in NO_TO_ALL.items():
        page.locator(f"input[name='{question}'][value='{answer}']").check()
    submit(page, "form[method='post']:not(.languages):not(.inline)")
    page.wait_for_url(f"**/t/{TECHNIQUE}/setup/")
    page.fill("input[name='minutes']", "99")
    submit(page, "#setup-form")
    looked_at("setup with errors", words["setup"])
    page.locator("input[name='unit'][value='cm']").check()
    page.fill("input[name='thigh']", "42")
    page.locator("input[name='start_leg'][value='left']").check()
    page.fill("input[name='minutes']", "2")
    submit(page, "#setup-form")
    page.wait_for_url("**/p/*/")
    looked_at("plan", "")
    page.locator("a[href$='/before/']").first.click()
    page.wait_for_url("**/p/*/before/")
    looked_at("before", words["before"])
    rate(page, "", BEFORE)
    submit(page, "form[method='post']:not(.languages):not(.inline)")
    page.wait_for_url("**/p/*/play/")
    page.wait_for_selector("#player[data-ready='true']", state="attached")
    expect(page.locator("#start-button")).to_have_text(words["start"])
    seen["player"] = violations(page, axe_source)
    page.locator("#start-button").click()
    expect(page.locator("#protection")).to_contain_text(words["protection"])
    expect(page.locator("#softened")).to_have_text(words["softened"])
    page.wait_for_selector("#player[data-kind='spot'][data-leg='right']", state="attached")
    expect(page.locator("#after")).to_be_visible()
    seen["after"] = violations(page, axe_source)
    rate(page, "after-", AFTER)
    page.locator("#after-submit").click()
    expect(page.locator("#saved-status")).to_have_text(words["saved"])

    record = SessionRecord.objects.get()
    assert (record.before, record.after, record.ended_early) == (BEFORE, AFTER, False)
    page.goto(f"{site}/history/")
    looked_at("history", words["history"])
    bad = {where: found for where, found in seen.items() if found}
    assert not bad, json.dumps(bad, indent=1)


def test_the_switch_changes_the_language_without_javascript_and_remembers_it(browser: Browser, site: str) -> None:
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/t/{TECHNIQUE}/check/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("#language-switch summary").click()
    page.locator("#language-switch button[value='th']").click()
    page.wait_for_url(f"**/t/{TECHNIQUE}/check/")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.locator("h1")).to_have_text("ตรวจความปลอดภัย")
    page.goto(f"{site}/history/")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    context.close()
