"""The words of a technique file, without pydantic: :class:`Text` and :class:`Name`, and where each statement
comes from (:func:`source_of`).

:mod:`softspot.core.technique` validates them (their pydantic schema is built here, importing pydantic only
then); :mod:`softspot.core.plain` reads a validated built-in technique back with them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from softspot.i18n import DEFAULT as DEFAULT_LANGUAGE
from softspot.i18n import LANGUAGES, N_, _

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationInfo
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import core_schema

    from softspot.core.technique import Technique


# -- where each statement comes from ------------------------------------------------------------------

Source = Literal["article", "softspot"]
"""``article``: the therapist's text the file is written from; ``softspot``: added by softspot (or the editor)."""
SOURCES: tuple[Source, ...] = ("article", "softspot")


LanguageCode = str
"""A language tag softspot ships (``softspot.i18n.LANGUAGES``): ``en``, ``es``, ``de``, ``th``."""


def _file_language(info: ValidationInfo | None) -> str:
    context = info.context if info is not None else None
    found = context.get("language") if isinstance(context, dict) else None
    return found if isinstance(found, str) else DEFAULT_LANGUAGE


class Text(str):
    """Words in a technique file, in one language or several.

    Written as a plain string (in the file's ``language:``), a map of language to words
    (``{en: Sit here, de: Hier sitzen}``), or ``{text: ..., source: softspot}`` to give its own source,
    whose ``text`` may itself be such a map. A ``Text`` is a ``str`` (so it prints and compares as its
    words in the file's language) with a ``source`` (None: the source of whatever holds it, up to the
    file's ``source``; see :func:`source_of`) and ``texts``, the words by language (empty for a plain
    string). :meth:`Technique.localized` makes a copy of a technique whose texts are in one language.
    """

    source: Source | None
    texts: dict[str, str]

    def __new__(cls, text: str, source: Source | None = None, texts: dict[str, str] | None = None) -> Text:
        made = super().__new__(cls, text)
        made.source = source
        made.texts = dict(texts or {})
        return made

    def in_language(self, lang: str) -> Text:
        """The same text in ``lang`` alone (its own words when it has none in ``lang``)."""
        return type(self)(self.texts.get(lang, str(self)), self.source)

    def languages(self, file_language: str) -> frozenset[str]:
        """The languages it has words in."""
        return frozenset(self.texts) if self.texts else frozenset({file_language})

    def each(self, file_language: str) -> list[tuple[str, str]]:
        """``(language, words)`` for every language it is written in."""
        return list(self.texts.items()) if self.texts else [(file_language, str(self))]

    @classmethod
    def _validate(cls, value: object, info: ValidationInfo | None = None) -> Text:
        if isinstance(value, Text):
            return value
        file_language = _file_language(info)
        source: Source | None = None
        if isinstance(value, dict) and set(value) <= {"text", "source"}:
            words, given = value.get("text"), value.get("source")
            if not isinstance(words, (str, dict)):
                raise ValueError(_("a text written as a mapping needs 'text:' with the words"))
            if given == "article" or given == "softspot":
                source = given
            else:
                raise ValueError(_("'source' is %(given)s; use article or softspot") % {"given": repr(given)})
            value = words
        texts: dict[str, str] = {}
        if isinstance(value, str):
            text = value
        elif isinstance(value, dict):
            texts = _language_map(value)
            text = texts.get(file_language) or next(iter(texts.values()))
        else:
            got = {"list": N_("a list"), "int": N_("a number"), "float": N_("a number"), "bool": N_("true/false")}
            name = type(value).__name__
            kind = _("nothing") if value is None else (_(got[name]) if name in got else name)
            raise ValueError(_("wrong type: input should be a valid string, got %(kind)s") % {"kind": kind})
        if not text.strip():
            raise ValueError(_("the text is empty"))
        return cls(text, source, texts)

    def _dump(self) -> str | dict[str, Any]:
        words: str | dict[str, str] = dict(self.texts) if self.texts else str(self)
        return words if self.source is None else {"text": words, "source": self.source}

    @classmethod
    def __get_pydantic_core_schema__(cls, source_type: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        from pydantic_core import core_schema

        return core_schema.with_info_plain_validator_function(
            cls._validate,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda v: v._dump()),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        words: JsonSchemaValue = {"type": "string", "minLength": 1}
        by_language: JsonSchemaValue = {
            "type": "object",
            "description": "The words in each language, by language tag.",
            "propertyNames": {"enum": list(LANGUAGES)},
            "additionalProperties": words,
            "minProperties": 1,
        }
        return {
            "anyOf": [
                words,
                by_language,
                {
                    "type": "object",
                    "properties": {"text": {"anyOf": [words, by_language]}, "source": {"enum": list(SOURCES)}},
                    "required": ["text", "source"],
                    "additionalProperties": False,
                },
            ]
        }


class Name(Text):
    """A title or the name of a part (a side, a surface, the segment, the joint): words in one language or
    several, like :class:`Text`, but a label rather than a statement (:func:`statements` leaves it out)."""


def _language_map(value: dict[Any, Any]) -> dict[str, str]:
    """``{en: ..., de: ...}``: every key a language softspot ships, every value non-empty words."""
    texts: dict[str, str] = {}
    for key, words in value.items():
        lang = key if isinstance(key, str) and key in LANGUAGES else None
        if lang is None:
            if str(key) in ("text", "source"):
                raise ValueError(_("a text has either 'text' and 'source', or words by language, not both"))
            if isinstance(key, str) and len(key) in (2, 3) and key.isalpha() and key.islower():
                raise ValueError(
                    _("'%(key)s' is not a language softspot speaks; use %(languages)s")
                    % {"key": key, "languages": ", ".join(LANGUAGES)}
                )
            raise ValueError(
                _(
                    "unknown key '%(key)s' in a text; a text has 'text' and 'source', "
                    "or words by language: %(languages)s"
                )
                % {"key": str(key)[:20], "languages": ", ".join(LANGUAGES)}
            )
        if not isinstance(words, str):
            raise ValueError(
                _("the '%(lang)s' text should be words, not %(kind)s") % {"lang": lang, "kind": type(words).__name__}
            )
        if not words.strip():
            raise ValueError(_("the '%(lang)s' text is empty") % {"lang": lang})
        texts[lang] = words
    if not texts:
        raise ValueError(_("a text needs words in at least one language"))
    return texts


def source_of(technique: Technique, *parts: object) -> Source:
    """The source of the innermost part: its own ``source``, else the nearest enclosing part's, else the file's.

    ``parts`` run from the outermost to the innermost, e.g. ``source_of(t, question, question.if_yes,
    question.if_yes.instead)``.
    """
    for part in reversed(parts):
        found = getattr(part, "source", None)
        if found is not None:
            return found  # type: ignore[no-any-return]
    return technique.source
