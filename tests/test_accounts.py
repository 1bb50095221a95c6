"""Accounts: password sign-in beside the one-time link, Argon2, throttling, reset links, sign-out everywhere."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.utils import timezone

from softspot.practice.accounts import client_address, issue_reset_link, sign_out_everywhere
from softspot.practice.models import AccountLink, Therapist
from softspot.store.records import local_owner
from softspot.web.models import SignInLink

LAN = {"LAN": True, "LOCAL_OWNER": False}
PASSWORD = "a long walk on the beach"
SITE = "http://softspot.test"


@pytest.fixture
def dana(db: None) -> User:
    """A household with a password."""
    return User.objects.create_user("dana", password=PASSWORD)


def sign_in(client: Client, username: str, password: str, address: str = "192.0.2.10") -> object:
    return client.post("/signin/", {"username": username, "password": password}, REMOTE_ADDR=address)


def token_of(url: str) -> str:
    return url.split("token=", 1)[1]


@override_settings(**LAN)
def test_a_password_signs_in_on_the_sign_in_page(dana: User) -> None:
    page = Client().get("/signin/")
    html = page.content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html
    phone = Client()
    response = sign_in(phone, "dana", PASSWORD)
    assert response.status_code == 302
    assert phone.get("/history/").status_code == 200


def test_passwords_are_hashed_with_argon2(dana: User) -> None:
    assert dana.password.startswith("argon2$argon2id$")


@override_settings(**LAN)
def test_a_wrong_password_is_refused_with_a_sentence_and_signs_nobody_in(dana: User) -> None:
    phone = Client()
    response = sign_in(phone, "dana", "not the password")
    assert response.status_code == 400
    assert "The username or the password is wrong" in response.content.decode()
    assert phone.get("/history/").status_code == 302


@override_settings(**LAN)
def test_twenty_wrong_passwords_lock_the_account_and_the_page_says_when_to_try_again(dana: User) -> None:
    answers = [sign_in(Client(), "dana", f"guess {n}").status_code for n in range(20)]
    assert answers[:9] == [400] * 9
    assert set(answers[9:]) == {429}
    locked = sign_in(Client(), "dana", PASSWORD)  # even the right password waits now
    html = locked.content.decode()
    assert locked.status_code == 429
    assert "Sign-in paused" in html
    assert re.search(r"paused until <strong><time datetime=\"[^\"]+\">\d\d:\d\d</time>", html)
    assert locked["Retry-After"] == "900"
    dana.refresh_from_db()
    assert dana.check_password(PASSWORD)  # nothing about the account changed


@override_settings(**LAN)
def test_the_lock_out_is_per_account_and_per_address(dana: User) -> None:
    User.objects.create_user("erin", password=PASSWORD)
    for n in range(10):
        sign_in(Client(), "dana", f"guess {n}", address="192.0.2.66")
    # Another account from another address is not held up...
    assert sign_in(Client(), "erin", PASSWORD, address="192.0.2.20").status_code == 302
    # ...but the address that guessed is, for every account.
    assert sign_in(Client(), "erin", PASSWORD, address="192.0.2.66").status_code == 429
    # And the account guessed at is, from any address.
    assert sign_in(Client(), "dana", PASSWORD, address="192.0.2.21").status_code == 429


@override_settings(**LAN)
def test_a_one_time_link_still_works_while_the_account_is_locked_out(dana: User) -> None:
    for n in range(10):
        sign_in(Client(), "dana", f"guess {n}")
    token = SignInLink.issue(dana, timezone.now())
    phone = Client()
    assert phone.post("/signin/", {"token": token}).status_code == 302
    assert phone.get("/history/").status_code == 200


@override_settings(SOFTSPOT_TRUSTED_PROXIES=1)
def test_behind_one_proxy_the_address_is_the_one_the_proxy_saw(rf: object) -> None:
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.7")  # type: ignore[attr-defined]
    assert client_address(request) == "203.0.113.7"  # the left entry was written by the client: not trusted
    lone = rf.get("/", REMOTE_ADDR="127.0.0.1")  # type: ignore[attr-defined]
    assert client_address(lone) == "127.0.0.1"


def test_without_a_proxy_a_forwarded_header_is_ignored(rf: object) -> None:
    request = rf.get("/", REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR="203.0.113.7")  # type: ignore[attr-defined]
    assert client_address(request) == "192.0.2.5"


@override_settings(**LAN, SOFTSPOT_TRUSTED_PROXIES=1)
def test_behind_a_proxy_each_client_is_throttled_on_its_own(dana: User) -> None:
    User.objects.create_user("erin", password=PASSWORD)
    for n in range(10):
        Client().post(
            "/signin/",
            {"username": "dana", "password": f"guess {n}"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    other = Client().post(
        "/signin/",
        {"username": "erin", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert other.status_code == 302
    assert AccessAttempt.objects.filter(ip_address="203.0.113.7").exists()


@override_settings(**LAN)
def test_a_reset_link_sets_a_password_once_and_signs_every_other_device_out(dana: User) -> None:
    old_phone = Client()
    sign_in(old_phone, "dana", PASSWORD)
    url = issue_reset_link(dana, SITE)
    assert url.startswith(f"{SITE}/account/reset/?token=")
    token = token_of(url)
    assert AccountLink.objects.get().token_hash != token
    laptop = Client()
    shown = laptop.get(f"/account/reset/?token={token}")
    assert shown.status_code == 200
    assert "For the account <strong>dana</strong>" in shown.content.decode()
    mismatch = laptop.post("/account/reset/", {"token": token, "new_password1": "x" * 12, "new_password2": "y" * 12})
    assert mismatch.status_code == 400
    assert "The two passwords differ" in mismatch.content.decode()
    short = laptop.post("/account/reset/", {"token": token, "new_password1": "short", "new_password2": "short"})
    assert short.status_code == 400
    assert "at least 10 characters" in short.content.decode()
    new = "a new and longer secret"
    done = laptop.post("/account/reset/", {"token": token, "new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert laptop.get("/history/").status_code == 200
    assert old_phone.get("/history/").status_code == 302
    dana.refresh_from_db()
    assert dana.check_password(new)
    again = Client().post("/account/reset/", {"token": token, "new_password1": "z" * 12, "new_password2": "z" * 12})
    assert again.status_code == 400
    assert "used up, expired or mistyped" in again.content.decode()
    dana.refresh_from_db()
    assert dana.check_password(new)


@override_settings(**LAN)
def test_an_expired_reset_link_changes_nothing(dana: User) -> None:
    url = issue_reset_link(dana, SITE, now=timezone.now() - timedelta(hours=25))
    response = Client().post(
        "/account/reset/", {"token": token_of(url), "new_password1": "z" * 12, "new_password2": "z" * 12}
    )
    assert response.status_code == 400
    assert "works once, for 24 hours" in response.content.decode()
    dana.refresh_from_db()
    assert dana.check_password(PASSWORD)


@override_settings(SOFTSPOT_MAIL=True, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_with_mail_set_up_a_reset_link_is_also_sent_by_e_mail(db: None) -> None:
    erin = User.objects.create_user("erin", email="erin@example.org")
    url = issue_reset_link(erin, SITE)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["erin@example.org"]
    assert url in mail.outbox[0].body


def test_without_mail_nothing_is_sent(dana: User) -> None:
    dana.email = "dana@example.org"
    issue_reset_link(dana, SITE)
    assert mail.outbox == []


@override_settings(**LAN)
def test_sign_out_everywhere_ends_every_session_of_an_account_without_a_password(db: None) -> None:
    owner = local_owner()
    assert not owner.has_usable_password()
    phones = []
    for _ in range(2):
        phone = Client()
        phone.post("/signin/", {"token": SignInLink.issue(owner, timezone.now())})
        assert phone.get("/history/").status_code == 200
        phones.append(phone)
    done = phones[0].post("/account/everywhere/")
    assert "Signed out on every device" in done.content.decode()
    assert [p.get("/history/").status_code for p in phones] == [302, 302]
    fresh = Client()
    fresh.post("/signin/", {"token": SignInLink.issue(owner, timezone.now())})
    assert fresh.get("/history/").status_code == 200  # a new sign-in works as before


@override_settings(**LAN)
def test_sign_out_everywhere_leaves_other_accounts_signed_in(dana: User, bob: User) -> None:
    bobs = Client()
    bobs.force_login(bob)
    sign_out_everywhere(dana)
    assert bobs.get("/history/").status_code == 200


@override_settings(**LAN)
def test_the_account_page_sets_a_first_password_and_then_asks_for_it_to_change_it(db: None) -> None:
    erin = User.objects.create_user("erin")
    phone = Client()
    phone.force_login(erin)
    first = "the first long password"
    assert phone.post("/account/", {"new_password1": first, "new_password2": first}).status_code == 200
    erin.refresh_from_db()
    assert erin.check_password(first)
    wrong = phone.post("/account/", {"current": "nope", "new_password1": "x" * 12, "new_password2": "x" * 12})
    assert wrong.status_code == 400
    assert "That is not your current password" in wrong.content.decode()
    erin.refresh_from_db()
    assert erin.check_password(first)
    assert phone.get("/history/").status_code == 200  # this device stays signed in


def test_admin_reset_link_prints_a_link_and_a_qr_code(dana: User) -> None:
    out = io.StringIO()
    call_command("reset_link", "dana", "--site", SITE, stdout=out)
    text = out.getvalue()
    assert f"{SITE}/account/reset/?token=" in text
    assert "█" in text or "▀" in text  # the QR code
    assert AccountLink.objects.filter(user=dana, used_at__isnull=True).count() == 1


def test_admin_reset_link_for_nobody_says_so(db: None) -> None:
    with pytest.raises(CommandError, match="there is no account named 'nobody'"):
        call_command("reset_link", "nobody", "--site", SITE, stdout=io.StringIO())
    assert AccountLink.objects.count() == 0


def test_admin_therapist_makes_a_therapist_with_a_link_to_set_a_password(db: None) -> None:
    out = io.StringIO()
    call_command("therapist", "jo", "--name", "Jo Reyes", "--site", SITE, stdout=out)
    jo = Therapist.objects.get()
    assert (jo.user.username, jo.handle, jo.name) == ("jo", "jo", "Jo Reyes")
    assert not jo.user.has_usable_password()
    assert "/account/reset/?token=" in out.getvalue()
    with pytest.raises(CommandError, match="--handle: 'jo' is taken"):
        call_command("therapist", "jo2", "--name", "Jo Two", "--handle", "jo", "--site", SITE, stdout=io.StringIO())
    assert not User.objects.filter(username="jo2").exists()
