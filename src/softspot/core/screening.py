"""Screening: the technique's safety questions turned into go, adapt or stop."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from softspot.core.technique import Question, Technique

Verdict = Literal["go", "adapt", "stop"]

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
    surface: str | None = None
    position: str | None = None
    omitted_add_ons: frozenset[str] = field(default_factory=frozenset)

    @property
    def reasons(self) -> list[str]:
        """Every reason, stops first, in the technique's order."""
        return [q.if_yes.reason for q in (*self.stops, *self.adaptations)]


def parse_answers(technique: Technique, pairs: list[str]) -> dict[str, bool]:
    """Read ``ID=yes|no`` pairs, naming the first wrong one."""
    known = [q.id for q in technique.questions]
    answers: dict[str, bool] = {}
    for pair in pairs:
        qid, sep, raw = pair.partition("=")
        qid, value = qid.strip(), raw.strip().lower()
        if not sep:
            raise AnswerError(f"'{pair}' should be ID=yes or ID=no")
        if qid not in known:
            close = difflib.get_close_matches(qid, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f" (questions: {', '.join(known)})"
            raise AnswerError(f"there is no question '{qid}'{hint}")
        if value in _YES:
            answers[qid] = True
        elif value in _NO:
            answers[qid] = False
        else:
            raise AnswerError(f"the answer to '{qid}' is '{raw}'; say yes or no")
    return answers


def missing_answers(technique: Technique, answers: Mapping[str, bool]) -> list[Question]:
    return [q for q in technique.questions if q.id not in answers]


def screen(technique: Technique, answers: Mapping[str, bool]) -> Screening:
    """Apply every answer; all questions must be answered."""
    missing = missing_answers(technique, answers)
    if missing:
        raise AnswerError("unanswered: " + ", ".join(q.id for q in missing))
    yes = [q for q in technique.questions if answers[q.id]]
    stops = tuple(q for q in yes if q.if_yes.action == "stop")
    adaptations = tuple(q for q in yes if q.if_yes.action == "adapt")
    surface = next((q.if_yes.use_surface for q in adaptations if q.if_yes.use_surface), None)
    position = next((q.if_yes.use_position for q in adaptations if q.if_yes.use_position), None)
    omitted = frozenset(a for q in adaptations for a in q.if_yes.omit_add_ons)
    verdict: Verdict = "stop" if stops else "adapt" if adaptations else "go"
    return Screening(verdict, dict(answers), stops, adaptations, surface, position, omitted)
