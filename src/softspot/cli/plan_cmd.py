"""``softspot screen`` and ``softspot plan``.

Exit codes: 0 go; 2 bad input; 3 screening said stop; 4 screening said ask a doctor or therapist first
(``--cleared`` once they have said the technique is fine for the receiver).
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from softspot.cli.output import escape, exit_with, fail
from softspot.cli.plain import stdout
from softspot.cli.technique_cmd import resolve
from softspot.core.screening import AnswerError, Screening, missing_answers, parse_answers
from softspot.core.screening import screen as run_screen
from softspot.core.text import source_of
from softspot.core.units import DistanceUnit, Length, UnitError, parse_length
from softspot.i18n import N_, _

if TYPE_CHECKING:
    from softspot.cli.args import PlanArgs
    from softspot.core.planner import PlanOptions
    from softspot.core.script import SessionScript
    from softspot.core.technique import Question, Technique

console = stdout  # Rich only on a terminal (softspot.cli.plain)
STOPPED = 3
ASK_FIRST = 4
SOFTSPOT_ADDS = N_("softspot adds: ")
"""How the terminal marks what softspot adds to the therapist's technique."""


def marked(technique: Technique, *parts: object) -> str:
    """``"softspot adds: "`` when the innermost part is softspot's own addition, else nothing."""
    return _(SOFTSPOT_ADDS) if source_of(technique, *parts) == "softspot" else ""


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
        fail(
            _("unanswered screening questions (no terminal to ask on); add --answer for each: %(answers)s")
            % {"answers": listed}
        )
    import typer

    for q in missing:
        answers[q.id] = typer.confirm(marked(technique, q) + q.ask, default=None)
    return answers


def _reason(technique: Technique, q: Question, *, instead: bool = True) -> str:
    """One screening reason, and what to do instead, each marked when it is softspot's addition."""
    answer = q.if_yes
    why = marked(technique, q, answer, answer.reason)
    line = f"  • {why}{escape(answer.reason)}"
    if instead and answer.instead:
        what = marked(technique, q, answer, answer.instead)
        line += f" {what if what != why else ''}{escape(answer.instead)}"
    return line


def show_screening(result: Screening, technique: Technique) -> None:
    if result.verdict == "stop":
        console.print("[bold red]" + _("STOP") + "[/] — " + _("no session today:"))
        for q in result.stops:
            console.print(_reason(technique, q))
        for q in result.asks:
            console.print("  • " + _("(also)") + f" {marked(technique, q)}{escape(q.if_yes.reason)}")
        for q in result.adaptations:
            console.print("  • " + _("(also)") + f" {escape(q.if_yes.reason)}")
        return
    if result.verdict == "ask_first":
        console.print(
            "[bold yellow]"
            + _("ASK FIRST")
            + "[/] — "
            + _("no session until a doctor or therapist has said this technique is fine for the receiver:")
        )
        for q in result.asks:
            console.print(_reason(technique, q))
        console.print("  " + _("Once they have, plan again with --cleared (or answer yes when guide asks)."))
        return
    if result.cleared:
        console.print(
            "[bold green]"
            + _("GO, cleared")
            + "[/]: "
            + _("you confirmed a doctor or therapist said this technique is fine for the receiver, despite:")
        )
        for q in result.asks:
            console.print(_reason(technique, q, instead=False))
    if result.verdict == "adapt":
        console.print("[bold yellow]" + _("GO, adapted") + "[/]:")
        for q in result.adaptations:
            console.print(f"  • {escape(q.if_yes.reason)}")
    elif not result.cleared:
        console.print("[bold green]" + _("GO") + "[/] — " + _("nothing in the answers rules this technique out."))


def screening_json(result: Screening) -> str:
    return json.dumps(
        {
            "verdict": result.verdict,
            "answers": result.answers,
            "reasons": result.reasons,
            "ask_first": [q.id for q in result.asks],
            "cleared": result.cleared_questions,
            "surface": result.surface,
            "position": result.position,
            "omitted_add_ons": sorted(result.omitted_add_ons),
        }
    )


def exit_code(result: Screening) -> int:
    """0 go (or adapted, or cleared), 3 stop, 4 ask first."""
    return {"stop": STOPPED, "ask_first": ASK_FIRST}.get(result.verdict, 0)


def screen(technique_ref: str, pairs: list[str], as_json: bool, *, cleared: bool = False) -> None:
    technique = resolve(technique_ref, plain=True)
    result = run_screen(technique, gather_answers(technique, pairs), cleared=cleared)
    if as_json:
        print(screening_json(result))
    else:
        show_screening(result, technique)
    if exit_code(result):
        exit_with(exit_code(result))


def length_option(name: str, value: str | None) -> Length | None:
    if value is None:
        return None
    try:
        return parse_length(value, default_unit=None)
    except UnitError as exc:
        fail(f"{name}: {exc}")


def build_script(args: PlanArgs, *, as_json: bool = False) -> SessionScript:
    """The session for these options; a screening stop prints every reason and exits 3 (4 for ask first),
    bad input exits 2."""
    return _build(args, as_json=as_json)[1]


def _build(
    args: PlanArgs, *, as_json: bool = False, plain: bool = False
) -> tuple[Technique, SessionScript, str | None]:
    from softspot.cli.language import choose
    from softspot.core.planner import AskFirstError, PlanError, PlanOptions, StopError
    from softspot.core.planner import plan as make_plan

    technique = resolve(args.technique, plain=plain and args.receiver is None)  # a receiver: the store's models
    preference = None
    if args.receiver is not None and args.language is None:
        from softspot.cli.people_cmd import choose as choose_receiver
        from softspot.cli.people_cmd import owner

        found = choose_receiver(owner(), args.receiver)
        preference = found.language if found is not None else None
    language = choose(args.language, preference, technique)
    technique = technique.localized(language)  # screening, the pain rule and the plan in the same language
    thigh = length_option("--thigh", args.thigh)
    height = length_option("--height", args.height)
    if args.receiver is not None and args.sessions is not None:
        fail(_("--sessions: not with --receiver, whose comfortable sessions are counted from their own records"))
    options = PlanOptions(
        thigh=thigh,
        height=height,
        minutes_per_leg=args.minutes_per_leg,
        start_leg=args.start_leg,
        position=args.position,
        surface=args.surface,
        add_ons=tuple(args.add_ons),
        answers=gather_answers(technique, args.answers),
        comfortable_sessions=args.sessions or 0,
        cleared=args.cleared,
        language=language,
    )
    note = None
    if args.receiver is not None:
        options, note = for_receiver(technique, options, args.receiver)
    try:
        return technique, make_plan(technique, options), note
    except StopError as exc:
        if as_json:
            print(screening_json(exc.screening))
        else:
            show_screening(exc.screening, technique)
        exit_with(ASK_FIRST if isinstance(exc, AskFirstError) else STOPPED)
    except PlanError as exc:
        fail(str(exc))


def for_receiver(technique: Technique, options: PlanOptions, name: str) -> tuple[PlanOptions, str]:
    """``options`` filled from the receiver's own measurements, first leg and suggestion (what is given wins),
    and a line saying whose plan it is and what their records suggest.

    Reads the store and changes nothing (``guide`` and the web set-up remember measurements).
    """
    from dataclasses import replace

    from softspot.cli.people_cmd import choose, owner, remembered, unit_of
    from softspot.cli.store import store_errors
    from softspot.core.planner import PlanError, thigh_length

    receiver = choose(owner(), name)
    assert receiver is not None  # a name was given: found, or the command failed
    thigh, height = options.thigh, options.height
    unit: DistanceUnit | None = None
    if thigh is None and height is None:
        thigh, height = remembered(receiver)
        unit = unit_of(receiver)
    try:
        length_cm, _source = thigh_length(technique, replace(options, thigh=thigh, height=height))
    except PlanError as exc:
        fail(
            _("%(problem)s (kept for %(name)s; measure again and give --thigh)")
            % {"problem": exc, "name": receiver.name}
        )
    from softspot.store.records import suggestion

    with store_errors():
        suggested = suggestion(receiver, technique, length_cm)
    sides = {s.id for s in technique.sides}
    start_leg = options.start_leg or (receiver.first_leg if receiver.first_leg in sides else None)
    minutes = options.minutes_per_leg if options.minutes_per_leg is not None else suggested.minutes_per_leg
    filled = replace(
        options,
        thigh=thigh,
        height=height,
        unit=unit,
        start_leg=start_leg,
        minutes_per_leg=minutes,
        comfortable_sessions=suggested.comfortable_sessions,
    )
    return filled, _("For %(name)s. Suggested: %(reason)s") % {"name": receiver.name, "reason": suggested.reason}


def plan(args: PlanArgs, *, as_json: bool) -> None:
    technique, script, note = _build(args, as_json=as_json, plain=True)
    if as_json:
        print(script.model_dump_json(indent=2))
        return
    from softspot.cli.views import plan_grid, thigh_map_plain

    console.print(f"[bold]{escape(script.technique.title)}[/] — " + _("plan for today"))
    if note:
        console.print(f"  {escape(note)}")
    for line in script.explanation:
        console.print(f"  {escape(line)}")
    show_pain_rule(technique)
    console.print()
    console.print(thigh_map_plain(script))
    console.print()
    console.print(plan_grid(script))


def show_pain_rule(technique: Technique) -> None:
    """The pain rule, as the voice says it at the start and before each next leg, and how to stop."""
    rule = technique.cues.pain_rule
    console.print("  [bold]" + _("Pain rule") + f"[/]: {marked(technique, technique.cues, rule)}{escape(rule.say)}")
    console.print("  " + _("Stop at once, any time (q or Esc in guide); then say why, or carry on."))
