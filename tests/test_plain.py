"""A built-in technique read from its plain file is the validated technique, field by field and in every
language; a plain file that is not exactly for this text and this code is never used."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.plan_checks import planning_options

from softspot.core import plain
from softspot.core.built_ins import built_in_ids, read_built_in
from softspot.core.loader import parse_technique
from softspot.core.technique import Technique
from softspot.core.text import Text
from softspot.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
IDS = built_in_ids()


def validated(technique_id: str) -> Technique:
    return parse_technique(read_built_in(technique_id), f"{technique_id}.yaml")


def read_plain(technique_id: str) -> Technique:
    found = plain.built_in(technique_id, read_built_in(technique_id))
    assert found is not None, "the plain file is missing or stale: run scripts/gen_plain.py"
    return found


def differences(model: object, kept: object) -> list[str]:
    """Where a plain technique differs from the model: each value, its type and (for a Text) source and words."""
    found = []
    for (loc, a), (loc_b, b) in zip(plain.walk(model), plain.walk(kept), strict=True):
        if loc != loc_b:
            return [f"{loc} against {loc_b}"]
        if plain.field_names(a) is not None:
            if plain.field_names(a) != plain.field_names(b) or type(a).__name__ != getattr(b, "_model", "?"):
                found.append(f"{loc}: {type(a).__name__} {plain.field_names(a)} against {b!r}")
            continue
        if type(a).__name__ == "HttpUrl":
            a = str(a)
        if isinstance(a, (tuple, dict)):  # their items are walked next
            if type(a) is not type(b) or len(a) != len(b):  # type: ignore[arg-type]
                found.append(f"{loc}: {len(a)} items against {b!r}")
            continue
        if type(a) is not type(b) or a != b:
            found.append(f"{loc}: {a!r} ({type(a).__name__}) against {b!r} ({type(b).__name__})")
        elif isinstance(a, Text) and isinstance(b, Text) and (a.source, a.texts) != (b.source, b.texts):
            found.append(f"{loc}: {a.source} {a.texts} against {b.source} {b.texts}")
    return found


def test_the_plain_files_are_up_to_date() -> None:
    done = subprocess.run([sys.executable, "scripts/gen_plain.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr + " (run python scripts/gen_plain.py)"


@pytest.mark.parametrize("technique_id", IDS)
def test_a_plain_technique_is_the_validated_one_in_every_language(technique_id: str) -> None:
    model, kept = validated(technique_id), read_plain(technique_id)
    assert differences(model, kept) == []
    assert kept.model_dump_json() == model.model_dump_json()
    for lang in LANGUAGES:
        assert differences(model.localized(lang), kept.localized(lang)) == [], lang
        assert kept.localized(lang).model_dump_json() == model.localized(lang).model_dump_json(), lang
        assert kept.localized(lang).written_in == model.localized(lang).written_in
    other = next((lang for lang in model.written_in if lang != model.language), None)
    if other is not None:  # a localization of a localization: its fields as the model's, but no JSON kept
        twice = kept.localized(other).localized(model.language)
        assert differences(model.localized(other).localized(model.language), twice) == []
        with pytest.raises(ValueError, match="no JSON is kept"):
            twice.model_dump_json()


@pytest.mark.parametrize("technique_id", IDS)
def test_a_plain_technique_answers_as_the_model(technique_id: str) -> None:
    model, kept = validated(technique_id), read_plain(technique_id)
    assert kept.default_surface == plain.built_in(technique_id, read_built_in(technique_id)).default_surface  # type: ignore[union-attr]
    assert differences(model.default_surface, kept.default_surface) == []
    assert differences(model.main_position, kept.main_position) == []
    for side in model.sides:
        assert differences(model.side(side.id), kept.side(side.id)) == []
    with pytest.raises(KeyError, match="no surface 'moon'"):
        kept.surface("moon")
    with pytest.raises(AttributeError):
        kept.id = "changed"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="model_validate"):
        kept.model_validate  # noqa: B018 (a plain part has the fields, not the model's machinery)


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built-in techniques' folder, with its plain files, where a test may damage them."""
    folder = tmp_path / "techniques"
    shutil.copytree(plain.FOLDER, folder)
    monkeypatch.setattr(plain, "FOLDER", folder)
    return folder


def test_a_damaged_truncated_or_foreign_plain_file_is_never_used(package: Path) -> None:
    (technique_id, *_) = IDS
    path = package / f"{technique_id}.plain.json"
    good = path.read_text(encoding="utf-8")
    kept = json.loads(good)
    text = read_built_in(technique_id)
    assert plain.built_in(technique_id, text) is not None

    def edited(change: object) -> str:
        body = json.loads(good)
        change(body)  # type: ignore[operator]
        return json.dumps(body)

    bad = [
        "",
        "not json",
        good[: len(good) // 2],
        "[]",
        json.dumps({**kept, "format": 99}),
        json.dumps({**kept, "key": "0" * 64}),
        edited(lambda b: b.pop("json")),
        edited(lambda b: b["technique"].pop("questions")),
        edited(lambda b: b["technique"].update(questions={"$": "Question"})),
        edited(lambda b: b["technique"].update(id="another")),
        edited(lambda b: b["technique"].update({"$": "Cue"})),
        edited(lambda b: b["technique"]["title"].update(texts=["en"])),
        edited(lambda b: b["technique"]["title"].update(source="someone")),
        edited(lambda b: b["technique"].update(summary={"$text": "Object", "words": "x", "source": None, "texts": {}})),
        edited(lambda b: b["technique"]["spots"].update({"$": 3})),
        edited(lambda b: b["technique"]["spots"].update(step={"$url": 1})),
    ]
    for junk in bad:
        path.write_text(junk, encoding="utf-8")
        assert plain.built_in(technique_id, text) is None, junk[:200]
    path.unlink()
    assert plain.built_in(technique_id, text) is None


def test_a_plain_file_is_not_used_for_another_text_or_other_code(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (technique_id, *_) = IDS
    text = read_built_in(technique_id)
    assert plain.built_in(technique_id, text + "\n# changed\n") is None
    monkeypatch.setattr(plain, "CODE", (*plain.CODE, "planner.py"))  # as if the validating code had changed
    assert plain.built_in(technique_id, text) is None


def test_the_commands_validate_the_yaml_when_the_plain_file_cannot_be_used(tmp_path: Path) -> None:
    """``technique show`` and ``screen`` in a process whose plain file is stale: the same output, from the YAML."""
    (technique_id, *_) = IDS
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "softspot", src / "softspot", ignore=shutil.ignore_patterns("__pycache__"))
    env = {
        "SOFTSPOT_DATA_DIR": str(tmp_path / "data"),
        "SOFTSPOT_CACHE_DIR": str(tmp_path / "cache"),
        "LANG": "C.UTF-8",
    }
    argvs = [
        ["technique", "show", technique_id, "--json"],
        ["technique", "show", technique_id, "--lang", "de"],
        ["screen", "--answer=pregnant=yes"],
    ]

    def run(source: Path, argv: list[str]) -> tuple[int, str, str]:
        code = "import sys; from softspot.entry import main; sys.argv[1:] = sys.argv[2:]; main()"
        done = subprocess.run(
            [sys.executable, "-c", code, "softspot", *argv],
            env={**env, "PYTHONPATH": str(source), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        return done.returncode, done.stdout, done.stderr

    fresh = [run(ROOT / "src", argv) for argv in argvs]
    (src / "softspot" / "core" / "techniques" / f"{technique_id}.plain.json").write_text("{}", encoding="utf-8")
    stale = [run(src, argv) for argv in argvs]
    assert stale == fresh
    assert fresh[0][0] == 0 and fresh[0][1].lstrip().startswith("{")


def same_data(made: object, model: object, where: str = "script") -> list[str]:
    """Where a plain script's data differs from the model's, value and type (an ``int`` is never a ``float``)."""
    if isinstance(made, dict) and isinstance(model, dict):
        if list(made) != list(model):
            return [f"{where}: keys {list(made)} against {list(model)}"]
        return [f for key in made for f in same_data(made[key], model[key], f"{where}.{key}")]
    if isinstance(made, list) and isinstance(model, list):
        if len(made) != len(model):
            return [f"{where}: {len(made)} items against {len(model)}"]
        return [f for n, (a, b) in enumerate(zip(made, model, strict=True)) for f in same_data(a, b, f"{where}[{n}]")]
    if type(made) is not type(model) or made != model:
        return [f"{where}: {made!r} against {model!r}"]
    return []


@pytest.mark.parametrize("technique_id", IDS)
def test_a_plan_from_a_plain_technique_is_the_plan_from_the_model_in_every_language(technique_id: str) -> None:
    from softspot.core import script_plain
    from softspot.core.planner import PlanError, PlanOptions, StopError, plan
    from softspot.core.script import SessionScript

    model, kept = validated(technique_id), read_plain(technique_id)
    planned = 0
    for language in model.written_in:
        for given in planning_options(model):
            for yes in [None, *(q.id for q in model.questions)]:
                answers = {q.id: q.id == yes for q in model.questions}
                chosen = PlanOptions(answers=answers, cleared=True, language=language, **given)  # type: ignore[arg-type]
                try:
                    expected = plan(model, chosen)
                except (PlanError, StopError) as exc:
                    with pytest.raises(type(exc), match=re.escape(str(exc))):
                        plan(kept, chosen)
                    continue
                made = plan(kept, chosen)
                planned += 1
                where = (language, given, yes)
                assert isinstance(expected, SessionScript) and isinstance(made, script_plain.Record), where
                assert made.model_dump_json(indent=2) == expected.model_dump_json(indent=2), where
                assert made.model_dump_json() == expected.model_dump_json(), where
                assert same_data(made.model_dump(), expected.model_dump()) == [], where
                assert made.spoken_texts() == expected.spoken_texts(), where
                assert [made.spot_at(s) is None for s in made.segments] == [
                    expected.spot_at(s) is None for s in expected.segments
                ]
                assert [s.label for s in made.segments] == [s.label for s in expected.segments]
    assert planned >= 20


def test_the_planner_uses_the_models_when_the_script_fields_are_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from softspot.core import script_plain
    from softspot.core.planner import PlanOptions, plan
    from softspot.core.script import SessionScript

    kept = read_plain(IDS[0])
    answers = {q.id: False for q in kept.questions}
    for junk in ("", "{}", json.dumps({"format": script_plain.FORMAT, "key": "0", "models": {}})):
        path = tmp_path / "script_fields.json"
        monkeypatch.setattr(script_plain, "FIELDS", path)
        monkeypatch.setattr(script_plain, "_classes", None)
        path.write_text(junk, encoding="utf-8")
        assert isinstance(plan(kept, PlanOptions(answers=answers)), SessionScript)


def test_a_float_python_would_write_otherwise_is_written_as_pydantic_writes_it() -> None:
    from pydantic_core import to_json

    from softspot.core import script_plain

    for value in (1e-5, 2.5e-7, 1e15, 1.5e16, 21.5, 0.0, 19.0):
        person = script_plain.Person.model_construct(thigh_cm=value, thigh_source="measured", unit="cm")
        data = {"thigh_cm": value, "thigh_source": "measured", "height_cm": None, "unit": "cm"}
        assert person.model_dump_json(indent=2) == to_json(data, indent=2).decode()
        assert person.model_dump_json() == to_json(data).decode()
