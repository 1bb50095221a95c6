"""``softspot render-audio``: the planned session as one audio file, with chapters.

Exit codes: 0 written; 2 bad input (nothing written); 3 screening said stop;
1 a program it needs (espeak-ng, ffmpeg/sox) is missing or failed.
"""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape

from softspot.audio.render import RenderError, chapters_path, ffmetadata_path, format_for, render_session
from softspot.audio.speech import MAX_RATE, MIN_RATE, CueCache, SpeechError, SpeechUnavailable, Voice, VoiceNotFound
from softspot.cli import plan_cmd
from softspot.cli.commands import PlanArgs
from softspot.cli.output import console, errors, fail
from softspot.files import UnsafeTarget, check_target
from softspot.i18n import _, format_duration

MISSING_PROGRAM = 1
DEFAULT_STEM = "softspot-session"


def output_path(out: Path | None, fmt: str | None) -> tuple[Path, str]:
    """The file to write and its format, from ``--out`` and ``--format``; fails on a mismatch.

    The audio file and its two chapter files beside it must each be a regular file or not exist yet.
    """
    if out is None:
        try:
            chosen = format_for(Path(f"{DEFAULT_STEM}.wav"), fmt)
        except ValueError as exc:
            fail(f"--format: {exc}")
        out = Path(f"{DEFAULT_STEM}.{chosen}")
        return _checked(out), chosen
    try:
        chosen = format_for(out, fmt)
    except ValueError as exc:
        fail(f"--format: {exc}" if fmt else _("--out: %(problem)s (or give --format)") % {"problem": exc})
    if out.suffix.lower() != f".{chosen}":
        fail(_("--out: %(file)s does not end in .%(format)s, the format asked for") % {"file": out, "format": chosen})
    if out.is_dir() and not out.is_symlink():
        fail(
            _("--out: %(file)s is a folder; give a file name such as %(example)s")
            % {"file": out, "example": out / (DEFAULT_STEM + "." + chosen)}
        )
    return _checked(out), chosen


def _checked(out: Path) -> Path:
    for target in (out, chapters_path(out), ffmetadata_path(out)):
        try:
            check_target(target)
        except UnsafeTarget as exc:
            fail(f"--out: {exc}")
    return out


def make_voice(voice_name: str | None, rate: int, lang: str = "en") -> Voice:
    from softspot.cli.language import voice_for

    voice_name = voice_for(voice_name, lang)
    try:
        return Voice(voice_name, rate)
    except ValueError as exc:
        fail(f"{'--rate' if not MIN_RATE <= rate <= MAX_RATE else '--voice-name'}: {exc}")


def render_audio(args: PlanArgs, *, out: Path | None, fmt: str | None, voice_name: str | None, rate: int) -> None:
    path, _format = output_path(out, fmt)
    make_voice(voice_name, rate)  # a bad --voice-name or --rate fails before anything is planned
    script = plan_cmd.build_script(args)
    voice = make_voice(voice_name, rate, script.language)
    cache = CueCache(voice)
    if not cache.available:
        fail(str(SpeechUnavailable()), MISSING_PROGRAM)
    try:
        result = render_session(script, path, format=fmt, cache=cache)
    except VoiceNotFound as exc:
        fail(f"--voice-name: {exc}")
    except (SpeechError, RenderError) as exc:
        fail(str(exc), MISSING_PROGRAM)
    except UnsafeTarget as exc:
        fail(f"--out: {exc}")
    except OSError as exc:
        fail(_("--out: cannot write %(path)s: %(error)s") % {"path": path, "error": exc.strerror or exc})
    for note in result.notes:
        errors.print("[yellow]" + _("note:") + f"[/] {escape(note)}", soft_wrap=True)
    console.print(
        _("Wrote %(path)s (%(time)s, as planned) with chapters in %(chapters)s and %(metadata)s.")
        % {
            "path": f"[bold]{escape(str(result.path))}[/]",
            "time": format_duration(round(result.seconds)),
            "chapters": escape(str(result.chapters)),
            "metadata": escape(str(result.ffmetadata)),
        },
        soft_wrap=True,
    )
