"""The practice's tables: accounts' sign-out epoch, one-time account links, therapists, published techniques.

A therapist's client is a receiver (``softspot.store.models.Receiver``): a care
link joins the two, and the household account that owns the receiver is who
signs in. See docs/data.md ("The practice's tables").
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

RESET_LINK_LIFETIME = timedelta(hours=24)
INVITATION_LIFETIME = timedelta(days=7)
HANDLE_MAX = 20
"""A therapist's handle ends every technique id they publish (``evening-stretch@jo``)."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Account(models.Model):
    """Per-account settings softspot keeps beside Django's user.

    ``sessions_epoch``: every session stores the epoch it signed in at; "sign out
    everywhere" adds one, so every older session is refused on its next request
    (``softspot.practice.middleware.SessionEpoch``). This works for accounts
    without a password, whose sessions a password change could not end.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="softspot_account"
    )
    sessions_epoch = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"account of {self.user}"


class AccountLink(models.Model):
    """A one-time link that lets its account set a new password (and signs it in); only the hash is kept."""

    class Purpose(models.TextChoices):
        RESET = "reset"

    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.RESET)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.purpose} link for {self.user} until {self.expires_at:%Y-%m-%d %H:%M}"

    @classmethod
    def issue(cls, user: Any, now: datetime, issued_by: Any = None) -> str:
        """A new link's token (shown once, never stored)."""
        token = new_token()
        cls.objects.create(
            token_hash=digest(token), user=user, issued_by=issued_by, expires_at=now + RESET_LINK_LIFETIME
        )
        return token

    @classmethod
    def valid(cls, token: str, now: datetime) -> AccountLink | None:
        """The unused, unexpired link with this token, or None."""
        return (
            cls.objects.select_related("user")
            .filter(token_hash=digest(token), used_at__isnull=True, expires_at__gt=now)
            .first()
        )

    def spend(self, now: datetime) -> bool:
        """Use the link up; False when another request used it first."""
        return AccountLink.objects.filter(pk=self.pk, used_at__isnull=True).update(used_at=now) == 1


class Therapist(models.Model):
    """A therapist account: publishes techniques, invites clients, gives programmes, sees their progress."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="therapist")
    handle = models.SlugField(
        max_length=HANDLE_MAX,
        unique=True,
        help_text="Lower-case letters, digits and -; ends the ids of the techniques this therapist publishes.",
    )
    name = models.CharField(max_length=100, help_text="As clients see it.")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} (@{self.handle})"


class PublishedTechnique(models.Model):
    """One published version of a therapist's technique file: never changed once written.

    ``technique_id`` is the file's ``id`` followed by ``@`` and the therapist's
    handle, so it can collide neither with a built-in technique (built-in ids
    have no ``@``) nor with another therapist's. Records keep this id, the
    file's ``version`` and the whole planned script, so a new version never
    changes an old record.
    """

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="techniques")
    technique_id = models.CharField(max_length=60)
    file_id = models.CharField(max_length=60)
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    text = models.TextField()
    published = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("technique_id", "-published", "-id")
        constraints = (
            models.UniqueConstraint(fields=["technique_id", "version"], name="practice_technique_version_unique"),
        )
        indexes = (models.Index(fields=["therapist", "technique_id"], name="practice_technique_owner"),)

    def __str__(self) -> str:
        return f"{self.technique_id} {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("a published technique version is never changed; publish a new version")
        super().save(*args, **kwargs)


class CareLink(models.Model):
    """A therapist and one of their clients: a receiver (the household that owns it is who signs in).

    Active while ``ended`` is empty; ending it, by either side, ends the therapist's access at once.
    The therapist sees this receiver's sessions from ``started`` on, never the household's other receivers.
    """

    class EndedBy(models.TextChoices):
        THERAPIST = "therapist"
        CLIENT = "client"

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="links")
    receiver = models.ForeignKey("store.Receiver", on_delete=models.CASCADE, related_name="care_links")
    started = models.DateTimeField()
    ended = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=10, choices=EndedBy.choices, blank=True)

    class Meta:
        ordering = ("-started", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=["therapist", "receiver"],
                condition=models.Q(ended__isnull=True),
                name="practice_one_active_link",
            ),
        )
        indexes = (models.Index(fields=["therapist", "ended"], name="practice_link_therapist"),)

    def __str__(self) -> str:
        return f"{self.therapist} and {self.receiver}"

    @property
    def active(self) -> bool:
        return self.ended is None


class Invitation(models.Model):
    """A one-time link a therapist gives a new client; only the token's hash is kept; it expires."""

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=60, blank=True, help_text="Who it is for, as the therapist wrote it.")
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    link = models.ForeignKey(CareLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ("-created", "-id")

    def __str__(self) -> str:
        return f"invitation from {self.therapist} until {self.expires_at:%Y-%m-%d %H:%M}"


class Programme(models.Model):
    """What a therapist prescribes one client; the newest row of a link is the programme in force.

    Rows are never changed: a new programme is a new row, so what was prescribed when stays known.
    """

    link = models.ForeignKey(CareLink, on_delete=models.CASCADE, related_name="programmes")
    technique_id = models.CharField(max_length=60)
    version = models.CharField(max_length=20)
    seconds_per_leg = models.PositiveIntegerField()
    sessions_per_week = models.PositiveSmallIntegerField()
    add_ons = models.JSONField(default=list, help_text="Add-on ids unlocked early.")
    note = models.TextField(blank=True)
    created = models.DateTimeField()

    class Meta:
        ordering = ("-created", "-id")
        indexes = (models.Index(fields=["link", "created"], name="practice_programme_link"),)

    def __str__(self) -> str:
        return f"{self.technique_id} {self.version}: {self.seconds_per_leg // 60} min, {self.sessions_per_week}/week"
