"""Sources in technique files: a default at file level, `source: softspot` where softspot adds, and clear
messages when a source or a text is written wrong."""

from __future__ import annotations

import json

import pytest
from tests.helpers import ENGLISH_SOURCE, hamstring

from softspot.core.loader import TechniqueError, parse_technique
from softspot.core.technique import source_of, statements

BUILT_IN = ENGLISH_SOURCE  # the file's text as plain English strings, as edited below


def problems_after(old: str, new: str) -> list[str]:
    assert BUILT_IN.count(old) == 1
    with pytest.raises(TechniqueError) as caught:
        parse_technique(BUILT_IN.replace(old, new), "t.yaml")
    return [f"{p.line}: {p.message}" for p in caught.value.problems]


def test_every_statement_resolves_to_the_article_or_softspot() -> None:
    found = list(statements(hamstring()))
    assert len(found) > 60
    assert {s.source for s in found} == {"article", "softspot"}
    by_path = {s.path: s.source for s in found}
    assert by_path["questions[heart_condition].ask"] == "article"  # the file's default
    assert by_path["questions[heart_condition].if_yes.instead"] == "softspot"  # a text with its own source
    assert by_path["questions[nerves].if_yes.reason"] == "softspot"  # inherited from the question
    assert by_path["cues.pain_rule"] == "softspot"  # a cue's own


def test_a_whole_file_can_default_to_softspot() -> None:
    technique = parse_technique(BUILT_IN.replace("source: article\nid:", "source: softspot\nid:", 1))
    assert {s.source for s in statements(technique)} == {"softspot"}
    assert source_of(technique, technique.guidance, technique.guidance.purpose) == "softspot"


def test_technique_json_keeps_each_texts_source_and_plain_text_stays_plain() -> None:
    dumped = json.loads(parse_technique(BUILT_IN).model_dump_json())  # what `technique show --json` prints
    assert dumped["questions"][0]["ask"] == "Does the receiver have a heart condition?"
    assert dumped["questions"][0]["if_yes"]["instead"] == {
        "text": "Ask your doctor or therapist which kind of massage is safe for you.",
        "source": "softspot",
    }
    assert dumped["questions"][4]["source"] == "softspot"


def test_technique_json_keeps_texts_written_in_several_languages_as_maps() -> None:
    dumped = json.loads(hamstring().model_dump_json())
    assert dumped["questions"][0]["ask"]["en"] == "Does the receiver have a heart condition?"
    assert set(dumped["questions"][0]["ask"]) == {"en", "es", "de", "th"}
    instead = dumped["questions"][0]["if_yes"]["instead"]
    assert instead["source"] == "softspot"
    assert instead["text"]["en"] == "Ask your doctor or therapist which kind of massage is safe for you."


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("source: article\nid:", "source: nobody\nid:", "10: source: Input should be 'article' or 'softspot'"),
        (
            "        source: softspot\n        text: Ask your doctor or therapist which",
            "        source: softsport\n        text: Ask your doctor or therapist which",
            "55: questions[0].if_yes.instead: 'source' is 'softsport'; use article or softspot",
        ),
        (
            "    ask: Is there broken skin",
            "    ask: {words: Is there broken skin}\n    asked: Is there broken skin",
            "94: questions[5].ask: unknown key 'words' in a text; a text has 'text' and 'source'",
        ),
        (
            "      action: ask_first\n      reason: Pressure on an injury",
            "      action: ask_first\n      use_surface: bed\n      reason: Pressure on an injury",
            "103: questions[6].if_yes: an 'ask_first' answer waits for a professional's go-ahead; it cannot also adapt",
        ),
        (
            "  min_hold: 20 s ",
            "  min_hold: 3 min",
            "207: spots: min_hold (180 s) is longer than first_hold.max (120 s)",  # at the spots section
        ),
    ],
)
def test_a_wrong_source_text_or_answer_is_named_at_its_line(old: str, new: str, message: str) -> None:
    found = problems_after(old, new)
    assert any(p.startswith(message) for p in found), found
