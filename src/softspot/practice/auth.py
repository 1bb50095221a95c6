"""Authentication backends: throttling first (django-axes), then Django's accounts with one query per request."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db.models import BigIntegerField

from softspot.store.compiled import CompiledQuery, Slot

BACKEND = "softspot.practice.auth.AccountBackend"
"""The backend a session signs in with (``login(request, user, backend=BACKEND)``)."""

SIGNED_IN = CompiledQuery(
    User._default_manager.select_related("softspot_account", "therapist").filter(pk=Slot("pk", BigIntegerField()))
)
"""The signed-in user with its ``Account`` and ``Therapist`` rows: read on every signed-in request, so its SQL is
compiled once (softspot.store.compiled)."""


class Throttle(AxesStandaloneBackend):  # type: ignore[misc]
    """Refuses a password sign-in while the account or the address is locked out (django-axes)."""


class AccountBackend(ModelBackend):
    """Django's username and password; the signed-in user is read with its ``Account`` row in one query."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        if not 0 < pk < 2**63:
            return None
        user = SIGNED_IN.first(pk=pk)
        return user if user is not None and self.user_can_authenticate(user) else None
