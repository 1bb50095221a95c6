"""The command line in each language: --lang, LANG/LC_ALL, the session said and saved in the language."""

from __future__ import annotations

import json
import re
import shutil
import wave
from pathlib import Path

import pytest
from tests.helpers import NO_ANSWERS
from typer.testing import CliRunner

from softspot.cli import app
from softspot.store.models import SessionRecord

runner = CliRunner()
FAST = ["--speed", "5000", "--no-voice"]


def test_technique_list_speaks_the_terminals_language() -> None:
    thai = runner.invoke(app, ["technique", "list"], env={"LANG": "th_TH.UTF-8", "LC_ALL": "", "COLUMNS": "120"})
    assert thai.exit_code == 0, thai.output
    assert thai.stdout.split()[:4] == ["id", "เวอร์ชัน", "ชื่อ", "สรุป"]
    assert "นวดต้นขาด้านหลังแบบไม่ใช้มือ" in thai.stdout and "Hands-free" not in thai.stdout
    english = runner.invoke(app, ["technique", "list", "--json"], env={"LANG": "C.UTF-8", "LC_ALL": ""})
    assert json.loads(english.stdout)[0]["title"] == "Hands-free hamstring massage"


def test_technique_show_speaks_the_language_asked_for() -> None:
    result = runner.invoke(app, ["technique", "show", "hands-free-hamstring", "--lang", "th"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("นวดต้นขาด้านหลังแบบไม่ใช้มือ")
    # durations in the language too: "2 นาที", never the English "2 min"
    assert "2 นาที" in result.stdout and not re.search(r"\d (min|s)\b", result.stdout)
    shown = json.loads(
        runner.invoke(app, ["technique", "show", "hands-free-hamstring", "--json", "--lang", "de"]).stdout
    )
    assert shown["title"] == "Massage der hinteren Oberschenkel ohne Hände"
    assert shown["languages"] == ["de"]


@pytest.mark.parametrize("command", [["technique", "show", "hands-free-hamstring"], ["plan", *NO_ANSWERS], ["guide"]])
def test_a_language_softspot_does_not_speak_is_one_clear_line(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--lang", "xx"])
    assert result.exit_code == 2
    assert result.stderr == "softspot: --lang: softspot does not speak 'xx'; choose one of: en, es, de, th\n"


def test_the_terminal_language_comes_from_lc_all_and_lang() -> None:
    german = runner.invoke(app, ["plan", *NO_ANSWERS, "--json"], env={"LANG": "de_DE.UTF-8", "LC_ALL": ""})
    assert json.loads(german.stdout)["language"] == "de"
    thai = runner.invoke(app, ["plan", *NO_ANSWERS, "--json"], env={"LANG": "de_DE.UTF-8", "LC_ALL": "th_TH.UTF-8"})
    assert json.loads(thai.stdout)["language"] == "th"
    other = runner.invoke(app, ["plan", *NO_ANSWERS, "--json"], env={"LANG": "pt_BR.UTF-8", "LC_ALL": ""})
    assert json.loads(other.stdout)["language"] == "en"
    chosen = runner.invoke(app, ["plan", *NO_ANSWERS, "--json", "--lang", "es-MX"], env={"LANG": "de_DE.UTF-8"})
    assert json.loads(chosen.stdout)["language"] == "es"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "start", "heading", "saved"),
    [
        ("es", "Empezamos", "1. Comprobación de seguridad", "Guardado."),
        ("de", "Los geht's", "1. Sicherheitscheck", "Gespeichert."),
        ("th", "เริ่มกันเลย", "1. ตรวจความปลอดภัย", "บันทึกแล้ว"),
    ],
)
def test_an_unattended_session_in_each_language_is_saved_with_its_script(
    lang: str, start: str, heading: str, saved: str
) -> None:
    result = runner.invoke(
        app, ["guide", *NO_ANSWERS, "--thigh", "40 cm", "--before", "5,5,5", "--after", "3,3,3", "--lang", lang, *FAST]
    )
    assert result.exit_code == 0, result.output
    assert start in result.stdout
    assert heading in result.stdout
    assert saved in result.stdout
    record = SessionRecord.objects.get()
    assert record.script["language"] == lang
    assert record.script["segments"][0]["cue"]["show"] == start


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_render_audio_speaks_thai_with_the_thai_voice(tmp_path: Path) -> None:
    out = tmp_path / "th.wav"
    result = runner.invoke(
        app, ["render-audio", *NO_ANSWERS, "--minutes-per-leg", "2", "--lang", "th", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with wave.open(str(out)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    chapters = (
        (tmp_path / "th.chapters.txt").read_text(encoding="utf-8") if (tmp_path / "th.chapters.txt").exists() else ""
    )
    assert seconds > 60
    assert "เริ่มกันเลย" in chapters or not chapters


@pytest.mark.django_db
def test_a_receivers_language_is_kept_and_their_sessions_are_in_it() -> None:
    assert runner.invoke(app, ["people", "add", "Nok", "--thigh", "40 cm", "--lang", "th"]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["people", "list", "--json"]).stdout)
    assert listed[0]["language"] == "th"
    common = ["guide", *NO_ANSWERS, "--receiver", "Nok", "--before", "5,5,5", "--after", "3,3,3", *FAST]
    result = runner.invoke(app, common, env={"LANG": "de_DE.UTF-8"})
    assert result.exit_code == 0, result.output
    assert SessionRecord.objects.get().script["language"] == "th"  # the receiver's language beats the terminal's
    assert runner.invoke(app, [*common, "--lang", "es"]).exit_code == 0  # --lang beats both
    assert SessionRecord.objects.latest("started_at").script["language"] == "es"

    changed = runner.invoke(app, ["people", "language", "nok", "auto"])
    assert changed.stdout == "Nok's sessions follow the device or terminal's language.\n"
    assert json.loads(runner.invoke(app, ["people", "list", "--json"]).stdout)[0]["language"] is None
    refused = runner.invoke(app, ["people", "language", "Nok", "klingon"])
    assert (refused.exit_code, refused.stderr) == (
        2,
        "softspot: LANG: softspot does not speak 'klingon'; choose one of: en, es, de, th\n",
    )


@pytest.mark.parametrize(
    ("lang", "left", "right"), [("en", "left", "right"), ("de", "links", "rechts"), ("th", "ซ้าย", "ขวา")]
)
def test_the_plan_tables_leg_tags_are_in_the_plans_language(lang: str, left: str, right: str) -> None:
    result = runner.invoke(app, ["plan", *NO_ANSWERS, "--lang", lang], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    tags = {tag for line in result.stdout.splitlines() for tag in re.findall(r"^\S+\s+\S+\s+\[([^\]]+)\]", line)}
    assert tags == {left, right}


@pytest.mark.django_db
def test_plan_for_a_receiver_is_in_their_language_unless_told_otherwise() -> None:
    assert runner.invoke(app, ["people", "add", "Lena", "--thigh", "42 cm", "--lang", "de"]).exit_code == 0
    planned = runner.invoke(app, ["plan", *NO_ANSWERS, "--receiver", "lena", "--json"])
    assert planned.exit_code == 0, planned.output
    assert json.loads(planned.stdout)["language"] == "de"
    told = runner.invoke(app, ["plan", *NO_ANSWERS, "--receiver", "lena", "--json", "--lang", "th"])
    assert json.loads(told.stdout)["language"] == "th"


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_cue_clips_are_kept_per_language(tmp_path: Path) -> None:
    from softspot.audio.speech import CueCache, Voice
    from softspot.cli.language import voice_for

    caches = {lang: CueCache(Voice(voice_for(None, lang)), directory=tmp_path) for lang in ("en", "es", "de", "th")}
    assert {lang: cache.voice.name for lang, cache in caches.items()} == {
        "en": "en",
        "es": "es",
        "de": "de",
        "th": "th",
    }
    # The same words (a number, a name) said by two languages' voices are two clips, never one shared.
    assert len({cache.key("2") for cache in caches.values()}) == 4
    thai = caches["th"].clip("เริ่มกันเลย")
    assert caches["de"].lookup("เริ่มกันเลย") is None
    assert caches["th"].lookup("เริ่มกันเลย") == thai
