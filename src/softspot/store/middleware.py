"""Middleware for the store: refuse everything while the database is damaged; bound record requests."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from softspot.core.record import MAX_RECORD_BYTES, FieldError
from softspot.i18n import _
from softspot.store import health
from softspot.store.access import owner_for
from softspot.store.api import JSON_TYPE, errors, is_api, too_large

Handler = Callable[[HttpRequest], HttpResponse]


class StoreHealth:
    """Once a damaged database has been seen, answer 503 with the reason instead of running any view.

    Pages that still worked on the damaged file would otherwise keep taking
    records while others fail. Static files are served before this (whitenoise).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = health.broken()
        if problem is not None:
            return health.unavailable(request, problem)
        return self.get_response(request)


class RecordRequestLimits:
    """Posts to the API: from an owner (403), as JSON (415), no larger than the record limit (413).

    It sits after the authentication middleware: its ``__call__`` runs before
    any middleware's ``process_view``, so before the CSRF check reads a form body.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and is_api(request):
            try:
                owner_for(request)
            except PermissionDenied:
                return errors(403, FieldError("", _("sign in first")))
            if request.content_type != JSON_TYPE:
                sent = request.content_type or "nothing"
                return errors(
                    415,
                    FieldError(
                        "", _("send the record as %(wanted)s, not %(sent)s") % {"wanted": JSON_TYPE, "sent": sent}
                    ),
                )
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return errors(400, FieldError("", _("the Content-Length header is not a number")))
            if length > MAX_RECORD_BYTES:
                return errors(413, FieldError("", too_large()))
        return self.get_response(request)
