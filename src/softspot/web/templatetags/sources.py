"""``{% adds technique part ... %}``: "softspot adds: " before softspot's own words (see softspot.web.sources)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from softspot.core.technique import Technique
from softspot.web.sources import adds as is_softspots

register = template.Library()


def mark() -> SafeString:
    """The mark, in the page's language."""
    return format_html('<span class="adds">{}</span> ', gettext("softspot adds:"))


@register.simple_tag
def adds(technique: Technique | None, *parts: object) -> SafeString:
    """The mark when the innermost of ``parts`` (outermost first) is softspot's addition, else nothing."""
    return mark() if is_softspots(technique, *parts) else mark_safe("")
