"""A client's records for download: CSV (one row a session), JSON (every record in full), FHIR R4 Observations."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.http import HttpResponse

from softspot.practice import care, fhir
from softspot.practice.models import CareLink
from softspot.store.models import SessionRecord
from softspot.store.records import as_dict, iso

KINDS = ("csv", "json", "fhir")
CSV_COLUMNS = (
    "key", "technique_id", "technique_version", "started_at", "ended_at", "seconds_per_leg", "active_seconds",
    "before_left", "before_right", "before_back", "after_left", "after_right", "after_back", "ended_early",
    "stop_reason", "add_ons", "note",
)  # fmt: skip


def csv_text(records: list[SessionRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in records:
        writer.writerow(
            [
                r.key, r.technique_id, r.technique_version, iso(r.started_at), iso(r.ended_at), r.seconds_per_leg,
                r.active_seconds, r.before_left, r.before_right, r.before_back, r.after_left, r.after_right,
                r.after_back, r.ended_early, r.stop_reason, " ".join(r.add_ons), _cell(r.note),
            ]
        )  # fmt: skip
    return out.getvalue()


def _cell(text: str) -> str:
    """A note as a spreadsheet shows it, never as a formula (a note starting with =, +, - or @)."""
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def link_export(link: CareLink, kind: str) -> HttpResponse:
    """``csv``, ``json`` or ``fhir``: what the therapist may see of this client, as a download."""
    name = f"softspot-{link.receiver.name}-{link.pk}".replace(" ", "-").lower()
    name = "".join(c for c in name if c.isalnum() or c in "-_") or "softspot-client"
    if kind == "csv":
        records = list(care.records_seen(link).defer("script", "engine").order_by("started_at", "id"))
        return _download(csv_text(records), "text/csv; charset=utf-8", f"{name}.csv")
    if kind == "fhir":
        fields = (
            "key",
            "started_at",
            "ended_at",
            "before_left",
            "before_right",
            "before_back",
            "after_left",
            "after_right",
            "after_back",
        )
        records = list(care.records_seen(link).only(*fields).order_by("started_at", "id"))
        bundle = fhir.bundle(records, link.receiver_id, link.receiver.name)
        return _download(json.dumps(bundle, indent=1), "application/fhir+json", f"{name}-fhir.json")
    records = list(care.records_seen(link).order_by("started_at", "id"))
    body: dict[str, Any] = {
        "receiver": link.receiver.name,
        "therapist": link.therapist.name,
        "since": iso(link.started),
        "records": [as_dict(r) for r in records],
    }
    return _download(json.dumps(body, indent=1), "application/json", f"{name}.json")


def _download(text: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
