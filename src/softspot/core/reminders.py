"""Practice reminders: a calendar file any phone or laptop can import, and a one-line "is a session due?".

No push service: :func:`reminder_calendar` writes an RFC 5545 iCalendar text with one
weekly event and an alarm, which the person opens in their own calendar app. The
choices, also in ``docs/data.md``:

* **Time zone.** With ``tz=""`` the event is in *floating* local time
  (``DTSTART:20250106T193000``): 19:30 on whatever clock the phone shows, also
  after travelling, with no VTIMEZONE needed. With an IANA name (``"Europe/Berlin"``)
  DTSTART carries ``TZID=`` that name and no VTIMEZONE block; Google, Apple and
  Outlook calendars read IANA names, stricter readers may fall back to local time.
* **First occurrence.** DTSTART is the first chosen weekday on or after ``start``,
  so the first event is never on a day that was not chosen.
* **UID** depends only on the technique's title, so importing a changed reminder
  again replaces the old one in calendars that honour UIDs.
* **DTSTAMP** is ``stamp`` (in UTC); without one, ``start`` at midnight UTC, so the
  same input always gives the same text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from softspot.i18n import _, ngettext

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Day names as given on the command line and in the form, Monday first (``date.weekday()`` order)."""
DEFAULT_DAYS = ("mon", "wed", "fri")
SESSIONS_PER_WEEK = len(DEFAULT_DAYS)
"""The aim when the person has not said otherwise: as many sessions a week as default reminder days."""
MINUTES = 20
"""How long the calendar event lasts."""
LONG_GAP_DAYS = 14
"""From this many days without a session, ``due`` suggests starting again gently."""

_BYDAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
_TZ = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$")
_LINE_OCTETS = 75
PRODID = "-//softspot//practice reminders//EN"


class ReminderInputError(ValueError):
    """Bad reminder input; ``field`` names the option (``days``, ``at``, ``technique``, ``url``, ``tz``)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"--{field}: {problem}")
        self.field = field
        self.problem = problem


def parse_days(days: Sequence[str]) -> list[str]:
    """The chosen days in week order, each once; a :class:`ReminderInputError` names the first bad one."""
    chosen: set[str] = set()
    for raw in days:
        day = raw.strip().lower()
        if day not in _BYDAY:
            raise ReminderInputError(
                "days", _("'%(day)s' is not a day; use %(days)s") % {"day": raw.strip(), "days": ", ".join(DAYS)}
            )
        chosen.add(day)
    if not chosen:
        raise ReminderInputError("days", _("choose at least one day from %(days)s") % {"days": ", ".join(DAYS)})
    return [d for d in DAYS if d in chosen]


def parse_at(text: str) -> time:
    """``"19:30"`` (24-hour ``HH:MM``) as a :class:`time`."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ReminderInputError(
            "at", _("'%(time)s' is not a time; use 24-hour HH:MM, e.g. 19:30") % {"time": text.strip()}
        )
    return time(int(match[1]), int(match[2]))


def first_day(start: date, days: Sequence[str]) -> date:
    """The first of ``days`` on or after ``start``."""
    wanted = {DAYS.index(d) for d in days}
    return next(start + timedelta(n) for n in range(7) if (start + timedelta(n)).weekday() in wanted)


def escape_text(value: str) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon and comma escaped, line breaks as ``\\n``."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold one content line at 75 octets (UTF-8), never inside a character; continuations start with a space."""
    parts: list[str] = []
    current, size, limit = "", 0, _LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            parts.append(current)
            current, size, limit = " ", 1, _LINE_OCTETS
        current += char
        size += octets
    parts.append(current)
    return "\r\n".join(parts)


def reminder_calendar(
    technique_title: str,
    days: list[str],
    at: time,
    start: date,
    url: str | None,
    tz: str,
    *,
    stamp: datetime | None = None,
) -> str:
    """One weekly 20-minute event on ``days`` at ``at`` from ``start``, with an alarm when it starts."""
    title = technique_title.strip()
    if not title:
        raise ReminderInputError("technique", _("the technique has no title"))
    chosen = parse_days(days)
    if at.tzinfo is not None:
        raise ReminderInputError("at", _("give a wall-clock time without a time zone; the zone goes in tz"))
    if url is not None and not re.fullmatch(r"https?://[^\s]+", url):
        raise ReminderInputError("url", _("'%(url)s' is not an http(s) address") % {"url": url})
    if tz and not _TZ.fullmatch(tz):
        raise ReminderInputError(
            "tz", _("'%(tz)s' is not a time zone name; use an IANA name like Europe/Berlin") % {"tz": tz}
        )
    when = datetime.combine(first_day(start, chosen), at.replace(second=0, microsecond=0))
    dtstart = f"DTSTART;TZID={tz}:{when:%Y%m%dT%H%M%S}" if tz else f"DTSTART:{when:%Y%m%dT%H%M%S}"
    made = stamp.astimezone(UTC) if stamp is not None else datetime.combine(start, time(), UTC)
    uid = hashlib.sha256(title.encode("utf-8")).hexdigest()[:16]
    description = _("Time for softspot: %(title)s, about %(minutes)d minutes together.") % {
        "title": title,
        "minutes": MINUTES,
    }
    if url is not None:
        description += "\n" + _("Open %(url)s") % {"url": url}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:reminder-{uid}@softspot",
        f"DTSTAMP:{made:%Y%m%dT%H%M%SZ}",
        dtstart,
        f"DURATION:PT{MINUTES}M",
        f"RRULE:FREQ=WEEKLY;BYDAY={','.join(_BYDAY[d] for d in chosen)}",
        f"SUMMARY:{escape_text(f'softspot: {title}')}",
        f"DESCRIPTION:{escape_text(description)}",
        *([f"URL:{url}"] if url is not None else []),
        "TRANSP:OPAQUE",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape_text(f'softspot: {title}')}",
        "TRIGGER:-PT0M",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)


def due(last_session: date | None, today: date, sessions_per_week: int, *, after_discomfort: bool = False) -> str:
    """One plain sentence: is a session due? With ``n`` a week, one is due ``7 / n`` days after the last.

    ``after_discomfort``: the last session stopped for discomfort, so nothing is due until the pain has gone
    (never "on track" or "time for another" then).
    """
    if sessions_per_week < 1 or sessions_per_week > 7:
        raise ValueError(f"sessions_per_week: {sessions_per_week} is not between 1 and 7")
    if last_session is None:
        return _("No session yet: the first one is the hardest.")
    ago = max((today - last_session).days, 0)
    if after_discomfort:
        state = "discomfort"
    elif ago >= LONG_GAP_DAYS:
        state = "again"
    elif ago * sessions_per_week >= 7:
        state = "another"
    else:
        state = "on_track"
    return _due_sentence(state, ago) % {"n": ago, "aim": sessions_per_week}


def _due_sentence(state: str, ago: int) -> str:
    """The sentence for a state and a number of days, whole for each language (never built from pieces)."""
    if state == "discomfort":
        if ago == 0:
            return _("Last session today stopped for discomfort: no next one until the pain has gone.")
        if ago == 1:
            return _("Last session yesterday stopped for discomfort: no next one until the pain has gone.")
        return ngettext(
            "Last session %(n)d day ago stopped for discomfort: no next one until the pain has gone.",
            "Last session %(n)d days ago stopped for discomfort: no next one until the pain has gone.",
            ago,
        )
    if state == "again":  # LONG_GAP_DAYS or more: never today or yesterday
        return ngettext(
            "Last session %(n)d day ago: time to start again, gently (you aim for %(aim)d a week).",
            "Last session %(n)d days ago: time to start again, gently (you aim for %(aim)d a week).",
            ago,
        )
    if state == "another":
        if ago == 0:
            return _("Last session today: time for another (you aim for %(aim)d a week).")
        if ago == 1:
            return _("Last session yesterday: time for another (you aim for %(aim)d a week).")
        return ngettext(
            "Last session %(n)d day ago: time for another (you aim for %(aim)d a week).",
            "Last session %(n)d days ago: time for another (you aim for %(aim)d a week).",
            ago,
        )
    if ago == 0:
        return _("Last session today: on track.")
    if ago == 1:
        return _("Last session yesterday: on track.")
    return ngettext("Last session %(n)d day ago: on track.", "Last session %(n)d days ago: on track.", ago)
