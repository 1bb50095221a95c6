"""The softspot gettext domain: every shipped catalog complete, not fuzzy, compiled; English is the source."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.pofile import read_po, write_po

from softspot import i18n

ROOT = Path(__file__).resolve().parent.parent


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


script = load_script()


def test_every_shipped_catalog_is_complete_not_fuzzy_and_compiled() -> None:
    assert script.problems(script.LOCALE) == []
    assert script.languages() == ["es", "de", "th"]


def copy_of_catalogs(tmp_path: Path) -> Path:
    target = tmp_path / "locale"
    shutil.copytree(script.LOCALE, target)
    return target


def edit_po(path: Path, key: str, *, fuzzy: bool = False, blank: bool = False) -> None:
    with path.open("rb") as f:
        catalog = read_po(f, domain="softspot")
    message = catalog[key]
    assert message is not None
    if fuzzy:
        message.flags.add("fuzzy")
    if blank:
        message.string = ""
    with path.open("wb") as out:
        write_po(out, catalog, width=120, sort_output=True, include_lineno=False)


def test_it_refuses_an_untranslated_message(tmp_path: Path) -> None:
    locale = copy_of_catalogs(tmp_path)
    po = locale / "de" / "LC_MESSAGES" / "softspot.po"
    edit_po(po, "Saved.", blank=True)
    script.compile_all(locale)
    assert script.problems(locale) == [f"{po}: untranslated: 'Saved.'"]


def test_it_refuses_a_fuzzy_message(tmp_path: Path) -> None:
    locale = copy_of_catalogs(tmp_path)
    po = locale / "th" / "LC_MESSAGES" / "softspot.po"
    edit_po(po, "6. After", fuzzy=True)
    script.compile_all(locale)
    assert script.problems(locale) == [f"{po}: fuzzy: '6. After'"]


def test_it_refuses_a_stale_compiled_catalog(tmp_path: Path) -> None:
    locale = copy_of_catalogs(tmp_path)
    po = locale / "es" / "LC_MESSAGES" / "softspot.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Guardado."', 'msgstr "Listo."'), encoding="utf-8")
    assert script.problems(locale) == [
        f"{po.with_suffix('.mo')}: differs from softspot.po compiled; run scripts/i18n.py compile"
    ]


def test_it_refuses_a_message_in_the_code_that_no_catalog_has(tmp_path: Path) -> None:
    locale = copy_of_catalogs(tmp_path)
    po = locale / "es" / "LC_MESSAGES" / "softspot.po"
    text = po.read_text(encoding="utf-8")
    start = text.index('msgid "Saved."')
    end = text.index("\n\n", start)
    po.write_text(text[:start] + text[end + 2 :], encoding="utf-8")
    script.compile_all(locale)
    assert f"{po}: not extracted yet: 'Saved.'; run scripts/i18n.py extract" in script.problems(locale)


@pytest.mark.parametrize(
    ("lang", "saved", "spots"),
    [("en", "Saved.", "3 spots"), ("es", "Guardado.", "3 puntos"), ("th", "บันทึกแล้ว", "3 จุด")],
)
def test_messages_come_out_in_the_active_language(lang: str, saved: str, spots: str) -> None:
    with i18n.use(lang):
        assert i18n._("Saved.") == saved
        assert i18n.ngettext("%(n)d spot", "%(n)d spots", 3) % {"n": 3} == spots
