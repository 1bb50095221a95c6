"""The web pages' catalogs (the gettext `django` domain, issue 11): extract, compile, check.

    .venv/bin/python scripts/web_i18n.py extract   # templates + web Python -> src/softspot/locale/*/django.po
    .venv/bin/python scripts/web_i18n.py compile   # every django.po -> django.mo (Babel: no Debian gettext)
    .venv/bin/python scripts/web_i18n.py check     # exit 1 on an untranslated or fuzzy message, or a stale .mo

`extract` runs Django's makemessages, which needs GNU gettext's xgettext (a translator's machine; the
tests never extract). `compile` and `check` need only Babel, so a fresh machine and the tests can run them.
The core's own domain (`softspot.po`: core, cli, audio, store) is made by its own script, so makemessages
skips those folders here.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from softspot import i18n

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "softspot"
LOCALE = PACKAGE / "locale"
DOMAIN = "django"
SHIPPED = tuple(code for code in i18n.LANGUAGES if code != i18n.DEFAULT)
"""Every language softspot ships but its source language (adding one to softspot.i18n.LANGUAGES adds it here)."""
# The core's domain (softspot.po) covers these; the django domain is the pages' words only.
NOT_THE_WEB = ("core", "cli", "audio", "store", "i18n.py", "i18n", "locale")


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compiled(po: Path) -> bytes:
    """The .mo bytes for a .po file, fuzzy messages left out (as gettext does)."""
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parts[-3])
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


@dataclass(frozen=True)
class Problem:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def problems(lang: str) -> list[Problem]:
    """Everything wrong with one shipped language's catalog."""
    po = po_path(lang)
    rel = po.relative_to(ROOT)
    if not po.exists():
        return [Problem(str(rel), "missing")]
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    found: list[Problem] = []
    for message in catalog:
        if not message.id:
            continue
        line = message.lineno or 0
        name = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy:
            found.append(Problem(f"{rel}:{line}", f"fuzzy: {name!r}"))
        elif not all(strings):
            found.append(Problem(f"{rel}:{line}", f"untranslated: {name!r}"))
    mo = po.with_suffix(".mo")
    if not mo.exists():
        found.append(Problem(str(mo.relative_to(ROOT)), "not compiled: run scripts/web_i18n.py compile"))
    elif mo.read_bytes() != compiled(po):
        found.append(Problem(str(mo.relative_to(ROOT)), "stale: run scripts/web_i18n.py compile"))
    return found


def extract() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "softspot.web.settings"}
    command = [sys.executable, "-m", "django", "makemessages", "--domain", DOMAIN, "--no-obsolete", "--no-location"]
    command += ["--extension", "html,txt,py,svg"]  # templates/softspot/img/*.svg: the drawings' labels
    command += [arg for lang in SHIPPED for arg in ("--locale", lang)]
    command += [arg for folder in NOT_THE_WEB for arg in ("--ignore", folder)]
    subprocess.run(command, cwd=PACKAGE, env=env, check=True)


def compile_all() -> None:
    for lang in SHIPPED:
        po = po_path(lang)
        po.with_suffix(".mo").write_bytes(compiled(po))


def main(argv: list[str]) -> int:
    if argv[1:] == ["extract"]:
        extract()
        return 0
    if argv[1:] == ["compile"]:
        compile_all()
        return 0
    if argv[1:] == ["check"]:
        found = [p for lang in SHIPPED for p in problems(lang)]
        for problem in found:
            print(problem)
        return 1 if found else 0
    print(__doc__.strip())
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
