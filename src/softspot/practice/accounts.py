"""Accounts: sign-out everywhere, reset links, the client's address behind a proxy, the lock-out page.

Service functions; views and management commands call them.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from softspot.practice.models import RESET_LINK_LIFETIME, Account, AccountLink

log = logging.getLogger(__name__)
EPOCH_KEY = "softspot_epoch"
"""The session's copy of its account's ``sessions_epoch`` at sign-in."""


def epoch_of(user: Any) -> int:
    """The account's epoch (0 when it has no ``Account`` row yet); no query when the backend joined it."""
    try:
        account: Account = user.softspot_account
    except Account.DoesNotExist:
        return 0
    return account.sessions_epoch


def sign_out_everywhere(user: User) -> int:
    """End every session of the account, on every device (the current one too); returns the new epoch."""
    account, _ = Account.objects.get_or_create(user=user)
    Account.objects.filter(pk=account.pk).update(sessions_epoch=F("sessions_epoch") + 1)
    account.refresh_from_db()
    return account.sessions_epoch


def reset_url(base: str, token: str) -> str:
    return f"{base.rstrip('/')}{reverse('account-reset')}?token={token}"


def issue_reset_link(user: User, base: str, issued_by: User | None = None, now: datetime | None = None) -> str:
    """A one-time link (24 hours) that lets ``user`` set a new password; by e-mail too when mail is set up."""
    token = AccountLink.issue(user, now or timezone.now(), issued_by)
    url = reset_url(base, token)
    if mail_configured() and user.email:
        hours = int(RESET_LINK_LIFETIME.total_seconds() // 3600)
        body = ngettext(
            "Open this link to set a new password for %(username)s (it works once, for %(hours)d hour):",
            "Open this link to set a new password for %(username)s (it works once, for %(hours)d hours):",
            hours,
        ) % {"username": user.username, "hours": hours}
        send_mail(
            gettext("Set your softspot password"),
            f"{body}\n\n{url}\n",
            None,
            [user.email],
            fail_silently=True,
        )
    return url


def mail_configured() -> bool:
    return bool(getattr(settings, "SOFTSPOT_MAIL", False))


def client_address(request: HttpRequest) -> str:
    """The client's address for throttling (``AXES_CLIENT_IP_CALLABLE``).

    ``REMOTE_ADDR`` unless ``SOFTSPOT_TRUSTED_PROXIES`` (a count) says that many proxies of ours stand in
    front: then the address the nearest of them saw, which is that many entries from the right of
    ``X-Forwarded-For`` (entries further left are written by the client and cannot be trusted).
    """
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies = int(getattr(settings, "SOFTSPOT_TRUSTED_PROXIES", 0))
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate.strip("[]")))
    except ValueError:
        return remote


def locked_out(request: HttpRequest, original: HttpResponse | None = None, credentials: Any = None) -> HttpResponse:
    """Answer to a sign-in while throttled (``AXES_LOCKOUT_CALLABLE``): 429 with when to try again."""
    cool_off = settings.AXES_COOLOFF_TIME
    until = timezone.localtime(timezone.now() + cool_off)
    minutes = int(cool_off.total_seconds() // 60)
    response = render(
        request,
        "practice/locked_out.html",
        {"until": until, "minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
