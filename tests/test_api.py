"""The records API as the browser uses it: stored once, refused clearly, never shown to others."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from tests.helpers import make_payload

from softspot.store.models import SessionRecord, SpotRecord

pytestmark = pytest.mark.postgres  # also run on PostgreSQL (pytest --db=postgres -m postgres)

RECORDS = "/api/records/"
TOKEN = "Abcdefghijklmnopqrstuvwxyz012345"


def post(client: Client, body: Any, **headers: str) -> tuple[int, dict[str, Any]]:
    data = body if isinstance(body, str) else json.dumps(body)
    response = client.post(RECORDS, data=data, content_type="application/json", headers=headers)
    return response.status_code, response.json()


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


lan = override_settings(LOCAL_OWNER=False)


def test_the_urls_have_names() -> None:
    key = uuid.UUID(int=7)
    assert reverse("store:records") == RECORDS
    assert reverse("store:record", args=[key]) == f"{RECORDS}{key}/"


@lan
def test_a_record_is_created_once_and_a_repeat_gets_the_same_answer(alice: User) -> None:
    sent = make_payload()
    client = signed_in(alice)
    status, first = post(client, sent)
    assert status == 201
    assert {k: first[k] for k in sent} == sent
    status, again = post(client, sent)
    assert (status, again) == (200, first)
    assert SessionRecord.objects.filter(receiver__owner=alice).count() == 1
    assert SpotRecord.objects.count() == len(sent["engine"]["spots"])
    shown = client.get(f"{RECORDS}{sent['key']}/")
    assert (shown.status_code, shown.json()) == (200, first)


@lan
def test_a_rating_of_11_is_refused_naming_the_field_and_nothing_is_written(alice: User) -> None:
    sent = make_payload(before=(6, 5, 4))
    sent["before"]["left"] = 11
    sent["after"]["back"] = "two"
    status, body = post(signed_in(alice), sent)
    assert status == 400
    assert body == {
        "errors": [
            {"field": "before.left", "message": "11 is above 10"},
            {"field": "after.back", "message": "'two' is not a whole number from 0 to 10"},
        ]
    }
    assert not SessionRecord.objects.exists()
    assert not SpotRecord.objects.exists()


@lan
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"key": "not-a-key"}, "key", "is not a UUID"),
        ({"source": "fax"}, "source", "Input should be 'terminal' or 'web'"),
        ({"after": None}, "after", "the ratings after are needed when the session ran to the end"),
        ({"started_at": "2026-11-23T20:01:02"}, "started_at", "needs a time zone, e.g. 2026-11-23T20:01:02Z"),
        ({"ended_at": "2026-11-22T20:01:02Z"}, "ended_at", "comes before started_at"),
        ({"colour": "blue"}, "colour", "is not a field of a session record"),
        ({"before": {"left": 1, "right": 2}}, "before.back", "is required"),
        ({"note": "x" * 2001}, "note", "is 2001 characters long; at most 2000 are allowed"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    alice: User, change: dict[str, Any], field: str, message: str
) -> None:
    status, body = post(signed_in(alice), {**make_payload(), **change})
    assert (status, body) == (400, {"errors": [{"field": field, "message": message}]})
    assert not SessionRecord.objects.exists()


@lan
def test_a_body_that_is_not_a_json_record_is_refused(alice: User) -> None:
    client = signed_in(alice)
    not_json = "the body is not JSON (line 1, column 2: Expecting property name enclosed in double quotes)"
    assert post(client, "{not json") == (400, {"errors": [{"field": "", "message": not_json}]})
    assert post(client, [1, 2]) == (400, {"errors": [{"field": "", "message": "the record must be a JSON object"}]})
    assert not SessionRecord.objects.exists()


@lan
def test_an_outsider_cannot_see_or_overwrite_a_record(alice: User, charlie: User) -> None:
    sent = make_payload(note="alice's night")
    assert post(signed_in(alice), sent)[0] == 201
    outsider = signed_in(charlie)
    shown = outsider.get(f"{RECORDS}{sent['key']}/")
    assert shown.status_code == 404
    assert "alice" not in shown.content.decode()
    status, body = post(outsider, {**sent, "note": "charlie's"})
    assert status == 409
    assert body["errors"][0]["field"] == "key"
    assert "alice" not in json.dumps(body)
    assert list(SessionRecord.objects.values_list("receiver__owner__username", "note")) == [("alice", "alice's night")]


@lan
def test_partners_each_see_only_their_own_records(alice: User, bob: User) -> None:
    alices, bobs = make_payload(), make_payload()
    assert post(signed_in(alice), alices)[0] == 201
    assert post(signed_in(bob), bobs)[0] == 201
    assert signed_in(bob).get(f"{RECORDS}{alices['key']}/").status_code == 404
    assert signed_in(bob).get(f"{RECORDS}{bobs['key']}/").status_code == 200
    assert sorted(SessionRecord.objects.values_list("receiver__owner__username", flat=True)) == ["alice", "bob"]


@lan
def test_an_anonymous_visitor_is_refused_when_sign_in_is_needed(db: None) -> None:
    client = Client()
    assert post(client, make_payload()) == (403, {"errors": [{"field": "", "message": "sign in first"}]})
    assert client.get(f"{RECORDS}{uuid.uuid4()}/").status_code == 403
    assert not SessionRecord.objects.exists()


def test_on_loopback_records_go_to_the_local_owner(db: None) -> None:
    sent = make_payload()
    assert post(Client(), sent)[0] == 201
    assert list(SessionRecord.objects.values_list("receiver__owner__username", flat=True)) == ["local"]
    assert Client().get(f"{RECORDS}{sent['key']}/").status_code == 200


def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    status = client.post(RECORDS, data=json.dumps(make_payload()), content_type="application/json").status_code
    assert status == 403
    assert not SessionRecord.objects.exists()


def test_a_post_with_the_csrf_header_is_accepted(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = TOKEN
    status, _ = post(client, make_payload(), X_CSRFToken=TOKEN)
    assert status == 201
    assert SessionRecord.objects.count() == 1


def test_only_post_and_get_are_allowed(db: None) -> None:
    assert Client().get(RECORDS).status_code == 405
    assert Client().delete(f"{RECORDS}{uuid.uuid4()}/").status_code == 405
