"""Progress turned into what the history page draws: chart points and weekly bars."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from softspot.core.progress import ChartPoint, Progress
from softspot.web.drawing import RatingPoint


def label(point: ChartPoint) -> str:
    """A session by its day, a week by its Monday, then "Nov 2026", "Q4 2026", "2026"."""
    starts = point.starts
    day = starts.date() if isinstance(starts, datetime) else starts
    if point.period in ("session", "week"):
        return day_month(day)
    if point.period == "month":
        # Django's format strings: the month's short name in the page's language.
        return date_format(day, pgettext("a month on a chart's axis (Django date format)", "M Y"))
    if point.period == "quarter":
        return f"Q{(day.month - 1) // 3 + 1} {day.year}"
    return str(day.year)


def day_month(day: date) -> str:
    """ "07 Nov" in English (as before languages), the day and the month's short name in the page's language."""
    return date_format(day, pgettext("a day on a chart's axis (Django date format)", "d M"))


def rating_points(report: Progress) -> list[RatingPoint]:
    """At most ``CHART_POINTS`` points, whatever the history: sessions, else weeks, months, quarters or years."""
    return [
        RatingPoint(label=label(p), before=p.before_mean, after=p.after_mean, discomfort=p.discomfort > 0)
        for p in report.chart or []
    ]


def chart_period(report: Progress) -> str:
    """What one point of the chart stands for, in words ("each session", "the mean of each month"...)."""
    period = report.chart[0].period if report.chart else "session"
    if period == "session":
        return _("each session")
    return {
        "week": _("the mean of each week's sessions"),
        "month": _("the mean of each month's sessions"),
        "quarter": _("the mean of each quarter's sessions"),
        "year": _("the mean of each year's sessions"),
    }.get(period, f"the mean of each {period}'s sessions")


def week_bars(report: Progress) -> list[tuple[str, float]]:
    return [(day_month(w.starts), w.minutes) for w in report.weeks]
