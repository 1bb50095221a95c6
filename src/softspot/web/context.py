"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """``sign_in_needed``: true under ``--lan`` and in production, where the header offers sign-out."""
    return {"sign_in_needed": not settings.LOCAL_OWNER}
