"""Progress turned into what the history page draws: chart points and weekly bars."""

from __future__ import annotations

from softspot.core.progress import Progress
from softspot.web.drawing import RatingPoint


def rating_points(report: Progress) -> list[RatingPoint]:
    return [
        RatingPoint(
            label=c.started_at.strftime("%d %b"),
            before=c.before_mean,
            after=c.after_mean,
            discomfort=c.stop_reason == "discomfort",
        )
        for c in report.changes
    ]


def week_bars(report: Progress) -> list[tuple[str, float]]:
    return [(w.starts.strftime("%d %b"), w.minutes) for w in report.weeks]
