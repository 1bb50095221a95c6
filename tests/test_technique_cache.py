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
