"""``softspot screen`` and ``softspot plan``."""

from __future__ import annotations

import json
import sys

import typer
from rich.markup import escape

from softspot.cli.commands import PlanArgs
from softspot.cli.output import console, fail
from softspot.cli.technique_cmd import resolve
from softspot.cli.views import plan_table, thigh_map
from softspot.core.planner import PlanError, PlanOptions, StopError
from softspot.core.planner import plan as make_plan
from softspot.core.screening import AnswerError, Screening, missing_answers, parse_answers
from softspot.core.screening import screen as run_screen
from softspot.core.script import SessionScript
from softspot.core.technique import Technique
from softspot.core.units import Length, UnitError, parse_length

STOPPED = 3


def gather_answers(technique: Technique, pairs: list[str], *, interactive: bool | None = None) -> dict[str, bool]:
    """Answers from --answer, asking the rest on a terminal; without one, missing answers are an error."""
    try:
        answers = parse_answers(technique, pairs)
    except AnswerError as exc:
        fail(f"--answer: {exc}")
    missing = missing_answers(technique, answers)
    if not missing:
        return answers
    if interactive is None:
        interactive = sys.stdin.isatty()
    if not interactive:
        listed = ", ".join(f"{q.id}=yes|no" for q in missing)
        fail(f"unanswered screening questions (no terminal to ask on); add --answer for each: {listed}")
    for q in missing:
        answers[q.id] = typer.confirm(q.ask, default=None)
    return answers


def show_screening(result: Screening) -> None:
    if result.verdict == "stop":
        console.print("[bold red]STOP[/] — no session today:")
        for q in result.stops:
            line = f"  • {escape(q.if_yes.reason)}"
            if q.if_yes.instead:
                line += f" {escape(q.if_yes.instead)}"
            console.print(line)
        for q in result.adaptations:
            console.print(f"  • (also) {escape(q.if_yes.reason)}")
    elif result.verdict == "adapt":
        console.print("[bold yellow]GO, adapted[/]:")
        for q in result.adaptations:
            console.print(f"  • {escape(q.if_yes.reason)}")
    else:
        console.print("[bold green]GO[/] — nothing in the answers rules this technique out.")


def screening_json(result: Screening) -> str:
    return json.dumps(
        {
            "verdict": result.verdict,
            "answers": result.answers,
            "reasons": result.reasons,
            "surface": result.surface,
            "position": result.position,
            "omitted_add_ons": sorted(result.omitted_add_ons),
        }
    )


def screen(technique_ref: str, pairs: list[str], as_json: bool) -> None:
    technique = resolve(technique_ref)
    result = run_screen(technique, gather_answers(technique, pairs))
    if as_json:
        print(screening_json(result))
    else:
        show_screening(result)
    if result.verdict == "stop":
        raise typer.Exit(STOPPED)


def length_option(name: str, value: str | None) -> Length | None:
    if value is None:
        return None
    try:
        return parse_length(value, default_unit=None)
    except UnitError as exc:
        fail(f"{name}: {exc}")


def build_script(args: PlanArgs, *, as_json: bool = False) -> SessionScript:
    """The session for these options; a screening stop prints every reason and exits 3, bad input exits 2."""
    technique = resolve(args.technique)
    options = PlanOptions(
        thigh=length_option("--thigh", args.thigh),
        height=length_option("--height", args.height),
        minutes_per_leg=args.minutes_per_leg,
        start_leg=args.start_leg,
        position=args.position,
        surface=args.surface,
        add_ons=tuple(args.add_ons),
        answers=gather_answers(technique, args.answers),
        comfortable_sessions=args.sessions,
    )
    try:
        return make_plan(technique, options)
    except StopError as exc:
        if as_json:
            print(screening_json(exc.screening))
        else:
            show_screening(exc.screening)
        raise typer.Exit(STOPPED) from None
    except PlanError as exc:
        fail(str(exc))


def plan(args: PlanArgs, *, as_json: bool) -> None:
    script = build_script(args, as_json=as_json)
    if as_json:
        print(script.model_dump_json(indent=2))
        return
    console.print(f"[bold]{escape(script.technique.title)}[/] — plan for today")
    for line in script.explanation:
        console.print(f"  {escape(line)}")
    console.print()
    console.print(thigh_map(script))
    console.print()
    console.print(plan_table(script))
