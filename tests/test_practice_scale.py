"""At practice scale the overview and a client's page make as many queries for 12 clients with 8 sessions each as
for 3 clients with 2: the count does not grow with clients or sessions (timings: bench/practice_scale.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.practice_data import make_therapist

from softspot.practice import care
from softspot.practice.models import CareLink, Programme, Therapist
from softspot.store.models import Receiver, SessionRecord
from softspot.web.dbsettings import database

pytestmark = pytest.mark.postgres
LAN = {"LAN": True, "LOCAL_OWNER": False}


def populate(therapist: Therapist, clients: int, sessions: int, first: int = 0) -> list[CareLink]:
    """Households with one receiver each, linked to the therapist with a programme, and their sessions.

    ``first``: the number of the first client (to add clients in batches).
    """
    now = timezone.now()
    numbers = range(first, first + clients)
    users = User.objects.bulk_create([User(username=f"h{therapist.pk}-{n}", password="!") for n in numbers])
    people = Receiver.objects.bulk_create(
        [Receiver(owner=u, name=f"Client {n:04d}") for n, u in zip(numbers, users, strict=True)]
    )
    links = CareLink.objects.bulk_create(
        [CareLink(therapist=therapist, receiver=r, started=now - timedelta(days=90)) for r in people]
    )
    Programme.objects.bulk_create(
        [
            Programme(
                link=link,
                technique_id="hands-free-hamstring",
                version="1.1",
                seconds_per_leg=240,
                sessions_per_week=3,
                created=now - timedelta(days=60),
            )
            for link in links
        ]
    )
    records = []
    for n, person in zip(numbers, people, strict=True):
        for k in range(sessions):
            started = now - timedelta(days=2 * k + 1, minutes=n)
            stopped = (n + k) % 7 == 0
            records.append(
                SessionRecord(
                    receiver=person,
                    key=f"{therapist.pk:08d}-{n:04d}-4000-8000-{k:012d}",
                    technique_id="hands-free-hamstring",
                    technique_version="1.1",
                    surface="floor",
                    position="sideways",
                    seconds_per_leg=240,
                    active_seconds=600,
                    script={},
                    engine={},
                    before_left=6,
                    before_right=5,
                    before_back=4,
                    after_left=None if stopped else 3,
                    after_right=None if stopped else 3,
                    after_back=None if stopped else 2,
                    note=f"note {k}",
                    started_at=started,
                    ended_at=started + timedelta(minutes=12),
                    ended_early=stopped,
                    stop_reason="discomfort" if stopped else "",
                    source="web",
                )
            )
    SessionRecord.objects.bulk_create(records, batch_size=2000)
    return links


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@override_settings(**LAN)
def test_the_overview_and_a_clients_page_make_the_same_queries_at_two_sizes(db: None) -> None:
    counts = []
    for clients, sessions in ((3, 2), (12, 8)):
        therapist = make_therapist(f"t{clients}", f"Therapist {clients}")
        links = populate(therapist, clients, sessions)
        client = Client()
        client.force_login(therapist.user)
        household = Client()
        household.force_login(links[0].receiver.owner)
        counts.append(
            (
                queries(client, "/practice/"),
                queries(client, f"/practice/clients/{links[0].pk}/"),
                queries(household, f"/mine/therapists/{links[0].pk}/"),
                queries(household, "/mine/"),
            )
        )
        assert len(care.overview(therapist, timezone.now())[0]) == clients
    small, large = counts
    assert small == large, f"queries at 3×2 and at 12×8: {small} and {large}"


@override_settings(**LAN)
def test_the_overview_is_paginated(db: None) -> None:
    therapist = make_therapist("busy", "Busy Therapist")
    populate(therapist, care.PAGE_SIZE + 5, 1)
    client = Client()
    client.force_login(therapist.user)
    first = client.get("/practice/")
    assert len(first.context["rows"]) == care.PAGE_SIZE
    assert "Page 1 of 2" in first.content.decode()
    second = client.get("/practice/?page=2")
    assert len(second.context["rows"]) == 5
    assert client.get("/practice/?page=zebra").status_code == 200


def test_postgresql_connections_do_without_jit(db: None, on_postgres: bool) -> None:
    """JIT compilation cost the overview about 100 ms a request for 13 ms of work (docs/benchmarks.md)."""
    assert database("postgres://u:p@db.example/practice")["OPTIONS"]["options"] == "-c jit=off"
    assert "options" not in database("sqlite:////tmp/x.sqlite3")["OPTIONS"]
    if on_postgres:  # and the server really runs without it
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone() == ("off",)
