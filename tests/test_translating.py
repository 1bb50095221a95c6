"""docs/translating.md, followed step by step for a made-up French translation: one LANGUAGES entry, the
softspot catalog (extract, translate, compile, check), the technique's texts; then a plan in French."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from babel.messages.pofile import read_po, write_po

from softspot import i18n
from softspot.core.loader import TechniqueError, built_in_text, parse_technique
from softspot.core.planner import PlanOptions, plan

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "translating.md").read_text(encoding="utf-8")

FRENCH = i18n.Language(
    "fr",
    "Français",
    "French",
    "fr",
    i18n.Words(
        short={"min": "min", "s": "s", "cm": "cm", "in": "po"},
        one={"in": "un pouce", "cm": "un centimètre", "min": "une minute", "s": "une seconde"},
        many={"in": "pouces", "cm": "centimètres", "min": "minutes", "s": "secondes"},
        and_=" et ",
        half_minute="une demi-minute",
    ),
)


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_script_doc", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def french(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Step 1 (the entry) and a copy of the catalogs to work on, read by softspot.i18n."""
    monkeypatch.setitem(i18n.LANGUAGES, "fr", FRENCH)
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "src" / "softspot" / "locale", locale, ignore=shutil.ignore_patterns("django.*"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    i18n.translations.cache_clear()
    yield locale
    i18n.translations.cache_clear()


def test_the_doc_names_every_step_this_test_takes() -> None:
    for step in (
        '"fr": Language(',
        "scripts/i18n.py extract",
        "scripts/i18n.py compile",
        "scripts/i18n.py check",
        "languages: [en, es, de, th, fr]",
        "'say' has no 'fr' text",
        "softspot technique show hands-free-hamstring --lang fr",
        "render-audio --lang fr",
    ):
        assert step in DOC, step


def test_a_new_language_needs_an_entry_a_catalog_and_the_techniques_texts(french: Path) -> None:
    script = load_script()
    # Step 2: extract makes the French catalog; until it is translated and compiled, check refuses it.
    script.extract(french)
    po = french / "fr" / "LC_MESSAGES" / "softspot.po"
    assert po.exists()
    assert any("untranslated" in p for p in script.problems(french, ["fr"]))
    with po.open("rb") as f:
        catalog = read_po(f, locale="fr", domain="softspot")
    for message in catalog:
        if message.id:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            forms = [f"[fr] {ids[min(i, len(ids) - 1)]}" for i in range(catalog.num_plurals)]
            message.string = tuple(forms) if isinstance(message.id, tuple) else forms[0]
    catalog["Saved."].string = "Enregistré."
    with po.open("wb") as out:
        write_po(out, catalog, width=120, sort_output=True, include_lineno=False)
    script.compile_all(french)
    assert script.problems(french, ["es", "de", "th", "fr"]) == []
    with i18n.use("fr"):
        assert i18n._("Saved.") == "Enregistré."
        assert i18n.format_distance(2.5) == "2,5 cm"
        assert i18n.say_distance(2.54, "in") == "un pouce"

    # Step 3: the technique. Listing fr before the texts exist reports each at its line...
    text = built_in_text("hands-free-hamstring").replace(
        "languages: [en, es, de, th]", "languages: [en, es, de, th, fr]"
    )
    with pytest.raises(TechniqueError) as caught:
        parse_technique(text, "t.yaml")
    first = caught.value.problems[0]
    assert (first.line, first.message) == (text[: text.index("title:")].count("\n") + 2, "'title' has no 'fr' text")
    assert all(p.message.endswith("has no 'fr' text") for p in caught.value.problems[:-1])
    # ...and with every text given in French, the technique checks and plans a session in French.
    data = yaml.safe_load(text)
    add_french(data)
    technique = parse_technique(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert "fr" in technique.written_in
    answers = {q.id: False for q in technique.questions}
    script_fr = plan(technique, PlanOptions(answers=answers, language="fr"))
    assert script_fr.language == "fr"
    assert script_fr.segments[0].cue.say == "Stàrting the hànds-free hàmstring màssàge. Follow the voice."
    spots = [s for s in script_fr.segments if s.kind == "spot"]
    assert spots[1].cue.say == "Lift, move àbout 2,5 centimètres towàrd the knee, ànd sit. Spot 2."


def add_french(value: Any) -> None:
    """Give every map of language to words a "French" text: a stand-in, the English with every a as à."""
    if isinstance(value, dict):
        if "en" in value and isinstance(value["en"], str) and "es" in value:
            value["fr"] = value["en"].replace("a", "à")  # no placeholder has an "a"; the length stays
            return
        for item in value.values():
            add_french(item)
    elif isinstance(value, list):
        for item in value:
            add_french(item)
