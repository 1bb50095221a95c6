"""The records API for the web player: ``POST /api/records/`` and ``GET /api/records/<key>/``.

A record is stored once per key: 201 the first time, 200 with the same body on a
repeat. Bad input gets 400 with every field at fault and writes nothing. CSRF
protection is Django's middleware: the browser sends the ``X-CSRFToken`` header.
"""

from __future__ import annotations

import json
import uuid

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from softspot.core.record import FieldError, RecordError, parse_record
from softspot.store.access import owner_for
from softspot.store.records import KeyTaken, as_dict, record_for, save_record

MAX_BODY_BYTES = 2_000_000


def _errors(status: int, *errors: FieldError) -> JsonResponse:
    return JsonResponse({"errors": [{"field": e.field, "message": e.message} for e in errors]}, status=status)


@require_POST
def create_record(request: HttpRequest) -> JsonResponse:
    try:
        owner = owner_for(request)
    except PermissionDenied:
        return _errors(403, FieldError("", "sign in first"))
    if len(request.body) > MAX_BODY_BYTES:
        return _errors(400, FieldError("", f"the record is larger than {MAX_BODY_BYTES // 1_000_000} MB"))
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _errors(400, FieldError("", "the body is not JSON"))
    try:
        payload = parse_record(data)
    except RecordError as exc:
        return _errors(400, *exc.errors)
    try:
        record, created = save_record(owner, payload)
    except KeyTaken as exc:
        return _errors(409, FieldError("key", str(exc)))
    return JsonResponse(as_dict(record), status=201 if created else 200)


@require_GET
def show_record(request: HttpRequest, key: uuid.UUID) -> JsonResponse:
    try:
        owner = owner_for(request)
    except PermissionDenied:
        return _errors(403, FieldError("", "sign in first"))
    record = record_for(owner, key)
    if record is None:
        return _errors(404, FieldError("key", "no such record"))
    return JsonResponse(as_dict(record))
