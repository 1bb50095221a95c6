"""Speech with espeak-ng, and a content-addressed cache of rendered cues.

``espeak-ng`` is an optional system program: when it is missing every entry
point raises :class:`SpeechUnavailable`, whose message is a one-line install
hint. Its exit code is never taken as proof of sound: a clip counts only if the
WAV it wrote decodes and has frames.

Clips are cached under ``softspot.paths.data_dir() / "cue-cache"`` as
``<key>.wav``, where the key is a SHA-256 of the text, voice, rate and the
engine's version, so the terminal player and the web app share them and an
espeak-ng upgrade renders afresh.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from softspot.audio.pcm import Clip, WavError, decode_wav, trim_silence
from softspot.i18n import N_, _

ENGINE = "espeak-ng"
INSTALL_HINT = N_("install it with `apt-get install espeak-ng` (Debian/Ubuntu) or `brew install espeak-ng` (macOS)")
DEFAULT_VOICE = "en"
DEFAULT_RATE = 150
"""Words per minute: a little slower than espeak-ng's 175, calmer for a session."""
MIN_RATE = 80
MAX_RATE = 450
CACHE_FORMAT = 1
"""Bump when the way clips are processed changes, so old cache entries are not reused."""
_TIMEOUT_SECONDS = 30.0
_KEY = re.compile(r"[0-9a-f]{64}")

Finder = Callable[[str], str | None]
"""Finds a program on PATH, like :func:`shutil.which`."""
Runner = Callable[[Sequence[str], bytes], "subprocess.CompletedProcess[bytes]"]
"""Runs a command with bytes on stdin; returns the completed process (stdout and stderr as bytes)."""


class SpeechError(RuntimeError):
    """espeak-ng could not turn a text into sound."""


class SpeechUnavailable(SpeechError):
    """espeak-ng is not installed."""

    def __init__(self) -> None:
        super().__init__(
            _("espeak-ng is not installed, so cues cannot be spoken; %(hint)s") % {"hint": _(INSTALL_HINT)}
        )


class VoiceNotFound(SpeechError):
    """espeak-ng has no voice by that name."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            _("espeak-ng has no voice %(name)s (list them with `espeak-ng --voices`)") % {"name": repr(name)}
        )


@dataclass(frozen=True)
class Voice:
    """How cues are spoken: an espeak-ng voice name and a rate in words per minute."""

    name: str = DEFAULT_VOICE
    rate: int = DEFAULT_RATE

    def __post_init__(self) -> None:
        if not MIN_RATE <= self.rate <= MAX_RATE:
            raise ValueError(
                _("rate must be %(least)d to %(most)d words per minute, not %(rate)d")
                % {"least": MIN_RATE, "most": MAX_RATE, "rate": self.rate}
            )
        if not re.fullmatch(r"[A-Za-z0-9_+.-]{1,64}", self.name):
            raise ValueError(
                _("voice name %(name)s is not an espeak-ng voice name (e.g. en, en-gb, en-us+f3)")
                % {"name": repr(self.name)}
            )


def _run(argv: Sequence[str], stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(list(argv), input=stdin, capture_output=True, timeout=_TIMEOUT_SECONDS, check=False)


class Espeak:
    """The espeak-ng program. ``which`` and ``run`` are injectable for tests."""

    def __init__(self, *, which: Finder = shutil.which, run: Runner = _run) -> None:
        self._which = which
        self._run = run
        self._version: str | None = None

    @property
    def available(self) -> bool:
        return self._which(ENGINE) is not None

    def executable(self) -> str:
        path = self._which(ENGINE)
        if path is None:
            raise SpeechUnavailable()
        return path

    def version(self) -> str:
        """``espeak-ng --version`` up to "Data at", asked once per instance."""
        if self._version is None:
            done = self._call([self.executable(), "--version"], b"")
            text = done.stdout.decode("utf-8", "replace").strip()
            self._version = text.split("Data at:")[0].strip() or "unknown"
        return self._version

    def speak(self, text: str, voice: Voice = Voice()) -> Clip:
        """``text`` spoken, leading and trailing silence trimmed."""
        if not text.strip():
            raise ValueError("nothing to say: the text is empty")
        argv = [self.executable(), "--stdout", "--stdin", "-b", "1", "-v", voice.name, "-s", str(voice.rate)]
        done = self._call(argv, text.encode("utf-8"))
        stderr = done.stderr.decode("utf-8", "replace").strip()
        if "voice does not exist" in stderr:
            raise VoiceNotFound(voice.name)
        if done.returncode != 0:
            raise SpeechError(f"espeak-ng failed (exit {done.returncode}): {stderr.splitlines()[0] if stderr else ''}")
        try:
            clip = decode_wav(done.stdout)
        except WavError as exc:
            raise SpeechError(f"espeak-ng gave no usable WAV for {text!r}: {exc}") from None
        clip = trim_silence(clip)
        if not len(clip):
            raise SpeechError(f"espeak-ng produced no sound for {text!r}")
        return clip

    def _call(self, argv: Sequence[str], stdin: bytes) -> subprocess.CompletedProcess[bytes]:
        try:
            return self._run(argv, stdin)
        except FileNotFoundError:
            raise SpeechUnavailable() from None
        except (OSError, subprocess.SubprocessError) as exc:
            raise SpeechError(f"espeak-ng could not run: {exc}") from None


def default_cache_dir() -> Path:
    from softspot.paths import data_dir

    return data_dir() / "cue-cache"


class CueCache:
    """Rendered cue clips on disk, keyed by content; shared by the players and the web app.

    ``clip(text)`` renders on a miss and returns the file; ``lookup(text)`` only
    looks. Files are written to a temporary name and renamed, so a reader never
    sees half a clip and two processes can fill the cache at once.
    """

    def __init__(self, voice: Voice = Voice(), *, directory: Path | None = None, engine: Espeak | None = None) -> None:
        self.voice = voice
        self.directory = directory if directory is not None else default_cache_dir()
        self.engine = engine if engine is not None else Espeak()

    @property
    def available(self) -> bool:
        return self.engine.available

    def key(self, text: str) -> str:
        """The content address of ``text`` in this voice (raises SpeechUnavailable without espeak-ng)."""
        ident = {
            "format": CACHE_FORMAT,
            "engine": f"{ENGINE} {self.engine.version()}",
            "voice": self.voice.name,
            "rate": self.voice.rate,
            "text": text,
        }
        return hashlib.sha256(json.dumps(ident, sort_keys=True).encode("utf-8")).hexdigest()

    def path_for_key(self, key: str) -> Path | None:
        """The cached file for a key (e.g. from a URL), or None; never a path outside the cache."""
        if not _KEY.fullmatch(key):
            return None
        path = self.directory / f"{key}.wav"
        return path if path.is_file() else None

    def lookup(self, text: str) -> Path | None:
        """The cached clip of ``text``, or None when it is not rendered (or espeak-ng is missing)."""
        try:
            return self.path_for_key(self.key(text))
        except SpeechError:
            return None

    def clip(self, text: str) -> Path:
        """The WAV file of ``text`` spoken, rendering it on a cache miss."""
        key = self.key(text)
        path = self.directory / f"{key}.wav"
        if path.is_file():
            return path
        wav = self.engine.speak(text, self.voice).to_wav()
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f".{key[:16]}-{secrets.token_hex(6)}.tmp"
        try:
            with open(tmp, "xb") as f:
                f.write(wav)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return path

    def speak(self, text: str) -> Clip:
        """``text`` spoken, as samples, through the cache."""
        return decode_wav(self.clip(text).read_bytes())

    def warm(self, texts: Iterable[str]) -> int:
        """Render every text not yet cached (e.g. all cues of a script before it starts); returns how many."""
        rendered = 0
        for text in dict.fromkeys(t for t in texts if t.strip()):
            if self.lookup(text) is None:
                self.clip(text)
                rendered += 1
        return rendered


def speak_wav(text: str, voice: Voice | None = None, *, engine: Espeak | None = None) -> bytes:
    """``text`` spoken by espeak-ng as WAV bytes (22050 Hz mono 16-bit), without the cache."""
    return (engine or Espeak()).speak(text, voice or Voice()).to_wav()
