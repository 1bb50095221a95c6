"""Write (or check) the generated docs: the CLI reference, the fast help text and the JSON Schemas.

    python scripts/gen_docs.py          # rewrite them
    python scripts/gen_docs.py --check  # exit 1 if any is out of date

tests/test_docs.py runs the check, so the docs cannot drift from the code.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "cli.md"
FAST_HELP = ROOT / "src" / "softspot" / "cli" / "help.txt"
"""``softspot --help`` pre-rendered for softspot.entry: help.txt in English, help.<lang>.txt in each other language."""
ENV = {"COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}


def locale(lang: str) -> dict[str, str]:
    """The environment of a terminal in ``lang`` (the help follows LC_ALL/LC_MESSAGES/LANG/LANGUAGE)."""
    return {"LANG": f"{lang}.UTF-8"}


def fast_help_path(lang: str) -> Path:
    return FAST_HELP if lang == "en" else FAST_HELP.with_name(f"help.{lang}.txt")


INTRO = """# softspot command reference

Generated from `softspot --help` by `python scripts/gen_docs.py`; a test fails when this file and the
commands disagree. Exit codes: 0 done, 2 bad input (the message names the option or file and line), 3 screening
said stop (no session). This reference is English; on a terminal, `--help` speaks the terminal's language
(`LANG=de_DE.UTF-8 softspot guide --help`, see [translating.md](translating.md)).
"""


def command_paths(command: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and sub-command, in order (groups have a ``commands`` mapping)."""
    paths = [prefix]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        if not getattr(sub, "hidden", False):
            paths.extend(command_paths(sub, (*prefix, name)))
    return paths


def help_text(path: tuple[str, ...] = (), columns: int = 100, lang: str = "en") -> str:
    """What ``softspot PATH --help`` prints at this width in this language, without colour."""
    from softspot.cli import app

    env = {**ENV, **locale(lang), "COLUMNS": str(columns)}
    os.environ.update(env)
    result = CliRunner().invoke(app, [*path, "--help"], env=env)
    if result.exit_code != 0:
        raise SystemExit(f"softspot {' '.join(path)} --help failed:\n{result.output}")
    return result.output


def render() -> str:
    from softspot.cli import app

    os.environ.update({**ENV, **locale("en")})
    root = typer.main.get_command(app)
    parts = [INTRO]
    for path in command_paths(root):
        output = help_text(path)
        title = " ".join(("softspot", *path))
        body = "\n".join(line.rstrip() for line in output.strip("\n").splitlines())
        parts.append(f"## `{title}`\n\n```text\n{body}\n```\n")
    return "\n".join(parts)


def schema(model: type, title: str) -> str:
    data = model.model_json_schema(mode="validation")  # type: ignore[attr-defined]
    data = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **data}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    from softspot.core.script import SessionScript
    from softspot.core.technique import Technique
    from softspot.i18n import LANGUAGES

    outputs = {
        DOC: render(),
        **{fast_help_path(lang): help_text(columns=80, lang=lang) for lang in LANGUAGES},
        ROOT / "docs" / "session-script.schema.json": schema(SessionScript, "softspot session script"),
        ROOT / "docs" / "technique.schema.json": schema(Technique, "softspot technique"),
    }
    if "--check" in sys.argv:
        stale = [path for path, text in outputs.items() if not path.exists() or path.read_text() != text]
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run python scripts/gen_docs.py", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs.items():
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
