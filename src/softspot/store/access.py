"""Who owns what a request reads or writes: one rule for the API and the web pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from softspot.i18n import _
from softspot.store.records import local_owner


def owner_for(request: HttpRequest) -> User:
    """The signed-in user; on loopback (``settings.LOCAL_OWNER``) the local owner; else PermissionDenied (403)."""
    user = request.user
    if user.is_authenticated and isinstance(user, User):
        return user
    if getattr(settings, "LOCAL_OWNER", False):
        return local_owner()
    raise PermissionDenied(_("sign in first"))
