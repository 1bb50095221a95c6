"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from softspot import i18n

THEME_COOKIE = "softspot-theme"
THEMES = ("light", "dark")


def site(request: HttpRequest) -> dict[str, object]:
    """``sign_in_needed``: true under ``--lan`` and in production, where the header offers sign-out.

    ``theme``: the light/dark choice made with the switch (``static/softspot/theme.js`` keeps it in
    a cookie), written into ``<html data-theme>`` so the page is right from its first paint; empty
    when none was made (the page follows the system's ``prefers-color-scheme``).

    ``languages``: code and name of every language softspot speaks, for the switch in the header.
    """
    theme = request.COOKIES.get(THEME_COOKIE, "")
    return {
        "sign_in_needed": not settings.LOCAL_OWNER,
        "theme": theme if theme in THEMES else "",
        # The language switch: each language named in itself, whatever the page's language.
        "languages": [(code, language.name) for code, language in i18n.LANGUAGES.items()],
    }
