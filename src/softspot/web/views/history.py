"""History and progress: before/after over time, minutes per week, regularity, next time's dose; reminders."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_GET

from softspot.core.aftercare import DISCOMFORT, SEE_A_PROFESSIONAL
from softspot.core.loader import built_in, built_in_ids
from softspot.core.reminders import (
    DAYS,
    DEFAULT_DAYS,
    SESSIONS_PER_WEEK,
    ReminderInputError,
    due,
    parse_at,
    reminder_calendar,
)
from softspot.core.technique import Technique
from softspot.practice import catalogue
from softspot.store import receivers
from softspot.store.models import Receiver, SessionRecord
from softspot.store.records import history as records_of
from softspot.store.records import progress_report
from softspot.web.access import Owner, owner_page
from softspot.web.drawing import before_after_svg, minutes_per_week_svg
from softspot.web.history import chart_period, rating_points, week_bars
from softspot.web.views.technique import in_page_language

STOP_WORDS = {
    "discomfort": pgettext_lazy("how a session ended", "discomfort"),
    "out_of_time": pgettext_lazy("how a session ended", "out of time"),
    "other": pgettext_lazy("how a session ended", "other reason"),
}
DONE = pgettext_lazy("how a session ended", "done")
DAY_LABELS = dict(
    zip(
        DAYS,
        (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")),
        strict=True,
    )
)
PAGE_SIZE = 25
"""Sessions in the table per page, newest first (``?page=2`` for older ones)."""


class ReminderForm(forms.Form):
    """The "Remind me" form: days and a time; the core makes the calendar."""

    days = forms.MultipleChoiceField(
        label=_("Days"),
        choices=list(DAY_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one day."),
            "invalid_choice": _("'%(value)s' is not a day; use mon, tue, wed, thu, fri, sat, sun."),
        },
    )
    at = forms.CharField(
        label=_("Time"),
        help_text=_("On the phone's own clock."),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"required": _("Give a time, e.g. 19:30.")},
    )

    def clean_at(self) -> Any:
        try:
            return parse_at(self.cleaned_data["at"])
        except ReminderInputError as exc:
            raise forms.ValidationError(exc.problem[0].upper() + exc.problem[1:] + ".") from exc


def _technique(request: HttpRequest) -> Technique:
    wanted = request.GET.get("technique") or ""
    try:
        return in_page_language(catalogue.technique(wanted))
    except catalogue.NoSuchTechnique:
        return in_page_language(built_in(built_in_ids()[0]))


def _receiver(request: HttpRequest, owner: Owner) -> tuple[Receiver | None, list[Receiver]]:
    """Whose history (``?receiver=<id>``; default: whoever had the last session), and the household.

    Another household's receiver, or an id that is not one, is a 404.
    """
    everyone = receivers.household(owner)
    wanted = request.GET.get("receiver")
    if wanted:
        found = receivers.owned(owner, wanted)
        if found is None:
            raise Http404("No such receiver")
        return found, everyone
    return receivers.latest(owner) or (everyone[0] if everyone else None), everyone


def _page(
    request: HttpRequest, owner: Owner, technique: Technique, form: ReminderForm, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    receiver, everyone = _receiver(request, owner)
    report = progress_report(receiver, technique, today, keep=status < 400)  # a refusal writes nothing
    last = timezone.localtime(report.last_started_at).date() if report.last_started_at else None
    # One page of the table: a COUNT and one LIMIT/OFFSET query, whatever the history (Paginator.get_page
    # turns a page number that is not one, or past the end, into the nearest page).
    listed = records_of(receiver, technique.id) if receiver else SessionRecord.objects.none()
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "record": r,
            "minutes": round(r.active_seconds / 60, 1),
            "before": r.before,
            "after": r.after,
            "ended": STOP_WORDS.get(r.stop_reason, "") if r.ended_early else DONE,
            "discomfort": r.stop_reason == DISCOMFORT,
        }
        for r in page
    ]
    return render(
        request,
        "softspot/history.html",
        {
            "technique": technique,
            "receiver": receiver,
            "everyone": everyone,
            "report": report,
            "due": due(last, today, SESSIONS_PER_WEEK, after_discomfort=report.aftercare is not None),
            "remind_form": form,
            "rows": rows,
            "page": page,
            "page_query": _page_query(request),
            "chart_period": chart_period(report),
            "ratings_chart": before_after_svg(rating_points(report)),
            "weeks_chart": minutes_per_week_svg(week_bars(report)[-12:]),
            "see_a_professional": SEE_A_PROFESSIONAL,
            "any_discomfort": any(c.stop_reason == DISCOMFORT for c in report.changes),
        },
        status=status,
    )


def _page_query(request: HttpRequest) -> str:
    """The page's query string without ``page``, to which the table's page links add theirs."""
    query: QueryDict = request.GET.copy()
    query.pop("page", None)
    return query.urlencode() + "&" if query else ""


@require_GET
@owner_page
def history_page(request: HttpRequest, owner: Owner) -> HttpResponse:
    form = ReminderForm(initial={"days": list(DEFAULT_DAYS), "at": "19:30"})
    return _page(request, owner, _technique(request), form)


@require_GET
@owner_page
def reminders(request: HttpRequest, owner: Owner) -> HttpResponse:
    """The "Remind me" form's answer: a calendar file, or the history page with the fields at fault (400)."""
    technique = _technique(request)
    form = ReminderForm(request.GET)
    if not form.is_valid():
        return _page(request, owner, technique, form, status=400)
    text = reminder_calendar(
        technique.title,
        form.cleaned_data["days"],
        form.cleaned_data["at"],
        timezone.localdate(),
        request.build_absolute_uri(reverse("check", args=[technique.id])),
        "",
        stamp=timezone.now(),
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    word = pgettext("a download file name", "reminders")
    name = f"softspot-{word}.ics"  # for people: in the page's language
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
