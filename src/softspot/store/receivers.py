"""A household's receivers: add, find by name, rename, remove, and remember their measurements.

Views and commands call these. Every lookup is scoped by the household (the owner);
another household's receiver is never found. Names follow :mod:`softspot.core.people`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Count, Max, UUIDField

from softspot.core.people import FIRST_RECEIVER, BadName, clean_name, listing, nearest, same_name, sorted_names
from softspot.i18n import _
from softspot.store.compiled import CompiledQuery, Slot
from softspot.store.models import Receiver, SessionRecord

LOCAL_USERNAME = "local"
UNITS = ("cm", "in")

# Every record POST reads the household's receivers (or the one its web plan was made for): compiled once
# (softspot.store.compiled; issue 9, record POSTs per second).
HOUSEHOLD = CompiledQuery(Receiver.objects.filter(owner_id=Slot("owner", BigIntegerField())))
PLANNED = CompiledQuery(
    Receiver.objects.filter(owner_id=Slot("owner", BigIntegerField()), plans__id=Slot("plan", UUIDField()))[:1]
)


class ReceiverError(ValueError):
    """A receiver that cannot be added, found or changed; ``field`` names what was wrong, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


class NameTaken(ReceiverError):
    """Someone in the household already has this name (compared without regard to case)."""

    def __init__(self, existing: Receiver) -> None:
        self.existing = existing
        super().__init__(
            "name", _("there is already a receiver called %(name)s in this household") % {"name": existing.name}
        )


class NoSuchReceiver(ReceiverError):
    """No receiver of that name in the household; ``nearest`` is the closest name, if any is close."""

    def __init__(self, name: str, names: list[str]) -> None:
        self.name = name
        self.names = names
        self.nearest = nearest(name, names)
        if not names:
            message = _("there is no receiver called %(name)s: nobody has been added yet") % {"name": name}
        elif self.nearest:
            message = _("there is no receiver called %(name)s; did you mean %(near)s? Receivers: %(names)s") % {
                "name": name,
                "near": self.nearest,
                "names": listing(names),
            }
        else:
            message = _("there is no receiver called %(name)s; receivers: %(names)s") % {
                "name": name,
                "names": listing(names),
            }
        super().__init__("name", message)


def household(owner: User) -> list[Receiver]:
    """The household's receivers, by name (without regard to case)."""
    return household_of(HOUSEHOLD.all(owner=owner.pk))


def household_of(found: list[Receiver]) -> list[Receiver]:
    order = {n: i for i, n in enumerate(sorted_names([r.name for r in found]))}
    return sorted(found, key=lambda r: order[r.name])


def names(owner: User) -> list[str]:
    return [r.name for r in household(owner)]


def find(owner: User, name: str) -> Receiver | None:
    """The household's receiver with this name (any case), or None."""
    return next((r for r in HOUSEHOLD.all(owner=owner.pk) if same_name(r.name, name)), None)


def named(owner: User, name: str) -> Receiver:
    """The household's receiver with this name (any case); :class:`NoSuchReceiver` (with the nearest name) if none."""
    found = find(owner, name)
    if found is None:
        raise NoSuchReceiver(" ".join(name.split()) or repr(name), names(owner))
    return found


def owned(owner: User, receiver_id: object) -> Receiver | None:
    """The household's receiver with this id; None for anyone else's, or an id that is not one (views: 404)."""
    try:
        pk = int(str(receiver_id))
    except ValueError:
        return None
    if not 0 < pk < 2**63:
        return None
    return Receiver.objects.filter(owner=owner, pk=pk).first()


def checked_name(owner: User, name: str, *, other_than: Receiver | None = None) -> str:
    """``name`` cleaned, and free in the household (``other_than`` may keep its own name in another case)."""
    try:
        clean = clean_name(name)
    except BadName as exc:
        raise ReceiverError("name", str(exc)) from None
    existing = find(owner, clean)
    if existing is not None and (other_than is None or existing.pk != other_than.pk):
        raise NameTaken(existing)
    return clean


def check_measurements(thigh_cm: float | None, height_cm: float | None, unit: str) -> None:
    """What the database would refuse, said first (commands and forms check the plannable range before this)."""
    if unit not in UNITS:
        raise ReceiverError("unit", _("'%(unit)s' is not a unit; use cm or in") % {"unit": unit})
    for field, value in (("thigh", thigh_cm), ("height", height_cm)):
        if value is not None and not 0 < value <= 500:
            raise ReceiverError(
                field,
                (
                    _("%(value)s cm is not a thigh softspot can keep")
                    if field == "thigh"
                    else _("%(value)s cm is not a height softspot can keep")
                )
                % {"value": f"{value:g}"},
            )


def add(
    owner: User,
    name: str,
    *,
    thigh_cm: float | None = None,
    height_cm: float | None = None,
    unit: str = "cm",
    first_leg: str = "",
    language: str = "",
) -> Receiver:
    """A new receiver in the household; :class:`NameTaken` or :class:`ReceiverError` and nothing written."""
    clean = checked_name(owner, name)
    check_measurements(thigh_cm, height_cm, unit)
    check_language(language)
    try:
        with transaction.atomic():
            return Receiver.objects.create(
                owner=owner,
                name=clean,
                thigh_cm=thigh_cm,
                height_cm=height_cm,
                unit=unit,
                first_leg=first_leg,
                language=language,
            )
    except IntegrityError:
        # Added at the same moment by another command or page (the unique constraint on the lower-cased name).
        existing = find(owner, clean)
        if existing is None:
            raise
        raise NameTaken(existing) from None


def check_language(language: str) -> None:
    """Blank (follow the device) or a language softspot ships."""
    from softspot import i18n

    if language and language not in i18n.LANGUAGES:
        raise ReceiverError(
            "language",
            _("softspot does not speak '%(language)s'; choose one of: %(choices)s")
            % {"language": language, "choices": ", ".join(i18n.LANGUAGES)},
        )


def set_language(receiver: Receiver, language: str) -> Receiver:
    """Their sessions in ``language`` from now on (blank: follow the device or terminal)."""
    check_language(language)
    if receiver.language != language:
        receiver.language = language
        receiver.save(update_fields=["language"])
    return receiver


def rename(receiver: Receiver, new_name: str) -> Receiver:
    """Give the receiver another name (another case of their own name is allowed: ``sam`` -> ``Sam``)."""
    clean = checked_name(receiver.owner, new_name, other_than=receiver)
    receiver.name = clean
    try:
        with transaction.atomic():
            receiver.save(update_fields=["name"])
    except IntegrityError:
        existing = find(receiver.owner, clean)
        if existing is None or existing.pk == receiver.pk:
            raise
        raise NameTaken(existing) from None
    return receiver


def remember(
    receiver: Receiver,
    *,
    thigh_cm: float | None = None,
    height_cm: float | None = None,
    unit: str | None = None,
    first_leg: str | None = None,
) -> None:
    """Keep new measurements (only what is given: a new measurement updates the receiver, nothing is cleared)."""
    check_measurements(thigh_cm, height_cm, unit or receiver.unit)
    changed = {
        field: value
        for field, value in (("thigh_cm", thigh_cm), ("height_cm", height_cm), ("unit", unit), ("first_leg", first_leg))
        if value is not None and getattr(receiver, field) != value
    }
    if changed:
        for field, value in changed.items():
            setattr(receiver, field, value)
        receiver.save(update_fields=list(changed))


@dataclass(frozen=True)
class Overview:
    """A receiver with how many sessions they have had and when the last one started."""

    receiver: Receiver
    sessions: int
    last: datetime | None


def overview(owner: User) -> list[Overview]:
    """The household's receivers by name, each with their session count and last session (one query)."""
    counted = {
        r.pk: r
        for r in Receiver.objects.filter(owner=owner).annotate(n=Count("records"), last=Max("records__started_at"))
    }
    return [Overview(r, counted[r.pk].n, counted[r.pk].last) for r in household_of(list(counted.values()))]


def set_measurements(receiver: Receiver, *, thigh_cm: float | None, height_cm: float | None) -> None:
    """Keep exactly these (None forgets one): the web set-up keeps what its form showed and the person left."""
    check_measurements(thigh_cm, height_cm, receiver.unit)
    if (receiver.thigh_cm, receiver.height_cm) != (thigh_cm, height_cm):
        receiver.thigh_cm, receiver.height_cm = thigh_cm, height_cm
        receiver.save(update_fields=["thigh_cm", "height_cm"])


def sessions_of(receiver: Receiver) -> int:
    """How many session records the receiver has."""
    return SessionRecord.objects.filter(receiver=receiver).count()


def remove(receiver: Receiver) -> int:
    """Delete the receiver, their records and their web plans; returns how many sessions went with them."""
    with transaction.atomic():
        count = sessions_of(receiver)
        receiver.delete()
    return count


def move_records(source: Receiver, target: Receiver) -> int:
    """Give every record of ``source`` to ``target`` in the same household (before removing ``source``)."""
    if source.owner_id != target.owner_id:
        raise ReceiverError("receiver", _("records can only move to a receiver in the same household"))
    if source.pk == target.pk:
        raise ReceiverError(
            "receiver", _("%(name)s's records are already %(target)s's") % {"name": source.name, "target": target.name}
        )
    with transaction.atomic():
        return SessionRecord.objects.filter(receiver=source).update(receiver=target)


def first_receiver_name(owner: User) -> str:
    """The name a household's first receiver gets when nobody named one: the owner's first name, else "Receiver"."""
    try:
        name = clean_name(owner.first_name or "")
    except BadName:
        return FIRST_RECEIVER
    return FIRST_RECEIVER if owner.username == LOCAL_USERNAME else name


def only_or_first(owner: User) -> Receiver:
    """The household's only receiver; with none yet, a first one (named by :func:`first_receiver_name`).

    With several, the most recent receiver (:func:`latest`) — callers that must not guess ask or refuse instead.
    """
    found = household(owner)
    if len(found) == 1:
        return found[0]
    if found:
        recent = latest(owner)
        return recent if recent is not None else found[0]
    try:
        return add(owner, first_receiver_name(owner))
    except NameTaken as exc:  # made at the same moment elsewhere
        return exc.existing


def latest(owner: User) -> Receiver | None:
    """The receiver of the household's most recent session (by start), or None when there is none."""
    # Two narrow queries (w2-cost): never a whole record, whose script and engine JSON are ~40 KB.
    newest = (
        SessionRecord.objects.filter(receiver__owner=owner)
        .order_by("-started_at", "-id")
        .values_list("receiver_id", flat=True)
        .first()
    )
    return None if newest is None else Receiver.objects.filter(pk=newest).first()


@dataclass(frozen=True)
class Measurements:
    """What the receiver's set-up starts from: thigh or height in their unit, and their first leg."""

    thigh_cm: float | None
    height_cm: float | None
    unit: str
    first_leg: str


def measurements(receiver: Receiver) -> Measurements:
    return Measurements(receiver.thigh_cm, receiver.height_cm, receiver.unit, receiver.first_leg)


def for_record(owner: User, plan: uuid.UUID | None, name: str | None) -> Receiver:
    """Whose session a record is: the receiver its web plan was made for, else the one it names, else the only one.

    Raises :class:`ReceiverError` (field ``receiver``) when it names nobody in the household, or names nobody
    while the household has several receivers.
    """
    if plan is not None:
        planned = PLANNED.first(owner=owner.pk, plan=plan)
        if planned is not None:
            return planned
    if name is not None:
        found = find(owner, name)
        if found is None:
            raise ReceiverError(
                "receiver",
                (
                    _("there is no receiver called %(name)s in this household; receivers: %(names)s")
                    if names(owner)
                    else _("there is no receiver called %(name)s in this household; nobody has been added yet")
                )
                % {"name": " ".join(name.split()), "names": listing(names(owner))},
            )
        return found
    everyone = household(owner)
    if len(everyone) > 1:
        raise ReceiverError(
            "receiver",
            _("say who received this session (the receiver's name); receivers: %(names)s")
            % {"names": listing(names(owner))},
        )
    return only_or_first(owner)
