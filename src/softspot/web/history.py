"""Progress for the web pages: the owner's records through ``softspot.core.progress``."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User

from softspot.core.progress import Progress, Suggestion, progress, suggest
from softspot.core.technique import Technique
from softspot.store.records import summaries
from softspot.web.drawing import RatingPoint


def suggestion_for(owner: User, technique: Technique) -> Suggestion:
    """Next time's minutes per leg and unlocked add-ons; the technique's start dose with no history."""
    return suggest(technique, summaries(owner, technique.id))


def progress_for(owner: User, technique: Technique, today: date) -> Progress:
    return progress(technique, summaries(owner, technique.id), today)


def rating_points(report: Progress) -> list[RatingPoint]:
    return [
        RatingPoint(label=c.started_at.strftime("%d %b"), before=c.before_mean, after=c.after_mean)
        for c in report.changes
    ]


def week_bars(report: Progress) -> list[tuple[str, float]]:
    return [(w.starts.strftime("%d %b"), w.minutes) for w in report.weeks]
