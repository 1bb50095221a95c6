"""Sound for softspot: spoken cues (espeak-ng), the chime, live playback and whole-session rendering.

Outside :mod:`softspot.core`, which stays pure. Standard library only; the
programs it uses (espeak-ng, a player, ffmpeg or sox) are optional and their
absence is reported with an install hint. See ``docs/audio.md``.

* Terminal player: :class:`CuePlayer` (``say``, ``say_segment``, ``close``).
* Web app: :class:`CueCache` (``clip(text)`` renders or finds the WAV file,
  ``lookup(text)`` only finds it, ``key(text)`` / ``path_for_key(key)`` for URLs),
  :func:`chime_wav` for the chime.
* ``softspot render-audio``: :func:`render_session`.
"""

from __future__ import annotations

from softspot.audio.chime import chime, chime_wav
from softspot.audio.cues import wants_chime
from softspot.audio.pcm import SAMPLE_RATE, Clip
from softspot.audio.player import CuePlayer, find_player
from softspot.audio.render import (
    FORMATS,
    ConverterUnavailable,
    RenderError,
    RenderResult,
    render_session,
)
from softspot.audio.speech import (
    INSTALL_HINT,
    CueCache,
    Espeak,
    SpeechError,
    SpeechUnavailable,
    Voice,
    VoiceNotFound,
    speak_wav,
)

__all__ = [
    "FORMATS",
    "INSTALL_HINT",
    "SAMPLE_RATE",
    "Clip",
    "ConverterUnavailable",
    "CueCache",
    "CuePlayer",
    "Espeak",
    "RenderError",
    "RenderResult",
    "SpeechError",
    "SpeechUnavailable",
    "Voice",
    "VoiceNotFound",
    "chime",
    "chime_wav",
    "find_player",
    "render_session",
    "speak_wav",
    "wants_chime",
]
