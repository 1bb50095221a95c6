"""The language a command speaks: ``--lang``, else the receiver's preference, else ``LC_ALL``/``LC_MESSAGES``/
``LANG``/``LANGUAGE`` (:func:`softspot.i18n.from_environment`), else English.

A technique is said in a language it is written in: an explicit ``--lang`` it lacks is an error; a language
from the terminal or a preference it lacks falls back to the technique's own language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from softspot import i18n
from softspot.cli.output import fail
from softspot.i18n import _

if TYPE_CHECKING:
    from softspot.core.technique import Technique


def option(given: str | None, name: str = "--lang") -> str | None:
    """``--lang`` checked: a language softspot ships (``es-MX`` -> ``es``), or a one-line error and exit 2."""
    if given is None:
        return None
    try:
        return i18n.require(given)
    except i18n.LanguageError as exc:
        fail(f"{name}: {exc}")


def choose(given: str | None, preference: str | None = None, technique: Technique | None = None) -> str:
    """The language to use, made active for the rest of the command (messages, numbers, the script)."""
    explicit = option(given)
    wanted = explicit or i18n.normalize(preference) or i18n.from_environment()
    if technique is not None and wanted not in technique.written_in:
        if explicit is not None:
            fail(
                _("--lang: %(id)s is not written in '%(lang)s' (it is in: %(languages)s)")
                % {"id": technique.id, "lang": explicit, "languages": ", ".join(technique.written_in)}
            )
        wanted = technique.language
    return i18n.activate(wanted)


def voice_for(voice_name: str | None, lang: str) -> str:
    """``--voice-name`` when given, else espeak-ng's voice for the language."""
    return voice_name or i18n.LANGUAGES[lang].voice
