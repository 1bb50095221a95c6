"""The page's language for the rest of the request (issue 11).

Django's ``LocaleMiddleware`` picks the language (the switch's cookie, else ``Accept-Language``, else
English) and activates it for the pages' own words. ``ActiveLanguage`` then hands the same language to
softspot's core (``softspot.i18n.use``), so the messages the core makes for a page (plan explanations,
aftercare, progress sentences, screening reasons) come out in the page's language too.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation

from softspot import i18n


def language_of(request: HttpRequest) -> str:
    """The page's language: one of ``softspot.i18n.LANGUAGES`` (LocaleMiddleware has picked it)."""
    code = getattr(request, "LANGUAGE_CODE", "") or translation.get_language() or settings.LANGUAGE_CODE
    return i18n.normalize(code) or i18n.DEFAULT


class ActiveLanguage:
    """Runs the view inside ``softspot.i18n.use(<the page's language>)``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with i18n.use(language_of(request)):
            return self.get_response(request)
