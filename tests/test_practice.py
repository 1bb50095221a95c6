"""The practice, end to end with Django's test client: invitations, links, programmes, the overview, exports,
leaving, downloading everything and deleting it all.

People: Jo (a therapist) and Kim (another); the Ahmed household (Sam, Jo's client, and Robin, who is not);
the Baker household (Casey).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from tests.helpers import ALL_NO, make_payload
from tests.practice_data import make_therapist

from softspot.core.record import parse_record
from softspot.practice import care
from softspot.practice.models import (
    Account,
    AccountLink,
    CareLink,
    Invitation,
    Programme,
    Therapist,
)
from softspot.store import receivers
from softspot.store.models import Receiver, SessionRecord, SpotRecord
from softspot.store.records import save_record
from softspot.web.models import Plan, SignInLink

LAN = {"LAN": True, "LOCAL_OWNER": False}
PASSWORD = "a long and private password"
T = "/t/hands-free-hamstring"


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def record(receiver: Receiver, days_ago: float, *, stop: str | None = None, before: tuple[int, int, int] = (6, 5, 4),
           after: tuple[int, int, int] | None = (3, 3, 2), note: str = "") -> SessionRecord:  # fmt: skip
    started = timezone.now() - timedelta(days=days_ago)
    payload = make_payload(
        started_at=started.astimezone(UTC), stop_reason=stop, before=before, after=None if stop else after, note=note
    )
    saved, _ = save_record(receiver, parse_record(payload, now=timezone.now()))
    return saved


class Practice:
    """Jo, Kim, the Ahmed household (Sam is Jo's client, Robin is not) and the Baker household (Casey)."""

    def __init__(self) -> None:
        self.jo = make_therapist("jo", "Jo Reyes")
        self.kim = make_therapist("kim", "Kim Lee")
        self.ahmed = User.objects.create_user("ahmed", password=PASSWORD)
        self.sam = receivers.add(self.ahmed, "Sam")
        self.robin = receivers.add(self.ahmed, "Robin")
        self.baker = User.objects.create_user("baker", password=PASSWORD)
        self.casey = receivers.add(self.baker, "Casey")
        self.staff = User.objects.create_user("staff", password=PASSWORD, is_staff=True)
        found = care.invitation(care.invite(self.jo, "Sam", timezone.now()), timezone.now())
        assert found is not None
        self.link = care.accept(found, self.sam, timezone.now() - timedelta(days=30))
        CareLink.objects.filter(pk=self.link.pk).update(started=timezone.now() - timedelta(days=30))
        self.link.refresh_from_db()


@pytest.fixture
def practice(db: None) -> Practice:
    return Practice()


@override_settings(**LAN)
def test_a_new_client_makes_an_account_from_the_invitation_and_is_jos_client(db: None) -> None:
    jo = make_therapist("jo", "Jo Reyes")
    therapist = as_user(jo.user)
    made = therapist.post("/practice/invite/", {"name": "Dee"})
    html = made.content.decode()
    assert made.status_code == 200
    assert "<svg" in html  # the QR code
    url = html.split('id="invitation-link">', 1)[1].split("<", 1)[0]
    token = url.split("token=", 1)[1]
    phone = Client()
    page = phone.get(f"/invitation/?token={token}")
    assert "Jo Reyes invites you" in page.content.decode()
    answer = phone.post(
        "/invitation/",
        {"token": token, "username": "dee", "password1": PASSWORD, "password2": PASSWORD, "receiver": "Dee"},
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/mine/"
    dee = User.objects.get(username="dee")
    assert dee.check_password(PASSWORD)
    link = CareLink.objects.get()
    assert (link.therapist, link.receiver.name, link.receiver.owner) == (jo, "Dee", dee)
    assert phone.get("/mine/").status_code == 200  # signed in
    again = Client().post(
        "/invitation/",
        {"token": token, "username": "eve", "password1": PASSWORD, "password2": PASSWORD, "receiver": "Eve"},
    )
    assert again.status_code == 400
    assert "already used" in again.content.decode()
    assert not User.objects.filter(username="eve").exists()


@override_settings(**LAN)
def test_an_expired_invitation_says_so_and_makes_nothing(db: None) -> None:
    jo = make_therapist("jo", "Jo Reyes")
    token = care.invite(jo, "Dee", timezone.now() - timedelta(days=8))
    answer = Client().post(
        "/invitation/",
        {"token": token, "username": "dee", "password1": PASSWORD, "password2": PASSWORD, "receiver": "Dee"},
    )
    assert answer.status_code == 400
    assert "This invitation has expired" in answer.content.decode()
    assert not User.objects.filter(username="dee").exists()
    assert CareLink.objects.count() == 0
    assert Invitation.objects.get().used_at is None


@override_settings(**LAN)
def test_bad_sign_up_fields_are_named_and_nothing_is_made(db: None) -> None:
    jo = make_therapist("jo", "Jo Reyes")
    token = care.invite(jo, "Dee", timezone.now())
    User.objects.create_user("taken")
    answer = Client().post(
        "/invitation/",
        {"token": token, "username": "taken", "password1": "short", "password2": "other", "receiver": ""},
    )
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "That username is taken" in html
    assert "The two passwords differ" in html
    assert "This field is required" in html or "required" in html
    assert CareLink.objects.count() == 0
    assert Invitation.objects.get().used_at is None


@override_settings(**LAN)
def test_a_signed_in_household_chooses_who_is_the_client(practice: Practice) -> None:
    token = care.invite(practice.kim, "", timezone.now())
    household = as_user(practice.ahmed)
    page = household.get(f"/invitation/?token={token}")
    assert "Robin" in page.content.decode()
    answer = household.post("/invitation/", {"token": token, "receiver": str(practice.robin.pk)})
    assert answer.status_code == 302
    assert CareLink.objects.filter(therapist=practice.kim, receiver=practice.robin, ended__isnull=True).exists()
    other = care.invite(practice.kim, "", timezone.now())
    sneaky = household.post("/invitation/", {"token": other, "receiver": str(practice.casey.pk)})  # not theirs
    assert sneaky.status_code == 400
    assert not CareLink.objects.filter(receiver=practice.casey).exists()


@override_settings(**LAN)
def test_the_therapist_sees_only_the_client_and_only_from_the_day_they_joined(practice: Practice) -> None:
    record(practice.sam, 40, note="before Jo")  # before the link
    record(practice.sam, 3, note="with Jo")
    record(practice.robin, 2, note="Robin's own")
    html = as_user(practice.jo.user).get(f"/practice/clients/{practice.link.pk}/").content.decode()
    assert "with Jo" in html
    assert "before Jo" not in html
    assert "Robin" not in html
    exported = as_user(practice.jo.user).get(f"/practice/clients/{practice.link.pk}/export/json/")
    assert [r["note"] for r in json.loads(exported.content)["records"]] == ["with Jo"]


@override_settings(**LAN)
def test_the_overview_flags_discomfort_first_and_counts_sessions_against_the_programme(practice: Practice) -> None:
    for days in (1, 3, 5):
        record(practice.sam, days)
    care.prescribe(practice.link, care.ProgrammeIn("hands-free-hamstring", "1.1", 4, 3, (), "gently"), timezone.now())
    casey_link = care.accept(
        care.invitation(care.invite(practice.jo, "", timezone.now()), timezone.now()),  # type: ignore[arg-type]
        practice.casey,
        timezone.now() - timedelta(days=20),
    )
    CareLink.objects.filter(pk=casey_link.pk).update(started=timezone.now() - timedelta(days=20))
    record(practice.casey, 2, stop="discomfort", note="it pinched")
    page = as_user(practice.jo.user).get("/practice/")
    rows = page.context["rows"]
    assert [r["receiver__name"] for r in rows] == ["Casey", "Sam"]
    assert rows[0]["stops"] == 1
    assert rows[0]["last_note"] == "it pinched"
    assert (rows[1]["sessions"], rows[1]["prescribed"]) == (3, 12)
    assert rows[1]["before_mean"] == pytest.approx(5.0)
    assert rows[1]["after_mean"] == pytest.approx(8 / 3)
    html = page.content.decode()
    assert "1 stopped for discomfort" in html
    assert "3 / 12" in html


@override_settings(**LAN)
def test_a_programme_with_bad_values_is_refused_by_field_and_changes_nothing(practice: Practice) -> None:
    jo = as_user(practice.jo.user)
    url = f"/practice/clients/{practice.link.pk}/programme/"
    good = {"technique": "hands-free-hamstring|1.1", "minutes": "4", "per_week": "3", "note": ""}
    for field, value, words in (
        ("minutes", "45", "45 is outside 2 to 10 minutes per leg"),
        ("per_week", "0", "At least 1 a week."),
        ("technique", "someone-else@kim|1.0", "Select a valid choice"),
        ("add_ons", "back_rub", "&#x27;back_rub&#x27; is not an add-on of these techniques."),
    ):
        answer = jo.post(url, {**good, field: value})
        assert answer.status_code == 400, field
        assert words in answer.content.decode(), field
    assert Programme.objects.count() == 0
    assert jo.post(url, good).status_code == 302
    assert Programme.objects.get().seconds_per_leg == 240


@override_settings(**LAN)
def test_adherence_is_counted_week_by_week_against_the_programme(practice: Practice) -> None:
    care.prescribe(practice.link, care.ProgrammeIn("hands-free-hamstring", "1.1", 3, 2, (), ""), practice.link.started)
    for days in (1, 2, 9):
        record(practice.sam, days)
    context = as_user(practice.jo.user).get(f"/practice/clients/{practice.link.pk}/").context
    weeks = context["weeks"]
    assert sum(w.done for w in weeks) == 3
    assert {w.prescribed for w in weeks} == {2}
    assert context["prescribed"] == 2 * len(weeks)


@override_settings(**LAN)
def test_exports_are_csv_json_and_fhir_r4_observations(practice: Practice) -> None:
    record(practice.sam, 2, note="=HYPERLINK(1)")
    record(practice.sam, 1, stop="discomfort")
    jo = as_user(practice.jo.user)
    base = f"/practice/clients/{practice.link.pk}/export"
    rows = list(csv.DictReader(io.StringIO(jo.get(f"{base}/csv/").content.decode())))
    assert len(rows) == 2
    assert rows[0]["note"] == "'=HYPERLINK(1)"  # never a formula in a spreadsheet
    assert rows[1]["stop_reason"] == "discomfort"
    body = json.loads(jo.get(f"{base}/fhir/").content)
    bundle = Bundle.model_validate(body)
    observations = [Observation.model_validate(e["resource"]) for e in body["entry"]]
    assert len(bundle.entry) == 9  # 6 ratings, then 3 (the stopped session has no ratings after)
    assert {o.status for o in observations} == {"final"}
    assert {o.code.coding[0].code for o in observations} == {"tension-before", "tension-after"}
    assert all(0 <= o.valueInteger <= 10 for o in observations)
    assert observations[0].subject.display == "Sam"
    assert jo.get(f"{base}/xml/").status_code == 404


@override_settings(**LAN)
def test_the_client_sees_what_the_therapist_sees_and_can_leave_at_once(practice: Practice) -> None:
    record(practice.sam, 2, note="with Jo")
    household = as_user(practice.ahmed)
    mine = household.get("/mine/").content.decode()
    assert "Jo Reyes, for Sam" in mine
    seen = household.get(f"/mine/therapists/{practice.link.pk}/").content.decode()
    assert "with Jo" in seen
    assert household.post(f"/mine/therapists/{practice.link.pk}/leave/").status_code == 200
    jo = as_user(practice.jo.user)
    assert jo.get(f"/practice/clients/{practice.link.pk}/").status_code == 404
    assert jo.get(f"/practice/clients/{practice.link.pk}/export/json/").status_code == 404
    assert "Sam" not in jo.get("/practice/").content.decode()
    assert SessionRecord.objects.filter(receiver=practice.sam).count() == 1  # the records stay the household's


@override_settings(**LAN)
def test_the_therapist_ends_the_relationship(practice: Practice) -> None:
    jo = as_user(practice.jo.user)
    assert jo.post(f"/practice/clients/{practice.link.pk}/end/").status_code == 302
    assert jo.get(f"/practice/clients/{practice.link.pk}/").status_code == 404
    practice.link.refresh_from_db()
    assert practice.link.ended_by == "therapist"


@override_settings(**LAN)
def test_a_therapist_makes_a_reset_link_for_a_client(practice: Practice) -> None:
    answer = as_user(practice.jo.user).post(f"/practice/clients/{practice.link.pk}/reset/")
    html = answer.content.decode()
    assert "/account/reset/?token=" in html
    link = AccountLink.objects.get()
    assert (link.user, link.issued_by) == (practice.ahmed, practice.jo.user)
    assert as_user(practice.kim.user).post(f"/practice/clients/{practice.link.pk}/reset/").status_code == 404
    assert AccountLink.objects.count() == 1


@override_settings(**LAN)
def test_download_everything_holds_every_receiver_and_record(practice: Practice) -> None:
    record(practice.sam, 2)
    record(practice.robin, 1)
    answer = as_user(practice.ahmed).get("/mine/everything.json")
    body = json.loads(answer.content)
    assert answer["Content-Disposition"].startswith("attachment")
    assert {r["name"] for r in body["receivers"]} == {"Sam", "Robin"}
    assert sorted(r["receiver"] for r in body["records"]) == ["Robin", "Sam"]
    assert body["therapists"][0]["therapist"] == "Jo Reyes"


def rows_of(user: User, receiver_ids: list[int]) -> dict[str, int]:
    """Every row that is about this account or its receivers, by table."""
    sessions = sum(1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk))
    return {
        "user": User.objects.filter(pk=user.pk).count(),
        "receivers": Receiver.objects.filter(pk__in=receiver_ids).count(),
        "records": SessionRecord.objects.filter(receiver_id__in=receiver_ids).count(),
        "spots": SpotRecord.objects.filter(record__receiver_id__in=receiver_ids).count(),
        "plans": Plan.objects.filter(owner_id=user.pk).count(),
        "links": CareLink.objects.filter(receiver_id__in=receiver_ids).count(),
        "programmes": Programme.objects.filter(link__receiver_id__in=receiver_ids).count(),
        "account": Account.objects.filter(user_id=user.pk).count(),
        "reset links": AccountLink.objects.filter(user_id=user.pk).count(),
        "sign-in links": SignInLink.objects.filter(user_id=user.pk).count(),
        "throttle": AccessAttempt.objects.filter(username=user.username).count(),
        "sessions": sessions,
    }


@override_settings(**LAN)
def test_deleting_the_account_asks_twice_then_leaves_no_row_of_it(practice: Practice) -> None:
    record(practice.sam, 2)
    record(practice.robin, 1)
    care.prescribe(practice.link, care.ProgrammeIn("hands-free-hamstring", "1.1", 3, 3, (), ""), timezone.now())
    AccountLink.issue(practice.ahmed, timezone.now())
    SignInLink.issue(practice.ahmed, timezone.now())
    Client().post("/signin/", {"username": "ahmed", "password": "wrong"}, REMOTE_ADDR="192.0.2.9")
    other_phone = Client()
    other_phone.post("/signin/", {"username": "ahmed", "password": PASSWORD})
    household = Client()
    household.post("/signin/", {"username": "ahmed", "password": PASSWORD})
    household.post(f"{T}/check/", dict.fromkeys(ALL_NO, "no"))
    ids = [practice.sam.pk, practice.robin.pk]
    before = rows_of(practice.ahmed, ids)
    assert all(before.values()) or before["plans"] == 0
    first = household.post("/mine/delete/", {"word": "delete", "step": "1"})
    assert "Last question: delete it all?" in first.content.decode()
    assert rows_of(practice.ahmed, ids)["records"] == 2  # asked once: nothing gone yet
    wrong = household.post("/mine/delete/", {"word": "yes", "step": "2"})
    assert wrong.status_code == 400
    assert "nothing was deleted" in wrong.content.decode()
    done = household.post("/mine/delete/", {"word": "delete", "step": "2"})
    assert "are gone" in done.content.decode()
    assert set(rows_of(practice.ahmed, ids).values()) == {0}
    assert other_phone.get("/history/").status_code == 302
    assert Client().post("/signin/", {"username": "ahmed", "password": PASSWORD}).status_code == 400
    # The other household and the therapists are untouched.
    assert SessionRecord.objects.filter(receiver=practice.casey).count() == 0
    assert Therapist.objects.count() == 2
    assert Receiver.objects.filter(owner=practice.baker).count() == 1


@override_settings(**LAN)
def test_a_deleted_clients_urls_are_not_found_for_the_therapist(practice: Practice) -> None:
    link_id = practice.link.pk
    household = as_user(practice.ahmed)
    household.post("/mine/delete/", {"word": "delete", "step": "2"})
    jo = as_user(practice.jo.user)
    for url in (f"/practice/clients/{link_id}/", f"/practice/clients/{link_id}/export/csv/"):
        assert jo.get(url).status_code == 404
    assert jo.post(f"/practice/clients/{link_id}/programme/", {"technique": "x"}).status_code == 404
    assert jo.get("/practice/").status_code == 200


def test_the_local_owner_cannot_be_deleted_from_the_web(db: None) -> None:
    answer = Client().post("/mine/delete/", {"word": "delete", "step": "2"})
    assert answer.status_code == 404
    assert User.objects.filter(username="local").exists()


def _unused(*_: Any) -> None:
    """Keep imports used by type checkers only."""
    _ = (datetime,)


@override_settings(**LAN)
def test_the_set_up_starts_from_the_programme_with_its_exact_version_and_add_ons(practice: Practice) -> None:
    from tests.practice_data import technique_text

    from softspot.practice import catalogue

    catalogue.publish(practice.jo, technique_text("1.0"), "evening.yaml")
    catalogue.publish(practice.jo, technique_text("2.0", grow_by="2 min"), "evening.yaml")
    technique_id = "evening-hamstring@jo"
    add_on = catalogue.technique(technique_id, "1.0").add_ons[0].id
    care.prescribe(practice.link, care.ProgrammeIn(technique_id, "1.0", 5, 3, (add_on,), "Slowly."), timezone.now())
    household = as_user(practice.ahmed)
    household.post(f"/t/{technique_id}/check/", dict.fromkeys(ALL_NO, "no"))
    page = household.get(f"/t/{technique_id}/setup/?receiver={practice.sam.pk}")
    html = page.content.decode()
    assert page.context["form"].initial["minutes"] == "5"
    assert "your therapist&#x27;s programme" in html
    assert "Jo Reyes's programme for Sam" in html
    assert "Slowly." in html
    assert [a.id for a in page.context["unlocked"]] == [add_on]  # unlocked early, with no session yet
    made = household.post(
        f"/t/{technique_id}/setup/",
        {"receiver": str(practice.sam.pk), "shown_for": str(practice.sam.pk), "unit": "cm", "thigh": "45",
         "start_leg": "left", "surface": "floor", "position": "sideways", "minutes": "5", "add_ons": [add_on]},
    )  # fmt: skip
    assert made.status_code == 302, made.context["form"].errors
    plan = Plan.objects.get(pk=made["Location"].split("/")[2])
    script = plan.session_script
    assert (script.technique.id, script.technique.version) == (technique_id, "1.0")  # not the newest, 2.0
    assert [a.id for a in script.add_ons] == [add_on]
    # Robin, with no programme, gets the newest version and no early add-on.
    robin = household.get(f"/t/{technique_id}/setup/?receiver={practice.robin.pk}")
    assert robin.context["technique"].version == "2.0"
    assert robin.context["unlocked"] == []


@override_settings(**LAN)
def test_the_household_sees_who_made_a_reset_link_for_it(practice: Practice) -> None:
    as_user(practice.jo.user).post(f"/practice/clients/{practice.link.pk}/reset/")
    html = as_user(practice.ahmed).get("/account/").content.decode()
    assert "Password-reset links made for you" in html
    assert "By jo on" in html


@override_settings(**LAN)
def test_no_practice_page_carries_inline_script_or_style(practice: Practice) -> None:
    import re

    record(practice.sam, 2, stop="discomfort")
    jo = as_user(practice.jo.user)
    pages = [
        (jo, "/practice/"),
        (jo, f"/practice/clients/{practice.link.pk}/"),
        (jo, "/practice/techniques/"),
        (jo, "/practice/techniques/new/"),
        (as_user(practice.ahmed), "/mine/"),
        (as_user(practice.ahmed), f"/mine/therapists/{practice.link.pk}/"),
        (as_user(practice.ahmed), "/mine/delete/"),
        (as_user(practice.ahmed), "/account/"),
        (Client(), "/signin/"),
    ]
    invited = jo.post("/practice/invite/", {"name": "Dee"}).content.decode()
    reset = jo.post(f"/practice/clients/{practice.link.pk}/reset/").content.decode()
    htmls = [client.get(url).content.decode() for client, url in pages] + [invited, reset]
    for html in htmls:
        assert " style=" not in html
        assert "<style" not in html
        assert not re.search(r"\son\w+=", html)
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag
