"""The web app's door to ``softspot.audio``: cue clips and the whole session as one audio file.

The whole session is offered as **Opus in Ogg** (``audio/ogg``), made by libsndfile
through the ``soundfile`` package (its wheels carry libsndfile with Opus, so it
works from a fresh install): speech at about 14 kbit/s, a 6-minute session in
about 600 KB instead of 15 MB of WAV. Chrome, Firefox, Android's players, VLC
and Safari on recent Apple systems play it; for older iPhones and iPads there
is **AAC in M4A** (``audio/mp4``), made by ffmpeg when it is installed.
Each is rendered once per distinct script and kept under
``<data dir>/session-audio/``.

espeak-ng is optional: without it (or without the session renderer) these raise
:class:`AudioUnavailable` and the views answer 503 with its message, while the
browser player falls back to ``speechSynthesis``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from functools import cache
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


def session_key(script: SessionScript) -> str:
    return hashlib.sha256(script.model_dump_json().encode()).hexdigest()


def session_wav(script: SessionScript) -> Path:
    """The whole session as one WAV, rendered once per distinct script and kept on disk."""
    from softspot.audio.render import RenderError, render_session
    from softspot.audio.speech import SpeechError

    key = session_key(script)
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


OPUS_RATE = 24000
"""Opus takes 8, 12, 16, 24 or 48 kHz; the cues are 22.05 kHz speech: 24 kHz keeps all of it."""
OPUS_LEVEL = 0.8
"""libsndfile's compression level for Opus (0 = largest, 1 = smallest): 0.8 is about 14 kbit/s, clear speech."""
AAC_BITRATE = "40k"
ENCODINGS = {"ogg": ("audio/ogg", "opus-24k-l08"), "m4a": ("audio/mp4", "aac-40k"), "wav": ("audio/wav", "pcm")}
"""Format -> (content type, what changes the file: part of its cache key and ETag)."""


def session_audio(script: SessionScript, fmt: str) -> tuple[Path, str]:
    """The whole session as ``fmt`` (ogg, m4a or wav) and its content key (for the ETag), made once."""
    if fmt == "wav":
        path = session_wav(script)
        return path, f"{path.stem}-pcm"
    encoding = ENCODINGS[fmt][1]
    key = f"{session_key(script)}-{encoding}"
    path = data_dir() / "session-audio" / f"{key}.{fmt}"
    if path.is_file():
        return path, key
    wav = session_wav(script)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        out = Path(work) / path.name
        if fmt == "ogg":
            _opus(wav, out)
        else:
            _aac(wav, out)
        os.replace(out, path)
    return path, key


def _opus(wav: Path, out: Path) -> None:
    try:
        import numpy as np
        import soundfile  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - a dependency of softspot
        raise AudioUnavailable(f"the soundfile package is missing ({exc}); reinstall softspot") from None
    data, rate = soundfile.read(wav, dtype="float32")
    if rate != OPUS_RATE:  # linear interpolation: the cues hold nothing above 11 kHz to alias
        count = int(len(data) * OPUS_RATE / rate)
        data = np.interp(np.arange(count) * (rate / OPUS_RATE), np.arange(len(data)), data).astype("float32")
    try:
        soundfile.write(out, data, OPUS_RATE, format="OGG", subtype="OPUS", compression_level=OPUS_LEVEL)
    except (soundfile.LibsndfileError, RuntimeError, TypeError) as exc:
        raise AudioUnavailable(f"Opus could not be made by libsndfile: {exc}") from None


@cache
def has_aac() -> bool:
    """Can this server make M4A (AAC)? It needs ffmpeg."""
    return shutil.which("ffmpeg") is not None


def _aac(wav: Path, out: Path) -> None:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise AudioUnavailable("making M4A (AAC) needs ffmpeg (`apt-get install ffmpeg`); the Opus file needs nothing")
    argv = [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav)]
    argv += ["-c:a", "aac", "-b:a", AAC_BITRATE, "-movflags", "+faststart", str(out)]
    done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=600, check=False)
    if done.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise AudioUnavailable(f"ffmpeg could not make M4A (exit {done.returncode}): {lines[-1] if lines else ''}")
