"""Live cues for the terminal player: one at a time, on a worker thread, never blocking the timer.

Policy when cues pile up (they should not: cues are a few seconds apart at
least, but a slow machine, a long cue or quick key presses can do it):

* ``say()`` only queues and returns at once; a worker thread renders and plays.
* One cue plays at a time and is never cut off (cues are short).
* When the worker is free and several cues wait, it plays only the **newest**
  and drops the others: what was said about a spot already left is stale.
* A cue that waited longer than ``stale_after`` seconds (a hung player program,
  say) is dropped too, rather than heard late.
* ``hush()`` (Stop was pressed) drops every waiting cue and cuts the one playing
  at once, so the next cue (``Stopped · lift off gently``) is heard right away.

Without espeak-ng it says so once (through ``report``) and still plays chimes;
without any player program it says so once and stays silent. Playback uses the
first of ``aplay``, ``paplay``, ``pw-play``, ``afplay``, ``play`` (sox) found on
PATH, on a WAV file written to a private temporary folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from softspot.audio.chime import chime
from softspot.audio.cues import GAP_AFTER_CHIME, GAP_BETWEEN_CUES, spoken_texts, wants_chime
from softspot.audio.pcm import Clip, join, silence
from softspot.audio.speech import CueCache, Finder, SpeechError, SpeechUnavailable, Voice
from softspot.core.script import Segment

PLAYERS: tuple[tuple[str, ...], ...] = (
    ("aplay", "-q"),
    ("paplay",),
    ("pw-play",),
    ("afplay",),
    ("play", "-q"),
)
"""Player programs in order of preference, with their arguments before the file."""
PLAYER_HINT = "install one of aplay (alsa-utils), paplay (pulseaudio-utils), pw-play (pipewire) or play (sox)"
DEFAULT_STALE_AFTER = 4.0

PlayRunner = Callable[[Sequence[str], float, threading.Event], None]
"""Plays: runs ``argv`` (the player and the WAV file), with a timeout in seconds; raises on failure.
Returns early, cutting the sound off, once the event is set (``CuePlayer.hush``)."""
Report = Callable[[str], None]


class PlaybackError(RuntimeError):
    """The player program failed."""


def find_player(which: Finder = shutil.which) -> list[str] | None:
    """The command (program path and options) of the first player found, or None."""
    for program, *options in PLAYERS:
        path = which(program)
        if path is not None:
            return [path, *options]
    return None


def run_player(argv: Sequence[str], timeout: float, cancel: threading.Event | None = None) -> None:
    """Play with the player program; kill it as soon as ``cancel`` is set (the cue is cut off, not an error)."""
    try:
        proc = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except OSError as exc:
        raise PlaybackError(str(exc)) from None
    deadline = time.monotonic() + timeout
    while True:
        try:
            proc.wait(timeout=0.02)
            break
        except subprocess.TimeoutExpired:
            cut = cancel is not None and cancel.is_set()
            if cut or time.monotonic() > deadline:
                proc.kill()
                proc.communicate()
                if cut:
                    return
                raise PlaybackError(f"timed out after {timeout:g} s") from None
    _, err = proc.communicate()
    if proc.returncode != 0:
        lines = err.decode("utf-8", "replace").strip().splitlines()
        raise PlaybackError(f"exit {proc.returncode}" + (f": {lines[0]}" if lines else ""))


def report_to_stderr(message: str) -> None:
    print(f"softspot: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class _Cue:
    texts: tuple[str, ...]
    chime: bool
    queued_at: float


class CuePlayer:
    """Plays cues as they come: ``say()`` returns at once; ``close()`` when the session ends.

    ``voice=None`` means chimes only (``--no-voice``). ``command`` is the player
    command (found on PATH when not given); ``runner``, ``which`` and ``clock``
    are injectable so tests neither play sound nor sleep.
    """

    def __init__(
        self,
        voice: Voice | None = None,
        *,
        speech: bool = True,
        cache: CueCache | None = None,
        command: Sequence[str] | None = None,
        which: Finder = shutil.which,
        runner: PlayRunner = run_player,
        report: Report = report_to_stderr,
        clock: Callable[[], float] = time.monotonic,
        stale_after: float = DEFAULT_STALE_AFTER,
    ) -> None:
        self._runner = runner
        self._report = report
        self._reported: set[str] = set()
        self._clock = clock
        self.stale_after = stale_after
        self.played = 0
        self.dropped = 0
        self.cut = 0
        """Cues cut off while playing by :meth:`hush`."""
        self.heard: list[tuple[str, ...]] = []
        """The texts of each cue played, in order (an empty tuple for a chime alone)."""
        self._cache: CueCache | None = None
        if speech:
            self._cache = cache if cache is not None else CueCache(voice if voice is not None else Voice())
            if not self._cache.available:
                self._report_once("speech", str(SpeechUnavailable()) + "; going on with chimes and text")
                self._cache = None
        self.command: list[str] | None = list(command) if command is not None else find_player(which)
        if self.command is None:
            self._report_once("player", f"no audio player found, so cues are shown but not heard; {PLAYER_HINT}")
        self._pending: list[_Cue] = []
        self._busy = False
        self._cancel = threading.Event()
        self._closing = False
        self._cond = threading.Condition()
        self._clips: dict[tuple[tuple[str, ...], bool], tuple[Path, float]] = {}
        self._workdir = Path(tempfile.mkdtemp(prefix="softspot-cues-"))
        self._thread = threading.Thread(target=self._work, name="softspot-cues", daemon=True)
        self._thread.start()

    @property
    def speaks(self) -> bool:
        """Whether cues are spoken (False: chimes only)."""
        return self._cache is not None

    @property
    def audible(self) -> bool:
        """Whether anything can be heard at all."""
        return self.command is not None

    def say(self, text: str | Sequence[str], *, chime: bool = True) -> None:
        """Queue a cue (one text, or several said in turn) and return at once."""
        texts = (text,) if isinstance(text, str) else tuple(text)
        texts = tuple(t for t in texts if t.strip()) if self._cache is not None else ()
        if self.command is None or not (texts or chime):
            return
        with self._cond:
            if self._closing:
                return
            self._pending.append(_Cue(texts, chime, self._clock()))
            self._cond.notify_all()

    def say_segment(self, segment: Segment) -> None:
        """The cue for the start of ``segment``: a chime for a move, the cue, then any extra cues."""
        self.say(spoken_texts(segment), chime=wants_chime(segment.kind))

    def chime(self) -> None:
        self.say((), chime=True)

    def hush(self) -> None:
        """Silence at once: drop every waiting cue and cut the one playing (Stop was pressed)."""
        with self._cond:
            self.dropped += len(self._pending)
            self._pending.clear()
            if self._busy:
                self._cancel.set()
            self._cond.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until nothing is queued or playing; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending and not self._busy, timeout)

    def close(self, *, drain: bool = True, timeout: float = 15.0) -> None:
        """Stop taking cues; with ``drain`` let the newest waiting cue play first, else drop what waits."""
        with self._cond:
            self._closing = True
            if not drain:
                self.dropped += len(self._pending)
                self._pending.clear()
            self._cond.notify_all()
        self._thread.join(timeout)
        if not self._thread.is_alive():
            shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> CuePlayer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(drain=exc[0] is None)

    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending or self._closing)
                if not self._pending:
                    return
                *stale, cue = self._pending
                self._pending.clear()
                self.dropped += len(stale)
                if self._clock() - cue.queued_at > self.stale_after:
                    self.dropped += 1
                    self._cond.notify_all()
                    continue
                self._busy = True
                cancel = self._cancel = threading.Event()
            try:
                self._play(cue, cancel)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _play(self, cue: _Cue, cancel: threading.Event) -> None:
        if self.command is None:
            return
        try:
            made = self._clip_file(cue)
        except Exception as exc:
            self._report_once("render", f"could not prepare a cue: {exc}")
            return
        if made is None:
            return
        path, seconds = made
        try:
            self._runner([*self.command, str(path)], seconds + 10.0, cancel)
        except Exception as exc:
            self._report_once("play", f"could not play cues with {Path(self.command[0]).name}: {exc}")
            return
        if cancel.is_set():
            self.cut += 1
            return
        self.played += 1
        self.heard.append(cue.texts if self._cache is not None else ())

    def _clip_file(self, cue: _Cue) -> tuple[Path, float] | None:
        key = (cue.texts if self._cache is not None else (), cue.chime)
        known = self._clips.get(key)
        if known is not None:
            return known
        parts: list[Clip] = [chime()] if cue.chime else []
        speech = self._speech(cue.texts)
        if speech and parts:
            parts.append(silence(GAP_AFTER_CHIME))
        parts.extend(speech)
        if not parts:
            return None
        clip = join(parts)
        path = self._workdir / f"cue-{len(self._clips) + 1}.wav"
        path.write_bytes(clip.to_wav())
        self._clips[key] = (path, clip.seconds)
        return self._clips[key]

    def _speech(self, texts: tuple[str, ...]) -> list[Clip]:
        if self._cache is None or not texts:
            return []
        parts: list[Clip] = []
        try:
            for i, text in enumerate(texts):
                if i:
                    parts.append(silence(GAP_BETWEEN_CUES))
                parts.append(self._cache.speak(text))
        except (SpeechError, OSError) as exc:
            self._report_once("speech", f"{exc}; going on with chimes and text")
            self._cache = None
            return []
        return parts

    def _report_once(self, kind: str, message: str) -> None:
        if kind not in self._reported:
            self._reported.add(kind)
            self._report(message)
