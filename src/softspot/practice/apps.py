from __future__ import annotations

from django.apps import AppConfig


class PracticeConfig(AppConfig):
    """Accounts (passwords, reset links, sign-out everywhere) and the practice: therapists and their clients."""

    name = "softspot.practice"
    label = "practice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from softspot.practice import signals  # noqa: F401
