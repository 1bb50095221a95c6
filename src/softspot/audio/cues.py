"""Which sounds a segment's cue is made of, shared by the live player and the renderer."""

from __future__ import annotations

from softspot.core.engine import CHIMED_KINDS
from softspot.core.script import Segment, SegmentKind

GAP_AFTER_CHIME = 0.15
"""Seconds between the chime and the voice."""
GAP_BETWEEN_CUES = 0.4
"""Seconds between the main cue and each extra (add-on) cue."""


def wants_chime(kind: SegmentKind) -> bool:
    """A chime before the cue, by the engine's rule (:data:`softspot.core.engine.CHIMED_KINDS`)."""
    return kind in CHIMED_KINDS


def spoken_texts(segment: Segment) -> list[str]:
    """What is said at the start of ``segment``, in order: the cue, any extra cues, then timed cues due at once."""
    at_once = [t.cue.say for t in segment.timed if t.after <= 0]
    return [text for text in [segment.cue.say, *(c.say for c in segment.extra), *at_once] if text.strip()]
