from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """The web app: pages, plans made in the browser, one-time sign-in links."""

    name = "softspot.web"
    label = "web"
    default_auto_field = "django.db.models.BigAutoField"
