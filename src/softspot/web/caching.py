"""Conditional GETs for pages: an ETag made from what the page is made of, so a browser's copy is sent again
only when something in it changed.

A page cannot be tagged by hashing its bytes: each one carries a CSRF token masked
afresh (and, signed in, a sign-out form), so no two renderings are equal. The
tag is made instead from everything the page depends on: the build (templates,
static files, softspot's version and settings), the page's own inputs (the
technique's version; the plan, its ratings before, whether it was saved), and
the person's state (signed-in user, theme cookie, the CSRF cookie, whose secret
the page's masked token unmasks to). When all of those are unchanged, the copy
the browser holds is still right, token included, and the answer is a bodiless
304. ``Cache-Control: private, no-cache``: only the person's own browser keeps
it, and asks every time. No ``Last-Modified``: a date cannot say that the theme
or the CSRF cookie changed, and a browser that sends both validators is
answered from the ETag anyway.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.middleware.csrf import CSRF_SESSION_KEY
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import get_language

import softspot

WEB = Path(__file__).resolve().parent


@cache
def build_id() -> str:
    """What every page of this build shares: softspot's version, the templates and static files, the settings
    that change pages, the catalogs of their words. Computed once per process (about 400 KB read)."""
    digest = hashlib.sha256(getattr(softspot, "__version__", "").encode())
    for folder in (WEB / "templates", WEB / "static", WEB.parent / "locale"):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = str(path.relative_to(WEB.parent)).encode()
            digest.update(name + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    digest.update(repr((settings.LOCAL_OWNER, settings.SOFTSPOT_TIME_SCALE, settings.STATIC_URL)).encode())
    from django.contrib.staticfiles.storage import staticfiles_storage

    digest.update(str(getattr(staticfiles_storage, "current", False)).encode())
    return digest.hexdigest()


def page_etag(request: HttpRequest, *parts: object) -> str:
    """A weak ETag for this page as this person would get it now."""
    user = request.user if hasattr(request, "user") else None
    person = (
        user.pk if user is not None and user.is_authenticated else None,
        request.COOKIES.get("softspot-theme", ""),
        # The page's language (the switch's cookie or Accept-Language): a page in another language is another page.
        get_language(),
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        if not settings.CSRF_USE_SESSIONS
        else request.session.get(CSRF_SESSION_KEY, ""),
    )
    digest = hashlib.sha256(repr((build_id(), person, parts)).encode()).hexdigest()[:32]
    return f'W/"{digest}"'


def not_modified(request: HttpRequest, etag: str) -> HttpResponseBase | None:
    """A 304 when the browser already holds this version, else None (render the page, then :func:`tagged`)."""
    if request.method not in ("GET", "HEAD"):
        return None
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    if "*" not in wanted and etag.removeprefix("W/") not in {e.removeprefix("W/") for e in wanted}:
        return None
    return tagged(HttpResponseNotModified(), etag)


def tagged(response: HttpResponseBase, etag: str) -> HttpResponseBase:
    if response.status_code in (200, 304):
        response["ETag"] = etag
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response
