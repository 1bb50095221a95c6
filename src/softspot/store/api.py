"""The records API for the web player: ``POST /api/records/`` and ``GET /api/records/<key>/``.

A record is stored once per key: 201 the first time, 200 with the same body on a
repeat. Every refusal is JSON, ``{"errors": [{"field", "message"}]}``, and writes
nothing:

* 400 the body is not a record: not JSON, nested too deep, NaN or Infinity,
  a field missing or out of its bounds (the field is named); or it does not say
  whose session it is while the household has several receivers (``receiver``);
* 403 no owner (sign in first) or the CSRF check failed;
* 405 another method; 409 the key is someone else's;
* 413 the body is larger than :data:`~softspot.core.record.MAX_RECORD_BYTES`;
* 415 the body is not sent as ``application/json``;
* 503 the store cannot be used (read-only, missing or damaged; see ``softspot.store.health``).

The size and type are checked by :class:`softspot.store.middleware.RecordRequestLimits`
before Django's CSRF check reads anything. CSRF protection is Django's middleware:
the browser sends the ``X-CSRFToken`` header.
"""

from __future__ import annotations

import logging
import uuid

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DataError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.utils import timezone

from softspot.core.record import MAX_RECORD_BYTES, FieldError, RecordError, read_record
from softspot.i18n import _
from softspot.store.access import owner_for
from softspot.store.receivers import ReceiverError, for_record
from softspot.store.records import KeyTaken, as_dict, record_for, save_record

log = logging.getLogger(__name__)
API_PREFIX = "/api/"
JSON_TYPE = "application/json"


def too_large() -> str:
    return _("the record is larger than %(n)d MB") % {"n": MAX_RECORD_BYTES // 1_000_000}


def errors(status: int, *found: FieldError) -> JsonResponse:
    """The API's answer to anything it refuses."""
    return JsonResponse({"errors": [{"field": e.field, "message": e.message} for e in found]}, status=status)


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def create_record(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _only(request, "POST")
    try:
        owner = owner_for(request)
    except PermissionDenied:
        return errors(403, FieldError("", _("sign in first")))
    try:
        body = request.body
    except RequestDataTooBig:
        return errors(413, FieldError("", too_large()))
    except (UnreadablePostError, OSError):
        return errors(400, FieldError("", _("the body could not be read to its end; send it again")))
    if len(body) > MAX_RECORD_BYTES:
        return errors(413, FieldError("", too_large()))
    try:
        payload = read_record(body, now=timezone.now())
    except RecordError as exc:
        return errors(400, *exc.errors)
    try:
        with transaction.atomic():  # a first receiver made for this record goes if the record is refused
            receiver = for_record(owner, payload.plan, payload.receiver)
            record, created = save_record(receiver, payload, savepoint=False)  # this transaction is the unit
    except ReceiverError as exc:
        return errors(400, FieldError(exc.field, str(exc)))
    except KeyTaken as exc:
        return errors(409, FieldError("key", str(exc)))
    except (DataError, IntegrityError) as exc:
        # Validation should have refused this: log it as the bug it is, and tell the sender plainly.
        log.error("a validated record did not fit the store", exc_info=exc)
        return errors(400, FieldError("", _("the record could not be stored: a value does not fit the store")))
    return JsonResponse(as_dict(record), status=201 if created else 200)


def show_record(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    if request.method not in {"GET", "HEAD"}:
        return _only(request, "GET")
    try:
        owner = owner_for(request)
    except PermissionDenied:
        return errors(403, FieldError("", _("sign in first")))
    record = record_for(owner, key)
    if record is None:
        return errors(404, FieldError("key", _("no such record")))
    return JsonResponse(as_dict(record))


def _only(request: HttpRequest, method: str) -> HttpResponse:
    response = errors(
        405,
        FieldError(
            "", _("%(method)s is not allowed here; use %(allowed)s") % {"method": request.method, "allowed": method}
        ),
    )
    response["Allow"] = method
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF failure view (``CSRF_FAILURE_VIEW``): JSON for the API, Django's page elsewhere."""
    if is_api(request):
        return errors(
            403,
            FieldError("", _("the CSRF check failed (%(reason)s); send the X-CSRFToken header") % {"reason": reason}),
        )
    from django.views.csrf import csrf_failure as page

    return page(request, reason)
