"""The receivers migration, run with Django's migration executor on a database holding old records.

Before it a record belonged to an owner (a user); after it every record belongs to a receiver, and each owner's
old records to one first receiver, named after the owner's first name (or "Receiver" for the command line's
local owner and for an owner without one), with the thigh of their last measured session. Undone, every record
is its owner's again. Runs on SQLite and on PostgreSQL (where the steps must be separate transactions).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from tests.helpers import NIGHT, make_payload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [("store", "0002_record_plan"), ("web", "0001_initial")]


def migrate(targets: list[tuple[str, str]]) -> Any:
    """Migrate to ``targets`` and return the apps (historical models) as they are there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_database() -> Iterator[Any]:
    """The database as it was before receivers, handed back fully migrated whatever the test did."""
    apps = migrate(BEFORE)
    try:
        yield apps
    finally:
        migrate(latest())


def old_record(apps: Any, owner: Any, day: int, *, thigh: str | None = None, height: str | None = None) -> Any:
    """A record as the old schema stored it: owned by a user."""
    payload = make_payload(started_at=NIGHT + timedelta(days=day))
    person = payload["script"]["person"]
    if thigh is not None:
        person.update(thigh_cm=float(thigh.split()[0]) * (2.54 if thigh.endswith("in") else 1), unit=thigh.split()[1])
        person["thigh_source"] = "measured"
    elif height is not None:
        person.update(thigh_source="height", height_cm=float(height), unit="cm")
    else:
        person["thigh_source"] = "default"
    record = apps.get_model("store", "SessionRecord").objects.create(
        owner=owner,
        key=uuid.uuid4(),
        technique_id="hands-free-hamstring",
        technique_version="1",
        answers={},
        surface="floor",
        position="sideways",
        add_ons=[],
        seconds_per_leg=180,
        active_seconds=400.0,
        script=payload["script"],
        engine=payload["engine"],
        before_left=6,
        before_right=5,
        before_back=4,
        after_left=3,
        after_right=3,
        after_back=2,
        note=f"{owner.username} day {day}",
        started_at=NIGHT + timedelta(days=day),
        ended_at=NIGHT + timedelta(days=day, minutes=10),
        source="terminal",
    )
    return record


def test_old_records_move_to_a_first_receiver_per_owner_with_their_last_thigh(old_database: Any) -> None:
    apps = old_database
    users = apps.get_model("auth", "User").objects
    alice = users.create(username="alice", first_name="Alice")
    local = users.create(username="local", first_name="This computer")
    charlie = users.create(username="charlie")
    dora = users.create(username="dora", first_name="Dora")  # a plan, no record yet
    users.create(username="erin", first_name="Erin")  # nothing at all
    old_record(apps, alice, 0, thigh="40 cm")
    old_record(apps, alice, 1, thigh="17 in")  # the newest measured thigh wins
    old_record(apps, alice, 2)  # no measurement that night: the one before still counts
    old_record(apps, local, 0, height="172")
    old_record(apps, charlie, 0)
    plans = apps.get_model("web", "Plan").objects
    plan_of_alice = plans.create(owner=alice, technique_id="hands-free-hamstring", script={})
    plan_of_dora = plans.create(owner=dora, technique_id="hands-free-hamstring", script={})

    migrate(latest())

    from softspot.store.models import Receiver, SessionRecord
    from softspot.web.models import Plan

    kept = {
        (r.owner.username, r.name): (round(r.thigh_cm, 2) if r.thigh_cm else None, r.height_cm, r.unit)
        for r in Receiver.objects.select_related("owner")
    }
    assert kept == {
        ("alice", "Alice"): (43.18, None, "in"),
        ("local", "Receiver"): (None, 172.0, "cm"),
        ("charlie", "Receiver"): (None, None, "cm"),
        ("dora", "Dora"): (None, None, "cm"),
    }
    assert sorted(SessionRecord.objects.values_list("receiver__owner__username", "receiver__name", "note")) == [
        ("alice", "Alice", "alice day 0"),
        ("alice", "Alice", "alice day 1"),
        ("alice", "Alice", "alice day 2"),
        ("charlie", "Receiver", "charlie day 0"),
        ("local", "Receiver", "local day 0"),
    ]
    assert Plan.objects.get(pk=plan_of_alice.pk).receiver.name == "Alice"
    assert Plan.objects.get(pk=plan_of_dora.pk).receiver.owner.username == "dora"


def test_the_migration_undone_gives_every_record_back_to_its_owner(old_database: Any) -> None:
    apps = old_database
    users = apps.get_model("auth", "User").objects
    alice, charlie = users.create(username="alice", first_name="Alice"), users.create(username="charlie")
    old_record(apps, alice, 0, thigh="42 cm")
    old_record(apps, charlie, 1)
    migrate(latest())

    from django.contrib.auth.models import User

    from softspot.store import receivers

    sam = receivers.add(User.objects.get(username="alice"), "Sam")
    old_record_key = uuid.uuid4()
    from softspot.core.record import parse_record
    from softspot.store.records import save_record

    save_record(sam, parse_record(make_payload(key=old_record_key)))

    apps = migrate(BEFORE)
    records = apps.get_model("store", "SessionRecord").objects
    assert sorted(records.values_list("owner__username", flat=True)) == ["alice", "alice", "charlie"]
    assert records.get(key=old_record_key).owner.username == "alice"
