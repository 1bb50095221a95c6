"""Where what a page says comes from: the therapist's note (article) or softspot's own addition.

Pages mark softspot's additions as "softspot adds: …", the way the terminal does (``technique show``,
``screen``, ``guide``), with :func:`softspot.core.technique.source_of`. The plan's timeline is made of filled-in
cues, so :func:`timeline_parts` finds the technique part each segment's words came from, following the
planner's choices (``softspot.core.planner``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from softspot.core.loader import built_in, built_in_ids
from softspot.core.script import Segment, SessionScript, TimedCue
from softspot.core.technique import Question, Technique, source_of


def technique_of(script: SessionScript) -> Technique | None:
    """The built-in technique this script was planned from, if it is still the same version (else None:
    nothing is marked rather than something marked wrongly)."""
    ref = script.technique
    if ref.id not in built_in_ids():
        return None
    technique = built_in(ref.id)
    return technique if technique.version == ref.version else None


def adds(technique: Technique | None, *parts: object) -> bool:
    """Is the innermost of ``parts`` (outermost first) softspot's own addition?"""
    return technique is not None and source_of(technique, *parts) == "softspot"


@dataclass(frozen=True)
class Part:
    """Words on a page and whether they are softspot's."""

    text: str
    adds: bool


def _segment_parts(technique: Technique, script: SessionScript, seg: Segment) -> tuple[object, ...]:
    cues = technique.cues
    after_side = any(technique.add_on(a.id).placement == "after_side" for a in script.add_ons)
    if seg.kind == "start":
        return (cues, cues.session_start)
    if seg.kind == "prepare" and seg.step:
        position = technique.position(script.position.id)
        if seg.step in position.steps:
            return (position, position.steps[seg.step])
        step = next(s for s in technique.preparation if s.id == seg.step)
        return (step, step.cue)
    if seg.kind == "spot":
        spot = script.spot_at(seg)
        if seg.spot == 1:
            return (cues, cues.first_spot)
        return (cues, cues.last_spot if spot is not None and spot.last_safe else cues.next_spot)
    if seg.kind == "add_on" and seg.step:
        add_on = technique.add_on(seg.step)
        return (add_on, add_on.cue)
    if seg.kind == "switch":
        return (cues, (cues.switch_side_after_add_on if after_side else None) or cues.switch_side)
    return (cues, (cues.session_done_after_add_on if after_side else None) or cues.session_done)


def timeline_parts(technique: Technique | None, script: SessionScript, seg: Segment) -> list[Part]:
    """A segment's ``label`` in its parts (the cue, then each add-on said with it), each marked when it is
    softspot's. Joined with " + " they are ``seg.label``."""
    if technique is None:
        return [Part(seg.label, False)]
    parts = [Part(seg.cue.show, adds(technique, *_segment_parts(technique, script, seg)))]
    during = [technique.add_on(a.id) for a in script.add_ons]
    during = [a for a in during if a.placement == "during_spots"]
    for extra, add_on in zip(seg.extra, during, strict=False):
        parts.append(Part(extra.show, adds(technique, add_on, add_on.cue)))
    return parts


def timed_adds(technique: Technique | None, timed: TimedCue) -> bool:
    """Is a timed cue (the pain rule, the check-in) softspot's?"""
    if technique is None:
        return False
    cue = technique.cues.pain_rule if timed.kind == "pain_rule" else technique.cues.check_in
    return adds(technique, technique.cues, cue)


@dataclass(frozen=True)
class Answered:
    """A screening question as pages show it: the question, the reason and what to do instead, each marked
    "softspot adds:" when it is softspot's, except right after another of softspot's (one mark covers a run)."""

    id: str
    ask: Part
    reason: Part
    instead: Part | None


def answered(technique: Technique, questions: Iterable[Question], *, with_ask: bool = True) -> list[Answered]:
    rows = []
    for q in questions:
        a = q.if_yes
        said = [(q.ask, adds(technique, q, q.ask))] if with_ask else []
        said.append((a.reason, adds(technique, q, a, a.reason)))
        if a.instead:
            said.append((a.instead, adds(technique, q, a, a.instead)))
        parts = [Part(str(text), mine and not (i and said[i - 1][1])) for i, (text, mine) in enumerate(said)]
        if not with_ask:
            parts.insert(0, Part(str(q.ask), False))
        rows.append(Answered(q.id, parts[0], parts[1], parts[2] if len(parts) > 2 else None))
    return rows
