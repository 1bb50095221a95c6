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

from rich.markup import escape
from rich.table import Table

from softspot.cli.output import console, errors, fail
from softspot.cli.store import store_errors
from softspot.core.progress import Progress
from softspot.core.record import Ratings
from softspot.core.reminders import SESSIONS_PER_WEEK, due
from softspot.files import UnsafeTarget, check_target, write_atomic
from softspot.i18n import ngettext

EMPTY = "No sessions recorded yet. Do the first with `softspot guide`; it is saved here when it ends."
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
            console.print(EMPTY if receiver is None else f"{escape(receiver.name)}: {EMPTY}")
            return
        several = records.order_by().values("technique_id").distinct()[:2].count() > 1
        whose = receiver is None and len(household(owner)) > 1
        title = "Sessions, newest first" if receiver is None else f"{escape(receiver.name)}'s sessions, newest first"
        for n, chunk in enumerate(_chunks(page, limit)):
            console.print(_table(chunk, several, whose, title if n == 0 else None))
    _shown(min(total, limit or total), total)


def _table(records: list[Any], several: bool, whose: bool, title: str | None) -> Table:
    """One chunk of the sessions table (the first with its title and head); fixed column widths, so chunks
    printed one after another line up."""
    table = Table(title=title, show_header=title is not None, show_edge=False)
    table.add_column("When", no_wrap=True, width=16)
    if whose:
        table.add_column("Receiver", overflow="fold", width=12)
    if several:
        table.add_column("Technique", overflow="fold", width=20)
    for column, width in (("Per leg", 7), ("Time", 6), ("Before", 8), ("After", 8), ("Ended", 20)):
        table.add_column(column, overflow="fold", width=width)
    table.add_column("Note", overflow="fold", min_width=10)  # the last column: its width moves nothing
    for r in records:
        ended = f"stopped: {r.stop_reason.replace('_', ' ')}" if r.ended_early else "finished"
        table.add_row(
            f"{r.started_at.astimezone():%Y-%m-%d %H:%M}",
            *([escape(r.receiver.name)] if whose else []),
            *([escape(r.technique_id)] if several else []),
            f"{r.seconds_per_leg / 60:g} min",
            f"{r.active_seconds / 60:.0f} min",
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
            console.print(f"{sessions(total)}. Tension 0-10 as left/right/back.")
        return
    line = ngettext(
        "The newest %(shown)s of %(total)s session; --limit N for more, --all for every one.",
        "The newest %(shown)s of %(total)s sessions; --limit N for more, --all for every one.",
        total,
    ) % {"shown": f"{shown:,}", "total": f"{total:,}"}
    (errors if to_stderr else console).print(line + ("" if to_stderr else " Tension 0-10 as left/right/back."))


def sessions(n: int) -> str:
    return ngettext("%(n)d session", "%(n)d sessions", n) % {"n": n}


def weeks(n: int) -> str:
    return ngettext("%(n)d week", "%(n)d weeks", n) % {"n": n}


def _bar(value: float | None) -> str:
    if value is None:
        return " "
    return BARS[min(len(BARS) - 1, round(value / 10 * (len(BARS) - 1)))]


def _mean(r: Ratings | None) -> str:
    return "—" if r is None else f"{r.mean:.1f} ({r.left}/{r.right}/{r.back})"


def progress_(technique_ref: str, as_json: bool, today: date | None = None, *, receiver: str | None = None) -> None:
    from softspot.cli.technique_cmd import resolve

    technique = resolve(technique_ref)
    owner = _owner()
    from softspot.cli.people_cmd import choose
    from softspot.store.records import progress_report

    whom = choose(owner, receiver, question="Whose progress?")
    with store_errors():  # nobody yet (None): no records, the first dose
        result = progress_report(whom, technique, today or date.today())
    if as_json:
        numbers = dataclasses.asdict(result)
        print(json.dumps({"receiver": whom.name if whom else None, **numbers}, indent=2, default=_json_default))
        return
    if whom is not None:
        console.print(f"[bold]{escape(whom.name)}[/] · {escape(technique.title)}")
    if not result.changes:
        console.print(EMPTY)
        _show_suggestion(result)
    else:
        _show(result)
    last = result.last_started_at.astimezone().date() if result.last_started_at else None
    sentence = due(last, today or date.today(), SESSIONS_PER_WEEK, after_discomfort=result.aftercare is not None)
    console.print(f"\n[bold]Due[/]: {escape(sentence)}")
    console.print("Reminders in your calendar: `softspot remind --days mon,wed,fri --at 19:30`.")


WEEKS_SHOWN = 12
"""Weeks of minutes shown (``--json`` has every week)."""


def _show(result: Progress) -> None:
    reg = result.regularity
    latest = len(result.changes)
    title = "Tension before → after (mean of left, right, back; 0-10)"
    if latest < reg.sessions:
        title = f"The latest {latest} of {sessions(reg.sessions)}: {title[0].lower()}{title[1:]}"
    table = Table(title=title)
    for column in ("When", "Before", "After", "", "Change"):
        table.add_column(column)
    for c in result.changes:
        drop = c.drop
        change = "—" if drop is None else f"{-drop:+.1f}"
        if c.stop_reason == "discomfort":
            change = "[bold red]stopped: discomfort[/]"
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
    every = "each session" if period == "session" else f"the mean of each {period}"
    console.print(f"before [yellow]{before_line}[/]\nafter  [green]{after_line}[/]  ({every}, oldest first)\n")

    shown = result.weeks[-WEEKS_SHOWN:]
    more = "" if len(shown) == len(result.weeks) else f" (the last {len(shown)}; --json has every week)"
    console.print(f"[bold]Minutes per week[/]{more}")
    top = max((w.minutes for w in shown), default=0.0) or 1.0
    for w in shown:
        bar = "█" * round(w.minutes / top * 30)
        console.print(f"  week of {w.starts:%Y-%m-%d}  {bar:<30} {w.minutes:5.0f} min  ({sessions(w.sessions)})")

    gap = "" if reg.longest_gap_days is None else f"; longest gap {reg.longest_gap_days} days"
    console.print(
        f"\n[bold]Regularity[/]: {sessions(reg.sessions)} over {weeks(reg.weeks)}, {reg.per_week:g} a week{gap}; "
        f"{weeks(reg.streak_weeks)} in a row."
    )
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
    console.print(f"\n[bold]Next time[/]: [{style}]{escape(s.reason)}[/]")
    if s.unlocked_add_ons:
        console.print(f"Add-ons on offer: {', '.join(s.unlocked_add_ons)} (plan with --add-on).")


def export(fmt: str, out: Path | None, receiver_name: str | None = None) -> None:
    if fmt not in {"csv", "json"}:
        fail(f"--format: '{fmt}' is not a format; choose csv or json")
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
        errors.print("No sessions recorded yet: the export is empty.")
    if out is None:
        sys.stdout.write(text)
        return
    try:
        write_atomic(out, text)
    except UnsafeTarget as exc:
        fail(f"--out: {exc}")
    except OSError as exc:
        fail(f"--out: cannot write {out}: {exc.strerror or exc}")
    console.print(f"Wrote {sessions(count)} to {escape(str(out))}.")


def _iso(moment: datetime) -> str:
    from softspot.store.records import iso

    return iso(moment)


def _json_default(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Ratings):
        return value.model_dump()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
