"""Both gettext domains at once: the command line's and core's (``softspot``) and the web pages' (``django``).

    .venv/bin/python scripts/translations.py extract   # scripts/i18n.py extract, then scripts/web_i18n.py extract
    .venv/bin/python scripts/translations.py compile   # both domains' .po -> .mo (Babel only)
    .venv/bin/python scripts/translations.py check     # exit 1 when either domain has a problem (all are listed)

Each domain keeps its own script (``scripts/i18n.py``, ``scripts/web_i18n.py``); this one only runs both, in
that order, so a translator has one command. ``extract`` of the web domain needs GNU gettext's xgettext.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts import i18n, web_i18n

COMMANDS = ("extract", "compile", "check")


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    command = argv[1]
    core = i18n.main([command])
    web = web_i18n.main(["web_i18n.py", command])
    return 1 if core or web else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
