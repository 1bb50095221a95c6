"""What the practice's management commands share: the site's address and a link shown with its QR code."""

from __future__ import annotations

import sys
from typing import TextIO

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import CommandError


def site_url(given: str | None) -> str:
    """``--site``, else ``SOFTSPOT_SITE_URL``, else this computer on the home network (``serve --lan``)."""
    if given:
        return given.rstrip("/")
    if settings.SOFTSPOT_SITE_URL:
        return str(settings.SOFTSPOT_SITE_URL).rstrip("/")
    from softspot.cli.serve_cmd import PORT, lan_address

    return f"http://{lan_address()}:{PORT}"


def user_named(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"USER: there is no account named '{username}'")
    return user


def show_link(url: str, out: TextIO | None = None) -> None:
    import segno

    stream = out or sys.stdout
    segno.make(url, error="m").terminal(out=stream, compact=True)
    stream.write(f"  {url}\n")
