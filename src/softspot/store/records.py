"""The store's service functions: save a record once, read history, summaries and exports.

Views and CLI commands call these; they hold no request or terminal logic.

Per-person things (summaries, the suggestion, progress) take a :class:`Receiver`.
Reading records takes a :data:`Scope`: one receiver, or a whole household (the
owning user) for household-wide lists and exports. Ownership is always
``receiver.owner``: a record has no owner of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, TypeAlias

from django.contrib.auth.models import User
from django.db import IntegrityError, router, transaction
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery

from softspot.core.progress import (
    Prescribed,
    Progress,
    SessionSummary,
    Suggestion,
    progress,
    progress_of,
    suggest,
    suggest_from,
)
from softspot.core.record import Ratings, RecordIn
from softspot.core.technique import Technique
from softspot.i18n import _
from softspot.store.compiled import InsertNew, InsertRows
from softspot.store.models import RATINGS, Receiver, SessionRecord, SpotRecord

LOCAL_USERNAME = "local"

Scope: TypeAlias = User | Receiver
"""Whose records: one receiver's, or every receiver's in a household (the owning user)."""


def scoped(scope: Scope) -> QuerySet[SessionRecord]:
    """The records in ``scope``, with their receiver loaded (no order)."""
    if isinstance(scope, Receiver):
        records = SessionRecord.objects.filter(receiver=scope)
    else:
        records = SessionRecord.objects.filter(receiver__owner=scope)
    return records.select_related("receiver")


class KeyTaken(Exception):
    """The key was already used by someone else's record: nothing is stored and nothing is shown."""

    def __init__(self) -> None:
        super().__init__(_("this key is already used; send the record with a new key"))


def local_owner() -> User:
    """The single owner of records made on this machine (loopback web app and the command line)."""
    user, created = User.objects.get_or_create(username=LOCAL_USERNAME, defaults={"first_name": "This computer"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def save_record(receiver: Receiver, payload: RecordIn, *, savepoint: bool = True) -> tuple[SessionRecord, bool]:
    """Store ``payload`` as ``receiver``'s, once per key: (record, True) the first time, (the stored record, False)
    after (whichever receiver of the household it went to).

    Race-safe: two saves of one key both try to insert; the unique constraint lets one in, the other inserts
    nothing and returns the stored record. A key already used in another household raises :class:`KeyTaken`.
    The record and its spots are written in one transaction. Inside a caller's transaction they are written in
    a savepoint, so a failure leaves that transaction usable; ``savepoint=False`` saves the savepoint's two round
    trips when the caller rolls back its whole transaction on any failure (the records API).
    """
    # The insert comes first (w2-practice): a new record, the common case, costs no look-up. It passes over a
    # taken key (ON CONFLICT DO NOTHING, issue 9), so no savepoint is needed to carry on after it.
    db = router.db_for_write(SessionRecord)
    with transaction.atomic(using=db, savepoint=savepoint):
        if INSERT_NEW.supported(db):
            record = _record(receiver, payload)
            if INSERT_NEW.insert(record, db):
                _insert_spots(record, payload, db)
                return record, True
        else:  # SQLite before 3.35 has no RETURNING: a savepoint catches the taken key instead
            try:
                with transaction.atomic(using=db):
                    record = _record(receiver, payload)
                    record.save(force_insert=True, using=db)
                    _insert_spots(record, payload, db)
                    return record, True
            except IntegrityError:
                pass
        existing = _by_key(payload.key)
    if existing is None:
        raise IntegrityError(f"the record {payload.key} was neither stored nor found")
    if existing.receiver.owner_id != receiver.owner_id:
        raise KeyTaken()
    return existing, False


INSERT_NEW = InsertNew(SessionRecord, "key")


def _by_key(key: uuid.UUID) -> SessionRecord | None:
    return SessionRecord.objects.filter(key=key).select_related("receiver").first()


def _record(receiver: Receiver, payload: RecordIn) -> SessionRecord:
    script, engine, before, after = payload.script, payload.engine, payload.before, payload.after
    return SessionRecord(
        receiver=receiver,
        key=payload.key,
        plan=payload.plan,
        technique_id=script.technique.id,
        technique_version=script.technique.version,
        answers=dict(script.screening.answers),
        surface=script.surface.id,
        position=script.position.id,
        add_ons=[a.id for a in script.add_ons],
        seconds_per_leg=script.dose.seconds_per_leg,
        thigh_cm=script.person.thigh_cm,
        active_seconds=round(engine.active_seconds, 3),
        script=script.model_dump(mode="json"),
        engine=engine.model_dump(mode="json"),
        before_left=before.left,
        before_right=before.right,
        before_back=before.back,
        after_left=after.left if after else None,
        after_right=after.right if after else None,
        after_back=after.back if after else None,
        note=payload.note,
        started_at=payload.started_at,
        ended_at=payload.ended_at,
        ended_early=engine.ended_early,
        stop_reason=engine.stop_reason or "",
        source=payload.source,
    )


SPOT_ROWS = InsertRows(
    SpotRecord,
    ("record", "leg", "index", "from_knee_cm", "planned_seconds", "held_seconds", "extended_seconds", "ended_by"),
)


def _insert_spots(record: SessionRecord, payload: RecordIn, db: str) -> None:
    SPOT_ROWS.insert(
        [
            (
                record.pk,
                spot.leg,
                spot.index,
                spot.from_knee_cm,
                spot.planned_seconds,
                spot.held_seconds,
                spot.extended_seconds,
                spot.ended_by,
            )
            for spot in payload.engine.spots
        ],
        db,
    )


def record_for(scope: Scope, key: uuid.UUID | str) -> SessionRecord | None:
    """The record with this key in ``scope``; None when there is none or it is someone else's."""
    try:
        wanted = key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))
    except ValueError:
        return None
    return scoped(scope).filter(key=wanted).first()


def record_of_plan(scope: Scope, plan: uuid.UUID) -> SessionRecord | None:
    """The record (in ``scope``) of the session that played this web plan, if it was saved: only the columns the
    player page shows."""
    records = scoped(scope).filter(plan=plan).order_by("created")
    ratings = (f"{when}_{part}" for when in ("before", "after") for part in RATINGS)
    return records.only("key", "plan", "receiver", "receiver__name", *ratings).first()


HISTORY_COLUMNS = (
    "key",
    "receiver",
    "plan",
    "technique_id",
    "technique_version",
    "started_at",
    "ended_at",
    "seconds_per_leg",
    "active_seconds",
    "surface",
    "position",
    "add_ons",
    "before_left",
    "before_right",
    "before_back",
    "after_left",
    "after_right",
    "after_back",
    "ended_early",
    "stop_reason",
    "note",
    "source",
)
"""What a list of sessions shows: never the whole script or engine record (those are for export)."""


def recent_stop_reasons(scope: Scope, technique_id: str, count: int = 2) -> list[str]:
    """The stop reasons of the last ``count`` sessions of a technique in ``scope``, oldest first ("": not stopped).

    Enough for :func:`softspot.core.aftercare.aftercare` to tell a first discomfort stop from a second in a row,
    without reading every record (the player page asks this on each load).
    """
    recent = scoped(scope).filter(technique_id=technique_id).order_by("-started_at", "-id")
    return list(reversed(list(recent.values_list("stop_reason", flat=True)[:count])))


def history(scope: Scope, technique_id: str | None = None, newest: int | None = None) -> QuerySet[SessionRecord]:
    """The records in ``scope`` (a receiver, or a whole household), newest first, with only the columns a list
    shows (:data:`HISTORY_COLUMNS`).

    Lazy: slice it (or paginate it) to read one page; ``.iterator()`` to go through all of them.

    ``newest``: the caller reads no more than the newest ``newest`` (``[:newest]``). For a household this
    first finds (one query) the latest of each receiver's ``newest``-th newest start, on the ``(receiver,
    started_at)`` index, and leaves out every session older than that, so the database sorts at most ``newest``
    sessions a receiver instead of the whole household's history to keep the newest few. Those it leaves out
    cannot be among the newest ``newest``: that receiver alone has ``newest`` sessions at least as new.
    """
    records = scoped(scope)
    if technique_id is not None:
        records = records.filter(technique_id=technique_id)
    if newest is not None and newest > 0 and not isinstance(scope, Receiver):
        cutoff = _household_cutoff(scope, technique_id, newest)
        if cutoff is not None:
            records = records.filter(started_at__gte=cutoff)
    return records.order_by("-started_at", "-id").only(*HISTORY_COLUMNS, "receiver__name")


def _household_cutoff(owner: User, technique_id: str | None, newest: int) -> datetime | None:
    """The latest, over the household's receivers, of each one's ``newest``-th newest start (None when none has
    that many), in one query on the ``(receiver, started_at)`` index. A value, not a subquery, so that
    PostgreSQL's planner sees how few sessions follow it and walks that index rather than the whole table."""
    theirs = SessionRecord.objects.filter(receiver=OuterRef("pk"))
    if technique_id is not None:
        theirs = theirs.filter(technique_id=technique_id)
    nth = theirs.order_by("-started_at").values("started_at")[newest - 1 : newest]
    found = Receiver.objects.filter(owner=owner).annotate(nth=Subquery(nth)).aggregate(latest=Max("nth"))
    latest: datetime | None = found["latest"]
    return latest


def spot_counts(records: Iterable[SessionRecord]) -> dict[int, int]:
    """How many spots each record has (record id -> count), in one query."""
    ids = [r.pk for r in records]
    counts = SpotRecord.objects.filter(record_id__in=ids).values("record_id").annotate(n=Count("id"))
    return {row["record_id"]: row["n"] for row in counts}


SUMMARY_COLUMNS = (
    "key",
    "started_at",
    "seconds_per_leg",
    "active_seconds",
    "before_left",
    "before_right",
    "before_back",
    "after_left",
    "after_right",
    "after_back",
    "ended_early",
    "stop_reason",
    "thigh_cm",
)
"""The columns progress reads (the thigh is a column: the script and engine JSON are never loaded for it)."""


def summary(record: SessionRecord) -> SessionSummary:
    found = _summary(*(getattr(record, name) for name in SUMMARY_COLUMNS))
    return replace(found, add_ons=tuple(record.add_ons))


@cache
def _ratings(left: int, right: int, back: int) -> Ratings:
    """One shared (frozen) value per triple: there are only 11**3 of them, and 100,000 sessions need no more.
    The database's check constraints keep every rating within 0-10: no need to validate them again."""
    return Ratings.model_construct(left=left, right=right, back=back)


def _summary(
    key: uuid.UUID,
    started_at: datetime,
    seconds_per_leg: int,
    active_seconds: float,
    before_left: int,
    before_right: int,
    before_back: int,
    after_left: int | None,
    after_right: int | None,
    after_back: int | None,
    ended_early: bool,
    stop_reason: str,
    thigh_cm: float | None,
) -> SessionSummary:
    after = (
        None
        if after_left is None or after_right is None or after_back is None
        else _ratings(after_left, after_right, after_back)
    )
    return SessionSummary(
        key=str(key),
        started_at=started_at,
        seconds_per_leg=seconds_per_leg,
        active_seconds=active_seconds,
        before=_ratings(before_left, before_right, before_back),
        after=after,
        ended_early=ended_early,
        stop_reason=stop_reason or None,
        thigh_cm=thigh_cm,
    )


def iter_summaries(receiver: Receiver, technique_id: str, chunk_size: int = 2000) -> Iterator[SessionSummary]:
    """What :mod:`softspot.core.progress` needs for this receiver, oldest first, read from one query a chunk at a
    time."""
    rows = (
        SessionRecord.objects.filter(receiver=receiver, technique_id=technique_id)
        .order_by("started_at", "id")
        .values_list(*SUMMARY_COLUMNS)
    )
    for row in rows.iterator(chunk_size=chunk_size):
        yield _summary(*row)


def summaries(receiver: Receiver, technique_id: str) -> list[SessionSummary]:
    """:func:`iter_summaries` as a list (for a few sessions; progress and suggestions stream them)."""
    return list(iter_summaries(receiver, technique_id))


def suggestion(
    receiver: Receiver | None,
    technique: Technique,
    thigh_cm: float | None = None,
    prescribed: Prescribed | None = None,
) -> Suggestion:
    """Next time's dose and add-ons for this receiver, from their own records (``guide`` and the set-up page).

    ``receiver`` None: someone new, with nothing recorded yet. ``thigh_cm``: today's thigh, when known, so the
    dose never exceeds what it can fill (else the last one's). ``prescribed``: a therapist's programme in force
    (w2-practice: ``softspot.practice.care.start_for``), which the dose starts from.
    """
    if receiver is not None and prescribed is None:
        from softspot.store.tallies import tally_for

        return suggest_from(technique, tally_for(receiver, technique.id), thigh_cm)
    return suggest(technique, iter_summaries(receiver, technique.id) if receiver else [], thigh_cm, prescribed)


def progress_report(receiver: Receiver | None, technique: Technique, today: date, keep: bool = True) -> Progress:
    """Progress for this receiver (``softspot progress``, the history page); None: someone with no records yet.

    From the receiver's kept tally and the sessions recorded since (:func:`softspot.store.tallies.tally_for`):
    at most four queries, reading only the new sessions, whatever the history. ``keep`` False: leave the kept
    tally as it was (a refused request writes nothing)."""
    if receiver is None:
        return progress(technique, [], today)
    from softspot.store.tallies import tally_for

    return progress_of(technique, tally_for(receiver, technique.id, keep), today)


def as_dict(record: SessionRecord) -> dict[str, Any]:
    """The record in the shape it was sent (docs/contracts.md), plus when it was stored."""
    return {
        "key": str(record.key),
        "receiver": record.receiver.name,
        "plan": str(record.plan) if record.plan else None,
        "source": record.source,
        "script": record.script,
        "engine": record.engine,
        "before": record.before,
        "after": record.after,
        "note": record.note,
        "started_at": iso(record.started_at),
        "ended_at": iso(record.ended_at),
        "created": iso(record.created),
    }


def export(scope: Scope) -> list[dict[str, Any]]:
    """Every record in ``scope`` in full, with the receiver's name, oldest first (``softspot export --format json``)."""
    return [as_dict(r) for r in scoped(scope).order_by("started_at", "id")]


EXPORT_COLUMNS = (
    "key",
    "receiver",
    "technique_id",
    "technique_version",
    "started_at",
    "ended_at",
    "source",
    "surface",
    "position",
    "add_ons",
    "seconds_per_leg",
    "active_seconds",
    "ended_early",
    "stop_reason",
    "before_left",
    "before_right",
    "before_back",
    "after_left",
    "after_right",
    "after_back",
    "note",
    "spot_leg",
    "spot_index",
    "spot_from_knee_cm",
    "spot_planned_seconds",
    "spot_held_seconds",
    "spot_extended_seconds",
    "spot_ended_by",
)


def export_rows(scope: Scope) -> list[dict[str, Any]]:
    """Flat rows for CSV: one per spot, the session's fields repeated; a session with no spot gets one row."""
    rows: list[dict[str, Any]] = []
    records = scoped(scope).order_by("started_at", "id").prefetch_related("spots")
    for r in records:
        session: dict[str, Any] = {
            "key": str(r.key),
            "receiver": r.receiver.name,
            "technique_id": r.technique_id,
            "technique_version": r.technique_version,
            "started_at": iso(r.started_at),
            "ended_at": iso(r.ended_at),
            "source": r.source,
            "surface": r.surface,
            "position": r.position,
            "add_ons": " ".join(r.add_ons),
            "seconds_per_leg": r.seconds_per_leg,
            "active_seconds": r.active_seconds,
            "ended_early": r.ended_early,
            "stop_reason": r.stop_reason,
            "before_left": r.before_left,
            "before_right": r.before_right,
            "before_back": r.before_back,
            "after_left": r.after_left,
            "after_right": r.after_right,
            "after_back": r.after_back,
            "note": r.note,
        }
        spots = list(r.spots.all())
        if not spots:
            rows.append({**session, **dict.fromkeys(EXPORT_COLUMNS[len(session) :])})
        for spot in spots:
            rows.append(
                {
                    **session,
                    "spot_leg": spot.leg,
                    "spot_index": spot.index,
                    "spot_from_knee_cm": spot.from_knee_cm,
                    "spot_planned_seconds": spot.planned_seconds,
                    "spot_held_seconds": spot.held_seconds,
                    "spot_extended_seconds": spot.extended_seconds,
                    "spot_ended_by": spot.ended_by,
                }
            )
    return rows


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC, ending in Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
