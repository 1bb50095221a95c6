"""The store's service functions: save a record once, read history, summaries and exports.

Views and CLI commands call these; they hold no request or terminal logic.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet

from softspot.core.progress import Progress, SessionSummary, Suggestion, progress, suggest
from softspot.core.record import Ratings, RecordIn
from softspot.core.technique import Technique
from softspot.store.models import RATINGS, SessionRecord, SpotRecord

LOCAL_USERNAME = "local"


class KeyTaken(Exception):
    """The key was already used by someone else's record: nothing is stored and nothing is shown."""

    def __init__(self) -> None:
        super().__init__("this key is already used; send the record with a new key")


def local_owner() -> User:
    """The single owner of records made on this machine (loopback web app and the command line)."""
    user, created = User.objects.get_or_create(username=LOCAL_USERNAME, defaults={"first_name": "This computer"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def save_record(owner: User, payload: RecordIn) -> tuple[SessionRecord, bool]:
    """Store ``payload`` once per key: (record, True) the first time, (the stored record, False) after.

    Race-safe: two saves of one key both try to insert; the unique constraint
    lets one in, the other gets an IntegrityError and returns the stored record.
    A key already used by another owner raises :class:`KeyTaken`.
    """
    existing = _by_key(payload.key)
    if existing is None:
        try:
            with transaction.atomic():
                return _insert(owner, payload), True
        except IntegrityError:
            existing = _by_key(payload.key)
            if existing is None:
                raise
    if existing.owner_id != owner.pk:
        raise KeyTaken()
    return existing, False


def _by_key(key: uuid.UUID) -> SessionRecord | None:
    return SessionRecord.objects.filter(key=key).first()


def _insert(owner: User, payload: RecordIn) -> SessionRecord:
    script, engine, before, after = payload.script, payload.engine, payload.before, payload.after
    record = SessionRecord.objects.create(
        owner=owner,
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
    SpotRecord.objects.bulk_create(
        SpotRecord(
            record=record,
            leg=spot.leg,
            index=spot.index,
            from_knee_cm=spot.from_knee_cm,
            planned_seconds=spot.planned_seconds,
            held_seconds=spot.held_seconds,
            extended_seconds=spot.extended_seconds,
            ended_by=spot.ended_by,
        )
        for spot in engine.spots
    )
    return record


def record_for(owner: User, key: uuid.UUID | str) -> SessionRecord | None:
    """The owner's record with this key; None when there is none or it is someone else's."""
    try:
        wanted = key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))
    except ValueError:
        return None
    return SessionRecord.objects.filter(owner=owner, key=wanted).first()


def record_of_plan(owner: User, plan: uuid.UUID) -> SessionRecord | None:
    """The owner's record of the session that played this web plan, if it was saved."""
    records = SessionRecord.objects.filter(owner=owner, plan=plan).order_by("created")
    return records.only("key", "plan", *(f"{when}_{part}" for when in ("before", "after") for part in RATINGS)).first()


HISTORY_COLUMNS = (
    "key",
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


def history(owner: User, technique_id: str | None = None) -> QuerySet[SessionRecord]:
    """The owner's records, newest first, with only the columns a list shows (:data:`HISTORY_COLUMNS`).

    Lazy: slice it (or paginate it) to read one page; ``.iterator()`` to go through all of them.
    """
    records = SessionRecord.objects.filter(owner=owner)
    if technique_id is not None:
        records = records.filter(technique_id=technique_id)
    return records.order_by("-started_at", "-id").only(*HISTORY_COLUMNS)


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
    "add_ons",
    "thigh_cm",
)
"""The columns progress reads (the thigh is a column: the script and engine JSON are never loaded for it)."""


def summary(record: SessionRecord) -> SessionSummary:
    return _summary(*(getattr(record, name) for name in SUMMARY_COLUMNS))


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
    add_ons: list[str],
    thigh_cm: float | None,
) -> SessionSummary:
    # The database's check constraints keep every rating within 0-10: no need to validate them again.
    after = (
        None
        if after_left is None or after_right is None or after_back is None
        else Ratings.model_construct(left=after_left, right=after_right, back=after_back)
    )
    return SessionSummary(
        key=str(key),
        started_at=started_at,
        seconds_per_leg=seconds_per_leg,
        active_seconds=active_seconds,
        before=Ratings.model_construct(left=before_left, right=before_right, back=before_back),
        after=after,
        ended_early=ended_early,
        stop_reason=stop_reason or None,
        add_ons=tuple(add_ons),
        thigh_cm=thigh_cm,
    )


def iter_summaries(owner: User, technique_id: str, chunk_size: int = 2000) -> Iterator[SessionSummary]:
    """What :mod:`softspot.core.progress` needs, oldest first, read from one query a chunk at a time."""
    rows = (
        SessionRecord.objects.filter(owner=owner, technique_id=technique_id)
        .order_by("started_at", "id")
        .values_list(*SUMMARY_COLUMNS)
    )
    for row in rows.iterator(chunk_size=chunk_size):
        yield _summary(*row)


def summaries(owner: User, technique_id: str) -> list[SessionSummary]:
    """:func:`iter_summaries` as a list (for a few sessions; progress and suggestions stream them)."""
    return list(iter_summaries(owner, technique_id))


def suggestion(owner: User, technique: Technique, thigh_cm: float | None = None) -> Suggestion:
    """Next time's dose and add-ons for this owner (what ``guide`` and the set-up page offer).

    ``thigh_cm``: today's thigh, when known, so the dose never exceeds what it can fill (else the last one's).
    """
    return suggest(technique, iter_summaries(owner, technique.id), thigh_cm)


def progress_report(owner: User, technique: Technique, today: date) -> Progress:
    """Progress for this owner (what ``softspot progress`` and the history page show), in one query."""
    return progress(technique, iter_summaries(owner, technique.id), today)


def as_dict(record: SessionRecord) -> dict[str, Any]:
    """The record in the shape it was sent (docs/contracts.md), plus when it was stored."""
    return {
        "key": str(record.key),
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


def export(owner: User) -> list[dict[str, Any]]:
    """Every record of the owner in full, oldest first (``softspot export --format json``)."""
    return [as_dict(r) for r in SessionRecord.objects.filter(owner=owner).order_by("started_at", "id")]


EXPORT_COLUMNS = (
    "key",
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


def export_rows(owner: User) -> list[dict[str, Any]]:
    """Flat rows for CSV: one per spot, the session's fields repeated; a session with no spot gets one row."""
    rows: list[dict[str, Any]] = []
    records = SessionRecord.objects.filter(owner=owner).order_by("started_at", "id").prefetch_related("spots")
    for r in records:
        session: dict[str, Any] = {
            "key": str(r.key),
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
