"""Authentication backends: throttling first (django-axes), then Django's accounts with one query per request."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User

BACKEND = "softspot.practice.auth.AccountBackend"
"""The backend a session signs in with (``login(request, user, backend=BACKEND)``)."""


class Throttle(AxesStandaloneBackend):  # type: ignore[misc]
    """Refuses a password sign-in while the account or the address is locked out (django-axes)."""


class AccountBackend(ModelBackend):
    """Django's username and password; the signed-in user is read with its ``Account`` row in one query."""

    def get_user(self, user_id: Any) -> User | None:
        user = User._default_manager.select_related("softspot_account", "therapist").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
