"""Techniques a page can use: the built-in ones and those therapists publish, each version kept for ever.

A published technique's id is the file's ``id``, ``@``, and the therapist's
handle (``evening-stretch@jo``): built-in ids never hold ``@`` and handles are
unique, so no id can collide. The returned :class:`Technique` carries that id,
so a plan's script, and the record made from it, name the exact technique and
version that were used.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from softspot.core.loader import Problem, TechniqueError, built_in, built_in_ids, parse_technique
from softspot.core.technique import Technique
from softspot.practice.models import PublishedTechnique, Therapist

ID_MAX = 60
"""A technique id as records keep it (``softspot.core.record.ID_MAX_CHARS``)."""
_parsed: dict[tuple[str, str], Technique] = {}
"""Parsed versions by (public id, SHA-256 of the text): a version's text never changes."""


class NoSuchTechnique(LookupError):
    pass


def public_id(file_id: str, handle: str) -> str:
    return f"{file_id}@{handle}"


def is_published_id(technique_id: str) -> bool:
    return "@" in technique_id


def as_published(row: PublishedTechnique) -> Technique:
    """The technique of one published version, under its public id (parsed once per process)."""
    key = (row.technique_id, hashlib.sha256(row.text.encode("utf-8", "surrogateescape")).hexdigest())
    found = _parsed.get(key)
    if found is None:
        parsed = parse_technique(row.text, f"{row.file_id}.yaml")
        found = parsed.model_copy(update={"id": row.technique_id})
        _parsed[key] = found
    return found


def latest(technique_id: str) -> PublishedTechnique | None:
    return PublishedTechnique.objects.filter(technique_id=technique_id).order_by("-published", "-id").first()


def technique(technique_id: str, version: str | None = None) -> Technique:
    """A built-in technique, or a published one (its newest version, or ``version``); else NoSuchTechnique."""
    if not is_published_id(technique_id):
        if technique_id in built_in_ids():
            found = built_in(technique_id)
            if version is None or version == found.version:
                return found
        raise NoSuchTechnique(technique_id)
    rows = PublishedTechnique.objects.filter(technique_id=technique_id)
    row = rows.filter(version=version).first() if version is not None else latest(technique_id)
    if row is None:
        raise NoSuchTechnique(technique_id)
    return as_published(row)


def normalise(text: str) -> str:
    """Line breaks as ``\\n`` (a browser's textarea sends ``\\r\\n``), so lines are counted as shown."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _line_of(text: str, key: str) -> int:
    match = re.search(rf"^{key}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


@dataclass(frozen=True)
class Checked:
    """A technique text checked for publishing: the technique, or every problem (never both)."""

    technique: Technique | None
    problems: list[Problem]


def check(therapist: Therapist, text: str, file: str) -> Checked:
    """The loader's problems (FILE:LINE:COLUMN), then what publishing adds: an id that fits, a new version."""
    text = normalise(text)
    try:
        parsed = parse_technique(text, file)
    except TechniqueError as exc:
        return Checked(None, exc.problems)
    problems: list[Problem] = []
    full = public_id(parsed.id, therapist.handle)
    if len(full) > ID_MAX:
        most = ID_MAX - len(therapist.handle) - 1
        problems.append(
            Problem(
                file,
                _line_of(text, "id"),
                1,
                f"id: '{parsed.id}' is too long to publish: with '@{therapist.handle}' after it, "
                f"an id may be at most {most} characters",
            )
        )
    elif PublishedTechnique.objects.filter(technique_id=full, version=parsed.version).exists():
        problems.append(
            Problem(
                file,
                _line_of(text, "version"),
                1,
                f"version: {parsed.version} of '{parsed.id}' is already published, and a published version "
                "never changes; give this one a new version number",
            )
        )
    return Checked(None if problems else parsed, problems)


def publish(therapist: Therapist, text: str, file: str) -> PublishedTechnique:
    """Publish a new version, or raise TechniqueError with every problem (nothing is written then)."""
    text = normalise(text)
    checked = check(therapist, text, file)
    if checked.technique is None:
        raise TechniqueError(checked.problems)
    parsed = checked.technique
    try:
        with transaction.atomic():
            return PublishedTechnique.objects.create(
                therapist=therapist,
                technique_id=public_id(parsed.id, therapist.handle),
                file_id=parsed.id,
                version=parsed.version,
                title=parsed.title[:200],
                text=text,
            )
    except IntegrityError:  # the same version published at the same moment from another tab
        raise TechniqueError(
            [Problem(file, _line_of(text, "version"), 1, f"version: {parsed.version} was just published")]
        ) from None
