from __future__ import annotations

from django.apps import AppConfig


class StoreConfig(AppConfig):
    """Session records: what happened in each session, for history, progress and export."""

    name = "softspot.store"
    label = "store"
    default_auto_field = "django.db.models.BigAutoField"
