"""What a household controls: its therapists (see what each sees, leave), an invitation, its data, deleting it all."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth import login, logout, password_validation
from django.contrib.auth.models import User
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from softspot.practice import care, data
from softspot.practice.auth import BACKEND
from softspot.practice.models import CareLink, Invitation
from softspot.practice.pages import client_page
from softspot.store import receivers
from softspot.web.access import Owner, owner_page

CONFIRM_WORD = "delete"


def link_or_404(owner: Owner, link_id: int) -> CareLink:
    link = care.household_link(owner, link_id)
    if link is None:
        raise Http404("No such therapist")
    return link


@require_GET
@owner_page
def mine(request: HttpRequest, owner: Owner) -> HttpResponse:
    """The household's therapists, its data, and deleting the account."""
    return render(request, "practice/mine.html", {"links": care.household_links(owner)})


@require_GET
@owner_page
def seen(request: HttpRequest, owner: Owner, link_id: int) -> HttpResponse:
    """Exactly what the therapist sees of this receiver."""
    link = link_or_404(owner, link_id)
    context = client_page(link, timezone.localdate(), request.GET.get("page"))
    context.update({"as_therapist": False, "therapist": link.therapist})
    return render(request, "practice/client.html", context)


@require_POST
@owner_page
def leave(request: HttpRequest, owner: Owner, link_id: int) -> HttpResponseBase:
    """Leave a therapist: their access to this receiver ends at once; the records stay the household's."""
    link = link_or_404(owner, link_id)
    care.end(link, CareLink.EndedBy.CLIENT, timezone.now())
    return render(request, "practice/left.html", {"link": link})


@require_GET
@owner_page
def download(request: HttpRequest, owner: Owner) -> HttpResponse:
    """Everything softspot keeps about the household, as one JSON file."""
    body = data.everything(owner)
    response = HttpResponse(json.dumps(body, indent=1), content_type="application/json")
    # The file's name is for people (in the page's language); the JSON inside keeps its English keys.
    word = pgettext("a download file name", "everything")
    name = f"softspot-{word}.json"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


class DeleteForm(forms.Form):
    word = forms.CharField(
        label=lazy(lambda: gettext("Type %(word)s to confirm") % {"word": CONFIRM_WORD}, str)(), max_length=20
    )
    step = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2)

    def clean_word(self) -> str:
        word: str = self.cleaned_data["word"]
        if word.strip().lower() != CONFIRM_WORD:
            raise forms.ValidationError(
                gettext("Type the word %(word)s to go on; nothing was deleted.") % {"word": CONFIRM_WORD}
            )
        return word


@require_http_methods(["GET", "POST"])
@owner_page
def delete(request: HttpRequest, owner: Owner) -> HttpResponseBase:
    """Delete the account and every record: asked twice, then gone (not on this computer's local owner)."""
    if owner.username == receivers.LOCAL_USERNAME or not request.user.is_authenticated:
        raise Http404("The computer's own account is not deleted from the web; use the command line")
    counts = data.counts(owner)
    if request.method == "GET":
        return render(request, "practice/delete.html", {"form": DeleteForm(initial={"step": 1}), "step": 1, **counts})
    form = DeleteForm(request.POST)
    if not form.is_valid():
        step = 1 if request.POST.get("step") != "2" else 2
        return render(request, "practice/delete.html", {"form": form, "step": step, **counts}, status=400)
    if form.cleaned_data["step"] == 1:
        again = DeleteForm(initial={"step": 2})
        return render(request, "practice/delete.html", {"form": again, "step": 2, **counts})
    username = owner.username
    logout(request)
    data.delete_household(owner, username)
    return render(request, "practice/deleted.html", {"username": username})


# Invitations -----------------------------------------------------------------------------------------


class NewHouseholdForm(forms.Form):
    """A new household account from an invitation: a username, a password twice, who receives."""

    username = forms.RegexField(
        label=_("Choose a username"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": _("Use letters, digits and @ . + - _ only, no spaces.")},
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    receiver = forms.CharField(label=_("Who receives the massage? (first name)"), max_length=60)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That username is taken; choose another."))
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", gettext("The two passwords differ; type the same one twice."))
        elif first:
            try:
                password_validation.validate_password(first, User(username=cleaned.get("username", "")))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class ChooseReceiverForm(forms.Form):
    """A signed-in household accepts: one of its receivers, or a new one."""

    receiver = forms.ChoiceField(label=_("Who is the therapist's client?"), widget=forms.RadioSelect)
    new_name = forms.CharField(label=_("Or someone new (first name)"), max_length=60, required=False)

    def __init__(self, owner: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiver"].choices = [  # type: ignore[attr-defined]
            *((str(r.pk), r.name) for r in receivers.household(owner)),
            ("new", gettext("Someone new")),
        ]


def _invitation_page(request: HttpRequest, found: Invitation, form: forms.Form, status: int = 200) -> HttpResponse:
    token = request.POST.get("token") or request.GET.get("token") or ""
    return render(
        request, "practice/invitation.html", {"invitation": found, "form": form, "token": token}, status=status
    )


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest) -> HttpResponseBase:
    """Accept a therapist's invitation: a new household signs up, a signed-in one chooses who is the client."""
    token = (request.POST.get("token") if request.method == "POST" else request.GET.get("token")) or ""
    now = timezone.now()
    found = care.invitation(token, now)
    if found is None:
        return render(request, "practice/invitation.html", {"failed": True}, status=400 if token else 404)
    user = request.user if request.user.is_authenticated else None
    signing_up = user is None
    post = request.POST if request.method == "POST" else None
    if signing_up:
        form: forms.Form = NewHouseholdForm(post, initial={"receiver": found.name})
    else:
        form = ChooseReceiverForm(user, post, initial={"new_name": found.name})  # type: ignore[arg-type]
    if post is None:
        return _invitation_page(request, found, form)
    if not form.is_valid():
        return _invitation_page(request, found, form, 400)
    try:
        with transaction.atomic():
            if signing_up:
                user = User.objects.create_user(form.cleaned_data["username"], password=form.cleaned_data["password1"])
                receiver = receivers.add(user, form.cleaned_data["receiver"])
            else:
                chosen = form.cleaned_data["receiver"]
                if chosen == "new":
                    receiver = receivers.add(user, form.cleaned_data["new_name"])  # type: ignore[arg-type]
                else:
                    owned = receivers.owned(user, chosen)  # type: ignore[arg-type]
                    if owned is None:
                        raise receivers.ReceiverError("receiver", "choose one of the names listed")
                    receiver = owned
            care.accept(found, receiver, now)
    except receivers.ReceiverError as exc:
        field = "receiver" if exc.field == "name" and signing_up else ("new_name" if exc.field == "name" else exc.field)
        form.add_error(field if field in form.fields else None, f"{str(exc)[0].upper()}{str(exc)[1:]}.")
        return _invitation_page(request, found, form, 400)
    except care.CareError:
        return render(request, "practice/invitation.html", {"failed": True}, status=400)
    if signing_up:
        login(request, user, backend=BACKEND)
    return redirect("mine")
