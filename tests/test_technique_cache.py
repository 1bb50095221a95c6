"""The built-in technique, validated once and kept on disk, is the same technique; a bad cache is never trusted."""

from __future__ import annotations

from pathlib import Path

import pytest

from softspot.core import loader, technique_cache
from softspot.core.loader import built_in_text, parse_technique

ID = "hands-free-hamstring"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOFTSPOT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(loader, "_cache", {})
    return tmp_path / "cache" / "techniques"


def test_a_new_process_gets_the_validated_technique_from_disk_unchanged(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = loader.built_in(ID)
    assert [p.suffix for p in cache.iterdir()] == [".pickle"]
    monkeypatch.setattr(loader, "_cache", {})  # as a new process

    def no_validation(*args: object) -> None:
        raise AssertionError("validated again")

    monkeypatch.setattr(loader, "parse_technique", no_validation)
    again = loader.built_in(ID)
    assert again == fresh == parse_technique(built_in_text(ID))
    assert again is not fresh


def test_a_damaged_or_foreign_cache_file_is_ignored_and_the_file_validated(cache: Path) -> None:
    loader.built_in(ID)
    (kept,) = cache.iterdir()
    for junk in (b"", b"not a pickle", kept.read_bytes()[:100]):
        kept.write_bytes(junk)
        assert technique_cache.load(ID, built_in_text(ID)) is None
    loader._cache.clear()
    assert loader.built_in(ID) == parse_technique(built_in_text(ID))


def test_another_text_is_another_entry(cache: Path) -> None:
    loader.built_in(ID)
    assert technique_cache.load(ID, built_in_text(ID) + "\n# changed\n") is None


def test_a_cache_folder_that_cannot_be_written_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("SOFTSPOT_CACHE_DIR", str(blocked / "cache"))
    monkeypatch.setattr(loader, "_cache", {})
    assert loader.built_in(ID).id == ID


def test_listing_reads_the_kept_summaries_without_validating(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from softspot.core import built_ins

    first = built_ins.summaries()
    technique = loader.built_in(ID)
    assert first == [(ID, technique.version, str(technique.title), str(technique.summary))]
    monkeypatch.setattr(loader, "_cache", {})  # as a new process

    def no_validation(*args: object) -> None:
        raise AssertionError("validated again")

    monkeypatch.setattr(loader, "parse_technique", no_validation)
    monkeypatch.setattr(technique_cache, "load", no_validation)
    assert built_ins.summaries() == first


def test_damaged_or_altered_summaries_are_ignored(cache: Path) -> None:
    from softspot.core import built_ins

    first = built_ins.summaries()
    (kept,) = cache.glob("summaries-*.json")
    good = kept.read_text()
    altered = good.replace("Hands-free hamstring massage", "Something else")
    for junk in ("", "[]", "{}", good[:50], altered, '{"rows": [[1, 2, 3, 4]], "sha256": ""}'):
        kept.write_text(junk)
        assert built_ins.summaries() == first
        kept.write_text(junk)
        texts = {ID: built_in_text(ID)}
        assert technique_cache.load_summaries(texts) is None


def test_a_changed_module_is_another_entry(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loader.built_in(ID)
    assert technique_cache.load(ID, built_in_text(ID)) is not None
    monkeypatch.setattr(technique_cache, "_CODE", (*technique_cache._CODE, "planner.py"))
    assert technique_cache.load(ID, built_in_text(ID)) is None
