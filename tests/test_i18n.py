"""softspot.i18n: the languages, the active one, and numbers, durations and distances in each."""

from __future__ import annotations

import contextvars

import pytest

from softspot import i18n


def test_it_ships_english_spanish_german_and_thai_named_in_themselves() -> None:
    assert {code: (lang.name, lang.voice, lang.direction) for code, lang in i18n.LANGUAGES.items()} == {
        "en": ("English", "en", "ltr"),
        "es": ("Español", "es", "ltr"),
        "de": ("Deutsch", "de", "ltr"),
        "th": ("ไทย", "th", "ltr"),
    }
    assert i18n.DEFAULT == "en"


@pytest.mark.parametrize(
    ("tag", "lang"),
    [
        ("es-MX", "es"),
        ("es_MX.UTF-8", "es"),
        ("DE", "de"),
        ("de_AT@euro", "de"),
        ("th_TH.UTF-8", "th"),
        ("en-GB", "en"),
        ("pt", None),
        ("pt_BR", None),
        ("", None),
        (None, None),
        ("C", None),
    ],
)
def test_it_normalizes_tags_to_a_shipped_language_or_none(tag: str | None, lang: str | None) -> None:
    assert i18n.normalize(tag) == lang


def test_it_refuses_a_language_it_does_not_ship_naming_those_it_does() -> None:
    with pytest.raises(i18n.LanguageError, match=r"^softspot does not speak 'xx'; choose one of: en, es, de, th$"):
        i18n.require("xx")


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "th_TH.UTF-8"}, "th"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "de_DE.UTF-8"}, "de"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "es_ES.UTF-8"}, "es"),
        ({"LANG": "de_DE.UTF-8", "LANGUAGE": "pt:es:en"}, "es"),
        ({"LANG": "C", "LANGUAGE": "es"}, "en"),  # GNU gettext ignores LANGUAGE in the C locale
        ({"LANG": "pt_BR.UTF-8"}, "en"),
    ],
)
def test_it_reads_the_terminal_language_the_way_gettext_does(environ: dict[str, str], lang: str) -> None:
    assert i18n.from_environment(environ) == lang


def test_the_active_language_is_scoped_to_a_block_and_to_a_context() -> None:
    assert i18n.active() == "en"
    with i18n.use("de-CH"):
        assert i18n.active() == "de"
        with i18n.use("th"):
            assert i18n.active() == "th"
        assert i18n.active() == "de"
        # another context (another request) starts from the default
        assert contextvars.Context().run(i18n.active) == "en"
    assert i18n.active() == "en"
    with pytest.raises(i18n.LanguageError), i18n.use("xx"):
        pass


def test_english_messages_are_the_source_text() -> None:
    assert i18n._("Stop") == "Stop"
    assert i18n.ngettext("%(n)d spot", "%(n)d spots", 2) == "%(n)d spots"
    assert i18n.pgettext("leg", "left") == "left"
    assert i18n.N_("later") == "later"


@pytest.mark.parametrize(
    ("lang", "number", "duration", "cm", "inches"),
    [
        ("en", "2.5", "1 min 35 s", "2.5 cm", "1.0 in"),
        ("es", "2,5", "1 min 35 s", "2,5 cm", "1 in"),
        ("de", "2,5", "1 min 35 s", "2,5 cm", "1 Zoll"),
        ("th", "2.5", "1 นาที 35 วินาที", "2.5 ซม.", "1 นิ้ว"),
    ],
)
def test_it_writes_numbers_durations_and_distances_per_language(
    lang: str, number: str, duration: str, cm: str, inches: str
) -> None:
    assert i18n.format_number(2.5, lang) == number
    assert i18n.format_duration(95, lang) == duration
    assert i18n.format_distance(2.5, "cm", lang) == cm
    assert i18n.format_distance(2.54, "in", lang) == inches
    assert i18n.format_clock(95) == "1:35"


def test_english_writing_is_what_softspot_printed_before_languages() -> None:
    from softspot.core import units

    for seconds in (0, 5, 60, 95, 120, 300, 1234):
        assert i18n.format_duration(seconds) == units.format_duration(seconds)
        assert i18n.format_clock(seconds) == units.format_seconds(seconds)
    for cm in (0.0, 2.5, 5.08, 45.0, 44.97):
        for unit in ("cm", "in"):
            assert i18n.format_distance(cm, unit) == units.format_distance(cm, unit)


@pytest.mark.parametrize(
    ("lang", "inch", "two_inches", "half_cm", "ninety", "half_minute", "two_minutes"),
    [
        ("en", "an inch", "2 inches", "2.5 centimetres", "1 minute 30 seconds", "30 seconds", "2 minutes"),
        ("es", "una pulgada", "2 pulgadas", "2,5 centímetros", "un minuto y 30 segundos", "medio minuto", "2 minutos"),
        (
            "de",
            "einen Zoll",
            "2 Zoll",
            "2,5 Zentimeter",
            "eine Minute und 30 Sekunden",
            "eine halbe Minute",
            "2 Minuten",
        ),
        ("th", "หนึ่งนิ้ว", "2 นิ้ว", "2.5 เซนติเมตร", "หนึ่งนาที 30 วินาที", "ครึ่งนาที", "2 นาที"),
    ],
)
def test_it_says_distances_and_durations_the_way_each_language_reads_them(
    lang: str, inch: str, two_inches: str, half_cm: str, ninety: str, half_minute: str, two_minutes: str
) -> None:
    assert i18n.say_distance(2.54, "in", lang) == inch
    assert i18n.say_distance(5.08, "in", lang) == two_inches
    assert i18n.say_distance(2.5, "cm", lang) == half_cm
    assert i18n.say_duration(90, lang) == ninety
    assert i18n.say_duration(30, lang) == half_minute
    assert i18n.say_duration(120, lang) == two_minutes


def test_formatting_follows_the_active_language() -> None:
    with i18n.use("de"):
        assert i18n.format_distance(2.5) == "2,5 cm"
        assert i18n.say_distance(2.54, "in") == "einen Zoll"


def test_english_speech_is_what_the_planner_said_before_languages() -> None:
    assert [i18n.say_duration(s) for s in (1, 60, 61, 125)] == [
        "1 second",
        "1 minute",
        "1 minute 1 second",
        "2 minutes 5 seconds",
    ]
    assert [i18n.say_distance(cm, "cm") for cm in (3.0, 2.5, 1.0)] == [
        "3 centimetres",
        "2.5 centimetres",
        "a centimetre",
    ]
    assert i18n.say_distance(2.54 * 1.5, "in") == "1.5 inches"
