"""The web app's own small tables: plans made in the browser and one-time sign-in links.

Session records (what actually happened) belong to ``softspot.store``; a plan
here is only the compiled script waiting to be played, plus the ratings taken
just before it starts.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from softspot.store.models import Receiver

if TYPE_CHECKING:  # loaded when a plan is read or made, not by every command that sets Django up
    from softspot.core.script import SessionScript

SIGN_IN_LINK_LIFETIME = timedelta(minutes=10)


class Plan(models.Model):
    """A session script planned in the browser, owned by one household, for one of its receivers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="softspot_plans")
    receiver = models.ForeignKey(Receiver, on_delete=models.CASCADE, related_name="plans")
    technique_id = models.CharField(max_length=60)
    script = models.JSONField(help_text="The SessionScript, as JSON.")
    before = models.JSONField(null=True, blank=True, help_text="Tension before: {left, right, back}, 0-10.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"plan {self.id} ({self.technique_id})"

    @property
    def session_script(self) -> SessionScript:
        from softspot.core.script import SessionScript

        return SessionScript.model_validate(self.script)

    @classmethod
    def create_for(cls, receiver: Receiver, script: SessionScript) -> Plan:
        """Store the plan and register every text its player may say (the player page then only reads)."""
        CueText.register(spoken_texts(script))
        return cls.objects.create(
            owner_id=receiver.owner_id,
            receiver=receiver,
            technique_id=script.technique.id,
            script=script.model_dump(mode="json"),
        )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SignInLink(models.Model):
    """A one-time sign-in link for ``softspot serve --lan``; only the token's hash is kept."""

    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sign-in link for {self.user} until {self.expires_at:%H:%M}"

    @classmethod
    def issue(cls, user: Any, now: datetime) -> str:
        """Make a link for ``user``; returns the token, which is shown once and never stored."""
        token = secrets.token_urlsafe(24)
        cls.objects.create(token_hash=_digest(token), user=user, expires_at=now + SIGN_IN_LINK_LIFETIME)
        return token

    @classmethod
    def consume(cls, token: str, now: datetime) -> Any | None:
        """The link's user if the token is valid, unused and unexpired; it can never be used again."""
        digest = _digest(token)
        claimed = cls.objects.filter(token_hash=digest, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
        if claimed != 1:
            return None
        return cls.objects.select_related("user").get(token_hash=digest).user


def cue_sha(text: str) -> str:
    """The content hash that names a cue's audio clip: ``/cue/<sha>.wav``."""
    return hashlib.sha256(text.encode()).hexdigest()


class CueText(models.Model):
    """Spoken texts of planned sessions, by content hash, so only planned cues are ever rendered."""

    sha = models.CharField(max_length=64, primary_key=True)
    text = models.TextField()

    def __str__(self) -> str:
        return self.text

    @classmethod
    def register(cls, texts: list[str]) -> dict[str, str]:
        """Remember every text; returns text -> sha."""
        shas = {text: cue_sha(text) for text in texts}
        CueText.objects.bulk_create([CueText(sha=sha, text=text) for text, sha in shas.items()], ignore_conflicts=True)
        return shas


def spoken_texts(script: SessionScript) -> list[str]:
    """Every text the player may say for this script, each once, in order (the pain rule and check-in too)."""
    return script.spoken_texts()
