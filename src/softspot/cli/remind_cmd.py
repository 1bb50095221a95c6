"""``softspot remind``: write a calendar file with weekly practice reminders, to open on a phone or laptop."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from rich.markup import escape

from softspot import i18n
from softspot.cli.output import console, fail
from softspot.cli.technique_cmd import in_active_language, resolve
from softspot.core.reminders import DAYS, ReminderInputError, parse_at, parse_days, reminder_calendar
from softspot.files import UnsafeTarget, write_atomic
from softspot.i18n import _

FLOATING = ""
"""The calendar's time zone: floating local time, so 19:30 is 19:30 on the phone's clock wherever it is."""


def remind(days: str, at: str, out: Path, technique_ref: str, today: date | None = None) -> None:
    try:
        chosen = parse_days([d for d in days.split(",") if d.strip()])
        when = parse_at(at)
    except ReminderInputError as exc:
        fail(str(exc))
    technique = in_active_language(resolve(technique_ref))
    try:
        text = reminder_calendar(
            technique.title, chosen, when, today or date.today(), None, FLOATING, stamp=datetime.now().astimezone()
        )
    except ReminderInputError as exc:
        fail(str(exc))
    _write(out, text)
    wrote = _("Wrote reminders to %(path)s: %(days)s at %(time)s, 20 minutes, with an alert when it starts.") % {
        "path": escape(str(out)),
        "days": ", ".join(day_names(chosen)),
        "time": f"{when:%H:%M}",
    }
    console.print(
        wrote
        + "\n"
        + _(
            "To use it, open the file where your calendar is:\n"
            "  - phone: send it to yourself (mail, chat, cloud drive) and tap it, then Add;\n"
            "  - laptop: open it with your calendar app (or import it in Google Calendar: Settings, Import).\n"
            "Importing it again after a change replaces the old reminder in most calendars."
        )
    )


def day_names(days: list[str]) -> list[str]:
    """``mon`` -> ``lun`` / ``Mo.`` / ``จ.``: the chosen days the active language's way (English: as typed)."""
    lang = i18n.active()
    if lang == i18n.DEFAULT:
        return days
    from babel.dates import get_day_names

    names = get_day_names("abbreviated", locale=lang)
    return [str(names[DAYS.index(d)]) for d in days]


def _write(out: Path, text: str) -> None:
    """Write atomically to a regular file; a link, folder, FIFO or device is refused and left as it is."""
    try:
        write_atomic(out, text)
    except UnsafeTarget as exc:
        fail(f"--out: {exc}")
    except OSError as exc:
        fail(_("--out: cannot write %(path)s: %(error)s") % {"path": out, "error": exc.strerror or exc})
