"""Signing in: a password (accounts of a practice or a household) or a one-time link; and signing out."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from softspot.practice.auth import BACKEND
from softspot.practice.models import Therapist
from softspot.web.models import SignInLink


def _safe_next(request: HttpRequest, wanted: str | None) -> str:
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure()):
        return wanted
    return "/"


class PasswordForm(AuthenticationForm):
    """Django's ``username`` and ``password`` fields; the message never says which of the two was wrong."""

    error_messages = {  # noqa: RUF012
        "invalid_login": gettext_lazy(
            "The username or the password is wrong (both are case-sensitive). Nothing was changed."
        ),
        "inactive": gettext_lazy("This account is switched off. Ask your therapist or whoever runs softspot."),
    }


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponseBase:
    """GET shows the password form, and a button for a link's token (so link previews cannot use it up).

    POST with ``token`` spends the link once; POST with ``username`` and ``password`` signs in through
    the throttle (django-axes: a locked-out account or address gets the lock-out page, 429).
    """
    token = request.POST.get("token") if request.method == "POST" else request.GET.get("token")
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    context: dict[str, object] = {
        "token": token or "",
        "next": next_url,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    if request.method == "POST" and token:
        user = SignInLink.consume(token, timezone.now())
        if user is not None:
            login(request, user, backend=BACKEND)
            return redirect(next_url)
        return render(request, "softspot/signin.html", {**context, "failed": True, "form": PasswordForm()}, status=400)
    form = PasswordForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            login(request, user, backend=BACKEND)
            if next_url == "/" and Therapist.objects.filter(user=user).exists():
                return redirect("practice")  # a therapist starts at their practice
            return redirect(next_url)
        return render(request, "softspot/signin.html", {**context, "form": form}, status=400)
    return render(request, "softspot/signin.html", {**context, "form": form})


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return render(request, "softspot/signed_out.html")
