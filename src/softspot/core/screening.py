"""Screening: the technique's safety questions turned into go, adapt, ask first or stop.

* ``stop``: a "yes" to a ``stop`` question; no session (every reason is given).
* ``ask_first``: a "yes" to an ``ask_first`` question and no ``stop``: no session until the user confirms
  that a doctor or therapist has said this technique is fine for the receiver (``cleared``). Once cleared,
  the verdict is ``go`` or ``adapt`` and :attr:`Screening.cleared` names the questions that were cleared.
* ``adapt``: a "yes" to an ``adapt`` question: the session changes (surface, position, add-ons).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from softspot.i18n import _

if TYPE_CHECKING:
    from softspot.core.technique import Question, Technique

Verdict = Literal["go", "adapt", "ask_first", "stop"]

_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


class AnswerError(ValueError):
    """An answer that names no question or is neither yes nor no."""


@dataclass(frozen=True)
class Screening:
    """The outcome of one set of answers."""

    verdict: Verdict
    answers: dict[str, bool]
    stops: tuple[Question, ...] = ()
    adaptations: tuple[Question, ...] = ()
    asks: tuple[Question, ...] = ()
    """``ask_first`` questions answered yes (cleared or not)."""
    cleared: bool = False
    """The user confirmed a doctor or therapist said this technique is fine for the receiver."""
    surface: str | None = None
    position: str | None = None
    omitted_add_ons: frozenset[str] = field(default_factory=frozenset)

    @property
    def reasons(self) -> list[str]:
        """Every reason, stops first, then ask-first and adaptations, in the technique's order."""
        return [str(q.if_yes.reason) for q in (*self.stops, *self.asks, *self.adaptations)]

    @property
    def cleared_questions(self) -> list[str]:
        """The ids of the ask-first questions a professional's go-ahead covers (empty unless cleared)."""
        return [q.id for q in self.asks] if self.cleared else []


def parse_answers(technique: Technique, pairs: list[str]) -> dict[str, bool]:
    """Read ``ID=yes|no`` pairs, naming the first wrong one."""
    known = [q.id for q in technique.questions]
    answers: dict[str, bool] = {}
    for pair in pairs:
        qid, sep, raw = pair.partition("=")
        qid, value = qid.strip(), raw.strip().lower()
        if not sep:
            raise AnswerError(_("'%(pair)s' should be ID=yes or ID=no") % {"pair": pair})
        if qid not in known:
            close = difflib.get_close_matches(qid, known, n=1)
            if close:
                said = _("there is no question '%(id)s'; did you mean '%(near)s'?")
            else:
                said = _("there is no question '%(id)s' (questions: %(ids)s)")
            raise AnswerError(said % {"id": qid, "near": close[0] if close else "", "ids": ", ".join(known)})
        if value in _YES:
            answers[qid] = True
        elif value in _NO:
            answers[qid] = False
        else:
            raise AnswerError(_("the answer to '%(id)s' is '%(answer)s'; say yes or no") % {"id": qid, "answer": raw})
    return answers


def missing_answers(technique: Technique, answers: Mapping[str, bool]) -> list[Question]:
    return [q for q in technique.questions if q.id not in answers]


def screen(technique: Technique, answers: Mapping[str, bool], *, cleared: bool = False) -> Screening:
    """Apply every answer; all questions must be answered. ``cleared``: a professional said it is fine."""
    missing = missing_answers(technique, answers)
    if missing:
        raise AnswerError(_("unanswered: %(ids)s") % {"ids": ", ".join(q.id for q in missing)})
    yes = [q for q in technique.questions if answers[q.id]]
    stops = tuple(q for q in yes if q.if_yes.action == "stop")
    adaptations = tuple(q for q in yes if q.if_yes.action == "adapt")
    asks = tuple(q for q in yes if q.if_yes.action == "ask_first")
    surface = next((q.if_yes.use_surface for q in adaptations if q.if_yes.use_surface), None)
    position = next((q.if_yes.use_position for q in adaptations if q.if_yes.use_position), None)
    omitted = frozenset(a for q in adaptations for a in q.if_yes.omit_add_ons)
    verdict: Verdict
    if stops:
        verdict = "stop"
    elif asks and not cleared:
        verdict = "ask_first"
    else:
        verdict = "adapt" if adaptations else "go"
    cleared = cleared and bool(asks)
    return Screening(
        verdict,
        dict(answers),
        stops=stops,
        adaptations=adaptations,
        asks=asks,
        cleared=cleared,
        surface=surface,
        position=position,
        omitted_add_ons=omitted,
    )
