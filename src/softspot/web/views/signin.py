"""One-time sign-in links for ``softspot serve --lan``, and sign-out."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from softspot.web.models import SignInLink


def _safe_next(request: HttpRequest, wanted: str | None) -> str:
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure()):
        return wanted
    return "/"


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponseBase:
    """GET shows a button (so link previews cannot use up the link); POST spends the token once."""
    token = request.POST.get("token") if request.method == "POST" else request.GET.get("token")
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST" and token:
        user = SignInLink.consume(token, timezone.now())
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url)
        return render(request, "softspot/signin.html", {"failed": True, "next": next_url}, status=400)
    return render(request, "softspot/signin.html", {"token": token or "", "next": next_url})


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return render(request, "softspot/signed_out.html")
