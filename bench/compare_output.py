"""Byte for byte: ``plan``, ``screen`` and ``technique show``/``list`` output here and in another checkout.

    .venv/bin/python bench/compare_output.py --baseline /tmp/base/src            # every case
    .venv/bin/python bench/compare_output.py --baseline /tmp/base/src --quick    # one width, fewer options
    .venv/bin/python bench/compare_output.py --baseline /tmp/base/src --only th  # cases whose name has "th"
    .venv/bin/python bench/compare_output.py --baseline /tmp/base/src --here /tmp/merged/src  # another tree

Make the baseline with ``git archive w4-merge src | tar -x -C /tmp/base``. Each case runs ``softspot`` in a
fresh process from both ``src`` folders (same interpreter, the baseline first on ``PYTHONPATH``) and compares
stdout, stderr and the exit code: text and ``--json``, every shipped language (``--lang`` and ``LANG``),
terminal widths (``COLUMNS``), ``NO_COLOR``, ``FORCE_COLOR``, ``TERM=dumb``, a pseudo-terminal (colour, its
own width), stdin on a terminal with stdout piped (Rich takes the width from stdin), the Typer path
(``SOFTSPOT_NO_FAST_PATH``), bad input, and technique files whose texts hold markup, emoji codes,
backslashes, wide characters and words longer than a line. Prints each difference and exits 1 if any.
"""

from __future__ import annotations

import argparse
import difflib
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import tempfile
import termios
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YAML = ROOT / "src/softspot/core/techniques/hands-free-hamstring.yaml"
QUESTIONS = (
    "heart_condition", "varicose_veins", "pregnant", "floor_difficulty", "blood_clots", "skin",
    "recent_injury", "bones", "joint_replacement", "nerves",
)  # fmt: skip
LANGS = {"en": "C.UTF-8", "de": "de_DE.UTF-8", "es": "es_ES.UTF-8", "th": "th_TH.UTF-8"}


def answers(yes: tuple[str, ...] = ()) -> list[str]:
    return [f"--answer={q}={'yes' if q in yes else 'no'}" for q in QUESTIONS]


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()
    mode: str = "pipe"  # "pipe", "pty" (stdout and stderr on a terminal), "stdin-tty" (only stdin on one)


@dataclass
class Result:
    out: bytes
    err: bytes
    code: int
    extra: list[str] = field(default_factory=list)


HOSTILE = {
    "markup": (
        'title:\n  en: "Hands [bold]free[/bold] \\\\[x] [/] [dim]massage :smile: :not_an_emoji: ends\\\\"\n',
        'origin:\n  en: "[red]Thai[/red] :thumbs_up: tradition \\\\"\n',
    ),
    "wide": (
        "title:\n  en: ハンズフリーの太ももマッサージ 😀 👍🏽 é\n",
        "origin:\n  en: "
        + "averyveryveryveryveryveryveryveryveryveryveryveryveryveryverylongwordwithoutanyspacesatall" * 2
        + " then\tsome tab\n",
    ),
}


def hostile_files(folder: Path) -> dict[str, Path]:
    """Copies of the built-in technique whose English title and origin carry awkward text."""
    source = YAML.read_text(encoding="utf-8")
    made = {}
    for name, (title, origin) in HOSTILE.items():
        text = source.replace("title:\n  en: Hands-free hamstring massage\n", title, 1)
        text = text.replace("origin:                                # F3\n  en: Thai massage tradition\n", origin, 1)
        assert text != source
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        made[name] = path
    return made


def command_cases(files: dict[str, Path], quick: bool) -> list[tuple[str, tuple[str, ...]]]:
    """(name, argv) for every command and option worth comparing."""
    go = answers()
    cases: list[tuple[str, tuple[str, ...]]] = [
        ("show", ("technique", "show", "hands-free-hamstring")),
        ("show-json", ("technique", "show", "hands-free-hamstring", "--json")),
        ("screen-go", ("screen", *go)),
        ("screen-go-json", ("screen", *go, "--json")),
        ("plan", ("plan", *go)),
        ("plan-json", ("plan", *go, "--json")),
        ("plan-stop", ("plan", *answers(("heart_condition", "skin", "recent_injury", "floor_difficulty")))),
        ("plan-ask", ("plan", *answers(("bones",)))),
        ("plan-adapt", ("plan", *answers(("floor_difficulty",)))),
        ("plan-options", ("plan", *go, "--thigh", "16in", "--minutes-per-leg", "4", "--start-leg", "right")),
        ("list", ("technique", "list")),
        ("list-json", ("technique", "list", "--json")),
        ("show-missing", ("technique", "show", "no-such-technique")),
        ("plan-bad-thigh", ("plan", *go, "--thigh", "eleven")),
        ("screen-missing", ("screen", "--answer", "heart_condition=no")),
    ]
    if quick:
        return cases
    for q in QUESTIONS:
        cases.append((f"screen-yes-{q}", ("screen", *answers((q,)))))
    cases += [
        ("screen-all-yes", ("screen", *answers(QUESTIONS))),
        ("screen-all-yes-json", ("screen", *answers(QUESTIONS), "--json")),
        ("screen-cleared", ("screen", *answers(("bones", "nerves")), "--cleared")),
        ("screen-cleared-adapt", ("screen", *answers(("bones", "floor_difficulty")), "--cleared")),
        ("screen-bad-answer", ("screen", *go, "--answer", "heart_condition=maybe")),
        ("screen-markup-answer", ("screen", *go, "--answer", "[bold]x[/]=yes")),
        ("screen-emoji-answer", ("screen", *go, "--answer", ":smile:=yes")),
        ("screen-bad-technique", ("screen", *go, "--technique", "[red]nope[/] :smile:")),
        ("plan-cleared", ("plan", *answers(("bones", "recent_injury")), "--cleared")),
        ("plan-stop-json", ("plan", *answers(("pregnant",)), "--json")),
        ("plan-ask-json", ("plan", *answers(("nerves",)), "--json")),
        ("plan-height", ("plan", *go, "--height", "158cm")),
        ("plan-short", ("plan", *go, "--thigh", "30cm", "--minutes-per-leg", "0.5")),
        ("plan-long", ("plan", *go, "--thigh", "60cm", "--minutes-per-leg", "12", "--sessions", "40")),
        ("plan-bed", ("plan", *go, "--surface", "bed", "--position", "straddle")),
        ("plan-add-ons", ("plan", *go, "--sessions", "9", "--add-on", "calf", "--add-on", "lower_back")),
        ("plan-add-ons-json", ("plan", *go, "--sessions", "9", "--add-on", "calf", "--json")),
        ("plan-add-on-locked", ("plan", *go, "--add-on", "calf")),
        ("plan-bad-leg", ("plan", *go, "--start-leg", "middle")),
        ("plan-bad-surface", ("plan", *go, "--surface", "[bold]sofa[/]")),
        ("plan-bad-lang", ("plan", *go, "--lang", "xx")),
        ("plan-lang-fr", ("plan", *go, "--lang", "fr")),
        ("show-bad-lang", ("technique", "show", "hands-free-hamstring", "--lang", "xx")),
        ("show-bad-file", ("technique", "show", str(YAML.with_name("missing.yaml")))),
        ("show-broken-file", ("technique", "show", str(ROOT / "tests/data/broken-techniques.yaml"))),
        ("show-file", ("technique", "show", str(YAML))),
    ]
    for lang in LANGS:
        cases.append((f"show-lang-{lang}", ("technique", "show", "hands-free-hamstring", "--lang", lang)))
        cases.append(
            (f"show-json-lang-{lang}", ("technique", "show", "hands-free-hamstring", "--json", "--lang", lang))
        )
        cases.append((f"plan-lang-{lang}", ("plan", *go, "--lang", lang)))
    for name, path in files.items():
        cases.append((f"show-{name}", ("technique", "show", str(path))))
        cases.append((f"show-{name}-json", ("technique", "show", str(path), "--json")))
        cases.append((f"plan-{name}", ("plan", "--technique", str(path), *go)))
        cases.append((f"screen-{name}", ("screen", "--technique", str(path), *answers(("bones",)))))
    return cases


def all_cases(files: dict[str, Path], quick: bool) -> Iterator[Case]:
    commands = command_cases(files, quick)
    for lang, locale in LANGS.items():
        widths = ("80",) if quick else ("40", "80", "120", *(("",) if lang == "en" else ()))
        for width in widths:
            for name, argv in commands:
                env = (("LANG", locale),) + ((("COLUMNS", width),) if width else ())
                yield Case(f"{name} LANG={lang} COLUMNS={width or '-'}", argv, env)
    looks = {
        "NO_COLOR": (("NO_COLOR", "1"),),
        "FORCE_COLOR": (("FORCE_COLOR", "1"),),
        "FORCE_COLOR+NO_COLOR": (("FORCE_COLOR", "1"), ("NO_COLOR", "1")),
        "TERM=dumb": (("TERM", "dumb"),),
        "TTY_COMPATIBLE": (("TTY_COMPATIBLE", "1"),),
        "UNICODE_VERSION": (("UNICODE_VERSION", "9.0"),),
        "no fast path": (("SOFTSPOT_NO_FAST_PATH", "1"),),
    }
    some = [
        c for c in commands if c[0] in {"show", "screen-go", "plan", "plan-stop", "plan-bad-thigh", "show-wide", "list"}
    ]
    for lang in ("en", "th"):
        for look, env in looks.items():
            for name, argv in some:
                yield Case(f"{name} LANG={lang} {look}", argv, (("LANG", LANGS[lang]), ("COLUMNS", "80"), *env))
        for mode in ("pty", "stdin-tty"):
            for width in ("50", "100") if not quick else ("100",):
                for name, argv in some:
                    yield Case(
                        f"{name} LANG={lang} {mode} {width}", argv, (("LANG", LANGS[lang]), ("PTY", width)), mode
                    )


def run(case: Case, src: str, folder: str) -> Result:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOFTSPOT_", "DJANGO_", "LC_", "LANG"))}
    for name in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        env.pop(name, None)
    env.update(SOFTSPOT_DATA_DIR=f"{folder}/data", SOFTSPOT_CACHE_DIR=f"{folder}/cache", PYTHONPATH=src)
    extra = dict(case.env)
    columns = int(extra.pop("PTY", "0"))
    env.update(extra)
    argv = [str(Path(sys.executable).with_name("softspot")), *case.argv]
    if case.mode == "pipe":
        done = subprocess.run(argv, env=env, capture_output=True, stdin=subprocess.DEVNULL, timeout=120)
        return Result(done.stdout, done.stderr, done.returncode)
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, columns, 0, 0))
    try:
        if case.mode == "pty":
            proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
            os.close(follower)
            chunks = []
            while True:
                ready, _, _ = select.select([leader], [], [], 60)
                if not ready:
                    break
                try:
                    chunk = os.read(leader, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            code = proc.wait(timeout=60)
            return Result(b"".join(chunks), b"", code)
        done = subprocess.run(argv, env=env, capture_output=True, stdin=follower, timeout=120)
        return Result(done.stdout, done.stderr, done.returncode)
    finally:
        os.close(leader)
        if case.mode != "pty":
            os.close(follower)


def differences(case: Case, ours: Result, theirs: Result) -> list[str]:
    found = []
    if ours.code != theirs.code:
        found.append(f"exit code {theirs.code} (baseline) != {ours.code} (here)")
    for stream, mine, base in (("stdout", ours.out, theirs.out), ("stderr", ours.err, theirs.err)):
        if mine != base:
            lines = difflib.unified_diff(
                base.decode(errors="replace").splitlines(keepends=True),
                mine.decode(errors="replace").splitlines(keepends=True),
                "baseline",
                "here",
            )
            found.append(f"{stream}:\n" + "".join(repr(line)[1:-1] + "\n" for line in list(lines)[:40]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", required=True, help="the src folder to compare with")
    parser.add_argument("--here", default=str(ROOT / "src"), help="the src folder to check (default: this one)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="", help="only cases whose name contains this")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    here, base = str(Path(args.here).resolve()), str(Path(args.baseline).resolve())
    with tempfile.TemporaryDirectory(prefix="softspot-compare-") as tmp:
        files = hostile_files(Path(tmp))
        cases = [c for c in all_cases(files, args.quick) if args.only in c.name]
        for side in ("here", "base"):
            os.makedirs(f"{tmp}/{side}", exist_ok=True)

        def both(case: Case) -> tuple[Case, list[str], Result]:
            theirs = run(case, base, f"{tmp}/base")
            ours = run(case, here, f"{tmp}/here")
            return case, differences(case, ours, theirs), ours

        bad = 0
        codes: dict[int, int] = {}
        with ThreadPoolExecutor(args.jobs) as pool:
            for case, found, ours in pool.map(both, cases):
                codes[ours.code] = codes.get(ours.code, 0) + 1
                if found:
                    bad += 1
                    print(f"DIFFERS: {case.name} {' '.join(case.argv[:3])} {dict(case.env)}")
                    for text in found:
                        print("  " + text.replace("\n", "\n  "))
        print(f"{len(cases)} cases, {bad} differ; exit codes {dict(sorted(codes.items()))}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
