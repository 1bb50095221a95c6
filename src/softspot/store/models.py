"""Receivers, their session records (stored once per idempotency key), and the spots of each.

A household is one user account; it has several receivers, each with their own
measurements, and every session record belongs to one receiver. A record keeps
everything the pair sent (the planned script and the engine's record as JSON, for
export) and the fields that history and progress query, as columns.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from softspot.core.people import NAME_MAX_CHARS

RATINGS = ("left", "right", "back")
PROGRESS_INDEX = [
    "receiver", "technique_id", "started_at", "id", "key", "seconds_per_leg", "active_seconds",
    *(f"{when}_{part}" for when in ("before", "after") for part in RATINGS),
    "ended_early", "stop_reason", "thigh_cm",
]  # fmt: skip


class Receiver(models.Model):
    """A person who receives the massage, in a household (``owner``): their name, measurements and first leg.

    Names are unique in a household without regard to case: the unique constraint is on
    ``Lower(name)`` (ASCII case on SQLite; :func:`softspot.store.receivers.add` compares
    whole Unicode case first, so ``ZOË`` and ``zoë`` are one name everywhere).
    """

    class Unit(models.TextChoices):
        CM = "cm"
        IN = "in"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="receivers")
    name = models.CharField(max_length=NAME_MAX_CHARS)
    thigh_cm = models.FloatField(null=True, blank=True, help_text="Thigh length as last measured, in cm.")
    height_cm = models.FloatField(null=True, blank=True, help_text="Height, to estimate the thigh, in cm.")
    unit = models.CharField(max_length=2, choices=Unit.choices, default=Unit.CM, help_text="The unit they measure in.")
    first_leg = models.CharField(max_length=60, blank=True, help_text="Side id to start with; blank: the default.")
    language = models.CharField(
        max_length=8,
        blank=True,
        default="",
        help_text="The language their sessions are in (softspot.i18n); blank: follow the device or terminal.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created", "id")
        constraints = (
            models.UniqueConstraint("owner", Lower("name"), name="store_receiver_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="store_receiver_name_not_empty"),
            models.CheckConstraint(condition=Q(unit__in=("cm", "in")), name="store_receiver_unit"),
            models.CheckConstraint(
                condition=Q(thigh_cm__isnull=True) | Q(thigh_cm__gt=0, thigh_cm__lte=500),
                name="store_receiver_thigh_cm",
            ),
            models.CheckConstraint(
                condition=Q(height_cm__isnull=True) | Q(height_cm__gt=0, height_cm__lte=500),
                name="store_receiver_height_cm",
            ),
        )

    def __str__(self) -> str:
        return self.name


class SessionRecord(models.Model):
    class Source(models.TextChoices):
        TERMINAL = "terminal"
        WEB = "web"

    class StopReason(models.TextChoices):
        DISCOMFORT = "discomfort"
        OUT_OF_TIME = "out_of_time"
        OTHER = "other"

    receiver = models.ForeignKey(Receiver, on_delete=models.CASCADE, related_name="records")
    key = models.UUIDField(help_text="Idempotency key made by the player; each key is stored once.")
    plan = models.UUIDField(
        null=True, blank=True, db_index=True, help_text="The web plan this session played (none from the terminal)."
    )
    technique_id = models.CharField(max_length=60)
    technique_version = models.CharField(max_length=20)
    answers = models.JSONField(default=dict, help_text="Screening answers: question id -> yes (true) / no.")
    surface = models.CharField(max_length=60)
    position = models.CharField(max_length=60)
    add_ons = models.JSONField(default=list, help_text="Add-on ids included in the plan.")
    seconds_per_leg = models.PositiveIntegerField(help_text="The planned dose.")
    thigh_cm = models.FloatField(
        null=True, blank=True, help_text="The thigh (segment) length the session was planned for, in cm."
    )
    active_seconds = models.FloatField(help_text="Session time without pauses.")
    script = models.JSONField(help_text="The planned SessionScript.")
    engine = models.JSONField(help_text="The engine record: what actually happened.")
    before_left = models.PositiveSmallIntegerField()
    before_right = models.PositiveSmallIntegerField()
    before_back = models.PositiveSmallIntegerField()
    after_left = models.PositiveSmallIntegerField(null=True, blank=True)
    after_right = models.PositiveSmallIntegerField(null=True, blank=True)
    after_back = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    ended_early = models.BooleanField(default=False)
    stop_reason = models.CharField(max_length=20, choices=StopReason.choices, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("started_at", "id")
        constraints = (
            models.UniqueConstraint(fields=["key"], name="store_record_key_unique"),
            *(
                models.CheckConstraint(condition=Q(**{f"{when}_{part}__lte": 10}), name=f"store_{when}_{part}_0_10")
                for when in ("before", "after")
                for part in RATINGS
            ),
        )
        indexes = (
            models.Index(fields=["receiver", "technique_id", "started_at"], name="store_receiver_technique"),
            # Progress reads these columns of every session, oldest first: from this index alone, never the
            # rows with their script and engine JSON (softspot.store.records.SUMMARY_COLUMNS; issue 12).
            models.Index(fields=PROGRESS_INDEX, name="store_record_progress"),
            # A receiver's sessions by time, whatever the technique (w2-practice: a therapist's overview and a
            # client's page at 1,000 clients x 100 sessions).
            models.Index(fields=["receiver", "started_at"], name="store_receiver_started"),
        )

    def __str__(self) -> str:
        return f"{self.technique_id} on {self.started_at:%Y-%m-%d %H:%M} ({self.key})"

    @property
    def before(self) -> dict[str, int]:
        return {"left": self.before_left, "right": self.before_right, "back": self.before_back}

    @property
    def after(self) -> dict[str, int] | None:
        if self.after_left is None or self.after_right is None or self.after_back is None:
            return None
        return {"left": self.after_left, "right": self.after_right, "back": self.after_back}


class SpotRecord(models.Model):
    """One spot as it actually went."""

    class EndedBy(models.TextChoices):
        SOFTENED = "softened"
        TIME = "time"
        SKIPPED = "skipped"
        STOPPED = "stopped"

    record = models.ForeignKey(SessionRecord, on_delete=models.CASCADE, related_name="spots")
    leg = models.CharField(max_length=60)
    index = models.PositiveSmallIntegerField()
    from_knee_cm = models.FloatField()
    planned_seconds = models.FloatField()
    held_seconds = models.FloatField()
    extended_seconds = models.FloatField(default=0)
    ended_by = models.CharField(max_length=10, choices=EndedBy.choices)

    class Meta:
        ordering = ("record", "id")

    def __str__(self) -> str:
        return f"{self.leg} spot {self.index}: {self.held_seconds:.0f} s, {self.ended_by}"


class ProgressTally(models.Model):
    """A receiver's progress tally for one technique, as it stood after the sessions it counted: a cache.

    :func:`softspot.store.tallies.tally_for` carries it on with the sessions recorded since, instead of reading
    the whole history again, and starts afresh when the counted sessions are no longer exactly those on record
    (``sessions``, ``id_sum`` and ``id_max`` of the records up to ``last_started_at``/``last_id`` differ: one was
    deleted, moved to another receiver, or one older than the last was added). Records are never edited in place.
    """

    receiver = models.ForeignKey(Receiver, on_delete=models.CASCADE, related_name="+")
    technique_id = models.CharField(max_length=60)
    sessions = models.PositiveIntegerField()
    id_sum = models.BigIntegerField()
    id_max = models.BigIntegerField()
    last_started_at = models.DateTimeField()
    last_id = models.BigIntegerField()
    state = models.TextField(help_text="softspot.store.tallies.dumps(): the Tally's counts, buckets and last sessions.")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["receiver", "technique_id"], name="store_progress_tally_unique"),
        )

    def __str__(self) -> str:
        return f"{self.receiver_id}/{self.technique_id}: {self.sessions} sessions to {self.last_started_at}"
