"""``softspot guide``: screening, set-up, today's plan, tension before, the live session, after, saved.

Every prompt has an option, so the whole command runs unattended when all are
given (that is how the tests drive it). On a terminal, missing answers are asked.
"""

from __future__ import annotations

import math
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import typer
from rich.cells import cell_len
from rich.markup import escape

from softspot import i18n
from softspot.cli.live import LiveSession
from softspot.cli.output import console, fail, pad
from softspot.cli.people_cmd import Choice, choose_for_guide, make, name_option, remembered, unit_of
from softspot.cli.plan_cmd import (
    ASK_FIRST,
    STOPPED,
    exit_code,
    gather_answers,
    length_option,
    marked,
    show_pain_rule,
    show_screening,
)
from softspot.cli.recovery import save_or_keep
from softspot.cli.store import check_store, store_errors
from softspot.cli.store import local_owner as store_owner
from softspot.cli.technique_cmd import resolve
from softspot.cli.views import plan_table, thigh_map
from softspot.core.aftercare import Aftercare, aftercare
from softspot.core.planner import (
    AskFirstError,
    PlanError,
    PlanOptions,
    StopError,
    dose_seconds,
    plan,
    room,
    thigh_length,
)
from softspot.core.record import (
    NOTE_MAX_CHARS,
    RATED_AREAS,
    RATING_MAX,
    RATING_MIN,
    RecordError,
    parse_rating,
    parse_record,
)
from softspot.core.screening import screen
from softspot.core.script import SessionScript
from softspot.core.units import DistanceUnit, Length
from softspot.i18n import _, ngettext

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from softspot.store.models import Receiver

MAX_SPEED = 10_000.0
"""``--speed`` compresses time for demos and tests; more than this and the terminal cannot keep up."""


@dataclass(frozen=True)
class GuideOptions:
    technique: str
    receiver: str | None
    answers: list[str]
    cleared: bool
    thigh: str | None
    height: str | None
    minutes_per_leg: float | None
    start_leg: str | None
    position: str | None
    surface: str | None
    add_ons: list[str]
    before: str | None
    after: str | None
    note: str | None
    voice: bool
    voice_name: str | None
    rate: int
    speed: float
    language: str | None = None


def parse_ratings(option: str, text: str) -> dict[str, int]:
    """``"6,5,4"`` -> left, right, back; each a whole number 0-10."""
    parts = text.split(",")
    if len(parts) != len(RATED_AREAS):
        raise ValueError(
            _("%(option)s: give three ratings L,R,B (left hamstring, right, lower back), e.g. 6,5,4")
            % {"option": option}
        )
    try:
        return {name: parse_rating(part, label) for (name, label), part in zip(RATED_AREAS, parts, strict=True)}
    except ValueError as exc:
        raise ValueError(f"{option}: {exc}") from None


def ask_ratings(option: str, given: str | None, moment: str, interactive: bool) -> dict[str, int]:
    if given is not None:
        try:
            return parse_ratings(option, given)
        except ValueError as exc:
            fail(str(exc))
    scale = _("%(least)d (none) to %(most)d (worst)") % {"least": RATING_MIN, "most": RATING_MAX}
    if not interactive:
        said = (
            _("%(option)s: no terminal to ask on; give the tension before as %(option)s L,R,B, each %(scale)s")
            if moment == "before"
            else _("%(option)s: no terminal to ask on; give the tension after as %(option)s L,R,B, each %(scale)s")
        )
        fail(said % {"option": option, "scale": scale})
    heading = _("Tension before") if moment == "before" else _("Tension after")
    console.print(f"[bold]{heading}[/], {scale}:")
    values: dict[str, int] = {}
    for name, label in RATED_AREAS:
        while name not in values:
            try:
                values[name] = parse_rating(typer.prompt(f"  {_(label)}"), label)
            except ValueError as exc:
                console.print("  [yellow]" + escape(_("%(problem)s; try again") % {"problem": exc}) + "[/]")
    return values


def check_note(option: str, note: str) -> str | None:
    """What is wrong with a note (too long, a NUL), or None; the same rule as the store's."""
    if len(note) > NOTE_MAX_CHARS:
        return _("%(option)s: the note is %(n)d characters long; keep it to %(most)d") % {
            "option": option,
            "n": len(note),
            "most": NOTE_MAX_CHARS,
        }
    if "\x00" in note:
        return _("%(option)s: the note contains a NUL character; remove it") % {"option": option}
    return None


def check_options(options: GuideOptions) -> None:
    """Options that need no technique: fail on the first bad one before anything is asked or started."""
    if not math.isfinite(options.speed) or not 0 < options.speed <= MAX_SPEED:
        fail(
            _("--speed: must be above 0 and at most %(most)s (1 = real time), not %(given)s")
            % {"most": f"{MAX_SPEED:g}", "given": f"{options.speed:g}"}
        )
    if options.minutes_per_leg is not None and not math.isfinite(options.minutes_per_leg):
        fail(_("--minutes-per-leg: %(given)s is not a number of minutes") % {"given": f"{options.minutes_per_leg:g}"})
    if options.note is not None and (problem := check_note("--note", options.note)):
        fail(problem)


def guide(options: GuideOptions) -> None:
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    check_options(options)
    from softspot.cli.language import choose

    written = resolve(options.technique)
    language = choose(options.language, None, written)
    technique = written.localized(language)
    thigh = length_option("--thigh", options.thigh)
    height = length_option("--height", options.height)
    # Check what was given before anything is asked, planned or written.
    if options.before is not None:
        ask_ratings("--before", options.before, "before", interactive)
    if options.after is not None:
        ask_ratings("--after", options.after, "after", interactive)
    from softspot.cli.audio_cmd import make_voice

    speech = make_voice(options.voice_name, options.rate, language)
    try:
        length_cm, _source = thigh_length(technique, PlanOptions(thigh=thigh, height=height))
        if options.minutes_per_leg is not None:
            known = thigh is not None or height is not None
            dose_seconds(technique, options.minutes_per_leg, room(technique, length_cm) if known else None)
    except PlanError as exc:
        fail(str(exc))
    # The store must be able to keep the session before one is started (nothing is created yet).
    check_store()
    if options.receiver is not None:
        name_option("--receiver", options.receiver)
    # Who is receiving is asked first when there is a database to choose from; a first run makes none before the
    # safety check, so then it is asked after it.
    household = store_owner() if store_exists() else None
    choice = choose_for_guide(household, options.receiver, ask=interactive) if household is not None else None

    def preferred_language(choice: Choice | None) -> None:
        """The receiver's own language, when no --lang was given (and the technique is written in it)."""
        nonlocal language, technique, speech
        preferred = choice.receiver.language if choice is not None and choice.receiver is not None else ""
        if options.language is None and preferred and preferred != language:
            language = choose(None, preferred, written)
            technique = written.localized(language)
            speech = make_voice(options.voice_name, options.rate, language)

    preferred_language(choice)

    console.rule(f"[bold]{escape(technique.title)}[/]")
    if choice is not None:
        show_choice(choice)
    console.print("[bold]" + _("1. Safety check") + "[/] " + _("(asked every time: health can change)"))
    answers = gather_answers(technique, options.answers)
    result = screen(technique, answers, cleared=options.cleared)
    show_screening(result, technique)
    if result.verdict == "ask_first" and interactive:
        go_ahead = "  " + _("Has a doctor or therapist said this technique is fine for the receiver?")
        if not typer.confirm(go_ahead, default=False):
            raise typer.Exit(ASK_FIRST)
        result = screen(technique, answers, cleared=True)
        show_screening(result, technique)
    if exit_code(result):
        raise typer.Exit(exit_code(result))

    household = household or store_owner()
    if choice is None:
        choice = choose_for_guide(household, options.receiver, ask=interactive)
        preferred_language(choice)  # from here on (a first run's safety check came before the choice)
        show_choice(choice)
    given_thigh, given_height = thigh, height
    existing = choice.receiver  # a new receiver is added once the plan is made (bad input adds nobody)
    unit: DistanceUnit | None = None
    if thigh is None and height is None and existing is not None:
        thigh, height = remembered(existing)
        unit = unit_of(existing)
    try:
        length_cm, _source = thigh_length(technique, PlanOptions(thigh=thigh, height=height))
    except PlanError as exc:
        fail(
            _("%(problem)s (kept for %(name)s; measure again and give --thigh)") % {"problem": exc, "name": choice.name}
        )
    from softspot.store.records import suggestion as suggest_for

    with store_errors():
        suggestion = suggest_for(existing, technique, length_cm)
    sides = {side.id for side in technique.sides}
    start_leg = options.start_leg or (existing.first_leg if existing and existing.first_leg in sides else None)

    console.print("\n[bold]" + _("2. Set up") + "[/]")
    surface = technique.surface(options.surface or result.surface or technique.default_surface.id)
    mark = marked(technique, surface, surface.description)
    console.print(f"  ☐ {mark}{escape(surface.name)}: {escape(surface.description)}")
    for cue in technique.setup:
        console.print(f"  ☐ {marked(technique, cue)}{escape(cue.show)}")
    show_pain_rule(technique)
    if interactive:
        typer.prompt("  " + _("Press Enter when you are set up"), default="", show_default=False)

    minutes = options.minutes_per_leg if options.minutes_per_leg is not None else suggestion.minutes_per_leg
    try:
        script = plan(
            technique,
            PlanOptions(
                thigh=thigh,
                height=height,
                minutes_per_leg=minutes,
                start_leg=start_leg,
                position=options.position,
                surface=options.surface,
                add_ons=tuple(options.add_ons),
                answers=answers,
                comfortable_sessions=suggestion.comfortable_sessions,
                cleared=result.cleared,
                unit=unit,
                language=language,
            ),
        )
    except StopError as exc:  # screened above; kept for safety
        raise typer.Exit(ASK_FIRST if isinstance(exc, AskFirstError) else STOPPED) from None
    except PlanError as exc:
        fail(str(exc))
    if problem := record_problem(script):
        fail(_("this session could not be saved, so it is not started: %(problem)s") % {"problem": problem})
    receiver = existing or receiver_for(household, choice, given_thigh, given_height, options.start_leg)
    remember_measurements(receiver, given_thigh, given_height, options.start_leg)

    console.print("\n[bold]" + _("3. Today's plan") + "[/]")
    console.print("  " + _("Suggested:") + f" {escape(suggestion.reason)}")
    if suggestion.unlocked_add_ons and not options.add_ons:
        console.print(
            "  "
            + _("Unlocked add-ons (add with --add-on): %(add_ons)s")
            % {"add_ons": ", ".join(suggestion.unlocked_add_ons)}
        )
    for line in script.explanation:
        console.print(f"  {escape(line)}")
    console.print(thigh_map(script))
    if not interactive:
        console.print(plan_table(script))

    console.print("\n[bold]" + _("4. Before") + "[/]")
    before = ask_ratings("--before", options.before, "before", interactive)

    console.print(
        "\n[bold]"
        + _("5. The session")
        + "[/]"
        + ("" if interactive else " " + _("(speed x%(speed)s)") % {"speed": f"{options.speed:g}"})
    )
    console.print(
        "  "
        + _(
            "Receiver: say at once if anything hurts. Giver: q or Esc stops at once (then d, o or x says why, "
            "c carries on)."
        )
    )
    if interactive:
        typer.prompt("  " + _("Press Enter to start; the giver then follows the voice"), default="", show_default=False)
    from softspot.audio import CuePlayer

    voice = CuePlayer(speech, speech=options.voice)
    started_at = datetime.now(UTC)
    session = LiveSession(script, console=console, voice=voice, speed=options.speed, interactive=interactive)
    try:
        engine = session.run()
    finally:
        voice.close(drain=True, timeout=10)
    engine_record = engine.record()
    # The session ended when the engine says: for a stop, the moment Stop was first pressed.
    ended_at = started_at + timedelta(seconds=float(engine_record["ended_at"] or 0.0) / options.speed)

    console.print("\n[bold]" + _("6. After") + "[/]")
    if engine_record["stop_reason"] == "discomfort":
        show_aftercare(aftercare(["discomfort"]))
    after: dict[str, int] | None
    if engine_record["ended_early"] and options.after is None and not interactive:
        after = None
    else:
        after = ask_ratings("--after", options.after, "after", interactive)
    note = options.note
    while note is None:
        note = typer.prompt("  " + _("A note (optional)"), default="", show_default=False) if interactive else ""
        if problem := check_note("note", note):
            console.print("  [yellow]" + escape(_("%(problem)s; try again") % {"problem": problem}) + "[/]")
            note = None

    save(receiver, script, engine_record, before, after, note, started_at, ended_at)
    if engine_record["stop_reason"] == "discomfort":
        from softspot.store.records import summaries

        care = aftercare([s.stop_reason for s in summaries(receiver, technique.id)])
        if care is not None and care.see_a_professional:
            console.print(f"\n[bold red]{escape(care.lines[-1])}[/]")


def show_aftercare(care: Aftercare | None) -> None:
    """What to do after a discomfort stop (the words come from softspot.core.aftercare)."""
    if care is None:
        return
    console.print(f"  [bold yellow]{escape(care.headline)}[/]")
    for line in care.advice:
        console.print(f"  • {escape(line)}")


def record_problem(script: SessionScript) -> str | None:
    """Would the store take a record of this plan? Checked with a stand-in record before the session starts."""
    now = datetime.now(UTC)
    trial = {
        "key": str(uuid.uuid4()),
        "source": "terminal",
        "script": script.model_dump(mode="json"),
        "engine": {
            "ended_at": 0.0,
            "ended_early": True,
            "stop_reason": "other",
            "paused_seconds": 0.0,
            "pauses": [],
            "spots": [],
            "legs": [],
        },
        "before": {name: RATING_MIN for name, _label in RATED_AREAS},
        "after": None,
        "note": "",
        "started_at": now.isoformat(),
        "ended_at": now.isoformat(),
    }
    try:
        parse_record(trial, now=now)
    except RecordError as exc:
        return str(exc)
    return None


def show_choice(choice: Choice) -> None:
    console.print(
        _("Receiving today:") + f" [bold]{escape(choice.name)}[/]" + ("" if choice.receiver else " " + _("(new)"))
    )


def store_exists() -> bool:
    """Is there a database already (so receivers to choose from)? A first run makes none before the safety check."""
    from softspot.store.bootstrap import sqlite_file

    path = sqlite_file()
    return path is None or path.exists()


def receiver_for(
    household: User, choice: Choice, thigh: Length | None, height: Length | None, start_leg: str | None
) -> Receiver:
    """The chosen receiver; a new one is added now, after the safety check said go, with today's measurements."""
    unit = (thigh or height or Length(0, "cm")).unit
    return make(
        household,
        choice,
        thigh_cm=thigh.cm if thigh else None,
        height_cm=height.cm if height else None,
        unit=unit,
        first_leg=start_leg or "",
    )


def remember_measurements(
    receiver: Receiver, thigh: Length | None, height: Length | None, start_leg: str | None
) -> None:
    """A measurement or first leg given today is the receiver's from now on."""
    from softspot.store.receivers import remember

    given = thigh or height
    unit = given.unit if given is not None else None
    with store_errors():
        remember(
            receiver,
            thigh_cm=thigh.cm if thigh else None,
            height_cm=height.cm if height else None,
            unit=unit,
            first_leg=start_leg,
        )


def save(
    receiver: Receiver,
    script: SessionScript,
    engine_record: dict[str, Any],
    before: dict[str, int],
    after: dict[str, int] | None,
    note: str,
    started_at: datetime,
    ended_at: datetime,
) -> None:
    payload = {
        "key": str(uuid.uuid4()),
        "receiver": receiver.name,
        "source": "terminal",
        "script": script.model_dump(mode="json"),
        "engine": engine_record,
        "before": before,
        "after": after,
        "note": note,
        "started_at": started_at.isoformat(),
        "ended_at": ended_at.isoformat(),
    }
    record = save_or_keep(receiver, payload)
    held = sum(float(s["held_seconds"]) for s in engine_record["spots"])
    count = len(engine_record["spots"])
    spots = ngettext("%(n)d spot", "%(n)d spots", count) % {"n": count}
    why = {
        "discomfort": " " + _("(stopped for discomfort)"),
        "out_of_time": " " + _("(stopped: out of time)"),
        "other": " " + _("(stopped)"),
    }
    on_spots = _("%(minutes)s min on spots") % {"minutes": i18n.format_number(held / 60, fixed=True)}
    console.print(
        "\n[bold green]"
        + _("Saved.")
        + f"[/] {spots}, {on_spots}"
        + why.get(str(engine_record["stop_reason"]), "")
        + "."
    )
    if after is not None:
        width = max(16, *(cell_len(_(label)) for _name, label in RATED_AREAS))
        for name, label in RATED_AREAS:
            change = after[name] - before[name]
            console.print(f"  {pad(_(label), width)} {before[name]:2} → {after[name]:2}  ({change:+d})")
    console.print(
        "  [dim]" + _("record %(key)s; see `softspot history` and `softspot progress`") % {"key": record.key} + "[/]"
    )
