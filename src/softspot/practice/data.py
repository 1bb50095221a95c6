"""A household's data: everything softspot keeps about it (to download), and deleting all of it."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from softspot.practice.models import AccountLink, CareLink, Programme
from softspot.store.models import Receiver, SessionRecord
from softspot.store.records import as_dict, iso
from softspot.web.models import Plan


def counts(owner: User) -> dict[str, int]:
    return {
        "receivers": Receiver.objects.filter(owner=owner).count(),
        "records": SessionRecord.objects.filter(receiver__owner=owner).count(),
        "therapists": CareLink.objects.filter(receiver__owner=owner, ended__isnull=True).count(),
    }


def everything(owner: User) -> dict[str, Any]:
    """The account, its receivers, every record in full, its plans, its therapists and their programmes."""
    links = CareLink.objects.filter(receiver__owner=owner).select_related("therapist", "receiver")
    programmes = Programme.objects.filter(link__receiver__owner=owner).order_by("link_id", "created")
    return {
        "account": {
            "username": owner.username,
            "email": owner.email,
            "joined": iso(owner.date_joined),
            "last_sign_in": iso(owner.last_login) if owner.last_login else None,
            "has_password": owner.has_usable_password(),
        },
        "receivers": [
            {
                "name": r.name,
                "thigh_cm": r.thigh_cm,
                "height_cm": r.height_cm,
                "unit": r.unit,
                "first_leg": r.first_leg,
                "created": iso(r.created),
            }
            for r in Receiver.objects.filter(owner=owner).order_by("created", "id")
        ],
        "records": [
            {"receiver": r.receiver.name, **as_dict(r)}
            for r in SessionRecord.objects.filter(receiver__owner=owner)
            .select_related("receiver")
            .order_by("started_at", "id")
        ],
        "plans": [
            {"id": str(p.id), "technique_id": p.technique_id, "created": iso(p.created_at), "before": p.before}
            for p in Plan.objects.filter(owner=owner).order_by("created_at")
        ],
        "therapists": [
            {
                "therapist": link.therapist.name,
                "receiver": link.receiver.name,
                "started": iso(link.started),
                "ended": iso(link.ended) if link.ended else None,
                "ended_by": link.ended_by or None,
                "programmes": [
                    {
                        "technique_id": p.technique_id,
                        "version": p.version,
                        "minutes_per_leg": p.seconds_per_leg / 60,
                        "sessions_per_week": p.sessions_per_week,
                        "add_ons": p.add_ons,
                        "note": p.note,
                        "given": iso(p.created),
                    }
                    for p in programmes
                    if p.link_id == link.pk
                ],
            }
            for link in links
        ],
        "reset_links": [
            {"made": iso(a.created), "by": a.issued_by.username if a.issued_by else None, "used": a.used_at is not None}
            for a in AccountLink.objects.filter(user=owner).select_related("issued_by")
        ],
    }


def sessions_of(user_id: int) -> list[str]:
    """Keys of the unexpired sessions signed in as this user (every session is read: deleting is rare)."""
    keys = []
    wanted = str(user_id)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == wanted:
            keys.append(session.session_key)
    return keys


def delete_household(owner: User, username: str) -> None:
    """Delete the account and every row about it: receivers, records and spots, plans, links, programmes,
    sign-in and reset links, sessions, and the sign-in throttle's rows for its username."""
    with transaction.atomic():
        Session.objects.filter(session_key__in=sessions_of(owner.pk)).delete()
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            model.objects.filter(username=username).delete()
        owner.delete()  # cascades: receivers, records, spots, plans, links, programmes, account links, therapist
