"""A soft chime, synthesised: the sound before each move.

A small bell: a 660 Hz tone (E5) with a quiet octave and a quieter twelfth,
a 12 ms raised-cosine attack, an exponential decay, and a short fade so it
ends exactly at zero. About 0.4 s long and peaking at a third of full scale,
so it is gentle next to the voice. Made once per process.
"""

from __future__ import annotations

import math
from array import array
from functools import cache

from softspot.audio.pcm import MAX_SAMPLE, SAMPLE_RATE, SAMPLE_WIDTH, Clip, encode_wav

CHIME_SECONDS = 0.4
CHIME_PEAK = 0.33
"""Peak amplitude as a fraction of full scale."""

_FUNDAMENTAL_HZ = 660.0
_PARTIALS = ((1.0, 1.0), (2.0, 0.35), (3.0, 0.12))
"""(frequency multiple, relative amplitude)."""
_ATTACK_SECONDS = 0.012
_DECAY_PER_SECOND = 9.0
_FADE_SECONDS = 0.06


@cache
def chime() -> Clip:
    """The chime as samples at :data:`~softspot.audio.pcm.SAMPLE_RATE`."""
    count = round(CHIME_SECONDS * SAMPLE_RATE)
    attack = round(_ATTACK_SECONDS * SAMPLE_RATE)
    fade = round(_FADE_SECONDS * SAMPLE_RATE)
    norm = sum(level for _, level in _PARTIALS)
    raw: list[float] = []
    for i in range(count):
        t = i / SAMPLE_RATE
        wave_ = sum(level * math.sin(2 * math.pi * _FUNDAMENTAL_HZ * mult * t) for mult, level in _PARTIALS) / norm
        envelope = math.exp(-_DECAY_PER_SECOND * t)
        if i < attack:
            envelope *= 0.5 * (1 - math.cos(math.pi * i / attack))
        left = count - 1 - i
        if left < fade:
            envelope *= 0.5 * (1 - math.cos(math.pi * left / fade))
        raw.append(wave_ * envelope)
    top = max(abs(x) for x in raw) or 1.0
    scale = CHIME_PEAK * MAX_SAMPLE / top
    samples = array("h", bytes(SAMPLE_WIDTH * count))
    for i, x in enumerate(raw):
        samples[i] = round(x * scale)
    return Clip(samples)


def chime_wav() -> bytes:
    """The chime as a complete WAV file (mono, 16-bit, same rate as speech)."""
    return encode_wav(chime().samples)
