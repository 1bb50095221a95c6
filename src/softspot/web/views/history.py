"""History and progress: before/after over time, minutes per week, regularity, next time's dose."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from softspot.core.loader import built_in, built_in_ids
from softspot.store.records import history as records_of
from softspot.web.access import Owner, owner_page
from softspot.web.drawing import before_after_svg, minutes_per_week_svg
from softspot.web.history import progress_for, rating_points, week_bars

STOP_WORDS = {"discomfort": "discomfort", "out_of_time": "out of time", "other": "other reason"}


@require_GET
@owner_page
def history_page(request: HttpRequest, owner: Owner) -> HttpResponse:
    wanted = request.GET.get("technique")
    technique = built_in(wanted if wanted in built_in_ids() else built_in_ids()[0])
    report = progress_for(owner, technique, timezone.localdate())
    rows = [
        {
            "record": r,
            "minutes": round(r.active_seconds / 60, 1),
            "before": r.before,
            "after": r.after,
            "ended": STOP_WORDS.get(r.stop_reason, "") if r.ended_early else "done",
            "spots": len(r.spots.all()),
        }
        for r in records_of(owner, technique.id)
    ]
    return render(
        request,
        "softspot/history.html",
        {
            "technique": technique,
            "report": report,
            "rows": rows,
            "ratings_chart": before_after_svg(rating_points(report)),
            "weeks_chart": minutes_per_week_svg(week_bars(report)[-12:]),
        },
    )
