"""Each new session remembers its account's epoch (see :class:`softspot.practice.middleware.SessionEpoch`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from softspot.practice.accounts import EPOCH_KEY, epoch_of


@receiver(user_logged_in)
def remember_epoch(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[EPOCH_KEY] = epoch_of(user)
