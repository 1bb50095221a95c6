"""Technique files in several languages: texts as maps of language to words, `languages:` checked at each
text's line, and a technique localized into one language for a plan."""

from __future__ import annotations

import pytest
from tests.helpers import ENGLISH_SOURCE

from softspot.core.loader import TechniqueError, built_in_text, parse_technique
from softspot.core.planner import PlanError, PlanOptions, plan
from softspot.core.technique import text_locations

BUILT_IN = ENGLISH_SOURCE
NO_TO_ALL = {q.id: False for q in parse_technique(BUILT_IN).questions}


def changed(*pairs: tuple[str, str]) -> str:
    text = BUILT_IN
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def problems(text: str) -> list[str]:
    with pytest.raises(TechniqueError) as caught:
        parse_technique(text, "t.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_text_may_be_a_map_of_language_to_words_and_a_sourced_text_may_hold_one() -> None:
    technique = parse_technique(
        changed(
            ("    show: Let's begin\n", "    show: {en: Let's begin, de: Los geht's}\n"),
            (
                "        text: Ask your doctor or therapist which kind of massage is safe for you.\n",
                "        text:\n          en: Ask your doctor or therapist which kind of massage is safe for you.\n"
                "          es: Pregunte a su médico qué tipo de masaje es seguro para usted.\n",
            ),
        )
    )
    assert technique.cues.session_start.show == "Let's begin"  # the file's language
    german = technique.localized("de")
    assert german.cues.session_start.show == "Los geht's"
    assert german.cues.session_start.say == technique.cues.session_start.say  # no German words: its own
    instead = technique.localized("es").questions[0].if_yes.instead
    assert instead == "Pregunte a su médico qué tipo de masaje es seguro para usted."
    assert instead is not None
    assert instead.source == "softspot"
    assert technique.localized("en") is technique


def test_check_reports_every_text_missing_a_listed_language_at_its_line() -> None:
    text = changed(("id: hands-free-hamstring\n", "languages: [en, de]\nid: hands-free-hamstring\n"))
    with pytest.raises(TechniqueError) as caught:
        parse_technique(text, "t.yaml")
    found = [str(p) for p in caught.value.problems]
    assert found[:3] == [
        f"t.yaml:{line_of(text, 'title:')}:8: 'title' has no 'de' text",
        f"t.yaml:{line_of(text, 'summary:')}:10: 'summary' has no 'de' text",
        f"t.yaml:{line_of(text, 'origin:')}:9: 'origin' has no 'de' text",
    ]
    assert all(line.endswith("has no 'de' text") for line in found[:-1])
    assert caught.value.count == len(list(text_locations(parse_technique(BUILT_IN))))  # every text, once


def test_check_names_a_single_missing_translation() -> None:
    text = changed(("    show: Let's begin\n", "    show: {de: Los geht's}\n"))
    assert problems(text) == [f"t.yaml:{line_of(text, 'Los geht')}:11: 'show' has no 'en' text"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "id: hands-free-hamstring\n",
            "language: xx\nid: hands-free-hamstring\n",
            "t.yaml:L:11: language: 'xx' is not",
        ),
        (
            "id: hands-free-hamstring\n",
            "languages: [es, de]\nid: hands-free-hamstring\n",
            "t.yaml:L:12: languages: the list should hold the file's own language 'en'",
        ),
        (
            "    show: Let's begin\n",
            "    show: {en: Let's begin, pt: Vamos}\n",
            "t.yaml:L:11: cues.session_start.show: 'pt' is not a language softspot speaks; use en, es, de, th",
        ),
        (
            "    show: Let's begin\n",
            "    show: {en: Let's begin, de: ''}\n",
            "t.yaml:L:11: cues.session_start.show: the 'de' text is empty",
        ),
        (
            "    say: Paused.\n",
            "    say: {en: Paused., de: Pause. Pause. Pause. Pause. Pause. Pause. Pause. Pause. Pause. Pause. Pause. "
            "Pause. Pause. Pause. Pause. Pause. Pause. Pause. Pause.}\n",
            "t.yaml:P:5: cues.paused: the spoken 'de' cue has 19 words; keep it to 18",
        ),
        (
            "    say: Paused.\n",
            "    say: {en: Paused., th: " + "หยุดชั่วคราวก่อนนะครับ" * 4 + "}\n",
            "t.yaml:P:5: cues.paused: the spoken 'th' cue has 68 letters; keep it to 60",
        ),
        (
            "    say: Paused.\n",
            "    say: {en: Paused., de: 'Pause {minute}.'}\n",
            "t.yaml:L:10: cues.paused.say: ",
        ),
    ],
)
def test_a_wrong_language_text_is_named_at_its_line(old: str, new: str, message: str) -> None:
    text = changed((old, new))
    line = line_of(text, new.strip().splitlines()[0][:15])
    message = message.replace("t.yaml:L:", f"t.yaml:{line}:").replace("t.yaml:P:", f"t.yaml:{line - 1}:")
    found = problems(text)
    assert any(p.startswith(message) for p in found), found


def test_the_planner_makes_a_script_in_one_language() -> None:
    technique = parse_technique(
        changed(
            (
                "    say: Sit here and relax into it. Up to {time}, or until it softens.\n",
                "    say:\n      en: Sit here and relax into it. Up to {time}, or until it softens.\n"
                "      de: Hier sitzen und entspannen. Bis zu {time}, oder bis es weich wird.\n",
            )
        )
    )
    english = plan(technique, PlanOptions(answers=NO_TO_ALL))
    assert english.language == "en"
    assert english.legs[0].spots[0].cue.say == "Sit here and relax into it. Up to 2 minutes, or until it softens."
    with pytest.raises(PlanError, match=r"^--lang: 'de' is not a language this technique is written in \(choose en\)$"):
        plan(technique, PlanOptions(answers=NO_TO_ALL, language="de"))


BUILT_IN_FILE = built_in_text("hands-free-hamstring")


def test_the_built_in_technique_is_written_in_english_spanish_german_and_thai() -> None:
    technique = parse_technique(BUILT_IN_FILE)
    assert technique.written_in == ("en", "es", "de", "th")
    for loc, text in text_locations(technique):
        assert set(text.texts) == {"en", "es", "de", "th"}, loc


def test_check_names_the_line_of_a_removed_translation_in_the_built_in_file() -> None:
    old = "      de: Die Massage ohne Hände beginnt. Folgen Sie der Stimme.\n"
    assert BUILT_IN_FILE.count(old) == 1
    text = BUILT_IN_FILE.replace(old, "")
    line = line_of(text, "Starting the hands-free hamstring massage")
    assert problems(text) == [f"t.yaml:{line}:7: 'say' has no 'de' text"]


@pytest.mark.parametrize(
    ("lang", "start", "first_spot", "next_spot"),
    [
        (
            "en",
            "Let's begin",
            "Sit here and relax into it. Up to 2 minutes, or until it softens.",
            "Lift, move about 2.5 centimetres toward the knee, and sit. Spot 2.",
        ),
        (
            "es",
            "Empezamos",
            "Siéntese aquí y relájese. Hasta 2 minutos, o hasta que el músculo ceda.",
            "Levántese, avance más o menos 2,5 centímetros hacia la rodilla y siéntese. Punto 2.",
        ),
        (
            "de",
            "Los geht's",
            "Setzen Sie sich hier und lassen Sie los. Bis zu 2 Minuten, oder bis es weich wird.",
            "Anheben, etwa 2,5 Zentimeter Richtung Knie rücken, hinsetzen. Punkt 2.",
        ),
        (
            "th",
            "เริ่มกันเลย",
            "นั่งตรงนี้แล้วผ่อนคลาย นานสุด 2 นาที หรือจนกล้ามเนื้อนุ่มลง",
            "ยกตัว ขยับเข้าหาเข่าราว 2.5 เซนติเมตร แล้วนั่งลง จุดที่ 2",
        ),
    ],
)
def test_the_built_in_plans_a_whole_session_in_each_language(
    lang: str, start: str, first_spot: str, next_spot: str
) -> None:
    technique = parse_technique(BUILT_IN_FILE)
    script = plan(technique, PlanOptions(answers=NO_TO_ALL, language=lang))
    assert script.language == lang
    assert script.segments[0].cue.show == start
    spots = [s for s in script.segments if s.kind == "spot"]
    assert [spots[0].cue.say, spots[1].cue.say] == [first_spot, next_spot]
    english = {s.cue.say for s in plan(technique, PlanOptions(answers=NO_TO_ALL)).segments}
    if lang != "en":
        assert not english & set(script.spoken_texts())  # not one English cue left
