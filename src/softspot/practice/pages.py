"""What a client's page shows, to the therapist and to the client alike (the client sees all the therapist sees)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.paginator import Paginator

from softspot.core.aftercare import aftercare
from softspot.core.progress import SessionSummary, changes, verdict
from softspot.core.record import Ratings
from softspot.practice import care
from softspot.practice.models import CareLink, Programme
from softspot.store.models import SessionRecord
from softspot.web.drawing import RatingPoint, before_after_svg
from softspot.web.history import day_month

STOP_WORDS = {"discomfort": "stopped: discomfort", "out_of_time": "stopped: out of time", "other": "stopped"}
SESSIONS_PER_PAGE = 50
SUMMARY_FIELDS = (
    "key", "started_at", "ended_at", "seconds_per_leg", "active_seconds", "before_left", "before_right",
    "before_back", "after_left", "after_right", "after_back", "ended_early", "stop_reason", "add_ons",
)  # fmt: skip


def summaries(link: CareLink) -> list[SessionSummary]:
    """The sessions the therapist may see, oldest first, without their scripts (one query)."""
    rows = care.records_seen(link).only(*SUMMARY_FIELDS).order_by("started_at", "id")
    return [
        SessionSummary(
            key=str(r.key),
            started_at=r.started_at,
            seconds_per_leg=r.seconds_per_leg,
            active_seconds=r.active_seconds,
            before=Ratings(**r.before),
            after=Ratings(**r.after) if r.after else None,
            ended_early=r.ended_early,
            stop_reason=r.stop_reason or None,
            add_ons=tuple(r.add_ons),
        )
        for r in rows
    ]


def client_page(link: CareLink, today: date, page: str | None) -> dict[str, Any]:
    """Programme, adherence week by week, tension before/after with the verdict, discomfort stops, sessions."""
    programmes: list[Programme] = list(Programme.objects.filter(link=link).order_by("-created", "-id"))
    seen = summaries(link)
    weeks = care.adherence(link, programmes, [s.started_at for s in seen], today)
    found = changes(seen)
    points = [RatingPoint(label=day_month(c.started_at), before=c.before_mean, after=c.after_mean) for c in found]
    stops = [c for c in found if c.stop_reason == "discomfort"]
    sessions = Paginator(
        care.records_seen(link)
        .only(
            "key",
            "started_at",
            "active_seconds",
            "technique_id",
            "technique_version",
            "stop_reason",
            "ended_early",
            "note",
            "before_left",
            "before_right",
            "before_back",
            "after_left",
            "after_right",
            "after_back",
        )
        .order_by("-started_at", "-id"),
        SESSIONS_PER_PAGE,
    ).get_page(page)
    return {
        "link": link,
        "receiver": link.receiver,
        "programme": programmes[0] if programmes else None,
        "programmes": programmes,
        "weeks": weeks,
        "weeks_shown": weeks[-12:][::-1],
        "done": sum(w.done for w in weeks),
        "prescribed": sum(w.prescribed or 0 for w in weeks),
        "stops": stops[::-1],
        "aftercare": aftercare([s.stop_reason for s in seen]),
        "verdict": verdict(seen),
        "chart": before_after_svg(points[-30:]),
        "sessions": sessions,
        "stop_words": STOP_WORDS,
    }


def rows_of(records: list[SessionRecord]) -> list[dict[str, Any]]:
    return [{"record": r, "ended": STOP_WORDS.get(r.stop_reason, "") if r.ended_early else "done"} for r in records]
