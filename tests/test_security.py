"""Security of the web app: CSP, CSRF, sign-in under --lan, one-time links, production settings, serve's options."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from typer.testing import CliRunner

from softspot.cli import app
from softspot.store.records import local_owner
from softspot.web.models import CueText, Plan, SignInLink, cue_sha

ROOT = Path(__file__).resolve().parent.parent
T = "/t/hands-free-hamstring"
LAN = {"LAN": True, "LOCAL_OWNER": False}
PUBLIC = {
    "home", "technique", "signin", "signout", "service-worker", "trust", "trust-ca", "trust-ca-file",
    "account-reset", "invitation", "set-language", "illustration",
}  # fmt: skip
"""Open to anyone: the technique page (and / which leads to it), signing in and out, and code (like /static/);
a reset link's and an invitation's page (each answers only with its one-time token); the language switch (it
only sets its own cookie and redirects within the site); the drawings (labels in a language, nothing about anyone)."""
ANSWERS = {
    "heart_condition": "no",
    "varicose_veins": "no",
    "pregnant": "no",
    "floor_difficulty": "no",
    "blood_clots": "no",
    "skin": "no",
    "recent_injury": "no",
    "bones": "no",
    "joint_replacement": "no",
    "nerves": "no",
}
SETUP = {"unit": "cm", "thigh": "40", "start_leg": "left", "surface": "floor", "position": "sideways", "minutes": "3"}


def make_plan_for(user: User) -> Plan:
    client = Client()
    client.force_login(user)
    client.post(f"{T}/check/", ANSWERS)
    response = client.post(f"{T}/setup/", SETUP)
    return Plan.objects.get(pk=response["Location"].split("/")[2])


def every_route() -> list[tuple[str, str]]:
    """(name, pattern) of every named URL of the site, found by walking the URL table."""
    found: list[tuple[str, str]] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), f"{p.namespace}:" if p.namespace else namespace)
            elif p.name:
                found.append((namespace + p.name, prefix + str(p.pattern)))

    walk(get_resolver().url_patterns, "", "")
    return found


def sample_url(pattern: str, plan: Plan, sha: str) -> str:
    """Fill a route's parameters with real values, so a refusal is about access, not a missing row."""
    values = {
        "technique_id": "hands-free-hamstring",
        "plan_id": str(plan.id),
        "sha": sha,
        "key": str(uuid.uuid4()),
        "version": "1",
        "link_id": "1",
        "kind": "csv",
    }
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], pattern)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], url)
    return "/" + url.lstrip("^").rstrip("$").replace("\\.", ".")


@override_settings(**LAN)
def test_under_lan_every_url_but_the_public_ones_refuses_an_anonymous_visitor(alice: User) -> None:
    plan = make_plan_for(alice)
    sha = cue_sha(plan.session_script.segments[0].cue.say)
    assert CueText.objects.filter(sha=sha).exists()
    routes = every_route()
    assert {"technique", "check", "setup", "plan", "before", "play", "plan-audio", "cue", "history"} <= {
        n for n, _ in routes
    }
    anonymous = Client()
    checked = []
    for name, pattern in routes:
        if name in PUBLIC:
            continue
        url = sample_url(pattern, plan, sha)
        answers = {method: getattr(anonymous, method)(url) for method in ("get", "post")}
        access_refused = [
            m
            for m, r in answers.items()
            if r.status_code == 403 or (r.status_code == 302 and r["Location"].startswith("/signin/?next="))
        ]
        method_refused = [m for m, r in answers.items() if r.status_code == 405]
        assert access_refused, f"{url} ({name}) did not refuse an anonymous visitor"
        assert len(access_refused) + len(method_refused) == 2, f"{url} ({name}) answered an anonymous visitor"
        checked.append(name)
    assert len(checked) >= 10
    plan.refresh_from_db()
    assert plan.before is None
    assert Plan.objects.count() == 1


@override_settings(**LAN)
def test_under_lan_the_technique_page_is_public(db: None) -> None:
    response = Client().get(f"{T}/")
    assert response.status_code == 200
    assert b"Who must not do it" in response.content


@override_settings(**LAN)
def test_a_one_time_link_signs_in_once_and_is_spent(db: None) -> None:
    token = SignInLink.issue(local_owner(), timezone.now())
    phone = Client()
    shown = phone.get(f"/signin/?token={token}")
    assert shown.status_code == 200
    assert phone.get("/history/").status_code == 302  # showing the link spends nothing
    signed = phone.post("/signin/", {"token": token, "next": "/history/"})
    assert signed["Location"] == "/history/"
    assert phone.get("/history/").status_code == 200
    again = Client().post("/signin/", {"token": token})
    assert again.status_code == 400
    assert b"used up, expired or mistyped" in again.content
    phone.post("/signout/")
    assert phone.get("/history/").status_code == 302


@override_settings(**LAN)
def test_an_expired_or_made_up_link_signs_nobody_in(db: None) -> None:
    token = SignInLink.issue(local_owner(), timezone.now() - timedelta(minutes=11))
    for attempt in (token, "made-up"):
        client = Client()
        assert client.post("/signin/", {"token": attempt}).status_code == 400
        assert client.get("/history/").status_code == 302


def test_only_the_tokens_hash_is_kept(db: None) -> None:
    token = SignInLink.issue(local_owner(), timezone.now())
    link = SignInLink.objects.get()
    assert token not in link.token_hash
    assert link.expires_at - timezone.now() <= timedelta(minutes=10)


@override_settings(**LAN)
def test_sign_in_does_not_follow_a_next_link_to_another_site(db: None) -> None:
    token = SignInLink.issue(local_owner(), timezone.now())
    response = Client().post("/signin/", {"token": token, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_content_security_policy_forbids_inline_code(db: None) -> None:
    response = Client().get(f"{T}/")
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    for name in ("default-src", "script-src", "style-src", "media-src", "connect-src", "worker-src"):
        assert directives[name].startswith("'self'"), name
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_every_answer_carries_the_policy_django_csp_builds_and_a_changed_setting_changes_it(db: None) -> None:
    from csp.utils import build_policy

    page, api = Client().get(f"{T}/"), Client().post("/api/records/", "{}", content_type="application/json")
    assert page["Content-Security-Policy"] == api["Content-Security-Policy"] == build_policy()
    stricter = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=stricter, CONTENT_SECURITY_POLICY_REPORT_ONLY=stricter):
        response = Client().get(f"{T}/")
        assert response["Content-Security-Policy"] == "default-src 'none'"
        assert response["Content-Security-Policy-Report-Only"] == "default-src 'none'"


def test_no_page_carries_inline_script_or_style(alice: User) -> None:
    plan = make_plan_for(alice)
    client = Client()
    client.force_login(alice)
    client.post(f"/p/{plan.id}/before/", {"left": "5", "right": "5", "back": "5"})
    client.post(f"{T}/check/", ANSWERS)
    for url in (f"{T}/", f"{T}/check/", f"{T}/setup/", f"/p/{plan.id}/", f"/p/{plan.id}/before/",
                f"/p/{plan.id}/play/", "/history/", "/signin/?token=x"):  # fmt: skip
        html = client.get(url).content.decode()
        assert " style=" not in html, url
        assert "<style" not in html, url
        assert not re.search(r"\son\w+=", html), url
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)


def test_every_form_is_protected_against_cross_site_requests(alice: User) -> None:
    plan = make_plan_for(alice)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    for url, data in (
        (f"{T}/check/", ANSWERS),
        (f"{T}/setup/", SETUP),
        (f"/p/{plan.id}/before/", {"left": "1", "right": "1", "back": "1"}),
        ("/signin/", {"token": "x"}),
        ("/signout/", {}),
    ):
        assert strict.post(url, data).status_code == 403, url
    plan.refresh_from_db()
    assert plan.before is None
    for url in (f"{T}/check/", f"/p/{plan.id}/before/", "/signin/?token=x"):
        assert "csrfmiddlewaretoken" in strict.get(url).content.decode(), url


def production_env(**more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOFTSPOT_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="softspot.web.settings",
        SOFTSPOT_PRODUCTION="true",
        SOFTSPOT_SECRET_KEY=secrets.token_urlsafe(50),
        SOFTSPOT_ALLOWED_HOSTS="softspot.example.org",
        SOFTSPOT_DATABASE_URL="postgres://softspot:secret@db.example.org:5432/softspot",
        PYTHONPATH=str(ROOT / "src"),
    )
    env.update(more)
    return env


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_cookies_are_secure() -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT,"
        " s.DEBUG, 'softspot.web.csp.CSPMiddleware' in s.MIDDLEWARE)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=production_env(), capture_output=True, text=True)
    assert result.stdout.split() == ["True", "True", "True", "True", "False", "True"], result.stderr


@pytest.mark.parametrize("missing", ["SOFTSPOT_SECRET_KEY", "SOFTSPOT_ALLOWED_HOSTS", "SOFTSPOT_DATABASE_URL"])
def test_production_fails_loudly_without_its_settings(missing: str) -> None:
    env = production_env()
    del env[missing]
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode != 0
    assert missing in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0"], "--host: 0.0.0.0 would serve the network without sign-in"),
        (["--host", "192.168.1.20"], "use --lan"),
        (["--port", "70000"], "--port: 70000 is not a port number"),
        (["--port", "-1"], "--port: -1 is not a port number"),
        (["--host", " "], "--host: give an address"),
    ],
)
def test_serve_refuses_bad_options_with_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["serve", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_serve_refuses_a_port_that_is_not_a_number() -> None:
    result = CliRunner().invoke(app, ["serve", "--port", "eighty"])
    assert result.exit_code == 2
    assert "--port" in result.output


def test_serve_in_production_points_to_gunicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOFTSPOT_PRODUCTION", "true")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "gunicorn" in result.output


def test_serve_lan_makes_a_one_time_link_for_this_computers_owner(db: None) -> None:
    from softspot.cli import serve_cmd

    url = serve_cmd.sign_in_link("http://192.168.1.20:8000")
    assert url.startswith("http://192.168.1.20:8000/signin/?token=")
    token = url.split("token=", 1)[1]
    assert SignInLink.consume(token, timezone.now()) == local_owner()
    assert SignInLink.consume(token, timezone.now()) is None


def test_loopback_hosts_are_recognised() -> None:
    from softspot.cli.serve_cmd import is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.20", "example.org"))
