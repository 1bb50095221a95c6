"""Sign-out everywhere: a session signed in before its account's latest epoch is signed out."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from softspot.practice.accounts import EPOCH_KEY, epoch_of

Handler = Callable[[HttpRequest], HttpResponse]


class SessionEpoch:
    """After ``AuthenticationMiddleware``: compare the session's epoch with its account's (no extra query)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and request.session.get(EPOCH_KEY, 0) != epoch_of(user):
            logout(request)
        return self.get_response(request)
