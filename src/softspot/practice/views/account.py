"""The account page: set or change the password, sign out everywhere; and the one-time reset link."""

from __future__ import annotations

from django.contrib.auth import login, logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from softspot.practice.accounts import sign_out_everywhere
from softspot.practice.auth import BACKEND
from softspot.practice.forms import ChangePasswordForm, NewPasswordForm
from softspot.practice.models import AccountLink
from softspot.web.access import Owner, owner_page


@require_http_methods(["GET", "POST"])
@owner_page
def account(request: HttpRequest, owner: Owner) -> HttpResponse:
    """Who is signed in; a password (set one, or change it); sign out everywhere."""
    form = ChangePasswordForm(owner, request.POST if request.method == "POST" else None)
    changed = False
    if request.method == "POST":
        if form.is_valid():
            form.save()
            update_session_auth_hash(request, owner)  # this device stays signed in; the others are signed out
            changed = True
            form = ChangePasswordForm(owner)
        else:
            return render(request, "practice/account.html", {"form": form, "made_by_others": others(owner)}, status=400)
    return render(request, "practice/account.html", {"form": form, "changed": changed, "made_by_others": others(owner)})


def others(owner: Owner) -> list[AccountLink]:
    """Reset links someone else (a therapist, softspot admin is no one) made for this account, newest first."""
    return list(
        AccountLink.objects.filter(user=owner, issued_by__isnull=False)
        .exclude(issued_by=owner)
        .select_related("issued_by")
        .order_by("-created")[:5]
    )


@require_POST
@owner_page
def everywhere(request: HttpRequest, owner: Owner) -> HttpResponse:
    """Sign out on every device: every session of this account ends at its next request."""
    sign_out_everywhere(owner)
    logout(request)
    return render(request, "softspot/signed_out.html", {"everywhere": True})


@require_http_methods(["GET", "POST"])
def reset(request: HttpRequest) -> HttpResponseBase:
    """A reset link: choose a new password; it signs this device in and every other device out."""
    token = (request.POST.get("token") if request.method == "POST" else request.GET.get("token")) or ""
    now = timezone.now()
    link = AccountLink.valid(token, now) if token else None
    if link is None:
        return render(request, "practice/reset.html", {"failed": True}, status=400 if token else 404)
    form = NewPasswordForm(link.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not link.spend(now):
            return render(request, "practice/reset.html", {"failed": True}, status=400)
        user = form.save()
        sign_out_everywhere(user)
        user.refresh_from_db()
        login(request, user, backend=BACKEND)
        return redirect("home")
    return render(
        request,
        "practice/reset.html",
        {"form": form, "token": token, "who": link.user},
        status=400 if request.method == "POST" else 200,
    )
