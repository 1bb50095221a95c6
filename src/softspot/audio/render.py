"""``render_session``: a whole planned session as one audio file, with chapters beside it.

The file is silence with each segment's cue placed at its ``starts_at``: a
chime first for moves (spots, switching legs), then the ``say`` text, then any
extra cues, then the segment's timed cues due at once (the pain rule). Timed cues
later in a segment (the check-in) start exactly at ``starts_at + after``, as the
engine says them. It lasts exactly ``total_seconds``.

A cue never runs into the next cue or segment. When it would, whole extra cues
that do not fit are left out first; if a cue itself is longer than its room, it
is cut at the next one's start with a short fade. Each case is listed in
:attr:`RenderResult.notes`.

Beside ``session.wav`` go ``session.chapters.vtt`` (WebVTT chapters, one per
segment, with its ``show`` text) and ``session.ffmetadata`` (the same chapters
for ffmpeg, which also embeds them when it makes an mp3 or m4a file).
Everything is written to temporary names and renamed at the end, so a failure
leaves nothing behind.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from softspot.audio.chime import chime
from softspot.audio.cues import GAP_AFTER_CHIME, GAP_BETWEEN_CUES, wants_chime
from softspot.audio.pcm import SAMPLE_RATE, SAMPLE_WIDTH, Clip, fade_out, join, silence, to_le_bytes
from softspot.audio.speech import CueCache, Finder, Voice
from softspot.core.script import Segment, SessionScript
from softspot.files import check_target, commit
from softspot.i18n import _

AudioFormat = Literal["wav", "ogg", "mp3", "m4a"]
FORMATS: tuple[AudioFormat, ...] = get_args(AudioFormat)
CUT_FADE_SECONDS = 0.05
_CONVERT_TIMEOUT = 600.0

ConvertRunner = Callable[[Sequence[str]], "subprocess.CompletedProcess[bytes]"]


class RenderError(RuntimeError):
    """The session could not be rendered (the message says why and what to do)."""


class ConverterUnavailable(RenderError):
    """No program on PATH can make the compressed format asked for."""


@dataclass(frozen=True)
class Placement:
    """Where one segment's cue went in the rendering."""

    index: int
    kind: str
    starts_at: int
    ends_at: int
    show: str
    sound_seconds: float
    cut_seconds: float = 0.0
    """How much of the main cue was cut off because it ran into the next segment."""
    left_out: tuple[str, ...] = ()
    """Extra cues left out because they did not fit before the next segment."""
    timed: tuple[tuple[str, float], ...] = ()
    """Timed cues (kind, seconds from the start of the file) placed inside this segment."""


@dataclass(frozen=True)
class RenderResult:
    path: Path
    format: AudioFormat
    seconds: float
    chapters: Path
    ffmetadata: Path
    placements: list[Placement] = field(default_factory=list)
    converter: str | None = None

    @property
    def notes(self) -> list[str]:
        """A sentence for every cue that was cut or shortened."""
        out: list[str] = []
        for p in self.placements:
            if p.cut_seconds:
                out.append(
                    _(
                        "segment %(n)d (%(show)s): the cue is %(seconds)s s longer than the segment "
                        "and was cut at the next segment's start"
                    )
                    % {"n": p.index, "show": p.show, "seconds": f"{p.cut_seconds:.1f}"}
                )
            out.extend(
                _("segment %(n)d (%(show)s): left out %(text)s, which did not fit")
                % {"n": p.index, "show": p.show, "text": repr(text)}
                for text in p.left_out
            )
        return out


def format_for(path: Path, requested: str | None = None) -> AudioFormat:
    """The format asked for, else the one named by the file's suffix; ValueError for anything else."""
    name = (requested or path.suffix.lstrip(".") or "wav").lower()
    for fmt in FORMATS:
        if fmt == name:
            return fmt
    raise ValueError(
        _("unknown audio format %(name)s; use one of %(formats)s") % {"name": repr(name), "formats": ", ".join(FORMATS)}
    )


def chapters_path(out_path: Path) -> Path:
    return out_path.with_name(f"{out_path.stem}.chapters.vtt")


def ffmetadata_path(out_path: Path) -> Path:
    return out_path.with_name(f"{out_path.stem}.ffmetadata")


def render_session(
    script: SessionScript,
    out_path: Path | str,
    *,
    voice: Voice | None = None,
    format: str | None = None,
    cache: CueCache | None = None,
    which: Finder = shutil.which,
    run: ConvertRunner | None = None,
) -> RenderResult:
    """Render ``script`` into one audio file at ``out_path`` (plus its chapter files); see the module notes.

    Speech goes through the cue cache (``cache``, else one for ``voice``), so
    rendering also fills it for the live players and the web app. Raises
    :class:`~softspot.audio.speech.SpeechError` (incl. ``SpeechUnavailable``)
    and :class:`RenderError` (incl. ``ConverterUnavailable``); ValueError for a
    bad format or script.
    """
    out = Path(out_path)
    fmt = format_for(out, format)
    if cache is None:
        cache = CueCache(voice if voice is not None else Voice())
    converter = None if fmt == "wav" else _converter_for(fmt, which)
    segments = sorted(script.segments, key=lambda s: s.starts_at)
    total = script.total_seconds
    for seg in segments:
        if seg.starts_at > total:
            raise ValueError(f"segment at {seg.starts_at} s starts after the session's end ({total} s)")
    # Render every cue before writing anything, so a speech error leaves no file behind.
    cues: list[tuple[int, Clip]] = []
    placements: list[Placement] = []
    for i, seg in enumerate(segments):
        ends_at = segments[i + 1].starts_at if i + 1 < len(segments) else total
        sounds, placement = _cue_sound(i + 1, seg, ends_at, cache)
        cues.extend(sounds)
        placements.append(placement)
    out.parent.mkdir(parents=True, exist_ok=True)
    temps: list[Path] = []
    try:
        wav_tmp = _temp_beside(out, ".wav", temps)
        seconds = _write_wav(wav_tmp, cues, total)
        vtt_tmp = _temp_beside(out, ".vtt", temps)
        vtt_tmp.write_text(webvtt_chapters(placements), encoding="utf-8")
        meta_tmp = _temp_beside(out, ".ffmetadata", temps)
        meta_tmp.write_text(ffmetadata_chapters(script, placements), encoding="utf-8")
        audio_tmp = wav_tmp
        if converter is not None:
            audio_tmp = _temp_beside(out, f".{fmt}", temps)
            _convert(converter, wav_tmp, meta_tmp, audio_tmp, run or _run)
        # Each is checked again and refused when it has become a link, a device or a folder.
        for target in (out, chapters_path(out), ffmetadata_path(out)):
            check_target(target)
        commit(audio_tmp, out)
        commit(vtt_tmp, chapters_path(out))
        commit(meta_tmp, ffmetadata_path(out))
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
    return RenderResult(
        path=out,
        format=fmt,
        seconds=seconds,
        chapters=chapters_path(out),
        ffmetadata=ffmetadata_path(out),
        placements=placements,
        converter=None if converter is None else Path(converter[0]).name,
    )


def _cue_sound(index: int, seg: Segment, ends_at: int, cache: CueCache) -> tuple[list[tuple[int, Clip]], Placement]:
    """The sounds of one segment, each with the sample it starts at: its cue (with extras and the timed cues
    due at once), then each later timed cue at its moment."""
    start = seg.starts_at * SAMPLE_RATE
    end = max(ends_at, seg.starts_at) * SAMPLE_RATE
    at_once = [t for t in seg.timed if t.after <= 0]
    later = sorted((t for t in seg.timed if 0 < t.after < ends_at - seg.starts_at), key=lambda t: t.after)
    head_room = (later[0].after * SAMPLE_RATE if later else end - start) if end > start else 0
    parts: list[Clip] = [chime()] if wants_chime(seg.kind) else []
    if seg.cue.say.strip():
        if parts:
            parts.append(silence(GAP_AFTER_CHIME))
        parts.append(cache.speak(seg.cue.say))
    sound = join(parts)
    cut = 0.0
    left_out: list[str] = []
    following = [*seg.extra, *(t.cue for t in at_once)]
    if len(sound) > head_room:
        cut = (len(sound) - head_room) / SAMPLE_RATE
        sound = fade_out(Clip(sound.samples[:head_room]), CUT_FADE_SECONDS)
        left_out = [c.say for c in following if c.say.strip()]
    else:
        for extra in following:
            if not extra.say.strip():
                continue
            more = join([silence(GAP_BETWEEN_CUES), cache.speak(extra.say)])
            if len(sound) + len(more) <= head_room:
                sound = join([sound, more])
            else:
                left_out.append(extra.say)
    sounds = [(start, sound)]
    timed = [(t.kind, float(seg.starts_at)) for t in at_once if t.cue.say not in left_out]
    for n, t in enumerate(later):
        room = (later[n + 1].after if n + 1 < len(later) else ends_at - seg.starts_at) - t.after
        clip = cache.speak(t.cue.say) if t.cue.say.strip() else silence(0)
        if len(clip) > room * SAMPLE_RATE:
            cut += (len(clip) - room * SAMPLE_RATE) / SAMPLE_RATE
            clip = fade_out(Clip(clip.samples[: room * SAMPLE_RATE]), CUT_FADE_SECONDS)
        sounds.append((start + t.after * SAMPLE_RATE, clip))
        timed.append((t.kind, float(seg.starts_at + t.after)))
    placement = Placement(
        index=index,
        kind=seg.kind,
        starts_at=seg.starts_at,
        ends_at=ends_at,
        show=seg.cue.show,
        sound_seconds=sound.seconds,
        cut_seconds=round(cut, 3),
        left_out=tuple(left_out),
        timed=tuple(timed),
    )
    return sounds, placement


def _write_wav(path: Path, cues: list[tuple[int, Clip]], total_seconds: int) -> float:
    """Stream silence and cues (each with the sample it starts at) into a WAV of exactly ``total_seconds``;
    cues must not overlap."""
    total = total_seconds * SAMPLE_RATE
    written = 0
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(SAMPLE_WIDTH)
        w.setframerate(SAMPLE_RATE)

        def pad_to(frame: int) -> int:
            done = written
            while done < frame:
                n = min(frame - done, SAMPLE_RATE)
                w.writeframesraw(bytes(SAMPLE_WIDTH * n))
                done += n
            return done

        for start, clip in cues:
            if start < written:
                raise AssertionError("cues overlap")  # _cue_sound keeps each cue inside its segment
            written = pad_to(start)
            w.writeframesraw(to_le_bytes(clip.samples))
            written += len(clip)
        written = pad_to(total)
        if written != total:
            raise AssertionError("rendered length differs from the plan")
    return written / SAMPLE_RATE


def _timestamp(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}.000"


def webvtt_chapters(placements: Sequence[Placement]) -> str:
    """WebVTT chapters: one cue per segment, titled with its on-screen text."""
    lines = ["WEBVTT", ""]
    for p in placements:
        if p.ends_at <= p.starts_at:
            continue
        title = p.show.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")
        lines += [str(p.index), f"{_timestamp(p.starts_at)} --> {_timestamp(p.ends_at)}", title, ""]
    return "\n".join(lines)


def _ffmeta_escape(text: str) -> str:
    out = text.replace("\\", "\\\\")
    for ch in "=;#":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", " ")


def ffmetadata_chapters(script: SessionScript, placements: Sequence[Placement]) -> str:
    """The same chapters in ffmpeg's FFMETADATA1 format (milliseconds)."""
    lines = [";FFMETADATA1", f"title={_ffmeta_escape(script.technique.title)}", "artist=softspot", ""]
    for p in placements:
        if p.ends_at <= p.starts_at:
            continue
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={p.starts_at * 1000}", f"END={p.ends_at * 1000}"]
        lines += [f"title={_ffmeta_escape(p.show)}", ""]
    return "\n".join(lines)


def _temp_beside(out: Path, suffix: str, temps: list[Path]) -> Path:
    """A new empty file next to ``out`` (same folder, so the final rename is atomic), made with the usual umask."""
    while True:
        path = out.with_name(f".{out.stem}.{secrets.token_hex(6)}.tmp{suffix}")
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        temps.append(path)
        return path


def _sox_formats(sox: str) -> set[str]:
    try:
        done = subprocess.run([sox, "-h"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return set()
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("AUDIO FILE FORMATS:"):
            return set(line.split(":", 1)[1].split())
    return set()


def _install_hint(fmt: AudioFormat) -> str:
    if fmt == "m4a":
        what = "ffmpeg (`apt-get install ffmpeg` or `brew install ffmpeg`)"
    elif fmt == "mp3":
        what = "ffmpeg (`apt-get install ffmpeg` or `brew install ffmpeg`), or sox with mp3 support (`libsox-fmt-mp3`)"
    else:
        what = "ffmpeg (`apt-get install ffmpeg` or `brew install ffmpeg`) or sox (`apt-get install sox`)"
    return _("making %(format)s needs %(programs)s; or use --format wav, which always works") % {
        "format": fmt,
        "programs": what,
    }


def _converter_for(fmt: AudioFormat, which: Finder) -> list[str]:
    ffmpeg = which("ffmpeg")
    if ffmpeg is not None:
        return [ffmpeg]
    sox = which("sox")
    if sox is not None and fmt != "m4a" and fmt in _sox_formats(sox):
        return [sox]
    raise ConverterUnavailable(_install_hint(fmt))


def _run(argv: Sequence[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        list(argv), stdin=subprocess.DEVNULL, capture_output=True, timeout=_CONVERT_TIMEOUT, check=False
    )


def _convert(converter: list[str], wav: Path, meta: Path, out: Path, run: ConvertRunner) -> None:
    program = Path(converter[0]).name
    if program.startswith("ffmpeg"):
        argv = [*converter, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav)]
        argv += ["-f", "ffmetadata", "-i", str(meta), "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
        argv += [str(out)]
    else:
        argv = [*converter, "-q", str(wav), str(out)]
    try:
        done = run(argv)
    except (OSError, subprocess.SubprocessError) as exc:
        raise RenderError(_("%(program)s could not run: %(error)s") % {"program": program, "error": exc}) from None
    if done.returncode != 0 or not out.exists() or out.stat().st_size == 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = f": {lines[-1]}" if lines else ""
        raise RenderError(
            _("%(program)s could not make %(format)s (exit %(code)d)")
            % {"program": program, "format": out.suffix.lstrip("."), "code": done.returncode}
            + detail
        )
