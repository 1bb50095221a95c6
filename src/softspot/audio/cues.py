"""Which sounds a segment's cue is made of, shared by the live player and the renderer."""

from __future__ import annotations

from softspot.core.script import Segment, SegmentKind

CHIMED_KINDS: frozenset[SegmentKind] = frozenset({"spot", "switch"})
"""Segments that are a move (sit on the next spot, change legs): a chime comes first."""

GAP_AFTER_CHIME = 0.15
"""Seconds between the chime and the voice."""
GAP_BETWEEN_CUES = 0.4
"""Seconds between the main cue and each extra (add-on) cue."""


def wants_chime(kind: SegmentKind) -> bool:
    """A chime before the cue: for every move (a spot or a switch of legs)."""
    return kind in CHIMED_KINDS


def spoken_texts(segment: Segment) -> list[str]:
    """What is said at the start of ``segment``, in order: the cue, then any extra cues."""
    return [text for text in [segment.cue.say, *(c.say for c in segment.extra)] if text.strip()]
