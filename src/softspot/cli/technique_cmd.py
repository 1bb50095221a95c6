"""``softspot technique ...``: check, list, show and schema."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from softspot.cli.output import console, errors, fail
from softspot.core.limits import fill_template
from softspot.core.loader import TechniqueError, built_in, built_in_ids, load_technique
from softspot.core.technique import CUE_FIELDS, Technique
from softspot.core.units import format_distance, format_duration
from softspot.core.yaml_input import shown


def resolve(technique: str) -> Technique:
    """A built-in id, or a path to a technique file; bad input exits 2 with every problem."""
    try:
        if technique in built_in_ids():
            return built_in(technique)
        if technique.endswith((".yaml", ".yml")) or Path(technique).exists():
            return load_technique(technique)
        return built_in(technique)
    except TechniqueError as exc:
        for problem in exc.problems:
            errors.print(str(problem), markup=False, emoji=False, soft_wrap=True)
        fail(f"{exc.count} problem{'s' if exc.count != 1 else ''} in the technique")
    except KeyError as exc:
        fail(f"--technique: {exc.args[0]}")


def check(files: list[Path]) -> None:
    bad = 0
    for path in files:
        try:
            technique = load_technique(path)
        except TechniqueError as exc:
            bad += 1
            for problem in exc.problems:  # one line each, printed as it is (no markup, no emoji codes)
                console.print(str(problem), markup=False, emoji=False, soft_wrap=True)
        else:
            name = shown(str(path), 200)  # one line, whatever the file is called
            console.print(f"{name}: ok ({technique.id} {technique.version})", markup=False, emoji=False, soft_wrap=True)
    if bad:
        raise typer.Exit(2)


def list_(as_json: bool) -> None:
    techniques = [built_in(i) for i in built_in_ids()]
    if as_json:
        rows = [{"id": t.id, "version": t.version, "title": t.title, "summary": t.summary} for t in techniques]
        console.print_json(json.dumps(rows))
        return
    table = Table("id", "version", "title", "summary", box=None, pad_edge=False)
    for t in techniques:
        table.add_row(t.id, t.version, t.title, t.summary)
    console.print(table)


def show(technique_id: str, as_json: bool) -> None:
    t = resolve(technique_id)
    if as_json:
        console.print_json(t.model_dump_json())
        return
    p = console.print
    meta = " · ".join(escape(x) for x in (f"{t.id} {t.version}", t.author, t.licence))
    p(f"[bold]{escape(t.title)}[/]  [dim]{meta}[/]")
    p(escape(t.summary))
    p(f"[bold]Why:[/] {escape(t.guidance.purpose)}")
    p("[bold]Good for:[/] " + "; ".join(escape(g) for g in t.guidance.good_for))
    p(f"[bold]Origin:[/] {escape(t.origin)}" + ("   [bold]Hands-free[/] for the giver" if t.hands_free else ""))
    p(f"[bold]Clothing:[/] {escape(t.guidance.attire)}")
    p("\n[bold]Who must not do it[/]")
    for q in t.questions:
        outcome = "no session" if q.if_yes.action == "stop" else "adapted"
        p(f"  • {escape(q.ask)}  [dim]({q.id}: yes → {outcome})[/] {escape(q.if_yes.reason)}")
    p("\n[bold]Where[/]")
    for s in t.surfaces:
        p(f"  • {escape(s.name)}{' (usual)' if s.default else ''}: {escape(s.description)}")
    p("\n[bold]Giver's position[/]")
    for pos in t.positions:
        p(f"  • {escape(pos.name)}{' (main)' if pos.main else ' (alternative)'}: {escape(pos.description)}")
    p("\n[bold]Set-up[/]")
    for cue in t.setup:
        p(f"  ☐ {escape(cue.show)}")
    p("\n[bold]Each leg[/]")
    words = {
        **{name: name for name in CUE_FIELDS},
        "side": "chosen",
        "joint": t.segment.joint,
        "segment": t.segment.name,
    }
    for n, step in enumerate(t.preparation, 1):
        p(
            f"  {n}. {escape(fill_template(step.cue.show, words))}"
            + (f" [dim]{escape(step.detail)}[/]" if step.detail else "")
        )
    sp, joint, n = t.spots, t.segment.joint, len(t.preparation)
    p(
        f"  {n + 1}. First spot {format_distance(sp.first_above_centre, 'in')} above the centre: "
        f"up to {format_duration(sp.first_hold.max)}, or until the tissue softens."
    )
    p(
        f"  {n + 2}. Lift, move {format_distance(sp.step, 'in')} toward the {joint}; "
        "hold until it softens or as long as the first spot took."
    )
    p(f"  {n + 3}. Never sit within {format_distance(sp.clearance, 'in')} of the {joint} joint.")
    if len(t.sides) > 1:
        p(f"  Then the same on the other {t.segment.name}.")
    d = t.dose
    p(
        f"\n[bold]How long[/]  Beginners {format_duration(d.beginner_min)} to {format_duration(d.beginner_max)} "
        f"per side, growing by {format_duration(d.grow_by)} after {d.grow_after} comfortable sessions, "
        f"up to {format_duration(d.maximum)}."
    )
    if t.add_ons:
        p("\n[bold]Add-ons[/] (offered after a few comfortable sessions)")
        for a in t.add_ons:
            p(f"  • {escape(a.name)} (after {a.unlock_after} sessions): {escape(a.description)}")
    p(f"\n[bold]Practice:[/] {escape(t.guidance.practice)}")
    if t.demo:
        p(f"[bold]Demonstration:[/] {escape(t.demo.description)}" + (f" {t.demo.url}" if t.demo.url else ""))


def schema() -> None:
    body = Technique.model_json_schema(mode="validation")
    print(
        json.dumps(
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "softspot technique", **body},
            indent=2,
            ensure_ascii=False,
        )
    )
