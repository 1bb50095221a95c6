"""The player's service worker, served at the site root so its scope covers every page.

A worker served from ``/static/softspot/sw.js`` may only control ``/static/softspot/``;
served here, at ``/sw.js``, it controls the plan and player pages too. It is never
cached by the browser's HTTP cache, so a new version is picked up on the next visit.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

SW_FILE = Path(__file__).resolve().parent / "static" / "softspot" / "sw.js"


@cache
def _source() -> bytes:
    return SW_FILE.read_bytes()


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_source(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
