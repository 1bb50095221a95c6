"""Message catalogs of the ``softspot`` gettext domain, with Babel only (no GNU gettext needed).

    .venv/bin/python scripts/i18n.py extract   # src/softspot/{core,cli,audio,store} -> locale/softspot.pot,
                                                # then each locale/<lang>/LC_MESSAGES/softspot.po updated from it
    .venv/bin/python scripts/i18n.py compile   # every softspot.po -> softspot.mo (committed)
    .venv/bin/python scripts/i18n.py check     # exit 1 when a shipped language has an untranslated or fuzzy
                                                # message, or a committed .mo differs from its .po compiled

The languages are those of ``softspot.i18n.LANGUAGES`` except the source language, English.
``--locale-dir`` works on another folder (the test of docs/translating.md uses a copy).
The ``django`` domain in the same folders belongs to the web app (Django's makemessages/compilemessages).
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "softspot"
LOCALE = PACKAGE / "locale"
DOMAIN = "softspot"
SOURCES = ("core", "cli", "audio", "store", "i18n.py")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None}
HEADER = "Messages of softspot's command line and core (the softspot gettext domain)."
HELP_DOCSTRINGS = "cli/commands.py"
"""Its functions' docstrings are the commands' --help (softspot.cli.help_language translates them): messages too."""


def languages() -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from softspot import i18n

    return [code for code in i18n.LANGUAGES if code != i18n.DEFAULT]


def _sources() -> Iterator[tuple[str, int, object, list[str], object]]:
    for name in SOURCES:
        path = PACKAGE / name
        if path.is_dir():
            for filename, lineno, message, comments, context in extract_from_dir(
                path, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("Translators:",)
            ):
                yield f"src/softspot/{name}/{filename}", lineno, message, comments, context
        else:
            with path.open("rb") as source:
                from babel.messages.extract import extract

                for lineno, message, comments, context in extract("python", source, KEYWORDS, ("Translators:",)):
                    yield f"src/softspot/{name}", lineno, message, comments, context


def _docstrings() -> Iterator[tuple[str, int, object, list[str], object]]:
    import ast
    import inspect

    tree = ast.parse((PACKAGE / HELP_DOCSTRINGS).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and (doc := ast.get_docstring(node, clean=False)):
            comment = ["Translators: the help of a command (softspot COMMAND --help); a blank line starts a paragraph"]
            yield f"src/softspot/{HELP_DOCSTRINGS}", node.lineno, inspect.cleandoc(doc), comment, None


def template() -> Catalog:
    catalog = Catalog(project="softspot", domain=DOMAIN, header_comment=f"# {HEADER}", fuzzy=False)
    for filename, lineno, message, comments, context in (*_sources(), *_docstrings()):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(locale_dir: Path, lang: str) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract(locale_dir: Path) -> None:
    pot = template()
    locale_dir.mkdir(parents=True, exist_ok=True)
    with (locale_dir / f"{DOMAIN}.pot").open("wb") as out:
        write_po(out, pot, width=120, omit_header=False, sort_output=True, include_lineno=False)
    for lang in sorted({*languages(), *(p.parent.parent.name for p in locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))}):
        path = po_path(locale_dir, lang)
        if path.exists():
            with path.open("rb") as f:
                catalog = read_po(f, locale=lang, domain=DOMAIN)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, project="softspot", header_comment=f"# {HEADER}")
        catalog.update(pot, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False  # the header; a message's own fuzzy flag is what `check` refuses
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            write_po(out, catalog, width=120, sort_output=True, include_lineno=False, ignore_obsolete=True)
        print(f"updated {path.relative_to(locale_dir.parent) if locale_dir.parent in path.parents else path}")


def compiled(path: Path) -> bytes:
    with path.open("rb") as f:
        catalog = read_po(f, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def compile_all(locale_dir: Path) -> None:
    for path in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        path.with_suffix(".mo").write_bytes(compiled(path))
        print(f"compiled {path.with_suffix('.mo')}")


def problems(locale_dir: Path, shipped: list[str] | None = None) -> list[str]:
    """Every reason the catalogs cannot ship: missing, untranslated, fuzzy, stale .mo, not matching the code."""
    found: list[str] = []
    wanted = {message.id if isinstance(message.id, str) else message.id[0] for message in template() if message.id}
    for lang in shipped if shipped is not None else languages():
        path = po_path(locale_dir, lang)
        if not path.exists():
            found.append(f"{path}: missing; run scripts/i18n.py extract")
            continue
        with path.open("rb") as f:
            catalog = read_po(f, locale=lang, domain=DOMAIN)
        have = set()
        for message in catalog:
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            have.add(key)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                found.append(f"{path}: fuzzy: {key!r}")
            elif not all(strings):
                found.append(f"{path}: untranslated: {key!r}")
        for key in sorted(wanted - have):
            found.append(f"{path}: not extracted yet: {key!r}; run scripts/i18n.py extract")
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled(path):
            found.append(f"{mo}: differs from {path.name} compiled; run scripts/i18n.py compile")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("extract", "compile", "check"))
    parser.add_argument("--locale-dir", type=Path, default=LOCALE)
    args = parser.parse_args(argv)
    if args.command == "extract":
        extract(args.locale_dir)
    elif args.command == "compile":
        compile_all(args.locale_dir)
    else:
        found = problems(args.locale_dir)
        for line in found:
            print(line, file=sys.stderr)
        if found:
            return 1
        print(f"every {DOMAIN} catalog is complete and compiled ({', '.join(languages())})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
