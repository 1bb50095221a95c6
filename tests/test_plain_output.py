"""softspot.cli.plain prints what Rich prints to a pipe, character for character, or hands the print to Rich.

Each piece is compared with Rich itself on many texts and widths (seeded, so a failure repeats);
bench/compare_output.py compares whole commands between two checkouts.
"""

from __future__ import annotations

import contextlib
import io
import random
import unicodedata

import pytest
from rich.cells import get_character_cell_size
from rich.console import Console
from rich.table import Table
from rich.text import Text

from softspot.cli import plain
from softspot.cli.plain import Cell, Grid, Paragraphs, Unplain

WORDS = [
    "spot", "the", "knee", "Oberschenkel", "rodilla", "·", "—", "↳", "•", "it's", "(usual)", "2 in", "1:30",
    "นวดต้นขา", "ผู้ถูกนวด", "ไม่ใช้มือ", "averyveryveryverylongwordthatnolinecanhold", "a\u00a0b", "x",
    "[bold]", "\\", "☐", "→", "ค่ะ", "ño", "Ärztin",
]  # fmt: skip


def rich_print(thing: object, width: int, **options: object) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False, force_terminal=False)
    console.print(thing, **options)  # type: ignore[arg-type]
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


def sentences(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        words = rng.choices(WORDS, k=rng.randint(0, 30))
        glue = rng.choice([" ", "  ", " ", "\n", " "])
        text = "".join(w + (glue if rng.random() < 0.9 else " \n ") for w in words)
        made.append(rng.choice(["", "    ", "  "]) + text + rng.choice(["", " ", "\n"]))
    return made


def test_it_measures_every_character_it_knows_as_rich_does() -> None:
    known = [chr(c) for c in range(0x20, 0x3000) if _knows(chr(c))]
    assert len(known) > 1500
    assert {c: plain.cells(c) for c in known} == {c: get_character_cell_size(c) for c in known}


def _knows(char: str) -> bool:
    try:
        plain.cells(char)
    except Unplain:
        return False
    return True


def test_it_hands_rich_the_characters_it_does_not_know() -> None:
    for char in ("\t", "\u0301", "漢", "😀", "\u200d", "\ufe0f", "\x1b", "\u0e5c"):
        assert not _knows(char), unicodedata.name(char, repr(char))


@pytest.mark.parametrize("width", [1, 2, 5, 13, 40, 80, 120])
def test_it_wraps_text_as_rich_does(width: int) -> None:
    for text in sentences(width, 150):
        assert "".join(line + "\n" for line in plain.wrap(text, width)) == rich_print(Text(text), width), text


def test_it_reads_markup_as_rich_does() -> None:
    for markup in [
        "[bold]Pain rule[/]: stop",
        "[bold red]STOP[/] — no session today:",
        "[bold]a[dim]b[/dim]c[/bold] d",
        plain.escape("[bold]not markup[/] \\[x] ends in a backslash\\"),
        plain.escape("\\[bold] \\\\[dim]") + "[dim]x[/]",
        "a \\[ b [ c ] [1] :smile: :not_an_emoji: 1:30:00",
        "bell\x07 and\r carriage",
    ]:
        assert plain.text_of(markup) + "\n" == rich_print(markup, 500, soft_wrap=True), markup


def test_its_escape_is_richs() -> None:
    from rich.markup import escape

    for text in ["[bold]x[/]", "\\[bold]", "a\\", "a\\\\", "[1] [/", "[@click]", "\\\\[dim]", *WORDS]:
        assert plain.escape(text) == escape(text)


@pytest.mark.parametrize("markup", ["[link=https://x]x[/link]", "[@click]x[/]", "[/]", "[bold]x[/dim]", "[italic]"])
def test_it_hands_rich_any_other_markup(markup: str) -> None:
    with pytest.raises(Unplain):
        plain.text_of(markup)


def test_it_cuts_table_cells_short_as_rich_does() -> None:
    for text in ["\u0e34\u0e34นวดต้นขา", "นวดต้นขา", "abcdef", "ab cdefghijk", "\u0e34"]:
        for width in (1, 2, 3, 5):
            table = Table("x" * width, box=None, pad_edge=False)  # a column exactly `width` wide
            table.add_row(Text(text))
            expected = rich_print(table, width).splitlines()[1:]
            assert plain.wrap(text, width, ellipsis=True) == expected, (text, width)


@pytest.mark.parametrize("width", [12, 30, 40, 55, 80, 120, 200])
def test_it_lays_out_tables_as_rich_does(width: int) -> None:
    rng = random.Random(width)
    for _ in range(40):
        header = [rng.choice(["at", "for", "what", "from knee", "เวลา", "bis zum Knie"]) for _ in range(4)]
        rows = [
            [
                rng.choice(["0:00", "12:15", "", "1:00:00"]),
                rng.choice(["0:15", ""]),
                rng.choice(sentences(rng.randint(0, 99), 1)).replace("\n", " "),
                rng.choice(["", "5 cm", "2.5 in"]),
            ]
            for _ in range(rng.randint(1, 12))
        ]
        grid = Grid([Cell(h, True) for h in header], [[Cell(c, i != 2) for i, c in enumerate(r)] for r in rows], list)
        table = Table(*header, box=None, pad_edge=False, header_style="bold")
        for row in rows:
            table.add_row(row[0], row[1], Text(row[2], "bold"), row[3])
        try:
            shown = "".join(line + "\n" for line in grid.lines(width))
        except Unplain:
            continue  # a column too narrow for its padding: Rich lays it out
        assert shown == rich_print(table, width), rows


def test_its_printer_writes_what_the_rich_console_writes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "44")
    for var in ("FORCE_COLOR", "TTY_COMPATIBLE", "UNICODE_VERSION"):
        monkeypatch.delenv(var, raising=False)
    texts = sentences(7, 30)
    for text in texts:
        plain.stdout.print(plain.escape(text))
    plain.stdout.print()
    plain.stdout.print(Paragraphs(texts[:3], list))
    plain.stdout.print_json('{"a": [1, "ü\\u0007"], "b": {}}')
    expected = "".join(rich_print(plain.escape(text), 44) for text in texts) + "\n"
    expected += "".join(rich_print(Text(text), 44) for text in texts[:3])
    expected += '{\n  "a": [\n    1,\n    "ü\\u0007"\n  ],\n  "b": {}\n}\n'
    assert capsys.readouterr().out == expected


def test_its_printer_leaves_a_forced_terminal_to_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert plain.stdout.width() is None
    monkeypatch.setenv("TTY_COMPATIBLE", "0")
    monkeypatch.setenv("COLUMNS", "61")
    assert plain.stdout.width() == 61


QUESTIONS = [
    "heart_condition", "varicose_veins", "pregnant", "floor_difficulty", "blood_clots", "skin",
    "recent_injury", "bones", "joint_replacement", "nerves",
]  # fmt: skip


def answered(*yes: str) -> list[str]:
    return [f"{q}={'yes' if q in yes else 'no'}" for q in QUESTIONS]


def run_commands(lang: str) -> None:
    """What plan, screen and technique show print in this language, whatever they exit with."""
    import typer

    from softspot import i18n
    from softspot.cli import plan_cmd, technique_cmd
    from softspot.cli.args import PlanArgs

    calls = [
        lambda: technique_cmd.show("hands-free-hamstring", False, lang),
        lambda: plan_cmd.plan(PlanArgs("hands-free-hamstring", answers=answered(), language=lang), as_json=False),
        lambda: plan_cmd.plan(
            PlanArgs("hands-free-hamstring", answers=answered("floor_difficulty"), sessions=9, add_ons=["calf"]),
            as_json=False,
        ),
        lambda: plan_cmd.plan(PlanArgs("hands-free-hamstring", answers=answered("skin", "bones")), as_json=False),
        lambda: plan_cmd.plan(PlanArgs("hands-free-hamstring", answers=answered(), thigh="eleven"), as_json=False),
        lambda: plan_cmd.screen("hands-free-hamstring", answered("nerves"), False),
        lambda: plan_cmd.screen("hands-free-hamstring", answered("nerves", "floor_difficulty"), False, cleared=True),
        lambda: technique_cmd.list_(False),
    ]
    with i18n.use(lang):
        for call in calls:
            with contextlib.suppress(typer.Exit):
                call()


@pytest.mark.parametrize("lang", ["en", "de", "es", "th"])
@pytest.mark.parametrize("width", [40, 80])
def test_plan_screen_and_show_print_what_rich_prints(
    lang: str, width: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from softspot.cli import output

    monkeypatch.setenv("COLUMNS", str(width))
    for var in ("FORCE_COLOR", "TTY_COMPATIBLE", "UNICODE_VERSION"):
        monkeypatch.delenv(var, raising=False)

    def no_rich(name: str) -> None:
        raise AssertionError(f"{name}: this output needs no Rich")

    with monkeypatch.context() as patched:
        patched.setattr(plain, "_rich_console", no_rich)
        run_commands(lang)
    shown = capsys.readouterr()
    assert "STOP" in shown.out or lang != "en"

    monkeypatch.setattr(plain.Printer, "width", lambda self: None)  # every print through Rich
    for name in ("console", "errors"):
        made = Console(stderr=name == "errors", width=width, color_system=None, highlight=False)
        monkeypatch.setattr(output, name, made, raising=False)
    run_commands(lang)
    through_rich = capsys.readouterr()
    assert through_rich.err == shown.err
    for mine, theirs in zip(shown.out.splitlines(), through_rich.out.splitlines(), strict=True):
        assert mine == theirs
