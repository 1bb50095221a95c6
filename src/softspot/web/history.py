"""Progress turned into what the history page draws: chart points and weekly bars."""

from __future__ import annotations

from datetime import datetime

from softspot.core.progress import ChartPoint, Progress
from softspot.web.drawing import RatingPoint


def label(point: ChartPoint) -> str:
    """A session by its day, a week by its Monday, then "Nov 2026", "Q4 2026", "2026"."""
    starts = point.starts
    day = starts.date() if isinstance(starts, datetime) else starts
    if point.period in ("session", "week"):
        return day.strftime("%d %b")
    if point.period == "month":
        return day.strftime("%b %Y")
    if point.period == "quarter":
        return f"Q{(day.month - 1) // 3 + 1} {day.year}"
    return str(day.year)


def rating_points(report: Progress) -> list[RatingPoint]:
    """At most ``CHART_POINTS`` points, whatever the history: sessions, else weeks, months, quarters or years."""
    return [
        RatingPoint(label=label(p), before=p.before_mean, after=p.after_mean, discomfort=p.discomfort > 0)
        for p in report.chart or []
    ]


def chart_period(report: Progress) -> str:
    """What one point of the chart stands for, in words ("each session", "the mean of each month"...)."""
    period = report.chart[0].period if report.chart else "session"
    return "each session" if period == "session" else f"the mean of each {period}'s sessions"


def week_bars(report: Progress) -> list[tuple[str, float]]:
    return [(w.starts.strftime("%d %b"), w.minutes) for w in report.weeks]
