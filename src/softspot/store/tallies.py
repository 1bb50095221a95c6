"""A receiver's progress tally, carried on from where it stood instead of read again from the whole history.

:func:`tally_for` gives the same :class:`~softspot.core.progress.Tally` as one pass over every session of a
receiver and technique, oldest first (:func:`softspot.store.records.iter_summaries`), but reads only the
sessions recorded since the last time it was asked: the tally as it stood then is kept in
:class:`~softspot.store.models.ProgressTally` (its state, the ids of the sessions it counted summed, their
count and the greatest, and the last one counted). Each call:

1. reads the kept tally (one query);
2. checks that the sessions that started up to its last one are still exactly those it counted: their
   count, the sum and the greatest of their ids (one query, on an index). A session deleted, moved to another
   receiver, or added with a start no later than the last counted changes one of them: then it starts afresh;
3. adds the sessions that started after the last one counted (one query, oldest first, streamed);
4. keeps the new state when it counted any (one query).

So progress costs four queries or fewer whatever the history, and reading it is a few milliseconds plus the
new sessions. Every write path (the CLI, the web, the API, imports, merging receivers) stays as it is: nothing
has to keep the tally up to date, since a changed history is noticed on reading it. Ids only grow (SQLite's
AUTOINCREMENT, PostgreSQL's sequences), and records are never edited in place, only added, deleted or moved.

The numbers are the same as a fresh pass, bit for bit: the state holds the same integers and floats
(``json`` writes a float's shortest exact form), added in the same order.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date, datetime
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Count, Max, Sum

from softspot.core.progress import SessionSummary, Tally
from softspot.store.models import ProgressTally, Receiver, SessionRecord
from softspot.store.records import SUMMARY_COLUMNS, _summary

VERSION = 1
"""The state's format: a kept state of another version is counted afresh."""


def tally_for(receiver: Receiver, technique_id: str, keep: bool = True) -> Tally:
    """The tally of every session of ``receiver`` with ``technique_id``, from the kept one and the sessions since.

    ``keep`` False: do not keep it for next time (a refused request writes nothing)."""
    records = SessionRecord.objects.filter(receiver=receiver, technique_id=technique_id)
    kept = ProgressTally.objects.filter(receiver=receiver, technique_id=technique_id).first()
    tally: Tally | None = None
    count = id_sum = id_max = 0
    last: tuple[datetime, int] | None = None
    newer = records
    if kept is not None:
        counted = records.filter(started_at__lte=kept.last_started_at).aggregate(
            n=Count("id"), s=Sum("id"), m=Max("id")
        )
        if (counted["n"], counted["s"] or 0, counted["m"] or 0) == (kept.sessions, kept.id_sum, kept.id_max):
            tally = loads(kept.state)
        if tally is not None:
            count, id_sum, id_max = kept.sessions, kept.id_sum, kept.id_max
            last = (kept.last_started_at, kept.last_id)
            newer = records.filter(started_at__gt=kept.last_started_at)
    if tally is None:
        tally = Tally()
    rows = newer.order_by("started_at", "id").values_list("id", *SUMMARY_COLUMNS)
    added = 0
    for pk, *row in rows.iterator(chunk_size=2000):
        summary = _summary(*row)
        tally.add(summary)
        added += 1
        id_sum += pk
        id_max = max(id_max, pk)
        last = (summary.started_at, pk)
    if keep and added and last is not None:
        _keep(receiver, technique_id, kept, tally, count + added, id_sum, id_max, last)
    return tally


def _keep(
    receiver: Receiver,
    technique_id: str,
    kept: ProgressTally | None,
    tally: Tally,
    count: int,
    id_sum: int,
    id_max: int,
    last: tuple[datetime, int],
) -> None:
    """Keep the tally for next time. Best effort: a cache that cannot be written now (the database busy, another
    process keeping the same one at once) is written by a later read, and this one's answer stands."""
    fields = {
        "sessions": count,
        "id_sum": id_sum,
        "id_max": id_max,
        "last_started_at": last[0],
        "last_id": last[1],
        "state": dumps(tally),
    }
    with contextlib.suppress(DatabaseError), transaction.atomic():
        if kept is not None and ProgressTally.objects.filter(pk=kept.pk).update(**fields):
            return
        ProgressTally.objects.create(receiver=receiver, technique_id=technique_id, **fields)


def _row(s: SessionSummary) -> list[Any]:
    """A session as the columns it was read from (:data:`~softspot.store.records.SUMMARY_COLUMNS`)."""
    after = s.after
    return [
        s.key,
        s.started_at.isoformat(),
        s.seconds_per_leg,
        s.active_seconds,
        s.before.left,
        s.before.right,
        s.before.back,
        None if after is None else after.left,
        None if after is None else after.right,
        None if after is None else after.back,
        s.ended_early,
        s.stop_reason or "",
        s.thigh_cm,
    ]


def _summary_of(row: list[Any]) -> SessionSummary:
    return _summary(row[0], datetime.fromisoformat(row[1]), *row[2:])


def _buckets(buckets: dict[date, list[float]]) -> list[list[Any]]:
    return [[starts.toordinal(), *tally] for starts, tally in buckets.items()]


def _unbuckets(rows: list[list[Any]]) -> dict[date, list[float]]:
    return {date.fromordinal(row[0]): row[1:] for row in rows}


def dumps(tally: Tally) -> str:
    """The tally's state as JSON (a tally from :class:`Tally` with no ``since``, which counts every session)."""
    if tally.since is not None or tally.latest is not tally.last:
        raise ValueError("only a tally of every session is kept")
    return json.dumps(
        {
            "version": VERSION,
            "sessions": tally.sessions,
            "longest_gap": tally.longest_gap,
            "lower": tally.lower,
            "higher": tally.higher,
            "same": tally.same,
            "comfortable": tally.comfortable,
            "discomfort_in_a_row": tally.discomfort_in_a_row,
            "thigh_cm": tally.thigh_cm,
            "keep": tally.keep,
            "recent": [_row(s) for s in tally.recent],
            "weeks": _buckets(tally.weeks),
            "months": _buckets(tally.months),
            "run": tally.run,
        },
        separators=(",", ":"),
    )


def loads(text: str) -> Tally | None:
    """The tally :func:`dumps` wrote; None if it is of another version or not one at all (then count afresh)."""
    try:
        state = json.loads(text)
        if state.get("version") != VERSION:
            return None
        tally = Tally(recent=state["keep"])
        recent = [_summary_of(row) for row in state["recent"]]
        tally.recent.extend(recent)
        tally.last = tally.latest = recent[-1] if recent else None
        tally.sessions = state["sessions"]
        tally.longest_gap = state["longest_gap"]
        tally.lower, tally.higher, tally.same = state["lower"], state["higher"], state["same"]
        tally.comfortable = state["comfortable"]
        tally.discomfort_in_a_row = state["discomfort_in_a_row"]
        tally.thigh_cm = state["thigh_cm"]
        tally.weeks = _unbuckets(state["weeks"])
        tally.months = _unbuckets(state["months"])
        tally.run = state["run"]
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    return tally
