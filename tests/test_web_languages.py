"""The pages in Spanish, German and Thai (issue 11): catalogs complete, the language chosen and remembered."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from scripts import web_i18n
from tests.test_web import checked, planned

from softspot.web.models import Plan

pytestmark = pytest.mark.django_db

TECHNIQUE = "/t/hands-free-hamstring/"
CHECK = TECHNIQUE + "check/"


def html_tag(client: Client, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    found = re.search(r"<html[^>]*>", response.content.decode())
    assert found is not None
    return found.group(0)


@pytest.mark.parametrize("lang", web_i18n.SHIPPED)
def test_every_page_message_is_translated_and_compiled(lang: str) -> None:
    assert [str(p) for p in web_i18n.problems(lang)] == []


def test_the_check_reports_an_untranslated_a_fuzzy_message_and_a_stale_mo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "src" / "softspot" / "locale" / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Save"\nmsgstr "Guardar"\n\nmsgid "Stop"\nmsgstr ""\n\n#, fuzzy\nmsgid "Pause"\nmsgstr "Pausa"\n',
        encoding="utf-8",
    )
    (folder / "django.mo").write_bytes(b"old")
    monkeypatch.setattr(web_i18n, "ROOT", tmp_path)
    monkeypatch.setattr(web_i18n, "LOCALE", tmp_path / "src" / "softspot" / "locale")
    found = [p.what for p in web_i18n.problems("es")]
    assert found == [
        "untranslated: 'Stop'",
        "fuzzy: 'Pause'",
        "stale: run scripts/web_i18n.py compile",
    ]


@pytest.mark.parametrize(
    ("accept", "lang", "heading"),
    [
        ("th-TH,th;q=0.9", "th", "ตรวจความปลอดภัย"),
        ("es-MX,es;q=0.9,en;q=0.5", "es", "Control de seguridad"),
        ("de-DE", "de", "Sicherheitsprüfung"),
        ("fr-FR", "en", "Safety check"),
        (";;q=garbage,,", "en", "Safety check"),
    ],
)
def test_the_page_follows_the_browsers_language(client: Client, accept: str, lang: str, heading: str) -> None:
    response = client.get(CHECK, headers={"accept-language": accept})
    page = response.content.decode()
    assert f'<html lang="{lang}" dir="ltr">' in page
    assert f"<h1>{heading}</h1>" in page
    assert "Accept-Language" in response["Vary"]


def test_the_switch_remembers_a_language_in_a_cookie_over_plain_http(client: Client) -> None:
    response = client.post("/language/", {"language": "th", "next": CHECK})
    assert response.status_code == 302
    assert response["Location"] == CHECK
    cookie = response.cookies["softspot-language"]
    assert cookie.value == "th"
    assert not cookie["secure"]
    assert cookie["samesite"] == "Lax"
    assert html_tag(client, CHECK, accept_language="de") == '<html lang="th" dir="ltr">'


def test_a_language_softspot_does_not_speak_changes_nothing(client: Client) -> None:
    response = client.post("/language/", {"language": "xx", "next": "https://elsewhere.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "softspot-language" not in response.cookies
    client.cookies["softspot-language"] = "zz<script>"
    assert html_tag(client, CHECK) == '<html lang="en" dir="ltr">'


def test_the_switch_offers_each_language_named_in_itself(client: Client) -> None:
    page = client.get(CHECK, headers={"accept-language": "th"}).content.decode()
    for code, name in (("en", "English"), ("es", "Español"), ("de", "Deutsch"), ("th", "ไทย")):
        assert re.search(
            rf'<button type="submit" name="language" value="{code}" lang="{code}"[^>]*>{name}</button>', page
        )
    assert 'value="th" lang="th" class="link" aria-current="true"' in page


def test_a_page_in_another_language_is_not_answered_from_the_cache(client: Client) -> None:
    client.get(TECHNIQUE)  # the language switch's form sets the CSRF cookie, part of the tag
    first = client.get(TECHNIQUE, headers={"accept-language": "en"})
    etag = first["ETag"]
    same = client.get(TECHNIQUE, headers={"accept-language": "en", "if-none-match": etag})
    assert same.status_code == 304
    again = client.get(TECHNIQUE, headers={"accept-language": "th", "if-none-match": etag})
    assert again.status_code == 200
    assert '<html lang="th"' in again.content.decode()


STATIC = Path(__file__).resolve().parents[1] / "src" / "softspot" / "web" / "static" / "softspot"
T_CALL = re.compile(r'\bt\(\s*((?:"(?:[^"\\]|\\.)*"\s*\+?\s*)+)')
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')


def said_in_modules() -> set[str]:
    found = set()
    for module in STATIC.glob("*.js"):
        for call in T_CALL.finditer(module.read_text(encoding="utf-8")):
            found.add("".join(json.loads(f'"{s}"') for s in LITERAL.findall(call.group(1))))
    return found


def test_every_sentence_the_player_says_is_in_the_catalog() -> None:
    from softspot.web.words import PLAYER_WORDS

    said = said_in_modules()
    assert len(said) > 40
    assert said - set(PLAYER_WORDS) == set()
    assert set(PLAYER_WORDS) - said == set()


def test_the_technique_page_is_made_once_per_language_and_never_shown_in_another(client: Client) -> None:
    english = client.get(TECHNIQUE, headers={"accept-language": "en"}).content.decode()
    thai = client.get(TECHNIQUE, headers={"accept-language": "th"}).content.decode()
    again = client.get(TECHNIQUE, headers={"accept-language": "en"}).content.decode()
    assert '<h2 id="helps">What it helps</h2>' in english
    assert '<h2 id="helps">ช่วยอะไร</h2>' in thai
    assert "What it helps" not in thai
    # The demonstration's words, in Thai only (the JSON island escapes what is not ASCII).
    assert '"Step {n} of {total}": ' + json.dumps("ขั้นที่ {n} จาก {total}") in thai
    assert "ขั้นที่" not in again
    assert again.count("What it helps") == 1


def plan_in(client: Client, accept: str, **fields: str) -> Plan:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = accept
    checked(client)
    return planned(client, **fields)


def test_a_plan_is_made_in_the_pages_language(client: Client) -> None:
    row = plan_in(client, "th")
    assert row.session_script.language == "th"
    plan_page = client.get(f"/p/{row.id}/").content.decode()
    assert '<html lang="th"' in plan_page
    assert "Stay here" not in plan_page


def test_a_receivers_own_language_makes_their_plan_whatever_the_page(client: Client) -> None:
    first = plan_in(client, "en")
    assert first.session_script.language == "en"
    receiver = first.receiver
    receiver.language = "de"
    receiver.save(update_fields=["language"])
    second = planned(client, receiver=str(receiver.pk))
    assert second.session_script.language == "de"
    page = client.get(f"/t/{TECHNIQUE[3:-1]}/setup/").content.decode()
    assert '<html lang="en"' in page  # the page itself follows the browser


def test_a_receiver_language_the_technique_is_not_written_in_is_passed_over(client: Client) -> None:
    first = plan_in(client, "es")
    first.receiver.language = "pt"
    first.receiver.save(update_fields=["language"])
    assert planned(client, receiver=str(first.receiver.pk)).session_script.language == "es"


def test_a_right_to_left_language_gets_dir_rtl(client: Client, settings: Any) -> None:
    """Right-to-left ready: a language listed as such is written dir="rtl" (only its catalog is then needed)."""
    settings.LANGUAGES_BIDI = ["th"]
    assert html_tag(client, CHECK, accept_language="th") == '<html lang="th" dir="rtl">'


PHYSICAL = re.compile(r"(margin|padding|border)-(left|right)\b|(?<![-\w])(left|right)\s*:|text-align:\s*(left|right)")


def test_the_stylesheets_use_logical_properties_only() -> None:
    for sheet in STATIC.glob("*.css"):
        found = [line for line in sheet.read_text(encoding="utf-8").splitlines() if PHYSICAL.search(line)]
        assert found == [], f"{sheet.name}: {found}"


@pytest.fixture
def serving_https(settings: Any) -> None:
    """A household authority in the data folder and an HTTPS port, as under ``softspot serve --lan --https``."""
    from softspot import tls

    settings.HTTPS_PORT = 8443
    tls.ensure(tls.folder(), tls.server_names("127.0.0.1", "house"), tls.now_utc())


@pytest.mark.parametrize(
    ("accept", "words"),
    [
        ("es", ("Confiar en softspot en este teléfono", "Ajustes › General › VPN y gestión de dispositivos")),
        ("de", ("softspot auf diesem Telefon vertrauen", "Einstellungen › Allgemein › VPN und Geräteverwaltung")),
        ("th", ("ให้โทรศัพท์เครื่องนี้เชื่อถือ softspot", "การตั้งค่า › ทั่วไป › VPN และการจัดการอุปกรณ์")),
    ],
)
def test_the_trust_page_walks_a_phone_through_in_its_language(
    client: Client, serving_https: None, accept: str, words: tuple[str, ...]
) -> None:
    html = client.get("/trust/", headers={"accept-language": accept}).content.decode()
    for said in words:
        assert said in html
    assert "Save softspot’s certificate" not in html and "Install anyway" not in html


@pytest.mark.parametrize(
    ("accept", "heading"), [("en", "Page not found"), ("es", "Página no encontrada"), ("th", "ไม่พบหน้านี้")]
)
def test_a_missing_page_says_so_in_the_pages_language(client: Client, accept: str, heading: str) -> None:
    response = client.get("/t/no-such-technique/", headers={"accept-language": accept})
    assert response.status_code == 404
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html and f'lang="{accept}"' in html
    assert "Not Found" not in html


def test_a_form_sent_without_its_csrf_token_is_refused_in_the_pages_language() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/language/", {"language": "th"}, headers={"accept-language": "de"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Das Formular ist abgelaufen" in html and 'lang="de"' in html
    assert "Forbidden" not in html and "CSRF" not in html


def test_a_download_is_named_in_the_pages_language(client: Client) -> None:
    answer = client.get("/reminders.ics", {"days": ["mon"], "at": "08:15"}, headers={"accept-language": "de"})
    assert answer["Content-Disposition"] == 'attachment; filename="softspot-erinnerungen.ics"'
    thai = client.get("/reminders.ics", {"days": ["mon"], "at": "08:15"}, headers={"accept-language": "th"})
    assert "filename*=utf-8''softspot-" in thai["Content-Disposition"]
    english = client.get("/reminders.ics", {"days": ["mon"], "at": "08:15"})
    assert english["Content-Disposition"] == 'attachment; filename="softspot-reminders.ics"'


def test_one_command_checks_both_domains(capsys: pytest.CaptureFixture[str]) -> None:
    from scripts import translations

    assert translations.main(["translations.py", "check"]) == 0
    assert "every softspot catalog is complete" in capsys.readouterr().out
    assert translations.main(["translations.py", "translate"]) == 2
    assert "Both gettext domains" in capsys.readouterr().err


def test_a_reset_link_by_e_mail_is_written_in_the_language_of_the_page_that_made_it(settings: Any) -> None:
    from django.contrib.auth.models import User
    from django.core import mail
    from django.utils import translation

    from softspot.practice.accounts import issue_reset_link

    settings.SOFTSPOT_MAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    dana = User.objects.create_user("dana", email="dana@example.org")
    with translation.override("de"):
        url = issue_reset_link(dana, "http://house:8000")
    (sent,) = mail.outbox
    assert sent.subject == "Ihr softspot-Passwort festlegen"
    assert sent.body.startswith(
        "Öffnen Sie diesen Link, um ein neues Passwort für dana festzulegen (er gilt einmal, 24 Stunden lang):"
    )
    assert url in sent.body


def test_the_drawings_are_labelled_in_the_language_of_their_address(client: Client) -> None:
    german = client.get("/illustration/de/bed.svg")
    assert german.status_code == 200 and german["Content-Type"] == "image/svg+xml"
    assert ">feste Matratze</text>" in german.content.decode() and "firm bed" not in german.content.decode()
    assert ">เตียงแข็ง</text>" in client.get("/illustration/th/bed.svg").content.decode()
    assert ">firm bed</text>" in client.get("/illustration/en/bed.svg").content.decode()
    assert client.get("/illustration/pt/bed.svg").status_code == 404
    assert client.get("/illustration/de/icon.svg").status_code == 404
    page = client.get(TECHNIQUE, headers={"accept-language": "th"}).content.decode()
    assert 'src="/illustration/th/bed.svg"' in page


@pytest.mark.parametrize("lang", ["de", "es", "th"])
def test_durations_on_the_technique_page_are_in_the_language_with_one_full_stop(client: Client, lang: str) -> None:
    """'2 min' was English on every language's page, and German's 'Min.' doubled the full stop at a sentence's end."""
    page = client.get("/t/hands-free-hamstring/", headers={"accept-language": lang}).content.decode()
    text = re.sub(r"<[^>]+>", " ", page)
    assert ".." not in text
    if lang == "th":
        assert "2 นาที" in text and not re.search(r"\d (min|s)\b", text)


@pytest.mark.parametrize(
    ("body", "german"),
    [
        ("[" * 40 + "]" * 40, "ist 40 Ebenen tief verschachtelt; höchstens 32 sind erlaubt"),
        ("{bad", "ist kein JSON (Zeile 1, Spalte 2"),
        ('{"before": {"left": NaN}}', "NaN ist keine Zahl, die JSON erlaubt; senden Sie eine endliche Zahl"),
    ],
)
def test_the_record_apis_reading_problems_are_in_the_requests_language(client: Client, body: str, german: str) -> None:
    response = client.post("/api/records/", body, content_type="application/json", headers={"accept-language": "de"})
    assert response.status_code == 400
    messages = " ".join(e["message"] for e in response.json()["errors"])
    assert german in messages, messages
