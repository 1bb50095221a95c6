"""``softspot history``, ``softspot progress`` and ``softspot export``: the store, read from the terminal."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from datetime import date, datetime
from gettext import ngettext
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

EMPTY = "No sessions recorded yet. Do the first with `softspot guide`; it is saved here when it ends."
BARS = "▁▂▃▄▅▆▇█"


def _owner() -> Any:
    from softspot.cli.store import local_owner

    return local_owner()


def _ratings(r: dict[str, int] | None) -> str:
    return "—" if r is None else f"{r['left']}/{r['right']}/{r['back']}"


def history(as_json: bool, receiver_name: str | None = None) -> None:
    owner = _owner()
    from softspot.cli.people_cmd import choose
    from softspot.store.receivers import household
    from softspot.store.records import history as load

    receiver = choose(owner, receiver_name) if receiver_name is not None else None
    with store_errors():
        records = list(load(receiver or owner))
        everyone = len(household(owner))
    if as_json:
        rows = [
            {
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
                "spots": len(r.spots.all()),
            }
            for r in records
        ]
        print(json.dumps(rows, indent=2))
        return
    if not records:
        console.print(EMPTY if receiver is None else f"{escape(receiver.name)}: {EMPTY}")
        return
    several = len({r.technique_id for r in records}) > 1
    whose = receiver is None and everyone > 1
    title = "Sessions, newest first" if receiver is None else f"{escape(receiver.name)}'s sessions, newest first"
    table = Table(title=title, caption="Tension 0-10 as left/right/back")
    table.add_column("When", no_wrap=True)
    if whose:
        table.add_column("Receiver", overflow="fold")
    if several:
        table.add_column("Technique", overflow="fold")
    for column in ("Per leg", "Time", "Before", "After", "Ended", "Note"):
        table.add_column(column, overflow="fold")
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
    console.print(table)


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
    last = result.changes[-1].started_at.astimezone().date() if result.changes else None
    sentence = due(last, today or date.today(), SESSIONS_PER_WEEK, after_discomfort=result.aftercare is not None)
    console.print(f"\n[bold]Due[/]: {escape(sentence)}")
    console.print("Reminders in your calendar: `softspot remind --days mon,wed,fri --at 19:30`.")


def _show(result: Progress) -> None:
    table = Table(title="Tension before → after (mean of left, right, back; 0-10)")
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
    before_line = "".join(_bar(c.before_mean) for c in result.changes)
    after_line = "".join(_bar(c.after_mean) for c in result.changes)
    console.print(f"before [yellow]{before_line}[/]\nafter  [green]{after_line}[/]\n")

    console.print("[bold]Minutes per week[/]")
    top = max((w.minutes for w in result.weeks), default=0.0) or 1.0
    for w in result.weeks:
        bar = "█" * round(w.minutes / top * 30)
        console.print(f"  week of {w.starts:%Y-%m-%d}  {bar:<30} {w.minutes:5.0f} min  ({sessions(w.sessions)})")

    reg = result.regularity
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
