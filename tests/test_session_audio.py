"""The whole session as audio on the web: Opus in Ogg (and M4A with ffmpeg), made once, answered with HTTP Range
requests so a media player can seek; bad or unsatisfiable ranges are refused with 416."""

from __future__ import annotations

import io
import math
import shutil
import struct
import wave
from pathlib import Path

import pytest
import soundfile
from django.test import Client
from tests.test_web import checked, planned

from softspot.web import sound
from softspot.web.models import Plan

SECONDS = 8


def tone_wav(path: Path) -> Path:
    """``SECONDS`` of a quiet 440 Hz tone at 22050 Hz, the rate espeak-ng speaks at."""
    rate = 22050
    frames = b"".join(
        struct.pack("<h", int(6000 * math.sin(2 * math.pi * 440 * n / rate))) for n in range(rate * SECONDS)
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return path


@pytest.fixture
def plan(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Client, Plan]:
    monkeypatch.setenv("SOFTSPOT_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "data" / "session-audio").mkdir(parents=True)
    wav = tone_wav(tmp_path / "session.wav")
    renders: list[str] = []

    def rendered(script: object) -> Path:
        renders.append("wav")
        return wav

    monkeypatch.setattr(sound, "session_wav", rendered)
    client = Client()
    return client, planned(checked(client))


def body(response: object) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_the_session_is_opus_in_ogg_made_once_and_far_smaller_than_wav(plan: tuple[Client, Plan]) -> None:
    client, row = plan
    response = client.get(f"/p/{row.id}/audio.ogg")
    assert response.status_code == 200
    assert (response["Content-Type"], response["Accept-Ranges"]) == ("audio/ogg", "bytes")
    data = body(response)
    assert data[:4] == b"OggS" and b"OpusHead" in data[:200]
    info = soundfile.info(io.BytesIO(data))
    assert (info.format, info.subtype, info.samplerate) == ("OGG", "OPUS", 24000)
    assert info.duration == pytest.approx(SECONDS, abs=0.1)
    wav_size = len(body(client.get(f"/p/{row.id}/audio.wav")))
    assert len(data) * 5 < wav_size  # a continuous tone; a spoken session, mostly quiet, shrinks far more
    made = sorted(p.name for p in Path(sound.data_dir() / "session-audio").iterdir())
    assert [n.rsplit(".", 1)[1] for n in made] == ["ogg"]
    client.get(f"/p/{row.id}/audio.ogg")
    assert sorted(p.name for p in Path(sound.data_dir() / "session-audio").iterdir()) == made


def test_a_media_player_seeks_with_ranges(plan: tuple[Client, Plan]) -> None:
    client, row = plan
    url = f"/p/{row.id}/audio.ogg"
    whole = client.get(url)
    data, etag = body(whole), whole["ETag"]
    size = len(data)
    middle = client.get(url, HTTP_RANGE="bytes=1000-1999")
    assert middle.status_code == 206
    assert (middle["Content-Range"], middle["Content-Length"]) == (f"bytes 1000-1999/{size}", "1000")
    assert body(middle) == data[1000:2000]
    rest = client.get(url, HTTP_RANGE=f"bytes={size - 10}-")
    assert (rest.status_code, body(rest)) == (206, data[-10:])
    tail = client.get(url, HTTP_RANGE="bytes=-300")
    assert (tail["Content-Range"], body(tail)) == (f"bytes {size - 300}-{size - 1}/{size}", data[-300:])
    past_end = client.get(url, HTTP_RANGE=f"bytes=100-{size * 2}")
    assert (past_end.status_code, body(past_end)) == (206, data[100:])
    same = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert (same.status_code, body(same)) == (206, data[:10])
    changed = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"another-version"')
    assert (changed.status_code, len(body(changed))) == (200, size)
    several = client.get(url, HTTP_RANGE="bytes=0-9,20-29")
    assert (several.status_code, len(body(several))) == (200, size)
    other_unit = client.get(url, HTTP_RANGE="seconds=1-2")
    assert other_unit.status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    head = client.head(url)
    assert (head.status_code, head["Content-Length"]) == (200, str(size))


@pytest.mark.parametrize("wanted", ["bytes={size}-", "bytes=5-2", "bytes=x-y", "bytes=", "bytes=-0", "bytes=--3"])
def test_a_range_it_cannot_satisfy_is_refused_with_416(plan: tuple[Client, Plan], wanted: str) -> None:
    client, row = plan
    url = f"/p/{row.id}/audio.ogg"
    size = len(body(client.get(url)))
    refused = client.get(url, HTTP_RANGE=wanted.format(size=size))
    assert refused.status_code == 416
    assert refused["Content-Range"] == f"bytes */{size}"
    assert refused.content == b""


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="M4A needs ffmpeg")
def test_older_apple_devices_get_aac_in_m4a_linked_from_the_player(plan: tuple[Client, Plan]) -> None:
    client, row = plan
    client.post(f"/p/{row.id}/before/", {"left": "6", "right": "5", "back": "4"})
    html = client.get(f"/p/{row.id}/play/").content.decode()
    assert f'href="/p/{row.id}/audio.ogg" type="audio/ogg"' in html
    assert f'href="/p/{row.id}/audio.m4a" type="audio/mp4"' in html
    response = client.get(f"/p/{row.id}/audio.m4a")
    assert (response.status_code, response["Content-Type"]) == (200, "audio/mp4")
    data = body(response)
    assert data[4:8] == b"ftyp"
    assert data.index(b"moov") < data.index(b"mdat")  # faststart: a player can start before the end arrives
