"""Access, proven: every URL pattern of the site × every role, GET and POST, with the status each must get.

The URL table is walked (``every_route``), so a new view without an entry here fails the test. Each
cell runs in its own transaction, rolled back afterwards; on every refusal (a redirect to sign in,
400, 403, 404, 405, 415) the whole database is fingerprinted before and after and must not have
changed: an outsider gets 404 and nothing is written.

Roles, under ``--lan`` (sign-in required): ``anon``; ``a``, the Ahmed household (Sam is Jo's client);
``b``, the Baker household; ``jo``, Sam's therapist; ``kim``, another therapist; ``staff``, a staff
account. Every object in the URLs belongs to A (A's plan, record and cue; Sam's care link) or to Jo
(Jo's technique).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone
from tests.helpers import make_payload
from tests.practice_data import make_therapist, technique_text
from tests.test_security import ANSWERS, SETUP, every_route

from softspot.core.record import parse_record
from softspot.practice import care, catalogue
from softspot.store import receivers
from softspot.store.records import save_record
from softspot.web import sound
from softspot.web.models import CueText, Plan, cue_sha

ROLES = ("anon", "a", "b", "jo", "kim", "staff")
SIGN_IN = "sign-in"
"""A redirect to /signin/?next=..."""

# Expected (GET, POST) per role. "x" in a role string below stands for the route's own answer for the
# permitted role; every other signed-in role gets 404 where an object of A's or Jo's is named.


def cells(
    anon: str, owner: str, outsider: str, *, owners: tuple[str, ...] = ("a",), everyone: str | None = None
) -> dict[str, str]:
    """``anon``/``owner``/``outsider``: "GET/POST" status pairs; ``everyone``: one pair for every signed-in role."""
    table = {"anon": anon}
    for role in ROLES[1:]:
        table[role] = everyone if everyone is not None else (owner if role in owners else outsider)
    return table


EVERYONE_OK = ("a", "b", "jo", "kim", "staff")
THERAPISTS = ("jo", "kim")
EXPECTED: dict[str, dict[str, str]] = {
    # The records API: 403 for nobody signed in, the record's own household only, 404 for anyone else.
    "store:records": cells("405/403", "405/415", "405/415", everyone="405/415"),
    "store:record": cells("403/403", "200/415", "404/415"),  # a POST is refused for its type before its method
    # Public pages.
    "home": cells("302/302", "302/302", "302/302", everyone="302/302"),
    "technique": cells("200/200", "200/200", "200/200", everyone="200/200"),
    "signin": cells("200/400", "200/400", "200/400", everyone="200/400"),
    "signout": cells("405/200", "405/200", "405/200", everyone="405/200"),
    "service-worker": cells("200/405", "200/405", "200/405", everyone="200/405"),
    "trust": cells("404/405", "404/405", "404/405", everyone="404/405"),
    "trust-ca": cells("404/405", "404/405", "404/405", everyone="404/405"),
    "trust-ca-file": cells("404/405", "404/405", "404/405", everyone="404/405"),
    "account-reset": cells("404/404", "404/404", "404/404", everyone="404/404"),  # no token: nothing to show
    "invitation": cells("404/404", "404/404", "404/404", everyone="404/404"),
    # The language switch: only its own cookie, then back to a page of the site (no language given: nothing set).
    "set-language": cells("302/302", "302/302", "302/302", everyone="302/302"),
    # A drawing with its labels in a language: public, it says nothing about anyone.
    "illustration": cells("200/405", "200/405", "200/405", everyone="200/405"),
    # Each signed-in person's own pages.
    "check": cells(f"{SIGN_IN}/{SIGN_IN}", "200/200", "200/200", everyone="200/200"),
    "setup": cells(f"{SIGN_IN}/{SIGN_IN}", "302/302", "302/302", everyone="302/302"),
    "history": cells(f"{SIGN_IN}/405", "200/405", "200/405", everyone="200/405"),
    "reminders": cells(f"{SIGN_IN}/405", "400/405", "400/405", everyone="400/405"),
    "chime": cells("403/405", "200/405", "200/405", everyone="200/405"),
    "cue": cells("403/405", "200/405", "200/405", everyone="200/405"),
    "account": cells(f"{SIGN_IN}/{SIGN_IN}", "200/400", "200/400", everyone="200/400"),
    "account-everywhere": cells(f"405/{SIGN_IN}", "405/200", "405/200", everyone="405/200"),
    "mine": cells(f"{SIGN_IN}/405", "200/405", "200/405", everyone="200/405"),
    "mine-download": cells(f"{SIGN_IN}/405", "200/405", "200/405", everyone="200/405"),
    "mine-delete": cells(f"{SIGN_IN}/{SIGN_IN}", "200/400", "200/400", everyone="200/400"),
    # A's plan.
    "plan": cells(f"{SIGN_IN}/405", "200/405", "404/405"),
    "before": cells(f"{SIGN_IN}/{SIGN_IN}", "200/400", "404/404"),
    "play": cells(f"{SIGN_IN}/405", "200/405", "404/405"),
    "plan-audio": cells("403/405", "200/405", "404/405"),
    "plan-audio-wav": cells("403/405", "200/405", "404/405"),
    "plan-audio-m4a": cells("403/405", "200/405", "404/405"),
    # A's side of the care link with Jo.
    "mine-link": cells(f"{SIGN_IN}/405", "200/405", "404/405"),
    "mine-leave": cells(f"405/{SIGN_IN}", "405/200", "405/404"),
    # Therapists' pages: a therapist's own, 404 for everyone else.
    "practice": cells(f"{SIGN_IN}/405", "200/405", "404/405", owners=THERAPISTS),
    "practice-invite": cells(f"{SIGN_IN}/{SIGN_IN}", "200/200", "404/404", owners=THERAPISTS),
    "practice-techniques": cells(f"{SIGN_IN}/405", "200/405", "404/405", owners=THERAPISTS),
    "practice-publish": cells(f"{SIGN_IN}/{SIGN_IN}", "200/400", "404/404", owners=THERAPISTS),
    # Jo's client Sam, and Jo's technique.
    "practice-client": cells(f"{SIGN_IN}/405", "200/405", "404/405", owners=("jo",)),
    "practice-programme": cells(f"405/{SIGN_IN}", "405/400", "405/404", owners=("jo",)),
    "practice-end": cells(f"405/{SIGN_IN}", "405/302", "405/404", owners=("jo",)),
    "practice-reset": cells(f"405/{SIGN_IN}", "405/200", "405/404", owners=("jo",)),
    "practice-export": cells(f"{SIGN_IN}/405", "200/405", "404/405", owners=("jo",)),
    "practice-publish-edit": cells(f"{SIGN_IN}/{SIGN_IN}", "200/400", "404/404", owners=("jo",)),
    "practice-technique": cells(f"{SIGN_IN}/405", "200/405", "404/405", owners=("jo",)),
}
REFUSALS = {SIGN_IN, "400", "403", "404", "405", "415"}
NOT_FINGERPRINTED = {"sessions.session", "axes.accesslog"}
"""Signing in writes these before a request; they hold no one's data that a refusal could change."""


class World:
    def __init__(self) -> None:
        self.ahmed = User.objects.create_user("ahmed")
        self.sam = receivers.add(self.ahmed, "Sam")
        self.baker = User.objects.create_user("baker")
        receivers.add(self.baker, "Casey")
        self.jo = make_therapist("jo", "Jo Reyes")
        self.kim = make_therapist("kim", "Kim Lee")
        self.staff = User.objects.create_user("staff", is_staff=True)
        found = care.invitation(care.invite(self.jo, "Sam", timezone.now()), timezone.now())
        assert found is not None
        self.link = care.accept(found, self.sam, timezone.now())
        self.technique = catalogue.publish(self.jo, technique_text(), "evening.yaml")
        client = Client()
        client.force_login(self.ahmed)
        client.post("/t/hands-free-hamstring/check/", ANSWERS)
        made = client.post("/t/hands-free-hamstring/setup/", {**SETUP, "receiver": str(self.sam.pk)})
        self.plan = Plan.objects.get(pk=made["Location"].split("/")[2])
        self.plan.before = {"left": 5, "right": 5, "back": 5}
        self.plan.save(update_fields=["before"])
        self.sha = cue_sha(self.plan.session_script.segments[0].cue.say)
        assert CueText.objects.filter(sha=self.sha).exists()
        saved, _ = save_record(self.sam, parse_record(make_payload(), now=timezone.now()))
        self.key = str(saved.key)

    def user(self, role: str) -> User | None:
        return {"anon": None, "a": self.ahmed, "b": self.baker, "jo": self.jo.user, "kim": self.kim.user,
                "staff": self.staff}[role]  # fmt: skip

    def url(self, name: str, pattern: str) -> str:
        values = {
            "technique_id": "hands-free-hamstring",
            "plan_id": str(self.plan.id),
            "sha": self.sha,
            "key": self.key,
            "link_id": str(self.link.pk),
            "kind": "csv",
            "version": self.technique.version,
            "lang": "th",
            "name": "bed.svg",
        }
        if name in {"practice-publish-edit", "practice-technique"}:
            values["technique_id"] = self.technique.technique_id
        return fill(pattern, values)


def fill(pattern: str, values: dict[str, str]) -> str:
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], pattern)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], url)
    return "/" + url.lstrip("^").rstrip("$").replace("\\.", ".")


def fingerprint() -> str:
    """A digest of every row of every table (but sessions and the sign-in log)."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model._meta.label_lower in NOT_FINGERPRINTED:
            continue
        rows = model._default_manager.order_by("pk").values_list()
        digest.update(model._meta.label_lower.encode())
        digest.update(repr(list(rows)).encode())
    return digest.hexdigest()


def answer(client: Client, method: str, url: str) -> str:
    response = getattr(client, method)(url)
    if response.status_code == 302 and response["Location"].startswith("/signin/?next="):
        return SIGN_IN
    return str(response.status_code)


@pytest.fixture
def world(db: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> World:
    # Audio is not what is tested here (and espeak-ng or ffmpeg may be missing): any file will do.
    for name in ("cue_wav", "chime_wav"):
        monkeypatch.setattr(sound, name, lambda *_: b"RIFF....WAVE")
    audio = tmp_path / "session.audio"
    audio.write_bytes(b"RIFF....WAVE")
    monkeypatch.setattr(sound, "session_audio", lambda *_: (audio, "key"))
    return World()


@override_settings(LAN=True, LOCAL_OWNER=False)
def test_every_route_answers_every_role_as_expected_and_refusals_write_nothing(world: World) -> None:
    routes = every_route()
    names = {name for name, _ in routes}
    assert names - set(EXPECTED) == set(), "a route without an entry in EXPECTED: say who may use it"
    assert set(EXPECTED) - names == set(), "an entry in EXPECTED for a route that no longer exists"
    wrong: list[str] = []
    wrote: list[str] = []
    for name, pattern in routes:
        url = world.url(name, pattern)
        for role in ROLES:
            wanted = EXPECTED[name][role].split("/")
            for method, expected in zip(("get", "post"), wanted, strict=True):
                with transaction.atomic():
                    client = Client()
                    user = world.user(role)
                    if user is not None:
                        client.force_login(user)
                    before = fingerprint()
                    got = answer(client, method, url)
                    if got != expected:
                        wrong.append(f"{method.upper()} {url} ({name}) as {role}: {got}, expected {expected}")
                    if got in REFUSALS and fingerprint() != before:
                        wrote.append(f"{method.upper()} {url} ({name}) as {role} answered {got} but wrote")
                    transaction.set_rollback(True)
    assert wrong == [], "\n".join(wrong)
    assert wrote == [], "\n".join(wrote)
    assert connection.in_atomic_block  # the test's own transaction is intact
