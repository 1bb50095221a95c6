"""Therapists and their clients: invitations, care links, programmes, what a therapist may see.

Every lookup is scoped: a therapist's links by the therapist, a household's by the household's
receivers. A care link joins a therapist to one receiver; the therapist sees that receiver's
sessions from the day the link started, and nothing of the household's other receivers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from softspot.core.progress import Prescribed, monday
from softspot.core.technique import Technique
from softspot.practice import catalogue
from softspot.practice.models import INVITATION_LIFETIME, CareLink, Invitation, Programme, Therapist, digest, new_token
from softspot.store.models import Receiver, SessionRecord

OVERVIEW_WEEKS = 4
"""The overview's window: sessions, stops and tension over the last four weeks."""
PAGE_SIZE = 50


class CareError(ValueError):
    """Something about a link or a programme that cannot be done; ``field`` names what, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


# Invitations -------------------------------------------------------------------------------------


def invite(therapist: Therapist, name: str, now: datetime) -> str:
    """A new invitation's token (shown once, never stored): it works once, for a week."""
    token = new_token()
    Invitation.objects.create(
        therapist=therapist, token_hash=digest(token), name=name.strip()[:60], expires_at=now + INVITATION_LIFETIME
    )
    return token


def invitation(token: str, now: datetime) -> Invitation | None:
    """The unused, unexpired invitation with this token, or None."""
    if not token:
        return None
    return (
        Invitation.objects.select_related("therapist")
        .filter(token_hash=digest(token), used_at__isnull=True, expires_at__gt=now)
        .first()
    )


def accept(found: Invitation, receiver: Receiver, now: datetime) -> CareLink:
    """Join the inviting therapist and ``receiver``; the invitation is spent. Raises CareError if it was used."""
    with transaction.atomic():
        if Invitation.objects.filter(pk=found.pk, used_at__isnull=True).update(used_at=now) != 1:
            raise CareError("token", "this invitation was used a moment ago")
        link = CareLink.objects.filter(therapist=found.therapist, receiver=receiver, ended__isnull=True).first()
        if link is None:
            try:
                with transaction.atomic():
                    link = CareLink.objects.create(therapist=found.therapist, receiver=receiver, started=now)
            except IntegrityError:
                link = CareLink.objects.get(therapist=found.therapist, receiver=receiver, ended__isnull=True)
        Invitation.objects.filter(pk=found.pk).update(link=link)
        return link


# Links ---------------------------------------------------------------------------------------------


def therapist_link(therapist: Therapist, link_id: object) -> CareLink | None:
    """The therapist's active link with this id, with its receiver; None for anyone else's or an ended one."""
    try:
        wanted = int(str(link_id))
    except ValueError:
        return None
    return (
        CareLink.objects.select_related("receiver", "therapist")
        .filter(pk=wanted, therapist=therapist, ended__isnull=True)
        .first()
    )


def household_link(owner: User, link_id: object) -> CareLink | None:
    """An active link of one of this household's receivers; None for another household's or an ended one."""
    try:
        wanted = int(str(link_id))
    except ValueError:
        return None
    return (
        CareLink.objects.select_related("receiver", "therapist")
        .filter(pk=wanted, receiver__owner=owner, ended__isnull=True)
        .first()
    )


def household_links(owner: User) -> list[CareLink]:
    """The household's active links, with their therapist, receiver and programme in force."""
    links = list(
        CareLink.objects.select_related("receiver", "therapist")
        .filter(receiver__owner=owner, ended__isnull=True)
        .order_by("receiver__name", "started")
    )
    programmes = current_programmes(links)
    for link in links:
        link.programme = programmes.get(link.pk)  # type: ignore[attr-defined]
    return links


def end(link: CareLink, by: str, now: datetime) -> None:
    """End the link: the therapist's access ends at once (the records stay the household's)."""
    CareLink.objects.filter(pk=link.pk, ended__isnull=True).update(ended=now, ended_by=by)


def active_link_for(receiver: Receiver) -> CareLink | None:
    """The receiver's active link whose programme is newest (a receiver may see several therapists)."""
    return (
        CareLink.objects.select_related("therapist")
        .filter(receiver=receiver, ended__isnull=True)
        .annotate(
            latest=Subquery(Programme.objects.filter(link=OuterRef("pk")).order_by("-created").values("created")[:1])
        )
        .order_by(F("latest").desc(nulls_last=True), "-started")
        .first()
    )


# Programmes ----------------------------------------------------------------------------------------


def programme_of(link: CareLink) -> Programme | None:
    return Programme.objects.filter(link=link).order_by("-created", "-id").first()


def current_programmes(links: list[CareLink]) -> dict[int, Programme]:
    """The programme in force for each link, in one query."""
    found: dict[int, Programme] = {}
    for row in Programme.objects.filter(link__in=links).order_by("link_id", "-created", "-id"):
        found.setdefault(row.link_id, row)
    return found


@dataclass(frozen=True)
class ProgrammeIn:
    technique_id: str
    version: str
    minutes_per_leg: float
    sessions_per_week: int
    add_ons: tuple[str, ...]
    note: str


def prescribe(link: CareLink, given: ProgrammeIn, now: datetime) -> Programme:
    """A new programme for this link, checked against the technique version it names; CareError names the field."""
    try:
        technique = catalogue.technique(given.technique_id, given.version)
    except catalogue.NoSuchTechnique:
        raise CareError("technique", "choose one of the techniques listed") from None
    dose = technique.dose
    seconds = round(given.minutes_per_leg * 60)
    if not dose.beginner_min <= seconds <= dose.maximum:
        raise CareError(
            "minutes",
            f"{given.minutes_per_leg:g} is outside {dose.beginner_min / 60:g} to {dose.maximum / 60:g} minutes per leg "
            f"for {technique.title}",
        )
    known = {a.id for a in technique.add_ons}
    unknown = [a for a in given.add_ons if a not in known]
    if unknown:
        raise CareError("add_ons", f"{technique.title} has no add-on '{unknown[0]}'")
    return Programme.objects.create(
        link=link,
        technique_id=technique.id,
        version=technique.version,
        seconds_per_leg=seconds,
        sessions_per_week=given.sessions_per_week,
        add_ons=list(dict.fromkeys(given.add_ons)),
        note=given.note,
        created=now,
    )


@dataclass(frozen=True)
class Start:
    """What a receiver's set-up takes from the programme in force, if any."""

    technique: Technique
    prescribed: Prescribed
    programme: Programme
    therapist: Therapist


def start_for(receiver: Receiver | None, technique_id: str) -> Start | None:
    """The programme in force for this receiver and technique (its exact version), or None."""
    if receiver is None:
        return None
    link = active_link_for(receiver)
    programme = programme_of(link) if link is not None else None
    if link is None or programme is None or programme.technique_id != technique_id:
        return None
    try:
        technique = catalogue.technique(programme.technique_id, programme.version)
    except catalogue.NoSuchTechnique:
        return None
    prescribed = Prescribed(programme.seconds_per_leg, programme.created, tuple(programme.add_ons))
    return Start(technique, prescribed, programme, link.therapist)


# What a therapist sees -------------------------------------------------------------------------------


def records_seen(link: CareLink) -> QuerySet[SessionRecord]:
    """The receiver's records the therapist may see: from the day the link started."""
    return SessionRecord.objects.filter(receiver_id=link.receiver_id, started_at__gte=link.started)


@dataclass(frozen=True)
class Adherence:
    starts: date
    done: int
    prescribed: int | None


def adherence(link: CareLink, programmes: list[Programme], started: list[datetime], today: date) -> list[Adherence]:
    """Sessions done against sessions prescribed, week by week (Monday to Sunday), from the link's first week.

    ``programmes`` newest first; a week's prescription is that of the programme in force on its Monday
    (None before the first programme).
    """
    first = monday(timezone.localtime(link.started).date())
    count = (monday(today) - first).days // 7 + 1
    done = [0] * count
    for moment in started:
        n = (monday(timezone.localtime(moment).date()) - first).days // 7
        if 0 <= n < count:
            done[n] += 1
    weeks = []
    for n in range(count):
        starts = first + timedelta(weeks=n)
        end_of_week = starts + timedelta(days=7)
        in_force = next((p for p in programmes if timezone.localtime(p.created).date() < end_of_week), None)
        weeks.append(Adherence(starts, done[n], in_force.sessions_per_week if in_force else None))
    return weeks


def overview(therapist: Therapist, now: datetime, page: int = 1) -> tuple[list[dict[str, Any]], int]:
    """One row per active client (discomfort stops in the last four weeks first), a page at a time.

    Three queries whatever the number of clients or sessions: the count of clients (for the pager);
    the page's clients in order (each client's discomfort stops counted by an index range scan of their
    recent records); then every figure of those clients only, aggregated by the database.
    """
    since = now - timedelta(weeks=OVERVIEW_WEEKS)
    active = CareLink.objects.filter(therapist=therapist, ended__isnull=True)
    total = active.count()
    page = max(1, page)
    stops = (
        SessionRecord.objects.filter(
            receiver_id=OuterRef("receiver_id"),
            started_at__gte=Greatest(OuterRef("started"), Value(since)),
            stop_reason="discomfort",
        )
        .order_by()
        .values("receiver_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    ordered = (
        active.annotate(stops=Coalesce(Subquery(stops, output_field=IntegerField()), 0))
        .order_by(F("stops").desc(), "receiver__name", "pk")
        .values_list("pk", flat=True)
    )
    ids = list(ordered[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    rows = {row["pk"]: dict(row) for row in _figures(CareLink.objects.filter(pk__in=ids), since)}
    shown = [rows[pk] for pk in ids if pk in rows]
    for row in shown:
        row["prescribed"] = row["per_week"] * OVERVIEW_WEEKS if row["per_week"] else None
        now_before, then_before = row["before_mean"], row["before_earlier"]
        row["trend"] = None if now_before is None or then_before is None else round(now_before - then_before, 1)
    return shown, total


def _figures(links: QuerySet[CareLink], since: datetime) -> Iterable[Mapping[str, Any]]:
    """The overview's figures for these links (one query)."""
    seen = Q(receiver__records__started_at__gte=F("started"))
    recent = Q(receiver__records__started_at__gte=since) & seen
    earlier = (
        Q(receiver__records__started_at__gte=since - timedelta(weeks=OVERVIEW_WEEKS))
        & Q(receiver__records__started_at__lt=since)
        & seen
    )
    before = (
        F("receiver__records__before_left") + F("receiver__records__before_right") + F("receiver__records__before_back")
    ) / 3.0
    after = (
        F("receiver__records__after_left") + F("receiver__records__after_right") + F("receiver__records__after_back")
    ) / 3.0
    latest_programme = Programme.objects.filter(link=OuterRef("pk")).order_by("-created", "-id")
    last_record = SessionRecord.objects.filter(
        receiver_id=OuterRef("receiver_id"), started_at__gte=OuterRef("started")
    ).order_by("-started_at", "-id")
    return links.annotate(
        sessions=Count("receiver__records", filter=recent),
        stops=Count("receiver__records", filter=recent & Q(receiver__records__stop_reason="discomfort")),
        before_mean=Avg(before, filter=recent),
        after_mean=Avg(after, filter=recent),
        before_earlier=Avg(before, filter=earlier),
        per_week=Subquery(latest_programme.values("sessions_per_week")[:1]),
        minutes=Subquery(latest_programme.values("seconds_per_leg")[:1]),
        technique=Subquery(latest_programme.values("technique_id")[:1]),
        last_at=Subquery(last_record.values("started_at")[:1]),
        last_note=Subquery(last_record.values("note")[:1]),
        last_stop=Subquery(last_record.values("stop_reason")[:1]),
    ).values(
        "pk",
        "receiver__name",
        "started",
        "sessions",
        "stops",
        "before_mean",
        "after_mean",
        "before_earlier",
        "per_week",
        "minutes",
        "technique",
        "last_at",
        "last_note",
        "last_stop",
    )
