"""Mono 16-bit PCM at one sample rate: decode, encode, resample, trim and measure.

Every sound softspot makes (speech, chime, a whole session) is this one shape,
:data:`SAMPLE_RATE` Hz mono signed 16-bit, the format espeak-ng writes, so
clips can be joined without conversion. Samples are ``array('h')``; no numpy.
"""

from __future__ import annotations

import io
import math
import struct
import sys
import wave
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

SAMPLE_RATE = 22050
SAMPLE_WIDTH = 2
MAX_SAMPLE = 32767
SILENCE_THRESHOLD = 64
"""Samples whose magnitude stays under this (about -54 dBFS) count as silence."""


class WavError(ValueError):
    """Bytes that are not a WAV softspot can read."""


@dataclass(frozen=True)
class Clip:
    """Mono 16-bit samples at :data:`SAMPLE_RATE`."""

    samples: array[int]

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    def __len__(self) -> int:
        return len(self.samples)

    def __add__(self, other: Clip) -> Clip:
        return Clip(self.samples + other.samples)

    def to_wav(self) -> bytes:
        return encode_wav(self.samples)


def silence(seconds: float) -> Clip:
    return Clip(array("h", bytes(SAMPLE_WIDTH * round(seconds * SAMPLE_RATE))))


def join(clips: Iterable[Clip]) -> Clip:
    samples = array("h")
    for clip in clips:
        samples.extend(clip.samples)
    return Clip(samples)


def encode_wav(samples: array[int]) -> bytes:
    """A complete WAV file (with correct sizes in its header) holding ``samples``."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(SAMPLE_WIDTH)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(to_le_bytes(samples))
    return out.getvalue()


def to_le_bytes(samples: array[int]) -> bytes:
    if sys.byteorder == "little":
        return samples.tobytes()
    swapped = array("h", samples)
    swapped.byteswap()
    return swapped.tobytes()


def decode_wav(data: bytes) -> Clip:
    """Read a PCM WAV into a :class:`Clip`, converting channels and rate as needed.

    Tolerates the header ``espeak-ng --stdout`` writes, whose sizes are
    placeholders (it cannot seek back on a pipe): a data chunk runs to the end of
    the bytes at most.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise WavError("not a WAV file (no RIFF/WAVE header)")
    pos = 12
    fmt: tuple[int, int, int, int] | None = None
    payload: bytes | None = None
    while pos + 8 <= len(data):
        chunk_id = data[pos : pos + 4]
        (size,) = struct.unpack_from("<I", data, pos + 4)
        body = data[pos + 8 : pos + 8 + size]
        if chunk_id == b"fmt ":
            if len(body) < 16:
                raise WavError("WAV fmt chunk is too short")
            audio_format, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", body)
            fmt = (audio_format, channels, rate, bits)
        elif chunk_id == b"data":
            payload = body
            break
        pos += 8 + size + (size & 1)
    if fmt is None or payload is None:
        raise WavError("WAV file has no fmt or data chunk")
    audio_format, channels, rate, bits = fmt
    if audio_format not in (1, 0xFFFE) or bits != 16:
        raise WavError(f"only 16-bit PCM WAV is supported (got format {audio_format}, {bits} bits)")
    if channels < 1 or rate < 1:
        raise WavError("WAV file declares no channels or no sample rate")
    frame = SAMPLE_WIDTH * channels
    payload = payload[: len(payload) - len(payload) % frame]
    samples = array("h", payload)
    if sys.byteorder != "little":
        samples.byteswap()
    if channels > 1:
        samples = array("h", (sum(samples[i : i + channels]) // channels for i in range(0, len(samples), channels)))
    if rate != SAMPLE_RATE:
        samples = resample(samples, rate, SAMPLE_RATE)
    return Clip(samples)


def resample(samples: array[int], from_rate: int, to_rate: int) -> array[int]:
    """Linear-interpolation resampling: plenty for speech and chimes."""
    if from_rate == to_rate or not samples:
        return array("h", samples)
    count = max(1, round(len(samples) * to_rate / from_rate))
    step = from_rate / to_rate
    last = len(samples) - 1
    out = array("h", bytes(SAMPLE_WIDTH * count))
    for i in range(count):
        x = i * step
        j = int(x)
        if j >= last:
            out[i] = samples[last]
            continue
        frac = x - j
        out[i] = round(samples[j] + (samples[j + 1] - samples[j]) * frac)
    return out


def trim_silence(clip: Clip, *, keep_seconds: float = 0.01) -> Clip:
    """Drop near-silent samples at both ends, keeping a short margin."""
    samples = clip.samples
    loud = [i for i in (_first_loud(samples), _last_loud(samples)) if i is not None]
    if len(loud) < 2:
        return Clip(array("h"))
    keep = round(keep_seconds * SAMPLE_RATE)
    start = max(0, loud[0] - keep)
    end = min(len(samples), loud[1] + 1 + keep)
    return Clip(samples[start:end])


def _first_loud(samples: array[int]) -> int | None:
    for i, s in enumerate(samples):
        if abs(s) >= SILENCE_THRESHOLD:
            return i
    return None


def _last_loud(samples: array[int]) -> int | None:
    for i in range(len(samples) - 1, -1, -1):
        if abs(samples[i]) >= SILENCE_THRESHOLD:
            return i
    return None


def fade_out(clip: Clip, seconds: float) -> Clip:
    """The clip with its last ``seconds`` faded to zero (a half cosine)."""
    samples = array("h", clip.samples)
    n = min(len(samples), round(seconds * SAMPLE_RATE))
    start = len(samples) - n
    for k in range(n):
        gain = 0.5 * (1 + math.cos(math.pi * (k + 1) / n))
        samples[start + k] = round(samples[start + k] * gain)
    return Clip(samples)


def peak(samples: array[int] | list[int]) -> int:
    return max((abs(s) for s in samples), default=0)


def rms(samples: array[int] | list[int]) -> float:
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))


def is_silent(samples: array[int] | list[int]) -> bool:
    return peak(samples) < SILENCE_THRESHOLD
