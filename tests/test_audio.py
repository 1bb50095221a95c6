"""Sound: the chime, espeak-ng speech and its cache, the live CuePlayer, and the session rendered as audio.

Most tests use a fake espeak-ng (a tone whose length follows the text) so they run in milliseconds and never
play sound; a few run the real espeak-ng and are skipped, with the reason, when it is not installed.
"""

from __future__ import annotations

import io
import math
import os
import shutil
import struct
import subprocess
import threading
import time
import wave
from array import array
from collections.abc import Sequence
from pathlib import Path

import pytest
from tests.helpers import NO_ANSWERS, make_plan
from typer.testing import CliRunner

from softspot.audio import (
    ConverterUnavailable,
    CueCache,
    CuePlayer,
    Espeak,
    RenderError,
    SpeechError,
    SpeechUnavailable,
    Voice,
    VoiceNotFound,
    chime,
    chime_wav,
    find_player,
    render_session,
    speak_wav,
    wants_chime,
)
from softspot.audio.cues import GAP_AFTER_CHIME
from softspot.audio.pcm import SAMPLE_RATE, decode_wav, is_silent
from softspot.cli import app
from softspot.core.script import SegmentKind, SessionScript, SpokenCue

HAS_ESPEAK = shutil.which("espeak-ng") is not None
needs_espeak = pytest.mark.skipif(not HAS_ESPEAK, reason="espeak-ng is not installed (apt-get install espeak-ng)")
SECONDS_PER_CHAR = 0.02
"""The fake espeak-ng speaks at 50 characters a second."""


# --- a fake espeak-ng ------------------------------------------------------------------------------------------


def streamed_wav(samples: array[int], rate: int = SAMPLE_RATE) -> bytes:
    """A WAV as ``espeak-ng --stdout`` writes it: placeholder sizes in the header, since it cannot seek back."""
    placeholder = 0x7FFFF000
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)  # PCM, mono, rate, bytes/s, block align, bits
    riff = b"RIFF" + struct.pack("<I", placeholder + 36) + b"WAVE"
    return riff + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", placeholder) + samples.tobytes()


def tone(seconds: float, hz: float = 220.0, level: int = 8000, rate: int = SAMPLE_RATE) -> array[int]:
    return array("h", (round(level * math.sin(2 * math.pi * hz * i / rate)) for i in range(round(seconds * rate))))


class FakeEspeak:
    """Stands in for the espeak-ng program: counts what it is asked to say."""

    def __init__(
        self, version: str = "1.51", stdout: bytes | None = None, returncode: int = 0, stderr: str = ""
    ) -> None:
        self.version = version
        self.said: list[str] = []
        self.stdout = stdout
        self.returncode = returncode
        self.stderr = stderr

    def __call__(self, argv: Sequence[str], stdin: bytes) -> subprocess.CompletedProcess[bytes]:
        if "--version" in argv:
            out = f"eSpeak NG text-to-speech: {self.version}  Data at: /usr/lib/espeak-ng-data\n".encode()
            return subprocess.CompletedProcess(list(argv), 0, out, b"")
        text = stdin.decode()
        self.said.append(text)
        wav = self.stdout if self.stdout is not None else streamed_wav(tone(len(text) * SECONDS_PER_CHAR))
        return subprocess.CompletedProcess(list(argv), self.returncode, wav, self.stderr.encode())


def on_path(name: str) -> str | None:
    return f"/usr/bin/{name}" if name == "espeak-ng" else None


def nowhere(name: str) -> str | None:
    return None


def fake_cache(tmp_path: Path, fake: FakeEspeak | None = None, voice: Voice | None = None) -> CueCache:
    engine = Espeak(which=on_path, run=fake or FakeEspeak())
    return CueCache(voice or Voice(), directory=tmp_path / "cue-cache", engine=engine)


def read_wav(path: Path) -> tuple[wave._wave_params, array[int]]:
    with wave.open(str(path), "rb") as w:
        params = w.getparams()
        samples = array("h", w.readframes(w.getnframes()))
    return params, samples


def window(samples: array[int], start: float, end: float) -> array[int]:
    return samples[max(0, round(start * SAMPLE_RATE)) : round(end * SAMPLE_RATE)]


def tiny_script() -> SessionScript:
    """The real plan's first segments squeezed into 21 seconds: start (with the pain rule), prepare, a spot with
    an extra cue and the check-in 4 s in, a switch (with the pain rule again)."""
    script = make_plan(minutes=2, add_ons=["calf"], comfortable_sessions=3)
    start, prepare, _, spot = script.segments[:4]
    switch = next(s for s in script.segments if s.kind == "switch")
    assert spot.kind == "spot"
    assert spot.extra
    assert [t.kind for t in start.timed] == [t.kind for t in switch.timed] == ["pain_rule"]
    check_in = [spot.timed[0].model_copy(update={"after": 4})]
    spot = spot.model_copy(update={"timed": check_in})
    timing = [(start, 0, 6), (prepare, 6, 3), (spot, 9, 7), (switch, 16, 5)]
    segments = [seg.model_copy(update={"starts_at": at, "seconds": secs}) for seg, at, secs in timing]
    return script.model_copy(update={"segments": segments, "total_seconds": 21})


# --- the chime -------------------------------------------------------------------------------------------------


def test_the_chime_is_short_soft_and_fades_to_silence() -> None:
    with wave.open(io.BytesIO(chime_wav()), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, SAMPLE_RATE)
        samples = array("h", w.readframes(w.getnframes()))
    assert len(samples) == round(0.4 * SAMPLE_RATE)
    loudest = max(range(len(samples)), key=lambda i: abs(samples[i]))
    assert 0.2 * 32767 < abs(samples[loudest]) <= 0.34 * 32767, "gentle: about a third of full scale"
    assert loudest < 0.06 * SAMPLE_RATE, "a quick attack"
    assert samples[0] == 0, "no click at the start"
    assert abs(samples[-1]) < 50, "no click at the end"
    windows = [window(samples, t / 20, (t + 1) / 20) for t in range(1, 8)]
    levels = [max(abs(s) for s in w) for w in windows]
    assert levels == sorted(levels, reverse=True), f"it decays steadily: {levels}"
    assert levels[-1] < levels[0] / 4


def test_moves_get_a_chime_and_other_steps_do_not() -> None:
    kinds: list[SegmentKind] = ["start", "prepare", "spot", "add_on", "switch", "finish"]
    assert [k for k in kinds if wants_chime(k)] == ["spot", "switch", "finish"]  # as the engine chimes


# --- speech and its cache --------------------------------------------------------------------------------------


def test_a_cue_is_rendered_once_and_then_served_from_the_cache(tmp_path: Path) -> None:
    fake = FakeEspeak()
    cache = fake_cache(tmp_path, fake)
    assert cache.lookup("Sit here.") is None
    first = cache.clip("Sit here.")
    again = cache.clip("Sit here.")
    later = fake_cache(tmp_path, fake).clip("Sit here.")  # another process, same cache folder
    assert first == again == later == cache.lookup("Sit here.")
    assert fake.said == ["Sit here."]
    assert first.parent == tmp_path / "cue-cache"
    assert first.name == f"{cache.key('Sit here.')}.wav"
    assert cache.path_for_key(cache.key("Sit here.")) == first
    assert cache.path_for_key("../../etc/passwd") is None
    params, _ = read_wav(first)
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, SAMPLE_RATE)
    assert abs(params.nframes - len("Sit here.") * SECONDS_PER_CHAR * SAMPLE_RATE) < 0.03 * SAMPLE_RATE


def test_another_voice_rate_or_espeak_version_is_rendered_afresh(tmp_path: Path) -> None:
    keys = {
        fake_cache(tmp_path).key("Sit here."),
        fake_cache(tmp_path, voice=Voice("en-gb")).key("Sit here."),
        fake_cache(tmp_path, voice=Voice(rate=170)).key("Sit here."),
        fake_cache(tmp_path, FakeEspeak(version="1.52")).key("Sit here."),
        fake_cache(tmp_path).key("Sit here!"),
    }
    assert len(keys) == 5


def test_warming_renders_each_distinct_cue_once(tmp_path: Path) -> None:
    fake = FakeEspeak()
    cache = fake_cache(tmp_path, fake)
    assert cache.warm(["One.", "Two.", "One.", " "]) == 2
    assert cache.warm(["One.", "Two."]) == 0
    assert fake.said == ["One.", "Two."]


def test_without_espeak_ng_it_says_in_one_line_how_to_install_it(tmp_path: Path) -> None:
    engine = Espeak(which=nowhere, run=FakeEspeak())
    with pytest.raises(SpeechUnavailable) as caught:
        engine.speak("Sit here.")
    message = str(caught.value)
    assert "apt-get install espeak-ng" in message
    assert "brew install espeak-ng" in message
    assert "\n" not in message
    cache = CueCache(directory=tmp_path, engine=engine)
    assert not cache.available
    assert cache.lookup("Sit here.") is None


def test_an_empty_path_means_no_espeak_ng(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not Espeak().available
    with pytest.raises(SpeechUnavailable):
        speak_wav("Sit here.")


def test_a_zero_exit_without_sound_is_not_taken_as_speech() -> None:
    for stdout in (streamed_wav(array("h")), streamed_wav(array("h", bytes(8000))), b"", b"garbage"):
        engine = Espeak(which=on_path, run=FakeEspeak(stdout=stdout))
        with pytest.raises(SpeechError, match="espeak-ng"):
            engine.speak("Sit here.")


def test_an_unknown_voice_is_named() -> None:
    fake = FakeEspeak(stdout=b"", returncode=1, stderr="Error: The specified espeak-ng voice does not exist.")
    with pytest.raises(VoiceNotFound, match="'xx'"):
        Espeak(which=on_path, run=fake).speak("Sit here.", Voice("xx"))


def test_speech_at_another_sample_rate_is_resampled_to_the_chime_rate() -> None:
    fake = FakeEspeak(stdout=streamed_wav(tone(1.0, rate=16000), rate=16000))  # mbrola voices speak at 16 kHz
    clip = Espeak(which=on_path, run=fake).speak("Sit here.")
    assert abs(len(clip) - SAMPLE_RATE) < 0.03 * SAMPLE_RATE


def test_voice_options_are_checked() -> None:
    with pytest.raises(ValueError, match="80 to 450"):
        Voice(rate=20)
    with pytest.raises(ValueError, match="voice name"):
        Voice("en; rm -rf /")


@needs_espeak
def test_espeak_ng_speaks_a_cue_as_22050_hz_mono_16_bit() -> None:
    with wave.open(io.BytesIO(speak_wav("Sit here and relax into it.")), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, SAMPLE_RATE)
        assert 0.5 * SAMPLE_RATE < w.getnframes() < 5 * SAMPLE_RATE
        assert not is_silent(array("h", w.readframes(w.getnframes())))


# --- the live player -------------------------------------------------------------------------------------------


class FakePlayer:
    """A player program that plays until the test lets it finish; it notes how many play at once."""

    def __init__(self, *, hold: bool = True) -> None:
        self.files: list[Path] = []
        self.started = threading.Semaphore(0)
        self.release = threading.Semaphore(0)
        self.hold = hold
        self.playing = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def __call__(self, argv: Sequence[str], timeout: float, cancel: threading.Event) -> None:
        with self._lock:
            self.playing += 1
            self.most_at_once = max(self.most_at_once, self.playing)
            self.files.append(Path(argv[-1]))
        self.started.release()
        if self.hold:
            deadline = time.monotonic() + 5
            while not self.release.acquire(timeout=0.01):  # plays until released, or cut off by hush()
                if cancel.is_set():
                    break
                assert time.monotonic() < deadline, "the test never let the cue finish"
        with self._lock:
            self.playing -= 1

    def wait_started(self) -> None:
        assert self.started.acquire(timeout=5), "no cue started playing"


def make_player(tmp_path: Path, runner: FakePlayer, **kwargs: object) -> tuple[CuePlayer, list[str]]:
    reports: list[str] = []
    options: dict[str, object] = {"cache": fake_cache(tmp_path), "command": ["aplay", "-q"], "report": reports.append}
    options.update(kwargs)
    return CuePlayer(runner=runner, **options), reports  # type: ignore[arg-type]


def test_say_returns_at_once_and_piled_up_cues_give_way_to_the_newest(tmp_path: Path) -> None:
    runner = FakePlayer()
    player, reports = make_player(tmp_path, runner)
    player.say("Spot one.")
    runner.wait_started()
    for text in ("Spot two.", "Spot three.", "Spot four."):
        player.say(text)  # returns while "Spot one." is still playing: the runner is held
    assert runner.playing == 1
    assert player.played == 0
    runner.release.release()
    runner.wait_started()
    runner.release.release()
    assert player.wait_idle(timeout=5)
    assert player.heard == [("Spot one.",), ("Spot four.",)]
    assert (player.played, player.dropped, runner.most_at_once) == (2, 2, 1)
    assert reports == []
    player.close()


def test_hush_drops_waiting_cues_and_cuts_the_one_playing_so_stop_is_heard_at_once(tmp_path: Path) -> None:
    runner = FakePlayer()
    player, _ = make_player(tmp_path, runner)
    player.say("Sit here and relax into it.")
    runner.wait_started()
    player.say("If you like, press the calf.")  # waiting behind the first
    player.hush()  # Stop pressed: nothing more of either
    player.say("Stopping here. Lift off gently.")
    runner.wait_started()  # the stop cue starts without the test releasing the first one
    runner.release.release()
    assert player.wait_idle(timeout=5)
    player.close()
    assert player.heard == [("Stopping here. Lift off gently.",)]
    assert (player.cut, player.dropped, player.played) == (1, 1, 1)


def test_the_player_program_is_killed_when_a_cue_is_cut_off(tmp_path: Path) -> None:
    from softspot.audio.player import run_player

    pid_file = tmp_path / "pid"
    cancel = threading.Event()

    def stop_once_playing() -> None:
        while not pid_file.exists() or not pid_file.read_text().strip():
            time.sleep(0.01)
        cancel.set()

    watcher = threading.Thread(target=stop_once_playing, daemon=True)
    watcher.start()
    # A "cue" that would play for ten minutes; hush() sets the event and it must end now.
    run_player(["sh", "-c", f"echo $$ > {pid_file}; exec sleep 600"], 900.0, cancel)
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)  # killed and reaped, not left playing


def test_cues_from_many_threads_never_overlap(tmp_path: Path) -> None:
    runner = FakePlayer(hold=False)
    player, _ = make_player(tmp_path, runner)

    def say_five(n: int) -> None:
        for k in range(5):
            player.say(f"Cue {n}.{k}")

    threads = [threading.Thread(target=say_five, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert player.wait_idle(timeout=5)
    player.close()
    assert runner.most_at_once == 1
    assert player.played + player.dropped == 40
    assert player.played >= 1


def test_a_cue_that_waited_too_long_is_dropped_rather_than_heard_late(tmp_path: Path) -> None:
    now = [0.0]
    runner = FakePlayer()
    player, _ = make_player(tmp_path, runner, clock=lambda: now[0], stale_after=4.0)
    player.say("Spot one.")
    runner.wait_started()
    player.say("Spot two.")
    now[0] = 10.0
    runner.release.release()
    assert player.wait_idle(timeout=5)
    assert player.heard == [("Spot one.",)]
    assert player.dropped == 1
    player.close()


def test_a_cue_is_the_chime_then_the_voice_then_the_extra_cues(tmp_path: Path) -> None:
    runner = FakePlayer(hold=False)
    player, _ = make_player(tmp_path, runner)
    spot = tiny_script().segments[2]
    player.say_segment(spot)
    assert player.wait_idle(timeout=5)
    player.close(drain=True)
    assert player.heard == [(spot.cue.say, spot.extra[0].say)]


def test_without_espeak_ng_it_tells_once_and_still_chimes(tmp_path: Path) -> None:
    runner = FakePlayer(hold=False)
    cache = CueCache(directory=tmp_path, engine=Espeak(which=nowhere, run=FakeEspeak()))
    player, reports = make_player(tmp_path, runner, cache=cache)
    assert not player.speaks
    player.say("Spot one.")
    assert player.wait_idle(timeout=5)
    player.say("Spot two.")
    player.say("Paused.", chime=False)  # nothing to hear: no voice and no chime
    assert player.wait_idle(timeout=5)
    sounds = [decode_wav(f.read_bytes()) for f in runner.files]
    player.close()
    assert len(reports) == 1
    assert "apt-get install espeak-ng" in reports[0]
    assert [len(s) for s in sounds] == [len(chime())] * 2
    assert player.heard == [(), ()]


def test_without_any_player_program_it_tells_once_and_stays_silent(tmp_path: Path) -> None:
    runner = FakePlayer(hold=False)
    player, reports = make_player(tmp_path, runner, command=None, which=nowhere)
    player.say("Spot one.")
    player.say("Spot two.")
    assert player.wait_idle(timeout=5)
    player.close()
    assert not player.audible
    assert runner.files == []
    assert len(reports) == 1
    assert "no audio player" in reports[0]


def test_a_failing_player_is_reported_once() -> None:
    reports: list[str] = []

    def broken(argv: Sequence[str], timeout: float, cancel: threading.Event) -> None:
        raise OSError("device busy")

    player = CuePlayer(speech=False, command=["aplay"], runner=broken, report=reports.append)
    player.chime()
    assert player.wait_idle(timeout=5)
    player.chime()
    assert player.wait_idle(timeout=5)
    player.close()
    assert reports == ["could not play cues with aplay: device busy"]


def test_the_first_player_program_found_is_used() -> None:
    found = {"paplay": "/usr/bin/paplay", "play": "/usr/bin/play"}
    assert find_player(found.get) == ["/usr/bin/paplay"]
    assert find_player({"play": "/usr/bin/play"}.get) == ["/usr/bin/play", "-q"]
    assert find_player(nowhere) is None


def test_close_lets_the_waiting_cue_finish_or_drops_it(tmp_path: Path) -> None:
    for drain, heard in ((True, [("One.",), ("Two.",)]), (False, [("One.",)])):
        runner = FakePlayer()
        player, _ = make_player(tmp_path, runner)
        player.say("One.")
        runner.wait_started()
        player.say("Two.")
        closing = threading.Thread(target=player.close, kwargs={"drain": drain})
        closing.start()
        runner.release.release()
        if drain:
            runner.wait_started()
            runner.release.release()
        closing.join(timeout=5)
        assert not closing.is_alive()
        assert player.heard == heard
        player.say("After closing.")
        assert player.heard == heard


# --- the session as one audio file -----------------------------------------------------------------------------


def test_the_session_file_lasts_exactly_as_planned_with_each_cue_at_its_time(tmp_path: Path) -> None:
    script = tiny_script()
    result = render_session(script, tmp_path / "session.wav", cache=fake_cache(tmp_path))
    params, samples = read_wav(tmp_path / "session.wav")
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, SAMPLE_RATE)
    assert params.nframes == script.total_seconds * SAMPLE_RATE
    assert result.seconds == script.total_seconds
    bell = chime().samples
    for seg in script.segments:
        at = seg.starts_at
        assert not is_silent(window(samples, at, at + 0.1)), f"a cue at {at} s"
        if at:
            assert is_silent(window(samples, at - 0.5, at)), f"silence before {at} s"
        starts_with_chime = window(samples, at, at + len(bell) / SAMPLE_RATE) == bell
        assert starts_with_chime == wants_chime(seg.kind), seg.kind
    spot = script.segments[2]  # chime, gap, voice, gap, the calf add-on's extra cue; the check-in 4 s in
    voice_at = spot.starts_at + len(bell) / SAMPLE_RATE + GAP_AFTER_CHIME
    expected = voice_at + (len(spot.cue.say) + len(spot.extra[0].say)) * SECONDS_PER_CHAR + 0.4
    assert not is_silent(window(samples, expected - 0.1, expected))
    check_in = spot.starts_at + spot.timed[0].after
    assert is_silent(window(samples, expected + 0.05, check_in))
    check_in_ends = check_in + len(spot.timed[0].cue.say) * SECONDS_PER_CHAR
    assert not is_silent(window(samples, check_in, check_in + 0.1))
    assert not is_silent(window(samples, check_in_ends - 0.1, check_in_ends))
    assert is_silent(window(samples, check_in_ends + 0.05, spot.starts_at + spot.seconds))
    timed = [p.timed for p in result.placements]
    assert timed == [(("pain_rule", 0.0),), (), (("check_in", 13.0),), (("pain_rule", 16.0),)]
    assert result.notes == []


def test_the_pain_rule_follows_the_opening_cue_and_the_check_in_comes_where_the_plan_says(tmp_path: Path) -> None:
    script = make_plan(minutes=2)
    fake = FakeEspeak()
    result = render_session(script, tmp_path / "session.wav", cache=fake_cache(tmp_path, fake))
    _, samples = read_wav(tmp_path / "session.wav")
    placed = [t for p in result.placements for t in p.timed]
    planned = [(t.kind, float(s.starts_at + t.after)) for s in script.segments for t in s.timed]
    assert placed == planned == [("pain_rule", 0.0), ("check_in", 65.0), ("pain_rule", 170.0), ("check_in", 240.0)]
    pain_rule = script.cues.pain_rule
    assert pain_rule is not None and fake.said.count(pain_rule.say) == 1  # rendered once, placed twice
    opening = (len(script.segments[0].cue.say) + len(pain_rule.say)) * SECONDS_PER_CHAR + 0.4
    assert not is_silent(window(samples, opening - 0.1, opening))  # the pain rule right after the opening cue
    assert is_silent(window(samples, opening + 0.05, script.segments[1].starts_at))
    for _, at in placed[1::2]:  # each check-in starts on its second, after silence
        assert is_silent(window(samples, at - 0.5, at))
        assert not is_silent(window(samples, at, at + 0.1))
    assert result.notes == []


def test_each_segment_is_a_chapter_titled_with_its_on_screen_text(tmp_path: Path) -> None:
    script = tiny_script()
    result = render_session(script, tmp_path / "session.wav", cache=fake_cache(tmp_path))
    assert result.chapters == tmp_path / "session.chapters.vtt"
    blocks = result.chapters.read_text().split("\n\n")
    assert blocks[0] == "WEBVTT"
    chapters = [b.splitlines() for b in blocks[1:] if b.strip()]
    assert chapters == [
        ["1", "00:00:00.000 --> 00:00:06.000", script.segments[0].cue.show],
        ["2", "00:00:06.000 --> 00:00:09.000", script.segments[1].cue.show],
        ["3", "00:00:09.000 --> 00:00:16.000", script.segments[2].cue.show],
        ["4", "00:00:16.000 --> 00:00:21.000", script.segments[3].cue.show],
    ]
    meta = result.ffmetadata.read_text()
    assert meta.startswith(";FFMETADATA1\n")
    assert meta.count("[CHAPTER]") == 4
    assert "START=9000\nEND=16000\n" in meta


def test_a_cue_longer_than_its_segment_is_cut_at_the_next_segment(tmp_path: Path) -> None:
    script = tiny_script()
    segments = list(script.segments)
    long_say = "x" * 200  # 4 s of fake speech in a 3-second segment
    segments[1] = segments[1].model_copy(update={"cue": SpokenCue(show="Long", say=long_say)})
    segments[0] = segments[0].model_copy(update={"extra": [SpokenCue(show="More", say="y" * 250)]})  # 5 s: no room
    script = script.model_copy(update={"segments": segments})
    result = render_session(script, tmp_path / "session.wav", cache=fake_cache(tmp_path))
    _, samples = read_wav(tmp_path / "session.wav")
    assert len(samples) == 21 * SAMPLE_RATE
    assert not is_silent(window(samples, 8.5, 8.9))
    assert is_silent(window(samples, 8.999, 9.0)), "faded out just before the next segment"
    assert window(samples, 9, 9 + len(chime()) / SAMPLE_RATE) == chime().samples, "the next cue is on time"
    assert result.placements[1].cut_seconds == pytest.approx(1.0, abs=0.05)
    assert result.placements[0].left_out == ("y" * 250,)
    assert result.placements[0].timed == (("pain_rule", 0.0),), "the pain rule still fits after the opening cue"
    assert len(result.notes) == 2
    assert "cut at the next segment's start" in result.notes[1]


def test_a_compressed_format_without_a_converter_names_what_to_install(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ConverterUnavailable, match="ffmpeg"):
        render_session(tiny_script(), out / "session.m4a", cache=fake_cache(tmp_path), which=nowhere)
    assert list(out.iterdir()) == []


def test_a_failing_converter_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()

    def ffmpeg(argv: Sequence[str]) -> subprocess.CompletedProcess[bytes]:
        return subprocess.CompletedProcess(list(argv), 1, b"", b"Unknown encoder 'libmp3lame'\n")

    with pytest.raises(RenderError, match="libmp3lame"):
        render_session(tiny_script(), out / "s.mp3", cache=fake_cache(tmp_path), which=lambda n: n, run=ffmpeg)
    assert list(out.iterdir()) == []


def test_ffmpeg_gets_the_chapters_to_embed(tmp_path: Path) -> None:
    calls: list[list[str]] = []

    def ffmpeg(argv: Sequence[str]) -> subprocess.CompletedProcess[bytes]:
        calls.append(list(argv))
        Path(argv[-1]).write_bytes(b"\xff\xfbfake mp3")
        return subprocess.CompletedProcess(list(argv), 0, b"", b"")

    result = render_session(
        tiny_script(), tmp_path / "s.mp3", cache=fake_cache(tmp_path), which=lambda n: n, run=ffmpeg
    )
    [argv] = calls
    assert argv[0] == "ffmpeg"
    assert argv[argv.index("-f") + 1 : argv.index("-f") + 3] == ["ffmetadata", "-i"]
    assert argv[argv.index("-map_chapters") + 1] == "1"
    assert result.path.read_bytes() == b"\xff\xfbfake mp3"
    assert result.converter == "ffmpeg"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["s.chapters.vtt", "s.ffmetadata", "s.mp3"]


@pytest.mark.skipif(shutil.which("ffmpeg") is None and shutil.which("sox") is None, reason="neither ffmpeg nor sox")
def test_a_converter_on_path_makes_an_ogg_file(tmp_path: Path) -> None:
    result = render_session(tiny_script(), tmp_path / "session.ogg", cache=fake_cache(tmp_path))
    assert result.path.read_bytes()[:4] == b"OggS"
    assert result.format == "ogg"
    assert result.chapters.is_file()


@needs_espeak
def test_a_real_session_rendered_with_espeak_ng_lasts_as_planned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOFTSPOT_DATA_DIR", str(tmp_path / "data"))
    script = make_plan(minutes=2, add_ons=["calf", "lower_back"], comfortable_sessions=3)
    result = render_session(script, tmp_path / "session.wav")
    params, samples = read_wav(result.path)
    assert params.nframes == script.total_seconds * SAMPLE_RATE
    for seg in script.segments:
        assert not is_silent(window(samples, seg.starts_at, seg.starts_at + 0.3)), f"a cue at {seg.starts_at} s"
        if seg.starts_at:
            assert is_silent(window(samples, seg.starts_at - 0.5, seg.starts_at)), f"silence before {seg.starts_at} s"
    assert result.notes == []


# --- softspot render-audio -------------------------------------------------------------------------------------


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOFTSPOT_DATA_DIR", str(tmp_path / "data"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def render_audio(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["render-audio", *NO_ANSWERS, *args])
    return result.exit_code, result.stdout, result.stderr


@needs_espeak
def test_render_audio_writes_the_planned_session_and_its_chapters(in_tmp: Path) -> None:
    code, out, _ = render_audio("--minutes-per-leg", "2", "--rate", "170")
    assert code == 0, out
    assert "Wrote softspot-session.wav" in out
    assert sorted(p.name for p in in_tmp.iterdir()) == [
        "softspot-session.chapters.vtt",
        "softspot-session.ffmetadata",
        "softspot-session.wav",
    ]
    script = make_plan(minutes=2)
    params, _ = read_wav(in_tmp / "softspot-session.wav")
    assert params.nframes == script.total_seconds * SAMPLE_RATE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "flac"], "--format: unknown audio format 'flac'"),
        (["--out", "session.mp3", "--format", "wav"], "--out: session.mp3 does not end in .wav"),
        (["--out", "nowhere/session.wav"], "--out: the folder nowhere does not exist"),
        (["--rate", "20"], "--rate: rate must be 80 to 450"),
        (["--voice-name", "en us"], "--voice-name: voice name 'en us'"),
        (["--minutes-per-leg", "1"], "--minutes-per-leg: 1 is outside"),
    ],
)
def test_render_audio_refuses_bad_options_and_writes_nothing(in_tmp: Path, args: list[str], message: str) -> None:
    code, _, err = render_audio(*args)
    assert code == 2
    assert message in " ".join(err.split())
    assert list(in_tmp.iterdir()) == []


def test_render_audio_stops_for_a_pregnant_receiver_and_writes_nothing(in_tmp: Path) -> None:
    result = CliRunner().invoke(app, ["render-audio", *NO_ANSWERS, "--answer", "pregnant=yes"])
    assert result.exit_code == 3
    assert list(in_tmp.iterdir()) == []


def test_render_audio_without_espeak_ng_says_how_to_install_it(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(in_tmp.parent))
    code, _, err = render_audio()
    assert code == 1
    assert "apt-get install espeak-ng" in err
    assert list(in_tmp.iterdir()) == []


@needs_espeak
def test_render_audio_in_m4a_without_ffmpeg_names_it(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = in_tmp.parent / "bin"
    bin_dir.mkdir()
    (bin_dir / "espeak-ng").symlink_to(shutil.which("espeak-ng") or "")
    monkeypatch.setenv("PATH", str(bin_dir))
    code, _, err = render_audio("--format", "m4a")
    assert code == 1
    assert "ffmpeg" in err
    assert "--format wav" in " ".join(err.split())
    assert list(in_tmp.iterdir()) == []
