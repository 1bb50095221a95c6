"""Who may see a practice page: a therapist sees their own things; anyone else gets 404 (nothing is revealed).

Anonymous visitors are sent to sign in (also on loopback: a therapist always signs in).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from softspot.practice.models import Therapist

P = ParamSpec("P")


def therapist_of(request: HttpRequest) -> Therapist | None:
    user = request.user
    if not user.is_authenticated:
        return None
    try:
        therapist: Therapist = user.therapist
    except Therapist.DoesNotExist:
        return None
    return therapist


def therapist_page(
    view: Callable[Concatenate[HttpRequest, Therapist, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Pass the signed-in therapist to ``view``; an anonymous visitor signs in first, anyone else gets 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        therapist = therapist_of(request)
        if therapist is None:
            raise Http404("No such page")
        return view(request, therapist, *args, **kwargs)

    return wrapped
