"""A player page that only reads, pages answered 304 when nothing in them changed, text compressed, static
files with hashed names that the service worker is told about."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from tests.helpers import make_payload
from tests.test_web import LAN, checked, planned, signed_in

from softspot.core.record import parse_record
from softspot.store.records import save_record
from softspot.web.models import Plan
from softspot.web.views.session import OFFLINE_FILES

T = "/t/hands-free-hamstring/"


def ready_plan(client: Client) -> Plan:
    plan = planned(checked(client))
    client.post(f"/p/{plan.id}/before/", {"left": "6", "right": "5", "back": "4"})
    return plan


def island(html: str) -> dict[str, object]:
    found = re.search(r'<script id="session-data" type="application/json">(.*?)</script>', html, re.S)
    assert found
    data: dict[str, object] = json.loads(found.group(1))
    return data


@pytest.fixture
def client(db: None) -> Client:
    return Client()


def test_the_player_page_only_reads(client: Client) -> None:
    plan = ready_plan(client)
    client.get(f"/p/{plan.id}/play/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/p/{plan.id}/play/").status_code == 200
    writes = [q["sql"] for q in captured if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    # The session, the owner, the plan (without its script, with its receiver), its record, and the receiver's
    # last two stop reasons (what to say after a stop for discomfort).
    assert len(captured) <= 5


def test_pages_answer_304_while_nothing_in_them_changed(client: Client) -> None:
    plan = ready_plan(client)
    client.get(f"/p/{plan.id}/before/")  # sets the CSRF cookie, part of every page's tag, as a browser's visit does
    for url in (T, f"/p/{plan.id}/", f"/p/{plan.id}/play/"):
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["Cache-Control"] == "private, no-cache"
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert (again.status_code, again.content, again["ETag"]) == (304, b"", first["ETag"]), url
    play = f"/p/{plan.id}/play/"
    tag = client.get(play)["ETag"]
    client.cookies["softspot-theme"] = "light"
    assert client.get(play, HTTP_IF_NONE_MATCH=tag).status_code == 200  # another theme: another page
    tag = client.get(play)["ETag"]
    client.post(f"/p/{plan.id}/before/", {"left": "2", "right": "5", "back": "4"})
    assert client.get(play, HTTP_IF_NONE_MATCH=tag).status_code == 200  # new ratings before
    tag = client.get(play)["ETag"]
    payload = make_payload()
    payload["plan"] = str(plan.id)
    save_record(plan.receiver, parse_record(payload))
    saved = client.get(play, HTTP_IF_NONE_MATCH=tag)
    assert saved.status_code == 200 and "Saved. It is in your history." in saved.content.decode()


@override_settings(**LAN)
def test_a_new_csrf_secret_or_another_person_never_gets_an_old_copy(alice: User, bob: User) -> None:
    client = signed_in(alice)
    client.get(T)  # signed in, the page's sign-out form sets the CSRF cookie
    tag = client.get(T)["ETag"]
    assert client.get(T, HTTP_IF_NONE_MATCH=tag).status_code == 304
    client.cookies["csrftoken"] = "x" * 32  # the secret the page's masked token must unmask to
    assert client.get(T, HTTP_IF_NONE_MATCH=tag).status_code == 200
    assert signed_in(bob).get(T, HTTP_IF_NONE_MATCH=tag).status_code == 200


def test_pages_and_json_are_gzipped_and_audio_is_not(client: Client) -> None:
    plan = ready_plan(client)
    record, _ = save_record(plan.receiver, parse_record(make_payload()))
    for url in (T, f"/p/{plan.id}/", f"/p/{plan.id}/play/", "/history/", f"/api/records/{record.key}/"):
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert response.get("Content-Encoding") == "gzip", url
        assert gzip.decompress(response.content)
        assert "Accept-Encoding" in response["Vary"]
    chime = client.get("/chime.wav", HTTP_ACCEPT_ENCODING="gzip")
    assert chime.get("Content-Encoding") is None
    plain = client.get(T)
    assert plain.get("Content-Encoding") is None and b"<html" in plain.content


def test_collected_static_files_have_hashed_names_imports_and_the_service_worker_list(
    client: Client, tmp_path: Path
) -> None:
    plan = ready_plan(client)
    before = island(client.get(f"/p/{plan.id}/play/").content.decode())
    assert "/static/softspot/player.js" in before["static_urls"]  # type: ignore[operator]
    with override_settings(STATIC_ROOT=tmp_path / "static"):
        call_command("collectstatic", interactive=False, verbosity=0)
        fresh = Client()  # whitenoise reads STATIC_ROOT when its middleware starts
        fresh.cookies = client.cookies
        html = fresh.get(f"/p/{plan.id}/play/").content.decode()
        urls = island(html)["static_urls"]
        assert isinstance(urls, list) and len(urls) == len(OFFLINE_FILES)
        assert island(html)["refused_url"] in urls  # the dynamic import, by its hashed name too
        assert all(re.fullmatch(r"/static/softspot/\w+\.[0-9a-f]{12}\.(js|css)", u) for u in urls), urls
        player = next(u for u in urls if "/player." in u)
        assert f'<script type="module" src="{player}">' in html
        served = fresh.get(player)
        assert served.status_code == 200
        assert "immutable" in served["Cache-Control"] and "max-age=315360000" in served["Cache-Control"]
        code = b"".join(served.streaming_content).decode()  # type: ignore[attr-defined]
        imports = re.findall(r'from "(\./[^"]+)"', code)
        assert imports and all(re.fullmatch(r"\./\w+\.[0-9a-f]{12}\.js", i) for i in imports), imports
        for name in imports:  # every import is itself served
            assert fresh.get(f"/static/softspot/{name[2:]}").status_code == 200
        zipped = fresh.get(player, HTTP_ACCEPT_ENCODING="gzip")
        assert zipped["Content-Encoding"] == "gzip"
