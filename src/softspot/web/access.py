"""Who is asking: pages redirect an anonymous visitor to sign in; the store decides the owner.

On loopback (``LOCAL_OWNER``) ``softspot.store.access.owner_for`` gives the
single local owner. Under ``--lan`` or in production a page first sends an
anonymous visitor to ``/signin/``; anything else it refuses is a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from softspot.store.access import owner_for

P = ParamSpec("P")
Owner = Any
"""The user who owns plans and records (``django.contrib.auth`` user)."""


def signed_in_required(request: HttpRequest) -> bool:
    return not settings.LOCAL_OWNER and not request.user.is_authenticated


def owner_page(
    view: Callable[Concatenate[HttpRequest, Owner, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Pass the owner to ``view``, after sending an anonymous visitor to sign in when sign-in is needed."""

    @wraps(view)
    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if signed_in_required(request):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return view(request, owner_for(request), *args, **kwargs)

    return wrapped


def owner_resource(
    view: Callable[Concatenate[HttpRequest, Owner, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Like :func:`owner_page` for things fetched by scripts (audio): refuse with 403, never redirect."""

    @wraps(view)
    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        return view(request, owner_for(request), *args, **kwargs)

    return wrapped
