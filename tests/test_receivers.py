"""Receivers in the store and the records API: names, each one's own records, progression and progress.

alice and bob share one household (the ``home`` account) with the receivers Alice and Sam;
charlie is another household with his own receiver.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client, override_settings
from tests.conftest import Home
from tests.helpers import NIGHT, hamstring, make_payload

from softspot.core.record import parse_record
from softspot.store import receivers, records
from softspot.store.models import Receiver, SessionRecord, SpotRecord
from softspot.store.records import export, export_rows, history, progress_report, save_record, suggestion, summaries

pytestmark = pytest.mark.postgres  # also run on PostgreSQL (pytest --db=postgres -m postgres)

RECORDS = "/api/records/"
LAN = override_settings(LAN=True, LOCAL_OWNER=False)


def night(n: int, **kw: Any) -> Any:
    return parse_record(make_payload(started_at=NIGHT + timedelta(days=n), **kw))


def test_names_are_unique_in_a_household_whatever_the_case(home: Home, charlies: Receiver) -> None:
    for taken in ("sam", "SAM", "  Sam  ", "alice"):
        with pytest.raises(receivers.NameTaken) as refused:
            receivers.add(home.owner, taken)
        assert str(refused.value) in {
            "there is already a receiver called Sam in this household",
            "there is already a receiver called Alice in this household",
        }
    zoe = receivers.add(home.owner, "Zoë")
    with pytest.raises(receivers.NameTaken):
        receivers.add(home.owner, "ZOË")  # whole Unicode case, not only ASCII
    assert receivers.add(charlies.owner, "Sam").name == "Sam"  # another household may have its own Sam
    assert receivers.names(home.owner) == ["Alice", "Sam", "Zoë"]
    assert receivers.named(home.owner, "zoë").pk == zoe.pk


def test_the_database_itself_refuses_a_second_name_in_another_case(home: Home) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Receiver.objects.create(owner=home.owner, name="SAM")
    assert Receiver.objects.filter(owner=home.owner).count() == 2


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "a name cannot be empty"),
        ("   ", "a name cannot be empty"),
        ("S" * 41, "the name is 41 characters long; keep it to 40"),
        ("Sam\x07", "contains a control character"),
    ],
)
def test_a_bad_name_is_refused_and_nothing_is_written(home: Home, name: str, message: str) -> None:
    with pytest.raises(receivers.ReceiverError, match=message):
        receivers.add(home.owner, name)
    with pytest.raises(receivers.ReceiverError, match=message):
        receivers.rename(home.sam, name)
    assert receivers.names(home.owner) == ["Alice", "Sam"]


def test_an_unknown_name_is_answered_with_the_nearest_one(home: Home) -> None:
    with pytest.raises(receivers.NoSuchReceiver) as refused:
        receivers.named(home.owner, "Sma")
    assert refused.value.nearest == "Sam"
    assert str(refused.value) == "there is no receiver called Sma; did you mean Sam? Receivers: Alice, Sam"
    with pytest.raises(receivers.NoSuchReceiver, match=r"receivers: Alice, Sam$"):
        receivers.named(home.owner, "Robin")


def test_renaming_keeps_the_sessions_and_may_change_only_the_case(home: Home) -> None:
    save_record(home.sam, night(0))
    receivers.rename(home.sam, "sammy")
    receivers.rename(home.sam, "Sammy")
    with pytest.raises(receivers.NameTaken):
        receivers.rename(home.sam, "ALICE")
    assert [r.receiver.name for r in history(home.owner)] == ["Sammy"]


def test_the_progression_grows_for_one_receiver_and_not_the_other(home: Home) -> None:
    """Alice does two comfortable sessions; Sam's one stops for discomfort. Each gets their own next dose."""
    save_record(home.alice, night(0))
    save_record(home.sam, night(1, stop_reason="discomfort", after=None))
    save_record(home.alice, night(2))
    ham = hamstring()
    alices, sams = suggestion(home.alice, ham, 44.0), suggestion(home.sam, ham, 38.0)
    assert (alices.seconds_per_leg, alices.comfortable_sessions) == (240, 2)
    assert (sams.seconds_per_leg, sams.comfortable_sessions, sams.see_a_professional) == (120, 0, False)
    assert "pain has gone" in sams.reason
    assert suggestion(None, ham).seconds_per_leg == 180  # someone new starts at the beginning
    assert [s.started_at for s in summaries(home.alice, ham.id)] == [NIGHT, NIGHT + timedelta(days=2)]
    assert [s.stop_reason for s in summaries(home.sam, ham.id)] == ["discomfort"]


def test_history_and_progress_are_per_receiver_and_the_household_sees_both(home: Home, charlies: Receiver) -> None:
    for n in range(5):
        save_record(home.alice, night(2 * n, before=(6, 6, 5), after=(3, 3, 2)))
    save_record(home.sam, night(3, before=(4, 4, 4), after=(5, 5, 5)))
    save_record(charlies, night(4))
    today = date(2026, 12, 10)
    alice_report = progress_report(home.alice, hamstring(), today)
    sam_report = progress_report(home.sam, hamstring(), today)
    assert (alice_report.verdict.kind, len(alice_report.changes)) == ("better", 5)
    assert (sam_report.verdict.kind, len(sam_report.changes)) == ("not_enough_data", 1)
    assert progress_report(None, hamstring(), today).changes == []
    assert [r.receiver.name for r in history(home.sam)] == ["Sam"]
    assert sorted(r.receiver.name for r in history(home.owner)) == ["Alice"] * 5 + ["Sam"]
    assert {r["receiver"] for r in export(home.owner)} == {"Alice", "Sam"}
    assert {r["receiver"] for r in export_rows(home.sam)} == {"Sam"}
    assert [r["receiver"] for r in export(charlies)] == ["Charlie"]


def test_a_key_from_another_household_is_refused_but_one_of_the_same_household_is_the_same_record(
    home: Home, charlies: Receiver
) -> None:
    key = uuid.uuid4()
    first, _ = save_record(home.alice, night(0, key=key))
    again, created = save_record(home.sam, night(0, key=key))  # the same session sent again, from the other name
    assert (created, again.pk, again.receiver.name) == (False, first.pk, "Alice")
    with pytest.raises(records.KeyTaken):
        save_record(charlies, night(0, key=key))
    assert SessionRecord.objects.count() == 1


def test_removing_a_receiver_deletes_their_sessions_only(home: Home) -> None:
    save_record(home.alice, night(0))
    for n in (1, 2):
        save_record(home.sam, night(n))
    assert receivers.sessions_of(home.sam) == 2
    assert receivers.remove(home.sam) == 2
    assert receivers.names(home.owner) == ["Alice"]
    assert [r.receiver.name for r in history(home.owner)] == ["Alice"]
    assert SpotRecord.objects.filter(record__receiver__name="Sam").count() == 0


def test_moving_sessions_before_removing_keeps_them_in_the_household(home: Home, charlies: Receiver) -> None:
    save_record(home.sam, night(0))
    assert receivers.move_records(home.sam, home.alice) == 1
    with pytest.raises(receivers.ReceiverError, match="same household"):
        receivers.move_records(home.alice, charlies)
    assert receivers.remove(home.sam) == 0
    assert [r.receiver.name for r in history(home.owner)] == ["Alice"]


def test_measurements_are_remembered_only_when_given(home: Home) -> None:
    receivers.remember(home.sam, thigh_cm=40.64, unit="in", first_leg="right")
    receivers.remember(home.sam)  # nothing given: nothing forgotten
    home.sam.refresh_from_db()
    assert (home.sam.thigh_cm, home.sam.unit, home.sam.first_leg) == (40.64, "in", "right")
    with pytest.raises(receivers.ReceiverError, match="not a unit"):
        receivers.remember(home.sam, unit="ft")


# The records API: whose session a posted record is.


def post(client: Client, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = client.post(RECORDS, data=json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@LAN
def test_a_posted_record_goes_to_the_receiver_its_plan_was_made_for(home: Home) -> None:
    from softspot.web.models import Plan

    plan = Plan.create_for(home.sam, parse_record(make_payload()).script)
    status, body = post(signed_in(home.owner), {**make_payload(), "plan": str(plan.id)})
    assert (status, body["receiver"]) == (201, "Sam")
    assert list(SessionRecord.objects.values_list("receiver__name", flat=True)) == ["Sam"]


@LAN
def test_a_posted_record_may_name_its_receiver_and_must_when_there_are_several(home: Home) -> None:
    client = signed_in(home.owner)
    status, body = post(client, make_payload())
    assert status == 400
    message = "say who received this session (the receiver's name); receivers: Alice, Sam"
    assert body == {"errors": [{"field": "receiver", "message": message}]}
    status, body = post(client, {**make_payload(), "receiver": "Robin"})
    assert (status, body["errors"][0]["field"]) == (400, "receiver")
    assert "there is no receiver called Robin in this household" in body["errors"][0]["message"]
    assert SessionRecord.objects.count() == 0
    status, body = post(client, {**make_payload(), "receiver": "sam"})
    assert (status, body["receiver"]) == (201, "Sam")


@LAN
def test_another_households_plan_does_not_give_its_receiver(home: Home, charlies: Receiver) -> None:
    from softspot.web.models import Plan

    plan = Plan.create_for(charlies, parse_record(make_payload()).script)
    status, body = post(signed_in(home.owner), {**make_payload(), "plan": str(plan.id)})
    assert (status, body["errors"][0]["field"]) == (400, "receiver")
    assert not SessionRecord.objects.exists()
    assert "Charlie" not in json.dumps(body)


def test_on_loopback_a_first_record_makes_a_first_receiver(db: None) -> None:
    status, body = post(Client(), make_payload())
    assert (status, body["receiver"]) == (201, "Receiver")
    assert list(Receiver.objects.values_list("owner__username", "name")) == [("local", "Receiver")]


def test_a_receiver_name_in_a_record_is_checked_like_any_field(db: None) -> None:
    status, body = post(Client(), {**make_payload(), "receiver": "x" * 41})
    assert status == 400
    assert body["errors"] == [{"field": "receiver", "message": "is 41 characters long; at most 40 are allowed"}]
    assert not Receiver.objects.exists()
