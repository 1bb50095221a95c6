"""Languages: which ones softspot speaks, the active one, its messages and its numbers.

Pure Python (the standard library's :mod:`gettext` and Babel); no Django, no Typer, so the core,
the command line and the web can all use it. The web sets the active language for each request
(``with i18n.use(lang): ...``), the command line once from ``--lang`` or the environment.

Messages of ``softspot.core``, ``softspot.cli``, ``softspot.audio`` and ``softspot.store`` live in
the ``softspot`` gettext domain under ``src/softspot/locale/<lang>/LC_MESSAGES/softspot.mo``.
Strings defined at import time are marked with :func:`N_` and translated where they are used.

Numbers, durations and distances are formatted per language, in two registers: *written*
(``format_duration(95)`` -> ``1 min 35 s`` in English and German, ``1 นาที 35 วินาที`` in Thai) and *spoken*,
for cues a voice says
(``say_distance(2.54, "in")`` -> ``an inch``; ``say_distance(2.5, "cm", "de")`` -> ``2,5 Zentimeter``).
English output is exactly what softspot printed before it had languages.
"""

from __future__ import annotations

import contextlib
import contextvars
import gettext as _gettext
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from softspot import terminal_language

DOMAIN = "softspot"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

Direction = Literal["ltr", "rtl"]


@dataclass(frozen=True)
class Words:
    """How a language writes and says units (softspot's own rules; Babel has no spoken forms)."""

    short: dict[str, str]
    """Written after a number: ``min``, ``s``, ``cm``, ``in``."""
    one: dict[str, str]
    """Said for exactly one: ``an inch``, ``una pulgada``."""
    many: dict[str, str]
    """Said after any other number: ``inches``, ``pulgadas``."""
    and_: str
    """Between minutes and seconds when said: ``und`` (English says none: ``1 minute 30 seconds``)."""
    half_minute: str
    """Said for 30 seconds."""


@dataclass(frozen=True)
class Language:
    code: str
    """The tag softspot uses everywhere: ``--lang``, technique files, catalogs, the script."""
    name: str
    """The language's name in itself, for menus: a reader finds their own language by it."""
    english_name: str
    voice: str
    """espeak-ng's voice for it (``espeak-ng --voices`` lists them)."""
    words: Words
    direction: Direction = "ltr"
    unspaced: bool = False
    """Written without spaces between words (Thai): spoken cues are measured in letters, not words."""


LANGUAGES: dict[str, Language] = {
    "en": Language(
        "en",
        "English",
        "English",
        "en",
        Words(
            short={"min": "min", "s": "s", "cm": "cm", "in": "in"},
            one={"in": "an inch", "cm": "a centimetre", "min": "a minute", "s": "a second"},
            many={"in": "inches", "cm": "centimetres", "min": "minutes", "s": "seconds"},
            and_=" ",
            half_minute="30 seconds",
        ),
    ),
    "es": Language(
        "es",
        "Español",
        "Spanish",
        "es",
        Words(
            short={"min": "min", "s": "s", "cm": "cm", "in": "in"},
            one={"in": "una pulgada", "cm": "un centímetro", "min": "un minuto", "s": "un segundo"},
            many={"in": "pulgadas", "cm": "centímetros", "min": "minutos", "s": "segundos"},
            and_=" y ",
            half_minute="medio minuto",
        ),
    ),
    "de": Language(
        "de",
        "Deutsch",
        "German",
        "de",
        Words(
            # SI symbols (DIN 1301), as German technical text writes them: no abbreviation's period to double
            # where a duration ends a sentence ("bis zu 2 Min..")
            short={"min": "min", "s": "s", "cm": "cm", "in": "Zoll"},
            one={"in": "einen Zoll", "cm": "einen Zentimeter", "min": "eine Minute", "s": "eine Sekunde"},
            many={"in": "Zoll", "cm": "Zentimeter", "min": "Minuten", "s": "Sekunden"},
            and_=" und ",
            half_minute="eine halbe Minute",
        ),
    ),
    "th": Language(
        "th",
        "ไทย",
        "Thai",
        "th",
        Words(
            short={"min": "นาที", "s": "วินาที", "cm": "ซม.", "in": "นิ้ว"},
            one={"in": "หนึ่งนิ้ว", "cm": "หนึ่งเซนติเมตร", "min": "หนึ่งนาที", "s": "หนึ่งวินาที"},
            many={"in": "นิ้ว", "cm": "เซนติเมตร", "min": "นาที", "s": "วินาที"},
            and_=" ",
            half_minute="ครึ่งนาที",
        ),
        unspaced=True,
    ),
}
"""Every language softspot ships, source language first. Adding one: docs/translating.md."""

DEFAULT = "en"


class LanguageError(ValueError):
    """A language softspot does not speak; the message lists those it does."""


def normalize(tag: str | None) -> str | None:
    """``es-MX``, ``es_MX.UTF-8``, ``ES`` -> ``es``; a language softspot does not ship -> ``None``."""
    return terminal_language.normalize(tag, LANGUAGES)


def require(tag: str) -> str:
    """``normalize``, or a :class:`LanguageError` that says which languages there are."""
    lang = normalize(tag)
    if lang is None:
        raise LanguageError(
            gettext("softspot does not speak '%(language)s'; choose one of: %(choices)s")
            % {"language": tag, "choices": ", ".join(LANGUAGES)}
        )
    return lang


def choices() -> str:
    """``en (English), es (Español), ...``: for help texts and error messages."""
    return ", ".join(f"{code} ({language.name})" for code, language in LANGUAGES.items())


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language a terminal asks for, the way GNU gettext reads it.

    The locale is the first set of ``LC_ALL``, ``LC_MESSAGES``, ``LANG``. Unless that locale is
    ``C``/``POSIX`` (or unset), ``LANGUAGE`` -- a colon-separated list of preferences -- comes first.
    The first language softspot ships wins; with none, :data:`DEFAULT`.
    """
    return terminal_language.from_environment(os.environ if environ is None else environ, LANGUAGES, DEFAULT)


_active: contextvars.ContextVar[str] = contextvars.ContextVar("softspot_language", default=DEFAULT)


def active() -> str:
    """The language messages are translated into right now."""
    return _active.get()


@contextlib.contextmanager
def use(lang: str | None) -> Iterator[str]:
    """Translate into ``lang`` inside the block (``None``: keep the active one)."""
    chosen = active() if lang is None else require(lang)
    token = _active.set(chosen)
    try:
        yield chosen
    finally:
        _active.reset(token)


def activate(lang: str) -> str:
    """Make ``lang`` the active language for the rest of this context (a command's whole run)."""
    chosen = require(lang)
    _active.set(chosen)
    return chosen


def language(lang: str | None = None) -> Language:
    return LANGUAGES[lang or active()]


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The ``softspot`` catalog of ``lang`` (English, and any language without a catalog: the source text)."""
    if lang == DEFAULT:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def gettext(message: str) -> str:
    return translations(active()).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(active()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(active()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark a string for translation without translating it (module-level constants)."""
    return message


# -- numbers, durations, distances --------------------------------------------------------------

_CM_PER_INCH = 2.54


def _locale(lang: str | None) -> str:
    return lang or active()


def format_number(value: float, lang: str | None = None, *, digits: int = 1, fixed: bool = False) -> str:
    """``2.5`` -> ``2.5`` / ``2,5``; at most ``digits`` decimals, none when the number is whole (``fixed``: always
    ``digits`` decimals, ``6.0`` / ``6,0``)."""
    lang = _locale(lang)
    rounded = round(value, digits)
    if lang == DEFAULT:
        text = f"{rounded:.{digits}f}"
        return text if fixed or "." not in text else text.rstrip("0").rstrip(".")
    from babel.numbers import format_decimal

    pattern = "0." + ("0" if fixed else "#") * digits if digits else "0"
    return str(format_decimal(rounded, format=pattern, locale=lang))


def format_duration(seconds: float, lang: str | None = None) -> str:
    """``95`` -> ``1 min 35 s`` (English, and German with SI symbols) / ``1 นาที 35 วินาที``: words for sentences."""
    lang = _locale(lang)
    short = _words(lang).short
    minute, second = short["min"], short["s"]
    whole = max(0, round(seconds))
    minutes, secs = divmod(whole, 60)
    if minutes and secs:
        return f"{minutes} {minute} {secs} {second}"
    if minutes:
        return f"{minutes} {minute}"
    return f"{secs} {second}"


def _words(lang: str) -> Words:
    return (LANGUAGES.get(lang) or LANGUAGES[DEFAULT]).words


def format_clock(seconds: float) -> str:
    """``95`` -> ``1:35``: a clock face, the same in every language softspot ships."""
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def format_distance(cm: float, unit: Literal["cm", "in"] = "cm", lang: str | None = None) -> str:
    """``2.54, "in"`` -> ``1.0 in``; ``2.5`` -> ``2,5 cm`` in German: written, for screens."""
    lang = _locale(lang)
    symbol = _words(lang).short[unit]
    if lang == DEFAULT:  # exactly what softspot.core.units printed before languages
        if unit == "in":
            return f"{cm / _CM_PER_INCH:.1f} in"
        return f"{cm:.1f} cm" if abs(cm - round(cm)) >= 0.05 else f"{round(cm)} cm"
    value = cm / _CM_PER_INCH if unit == "in" else cm
    return f"{format_number(value, lang)} {symbol}"


# Spoken forms: what a voice reads well. Counts are words where the language says them so
# ("an inch", "una pulgada"); otherwise digits, which every espeak-ng voice reads in its language.


def _say_count(value: float, unit: str, lang: str) -> str:
    words = _words(lang)
    if round(value, 1) == 1:
        return words.one[unit]
    return f"{format_number(value, lang)} {words.many[unit]}"


def say_distance(cm: float, unit: Literal["cm", "in"] = "cm", lang: str | None = None) -> str:
    """``2.54, "in"`` -> ``an inch``; ``2.5`` -> ``2,5 Zentimeter`` (de), ``2.5 เซนติเมตร`` (th)."""
    lang = _locale(lang)
    value = cm / _CM_PER_INCH if unit == "in" else cm
    return _say_count(value, unit, lang)


def say_duration(seconds: float, lang: str | None = None) -> str:
    """``90`` -> ``eine Minute und 30 Sekunden`` (de), ``30`` -> ``medio minuto`` (es), ``120`` -> ``2 นาที`` (th).

    English says what softspot said before it had languages: ``1 minute 30 seconds``, ``2 minutes``.
    """
    lang = _locale(lang)
    whole = max(0, round(seconds))
    minutes, secs = divmod(whole, 60)
    if lang == DEFAULT:
        parts = [f"{minutes} minute{'s' if minutes != 1 else ''}"] if minutes else []
        if secs or not minutes:
            parts.append(f"{secs} second{'s' if secs != 1 else ''}")
        return " ".join(parts)
    if whole == 30:
        return _words(lang).half_minute
    parts = []
    if minutes:
        parts.append(_say_count(minutes, "min", lang))
    if secs or not minutes:
        parts.append(_say_count(secs, "s", lang))
    return _words(lang).and_.join(parts)
