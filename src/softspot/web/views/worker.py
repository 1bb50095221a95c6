"""The player's service worker, served from the site root so it may control every page (scope ``/``)."""

from __future__ import annotations

from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

WORKER = Path(__file__).resolve().parent.parent / "static" / "softspot" / "sw.js"


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """``static/softspot/sw.js`` at ``/sw.js``; never cached, so a new version is picked up on the next visit."""
    try:
        code = WORKER.read_bytes()
    except FileNotFoundError:
        raise Http404("No service worker") from None
    response = HttpResponse(code, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response
