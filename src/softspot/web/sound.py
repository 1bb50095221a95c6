"""The web app's door to ``softspot.audio``: cue clips and the whole session as one WAV.

espeak-ng is optional: without it (or without the session renderer) these raise
:class:`AudioUnavailable` and the views answer 503 with its message, while the
browser player falls back to ``speechSynthesis``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from softspot.core.script import SessionScript
from softspot.paths import data_dir


class AudioUnavailable(RuntimeError):
    """The audio cannot be made on this server; the message says why and what to install."""


def chime_wav() -> bytes:
    from softspot.audio.chime import chime_wav as make

    return make()


def cue_wav(text: str) -> Path:
    """``text`` spoken by espeak-ng, through the shared content cache."""
    from softspot.audio.speech import CueCache, SpeechError

    try:
        return CueCache().clip(text)
    except SpeechError as exc:
        raise AudioUnavailable(str(exc)) from None


def session_wav(script: SessionScript) -> Path:
    """The whole session as one WAV, rendered once per distinct script and kept on disk."""
    from softspot.audio.render import RenderError, render_session
    from softspot.audio.speech import SpeechError

    key = hashlib.sha256(script.model_dump_json().encode()).hexdigest()
    folder = data_dir() / "session-audio"
    path = folder / f"{key}.wav"
    if path.is_file():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as work:
        out = Path(work) / "session.wav"
        try:
            render_session(script, out, format="wav")
        except (SpeechError, RenderError) as exc:
            raise AudioUnavailable(str(exc)) from None
        os.replace(out, path)
    return path
