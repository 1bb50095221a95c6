"""A therapist's clients: the overview, inviting, one client's page, programme, exports, reset link, ending."""

from __future__ import annotations

import segno
from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from softspot.core.loader import built_in, built_in_ids
from softspot.practice import care, catalogue, exports
from softspot.practice.access import therapist_page
from softspot.practice.accounts import issue_reset_link
from softspot.practice.models import INVITATION_LIFETIME, CareLink, PublishedTechnique, Therapist
from softspot.practice.pages import client_page

NOTE_MAX = 2000


def qr_svg(url: str) -> SafeString:
    """A QR code as inline SVG (no inline style: the page's CSP allows none)."""
    svg = segno.make(url, error="m").svg_inline(border=2, dark="#000", light="#fff", omitsize=True)
    label = escape(gettext("QR code of the link"))
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))


def link_or_404(therapist: Therapist, link_id: int) -> CareLink:
    link = care.therapist_link(therapist, link_id)
    if link is None:
        raise Http404("No such client")
    return link


@require_GET
@therapist_page
def overview(request: HttpRequest, therapist: Therapist) -> HttpResponse:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    rows, total = care.overview(therapist, timezone.now(), page)
    pages = max(1, -(-total // care.PAGE_SIZE))
    return render(
        request,
        "practice/overview.html",
        {
            "therapist": therapist,
            "rows": rows,
            "total": total,
            "page": min(page, pages),
            "pages": pages,
            "weeks": care.OVERVIEW_WEEKS,
        },
    )


class InviteForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Who is it for?"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("Their first name, as it will be offered to them (they can change it)."),
    )


@require_http_methods(["GET", "POST"])
@therapist_page
def invite(request: HttpRequest, therapist: Therapist) -> HttpResponse:
    """A one-time invitation link and its QR code, to hand to a new client; it works once, for a week."""
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        token = care.invite(therapist, form.cleaned_data["name"], timezone.now())
        url = request.build_absolute_uri(f"{reverse('invitation')}?token={token}")
        days = INVITATION_LIFETIME.days
        return render(
            request,
            "practice/invited.html",
            {"url": url, "qr": qr_svg(url), "days": days, "name": form.cleaned_data["name"]},
        )
    return render(request, "practice/invite.html", {"form": form}, status=400 if request.method == "POST" else 200)


def technique_choices(therapist: Therapist) -> list[tuple[str, str]]:
    """Built-in techniques and every version the therapist published, as ``id|version`` choices."""
    lang = get_language()
    choices = []
    for i in built_in_ids():
        technique = built_in(i).localized(lang)
        label = gettext("%(title)s (built in, %(version)s)") % {"title": technique.title, "version": technique.version}
        choices.append((f"{i}|{technique.version}", label))
    for row in PublishedTechnique.objects.filter(therapist=therapist).only("technique_id", "version", "title"):
        label = gettext("%(title)s (%(technique)s, version %(version)s)") % {
            "title": row.title,
            "technique": row.technique_id,
            "version": row.version,
        }
        choices.append((f"{row.technique_id}|{row.version}", label))
    return choices


def add_on_choices(therapist: Therapist) -> list[tuple[str, str]]:
    """Every add-on of the techniques on offer, once per id (the programme is checked against its technique),
    named in the page's language where the technique is written in it."""
    lang = get_language()
    found: dict[str, str] = {}
    techniques = [built_in(i) for i in built_in_ids()]
    for row in PublishedTechnique.objects.filter(therapist=therapist):
        techniques.append(catalogue.as_published(row))
    for technique in techniques:
        for add_on in technique.localized(lang).add_ons:
            found.setdefault(add_on.id, add_on.name)
    return sorted(found.items(), key=lambda item: item[1])


class ProgrammeForm(forms.Form):
    technique = forms.ChoiceField(label=gettext_lazy("Technique and version"))
    minutes = forms.FloatField(
        label=gettext_lazy("Starting minutes per leg"),
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        error_messages={"required": gettext_lazy("Give the minutes per leg to start from.")},
    )
    per_week = forms.IntegerField(
        label=gettext_lazy("Sessions per week"),
        min_value=1,
        max_value=14,
        error_messages={
            "required": gettext_lazy("Give the sessions per week."),
            "min_value": gettext_lazy("At least 1 a week."),
            "max_value": gettext_lazy("At most 14 a week (twice a day)."),
        },
    )
    add_ons = forms.MultipleChoiceField(
        label=gettext_lazy("Add-ons unlocked early"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Offered from the first session. The thigh still limits the time; screening can still leave one out."
        ),
        error_messages={"invalid_choice": gettext_lazy("'%(value)s' is not an add-on of these techniques.")},
    )
    note = forms.CharField(
        label=gettext_lazy("A note for the client"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, therapist: Therapist, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = technique_choices(therapist)
        self.fields["technique"].choices = choices  # type: ignore[attr-defined]
        self.fields["add_ons"].choices = add_on_choices(therapist)  # type: ignore[attr-defined]

    def given(self) -> care.ProgrammeIn:
        data = self.cleaned_data
        technique_id, version = str(data["technique"]).split("|", 1)
        return care.ProgrammeIn(
            technique_id=technique_id,
            version=version,
            minutes_per_leg=float(data["minutes"]),
            sessions_per_week=int(data["per_week"]),
            add_ons=tuple(data["add_ons"] or ()),
            note=str(data["note"] or ""),
        )


def _client(
    request: HttpRequest, therapist: Therapist, link: CareLink, form: ProgrammeForm, status: int = 200
) -> HttpResponse:
    context = client_page(link, timezone.localdate(), request.GET.get("page"))
    context.update({"form": form, "therapist": therapist, "as_therapist": True})
    return render(request, "practice/client.html", context, status=status)


def _programme_form(therapist: Therapist, link: CareLink, data: object = None) -> ProgrammeForm:
    current = care.programme_of(link)
    initial: dict[str, object] = {"per_week": 3, "minutes": 3}
    if current is not None:
        initial = {
            "technique": f"{current.technique_id}|{current.version}",
            "minutes": f"{current.seconds_per_leg / 60:g}",
            "per_week": current.sessions_per_week,
            "add_ons": list(current.add_ons),
            "note": current.note,
        }
    return ProgrammeForm(therapist, data, initial=initial)


@require_GET
@therapist_page
def client(request: HttpRequest, therapist: Therapist, link_id: int) -> HttpResponse:
    link = link_or_404(therapist, link_id)
    return _client(request, therapist, link, _programme_form(therapist, link))


@require_POST
@therapist_page
def programme(request: HttpRequest, therapist: Therapist, link_id: int) -> HttpResponseBase:
    """Give the client a programme (a new row; the old ones stay as they were)."""
    link = link_or_404(therapist, link_id)
    form = _programme_form(therapist, link, request.POST)
    if form.is_valid():
        try:
            care.prescribe(link, form.given(), timezone.now())
        except care.CareError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, f"{str(exc)[0].upper()}{str(exc)[1:]}.")
        else:
            return redirect(reverse("practice-client", args=[link.pk]) + "#programme-h")
    return _client(request, therapist, link, form, status=400)


@require_POST
@therapist_page
def end_link(request: HttpRequest, therapist: Therapist, link_id: int) -> HttpResponseBase:
    """End the relationship: from now on the therapist sees nothing of this client."""
    link = link_or_404(therapist, link_id)
    care.end(link, CareLink.EndedBy.THERAPIST, timezone.now())
    return redirect("practice")


@require_POST
@therapist_page
def reset_link(request: HttpRequest, therapist: Therapist, link_id: int) -> HttpResponse:
    """A one-time link with which the client's household sets a new password (no mail server needed)."""
    link = link_or_404(therapist, link_id)
    owner = link.receiver.owner
    url = issue_reset_link(owner, request.build_absolute_uri("/"), issued_by=therapist.user)
    return render(request, "practice/reset_issued.html", {"link": link, "url": url, "qr": qr_svg(url), "who": owner})


@require_GET
@therapist_page
def export(request: HttpRequest, therapist: Therapist, link_id: int, kind: str) -> HttpResponse:
    link = link_or_404(therapist, link_id)
    if kind not in exports.KINDS:
        raise Http404("No such export")
    return exports.link_export(link, kind)
