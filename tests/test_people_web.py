"""The web app with several receivers: "Who is receiving today?" at set-up, and history per receiver.

alice and bob share the ``home`` account (receivers Alice, 44 cm, and Sam, 38 cm); charlie is another household.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, override_settings
from tests.conftest import Home
from tests.helpers import ALL_NO, NIGHT, make_payload

from softspot.core.record import parse_record
from softspot.store import receivers
from softspot.store.models import Receiver
from softspot.store.records import save_record
from softspot.web.models import Plan

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

T = "/t/hands-free-hamstring"
SETUP = {"unit": "cm", "start_leg": "left", "surface": "floor", "position": "sideways", "minutes": "3"}


@pytest.fixture(autouse=True)
def _lan() -> Any:
    with override_settings(LAN=True, LOCAL_OWNER=False):
        yield


def checked(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    response = client.post(f"{T}/check/", dict.fromkeys(ALL_NO, "no"))
    assert response.status_code == 302
    return client


def night(receiver: Receiver, n: int, **kw: Any) -> None:
    save_record(receiver, parse_record(make_payload(started_at=NIGHT + timedelta(days=n), **kw)))


def form_of(response: Any) -> Any:
    return response.context["form"]


def test_the_set_up_asks_who_is_receiving_and_shows_their_own_measurements_and_dose(home: Home) -> None:
    night(home.alice, 0)
    night(home.alice, 1)
    night(home.sam, 2, stop_reason="discomfort", after=None)  # Sam was the last to receive
    client = checked(home.owner)
    page = client.get(f"{T}/setup/")
    html = page.content.decode()
    assert "Who is receiving today?" in html
    assert [label for _, label in form_of(page).fields["receiver"].choices] == ["Alice", "Sam", "Someone new"]
    assert form_of(page)["receiver"].value() == str(home.sam.pk)
    assert (form_of(page)["thigh"].value(), form_of(page)["minutes"].value()) == ("38", "2")
    assert "The thigh, first leg and time below are Sam's" in html
    alices = client.get(f"{T}/setup/?receiver={home.alice.pk}")
    assert (form_of(alices)["thigh"].value(), form_of(alices)["minutes"].value()) == ("44", "4")
    assert form_of(alices)["receiver"].value() == str(home.alice.pk)
    new = client.get(f"{T}/setup/?receiver=new")
    assert (form_of(new)["thigh"].value(), form_of(new)["minutes"].value()) == (None, "3")


def test_a_plan_is_for_the_chosen_receiver_and_remembers_their_new_measurements(home: Home) -> None:
    client = checked(home.owner)
    sam = str(home.sam.pk)
    response = client.post(
        f"{T}/setup/", {**SETUP, "receiver": sam, "shown_for": sam, "unit": "in", "thigh": "16", "start_leg": "right"}
    )
    assert response.status_code == 302, form_of(response).errors
    plan = Plan.objects.get()
    assert (plan.receiver.name, plan.session_script.legs[0].leg) == ("Sam", "right")
    home.sam.refresh_from_db()
    assert (round(home.sam.thigh_cm or 0, 2), home.sam.unit, home.sam.first_leg) == (40.64, "in", "right")
    again = client.get(f"{T}/setup/?receiver={sam}")
    assert (form_of(again)["unit"].value(), form_of(again)["thigh"].value()) == ("in", "16")
    assert form_of(again)["start_leg"].value() == "right"
    assert "For Sam" in client.get(f"/p/{plan.id}/").content.decode()
    home.alice.refresh_from_db()
    assert (home.alice.thigh_cm, home.alice.unit) == (44.0, "cm")


def test_choosing_someone_else_and_posting_shows_their_page_before_any_plan(home: Home) -> None:
    """Without the page's script: Alice's numbers were on the page, so Sam is not planned with them."""
    client = checked(home.owner)
    response = client.post(
        f"{T}/setup/", {**SETUP, "thigh": "44", "receiver": str(home.sam.pk), "shown_for": str(home.alice.pk)}
    )
    assert response.status_code == 200
    assert "Now showing Sam's measurements and suggestion" in response.content.decode()
    assert form_of(response)["thigh"].value() == "38"
    assert not Plan.objects.exists()
    home.sam.refresh_from_db()
    assert home.sam.thigh_cm == 38.0


def test_someone_new_is_added_with_their_measurements_when_the_plan_is_made(home: Home) -> None:
    client = checked(home.owner)
    fields = {**SETUP, "receiver": "new", "shown_for": "new", "new_name": "  Robin ", "thigh": "40"}
    response = client.post(f"{T}/setup/", fields)
    assert response.status_code == 302, form_of(response).errors
    robin = Receiver.objects.get(owner=home.owner, name="Robin")
    assert (robin.thigh_cm, Plan.objects.get().receiver) == (40.0, robin)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("sam", "There is already someone called Sam: choose Sam above, or give another name."),
        ("", "Give the new receiver's name, or choose someone listed."),
        ("R" * 41, "Keep the name to 40 characters."),
    ],
)
def test_a_bad_new_name_is_a_field_message_and_nothing_is_written(home: Home, name: str, message: str) -> None:
    client = checked(home.owner)
    fields = {**SETUP, "receiver": "new", "shown_for": "new", "new_name": name, "thigh": "40"}
    response = client.post(f"{T}/setup/", fields)
    assert response.status_code == 400
    assert dict(form_of(response).errors) == {"new_name": [message]}
    assert not Plan.objects.exists()
    assert receivers.names(home.owner) == ["Alice", "Sam"]


def test_another_households_receiver_is_a_404_and_nothing_is_written(home: Home, charlies: Receiver) -> None:
    client = checked(home.owner)
    theirs = str(charlies.pk)
    assert client.get(f"{T}/setup/?receiver={theirs}").status_code == 404
    for fields in ({"receiver": theirs, "shown_for": theirs}, {"receiver": theirs}, {"shown_for": theirs}):
        response = client.post(f"{T}/setup/", {**SETUP, "thigh": "50", **fields})
        assert response.status_code == 404
    for junk in ("abc", "-1", "99999999999999999999999"):
        assert client.get(f"{T}/setup/?receiver={junk}").status_code == 404
    assert client.get(f"/history/?receiver={theirs}").status_code == 404
    assert not Plan.objects.exists()
    charlies.refresh_from_db()
    assert charlies.thigh_cm == 41.0
    assert Receiver.objects.filter(owner=home.owner).count() == 2


def test_history_is_per_receiver_with_a_switch(home: Home) -> None:
    for n in range(2):
        night(home.alice, n, note=f"alice night {n}")
    night(home.sam, 5, note="sam night")
    client = Client()
    client.force_login(home.owner)
    html = client.get("/history/").content.decode()  # Sam had the last session
    assert "<h1>Sam: history and progress</h1>" in html
    assert "sam night" in html and "alice night" not in html
    assert f'href="?receiver={home.alice.pk}&amp;technique=hands-free-hamstring"' in html
    assert 'aria-current="page">Sam</a>' in html
    assert "Start a session for Sam" in html
    alices = client.get(f"/history/?receiver={home.alice.pk}").content.decode()
    assert "<h1>Alice: history and progress</h1>" in alices
    assert "alice night 0" in alices and "sam night" not in alices
    assert "4 min per leg" in alices  # Alice's own progression


def test_starting_from_a_receivers_history_sets_up_for_them(home: Home) -> None:
    night(home.alice, 0)
    client = Client()
    client.force_login(home.owner)
    response = client.post(f"{T}/check/?receiver={home.sam.pk}", dict.fromkeys(ALL_NO, "no"))
    assert response["Location"] == f"{T}/setup/?receiver={home.sam.pk}"
    assert form_of(client.get(response["Location"]))["thigh"].value() == "38"


def test_with_nobody_yet_the_set_up_offers_someone_new_named_after_the_account(alice: Any) -> None:
    alice.first_name = "Alice"
    alice.save()
    client = checked(alice)
    page = client.get(f"{T}/setup/")
    assert [label for _, label in form_of(page).fields["receiver"].choices] == ["Someone new"]
    assert "Leave it empty to call them Alice" in page.content.decode()
    response = client.post(f"{T}/setup/", {**SETUP, "thigh": "42"})
    assert response.status_code == 302
    assert list(Receiver.objects.values_list("name", "thigh_cm")) == [("Alice", 42.0)]
