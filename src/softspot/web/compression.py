"""Compress HTML, JSON and other text answers (Django's ``GZipMiddleware``), never audio or ranges.

BREACH (guessing a secret in a compressed page from its length, by making the
victim's browser send many requests that reflect guessed text) needs a secret
that is the same in every response. softspot's pages hold one secret, the CSRF
token, and Django masks it afresh for every response (a new random mask XORed
with the secret), so no two pages carry the same bytes for it; the session id
is in a cookie, never in a body. On top, Django's ``GZipMiddleware`` adds random
bytes to each gzip header ("Heal the Breach"), which blurs the lengths an
attacker measures. So compressing pages that also show what someone typed (a
session's note) gives an attacker nothing to find.

Audio and other binary answers are left alone: they are compressed already, and
a ``206 Partial Content`` answer must send the very bytes the ``Range`` asked for.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware

TEXT_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml", "application/manifest+json")


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        content_type = response.get("Content-Type", "")
        if response.status_code == 206 or not content_type.startswith(TEXT_TYPES):
            return response
        return super().process_response(request, response)
