"""``softspot history``, ``softspot progress`` and ``softspot export``: the store, read from the terminal."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.markup import escape
from rich.table import Table

from softspot import i18n
from softspot.cli.output import console, errors, fail, pad
from softspot.cli.store import store_errors
from softspot.core.progress import Progress
from softspot.core.record import Ratings
from softspot.core.reminders import SESSIONS_PER_WEEK, due
from softspot.files import UnsafeTarget, check_target, write_atomic
from softspot.i18n import N_, _, format_number, ngettext

EMPTY = N_("No sessions recorded yet. Do the first with `softspot guide`; it is saved here when it ends.")
BARS = "▁▂▃▄▅▆▇█"


def _owner() -> Any:
    from softspot.cli.store import local_owner

    return local_owner()


def _ratings(r: dict[str, int] | None) -> str:
    return "—" if r is None else f"{r['left']}/{r['right']}/{r['back']}"


def _row(r: Any, spots: int) -> dict[str, Any]:
    return {
        "key": str(r.key),
        "receiver": r.receiver.name,
        "technique": {"id": r.technique_id, "version": r.technique_version},
        "started_at": _iso(r.started_at),
        "ended_at": _iso(r.ended_at),
        "seconds_per_leg": r.seconds_per_leg,
        "active_seconds": r.active_seconds,
        "surface": r.surface,
        "position": r.position,
        "add_ons": r.add_ons,
        "before": r.before,
        "after": r.after,
        "ended_early": r.ended_early,
        "stop_reason": r.stop_reason or None,
        "note": r.note,
        "source": r.source,
        "spots": spots,
    }


CHUNK = 500
"""Sessions read, and printed, at a time: ``--all`` never holds the whole history in memory."""


def _chunks(records: Any, limit: int | None) -> Iterator[list[Any]]:
    """The records a chunk at a time: one page for ``--limit``, a database cursor for ``--all``."""
    if limit is not None:
        yield list(records[:limit])
        return
    chunk: list[Any] = []
    for record in records.iterator(chunk_size=CHUNK):
        chunk.append(record)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def history(as_json: bool, receiver_name: str | None = None, limit: int | None = 20) -> None:
    """The newest ``limit`` sessions (all with None) of a receiver or the whole household, newest first, as a
    table or JSON."""
    owner = _owner()
    from softspot.cli.people_cmd import choose
    from softspot.store.receivers import household
    from softspot.store.records import history as load
    from softspot.store.records import spot_counts

    receiver = choose(owner, receiver_name) if receiver_name is not None else None
    with store_errors():
        records = load(receiver or owner)
        total = records.count()
        page = records if limit is None else load(receiver or owner, newest=limit)
        if as_json:
            out = sys.stdout
            out.write("[")
            first = True
            for chunk in _chunks(page, limit):
                counts = spot_counts(chunk)
                for r in chunk:
                    out.write(("\n  " if first else ",\n  ") + json.dumps(_row(r, counts.get(r.pk, 0))))
                    first = False
            out.write("\n]\n" if not first else "]\n")
            _shown(min(total, limit or total), total, to_stderr=True)
            return
        if not total:
            console.print(_(EMPTY) if receiver is None else f"{escape(receiver.name)}: {_(EMPTY)}")
            return
        several = records.order_by().values("technique_id").distinct()[:2].count() > 1
        whose = receiver is None and len(household(owner)) > 1
        title = (
            _("Sessions, newest first")
            if receiver is None
            else _("%(name)s's sessions, newest first") % {"name": escape(receiver.name)}
        )
        for n, chunk in enumerate(_chunks(page, limit)):
            console.print(_table(chunk, several, whose, title if n == 0 else None))
    _shown(min(total, limit or total), total)


def _table(records: list[Any], several: bool, whose: bool, title: str | None) -> Table:
    """One chunk of the sessions table (the first with its title and head); fixed column widths, so chunks
    printed one after another line up."""
    table = Table(title=title, show_header=title is not None, show_edge=False)
    table.add_column(_("When"), no_wrap=True, width=16)
    if whose:
        table.add_column(_("Receiver"), overflow="fold", width=12)
    if several:
        table.add_column(_("Technique"), overflow="fold", width=20)
    per_leg = max(7, cell_len(minutes(2.5, digits=2)))  # "2.5 min", "2,5 Min."
    time = max(6, cell_len(minutes(99)))
    for column, width in (
        (_("Per leg"), per_leg),
        (_("Time"), time),
        (_("Before"), 8),
        (_("After"), 8),
        (_("Ended"), 20),
    ):
        table.add_column(column, overflow="fold", width=width)
    table.add_column(_("Note"), overflow="fold", min_width=10)  # the last column: its width moves nothing
    for r in records:
        ended = _("stopped: %(reason)s") % {"reason": stop_reason(r.stop_reason)} if r.ended_early else _("finished")
        table.add_row(
            f"{r.started_at.astimezone():%Y-%m-%d %H:%M}",
            *([escape(r.receiver.name)] if whose else []),
            *([escape(r.technique_id)] if several else []),
            minutes(r.seconds_per_leg / 60, digits=2),
            minutes(r.active_seconds / 60, digits=0),
            _ratings(r.before),
            _ratings(r.after),
            ended,
            escape(r.note),
        )
    return table


def _shown(shown: int, total: int, to_stderr: bool = False) -> None:
    """Say how many of how many were shown, and how to see more, when some were left out."""
    if shown >= total:
        if not to_stderr:
            console.print(_("%(sessions)s. Tension 0-10 as left/right/back.") % {"sessions": sessions(total)})
        return
    line = ngettext(
        "The newest %(shown)s of %(total)s session; --limit N for more, --all for every one.",
        "The newest %(shown)s of %(total)s sessions; --limit N for more, --all for every one.",
        total,
    ) % {"shown": f"{shown:,}", "total": f"{total:,}"}
    (errors if to_stderr else console).print(line + ("" if to_stderr else " " + _("Tension 0-10 as left/right/back.")))


def sessions(n: int) -> str:
    return ngettext("%(n)d session", "%(n)d sessions", n) % {"n": n}


def weeks(n: int) -> str:
    return ngettext("%(n)d week", "%(n)d weeks", n) % {"n": n}


def minutes(value: float, digits: int = 0) -> str:
    """``12.5`` -> ``12.5 min`` / ``12,5 Min.``: minutes written the active language's way."""
    return f"{format_number(value, digits=digits)} {i18n.language().words.short['min']}"


STOP_REASONS = {
    "discomfort": N_("discomfort"),
    "other": N_("other"),
    "interrupted": N_("interrupted"),
    "not_comfortable": N_("not comfortable"),
}


def _signed(value: float) -> str:
    """``-0.5`` -> ``-0.5`` / ``-0,5``; ``1.25`` -> ``+1.2``: a change with its sign, one decimal."""
    text = f"{value:+.1f}"
    return text[0] + format_number(float(text[1:]), fixed=True)


def stop_reason(reason: str) -> str:
    """Why a session stopped, in words (a reason this version does not know: as stored, underscores spaced)."""
    known = STOP_REASONS.get(reason)
    return _(known) if known else reason.replace("_", " ")


def _bar(value: float | None) -> str:
    if value is None:
        return " "
    return BARS[min(len(BARS) - 1, round(value / 10 * (len(BARS) - 1)))]


def _mean(r: Ratings | None) -> str:
    return "—" if r is None else f"{format_number(r.mean, fixed=True)} ({r.left}/{r.right}/{r.back})"


def progress_(technique_ref: str, as_json: bool, today: date | None = None, *, receiver: str | None = None) -> None:
    from softspot.cli.technique_cmd import in_active_language, resolve

    technique = in_active_language(resolve(technique_ref))
    owner = _owner()
    from softspot.cli.people_cmd import choose
    from softspot.store.records import progress_report

    whom = choose(owner, receiver, question=_("Whose progress?"))
    with store_errors():  # nobody yet (None): no records, the first dose
        result = progress_report(whom, technique, today or date.today())
    if as_json:
        numbers = dataclasses.asdict(result)
        print(json.dumps({"receiver": whom.name if whom else None, **numbers}, indent=2, default=_json_default))
        return
    if whom is not None:
        console.print(f"[bold]{escape(whom.name)}[/] · {escape(technique.title)}")
    if not result.changes:
        console.print(_(EMPTY))
        _show_suggestion(result)
    else:
        _show(result)
    last = result.last_started_at.astimezone().date() if result.last_started_at else None
    sentence = due(last, today or date.today(), SESSIONS_PER_WEEK, after_discomfort=result.aftercare is not None)
    console.print("\n" + _("[bold]Due[/]: %(sentence)s") % {"sentence": escape(sentence)})
    console.print(_("Reminders in your calendar: `softspot remind --days mon,wed,fri --at 19:30`."))


WEEKS_SHOWN = 12
"""Weeks of minutes shown (``--json`` has every week)."""


def _show(result: Progress) -> None:
    reg = result.regularity
    latest = len(result.changes)
    title = _("Tension before → after (mean of left, right, back; 0-10)")
    if latest < reg.sessions:
        title = _("The latest %(latest)d of %(sessions)s: tension before → after (mean of left, right, back; 0-10)") % {
            "latest": latest,
            "sessions": sessions(reg.sessions),
        }
    table = Table(title=title)
    for column in (_("When"), _("Before"), _("After"), "", _("Change")):
        table.add_column(column)
    for c in result.changes:
        drop = c.drop
        change = "—" if drop is None else _signed(-drop)
        if c.stop_reason == "discomfort":
            change = "[bold red]" + _("stopped: %(reason)s") % {"reason": stop_reason("discomfort")} + "[/]"
        table.add_row(
            f"{c.started_at.astimezone():%Y-%m-%d}",
            _mean(c.before),
            _mean(c.after),
            f"[yellow]{_bar(c.before_mean)}[/]→[green]{_bar(c.after_mean)}[/]",
            change,
        )
    console.print(table)
    chart = result.chart or []
    period = chart[0].period if chart else "session"
    before_line = "".join(_bar(p.before_mean) for p in chart)
    after_line = "".join(_bar(p.after_mean) for p in chart)
    every = {
        "session": _("each session, oldest first"),
        "week": _("the mean of each week, oldest first"),
        "month": _("the mean of each month, oldest first"),
    }.get(period) or _("the mean of each %(period)s, oldest first") % {"period": period}
    before_word, after_word = _("before"), _("after")
    width = max(cell_len(before_word), cell_len(after_word))
    console.print(
        f"{pad(before_word, width)} [yellow]{before_line}[/]\n"
        f"{pad(after_word, width)} [green]{after_line}[/]  ({every})\n"
    )

    shown = result.weeks[-WEEKS_SHOWN:]
    if len(shown) == len(result.weeks):
        console.print("[bold]" + _("Minutes per week") + "[/]")
    else:
        more = _("(the last %(n)d; --json has every week)") % {"n": len(shown)}
        console.print("[bold]" + _("Minutes per week") + f"[/] {more}")
    top = max((w.minutes for w in shown), default=0.0) or 1.0
    for w in shown:
        bar = "█" * round(w.minutes / top * 30)
        week = _("week of %(date)s") % {"date": f"{w.starts:%Y-%m-%d}"}
        console.print(f"  {week}  {bar:<30} {minutes(w.minutes):>9}  ({sessions(w.sessions)})")

    facts = {
        "sessions": sessions(reg.sessions),
        "weeks": weeks(reg.weeks),
        "per_week": format_number(reg.per_week, digits=2),
        "streak": weeks(reg.streak_weeks),
    }
    if reg.longest_gap_days is None:
        regularity = _("%(sessions)s over %(weeks)s, %(per_week)s a week; %(streak)s in a row.") % facts
    else:
        regularity = ngettext(
            "%(sessions)s over %(weeks)s, %(per_week)s a week; longest gap %(gap)d day; %(streak)s in a row.",
            "%(sessions)s over %(weeks)s, %(per_week)s a week; longest gap %(gap)d days; %(streak)s in a row.",
            reg.longest_gap_days,
        ) % {**facts, "gap": reg.longest_gap_days}
    console.print("\n[bold]" + _("Regularity") + f"[/]: {regularity}")
    style = {"better": "bold green", "worse": "bold red", "discomfort": "bold yellow"}.get(result.verdict.kind, "bold")
    console.print(f"\n[{style}]{escape(result.verdict.sentence)}[/]")
    _show_suggestion(result)


def _show_suggestion(result: Progress) -> None:
    s = result.suggestion
    if result.aftercare is not None:
        console.print(f"\n[bold yellow]{escape(result.aftercare.headline)}[/]")
        for line in result.aftercare.advice:
            console.print(f"  • {escape(line)}")
    style = "bold red" if s.see_a_professional else "bold"
    console.print("\n[bold]" + _("Next time") + f"[/]: [{style}]{escape(s.reason)}[/]")
    if s.unlocked_add_ons:
        console.print(
            _("Add-ons on offer: %(add_ons)s (plan with --add-on).") % {"add_ons": ", ".join(s.unlocked_add_ons)}
        )


def export(fmt: str, out: Path | None, receiver_name: str | None = None) -> None:
    if fmt not in {"csv", "json"}:
        fail(_("--format: '%(format)s' is not a format; choose csv or json") % {"format": fmt})
    if out is not None and str(out) == "-":
        out = None  # the usual spelling of "print it", not a file called "-"
    if out is not None:
        try:
            check_target(out)
        except UnsafeTarget as exc:
            fail(f"--out: {exc}")
    owner = _owner()
    from softspot.cli.people_cmd import choose
    from softspot.store.records import EXPORT_COLUMNS, export_rows
    from softspot.store.records import export as full

    scope = (choose(owner, receiver_name) if receiver_name is not None else None) or owner
    if fmt == "json":
        with store_errors():
            records = full(scope)
        text = json.dumps(records, indent=2) + "\n"
        count = len(records)
    else:
        with store_errors():
            rows = export_rows(scope)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        text = buffer.getvalue()
        count = len({row["key"] for row in rows})
    if count == 0:
        errors.print(_("No sessions recorded yet: the export is empty."))
    if out is None:
        sys.stdout.write(text)
        return
    try:
        write_atomic(out, text)
    except UnsafeTarget as exc:
        fail(f"--out: {exc}")
    except OSError as exc:
        fail(_("--out: cannot write %(path)s: %(error)s") % {"path": out, "error": exc.strerror or exc})
    console.print(_("Wrote %(sessions)s to %(path)s.") % {"sessions": sessions(count), "path": escape(str(out))})


def _iso(moment: datetime) -> str:
    from softspot.store.records import iso

    return iso(moment)


def _json_default(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Ratings):
        return value.model_dump()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
