"""Records API routes; ``softspot.web.urls`` includes them at the site root."""

from __future__ import annotations

from django.urls import path

from softspot.store import api

app_name = "store"

urlpatterns = [
    path("api/records/", api.create_record, name="records"),
    path("api/records/<uuid:key>/", api.show_record, name="record"),
]
