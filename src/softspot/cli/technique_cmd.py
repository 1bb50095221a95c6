"""``softspot technique ...``: check, list, show and schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from softspot import i18n
from softspot.cli.output import escape, exit_with, fail
from softspot.cli.plain import Cell, Grid, stderr, stdout
from softspot.core.echo import shown
from softspot.core.limits import fill_template
from softspot.core.units import format_distance, format_duration
from softspot.i18n import N_, _, ngettext, pgettext

if TYPE_CHECKING:
    from rich.table import Table

    from softspot.core.technique import Technique

console, errors = stdout, stderr  # Rich only on a terminal (softspot.cli.plain)

SOFTSPOT_ADDS = N_("softspot adds: ")
OUTCOMES = {
    "stop": N_("no session"),
    "ask_first": N_("only once a doctor or therapist says it is fine (--cleared)"),
    "adapt": N_("adapted"),
}


def resolve(technique: str, *, plain: bool = False) -> Technique:
    """A built-in id, or a path to a technique file; bad input exits 2 with every problem.

    ``plain``: a built-in technique may be read from its plain file, without pydantic
    (:func:`softspot.core.plain.built_in`), for a command that only reads it (``plan``, ``screen``,
    ``technique show``).
    """
    if plain:
        from softspot.core.built_ins import built_in_ids, read_built_in
        from softspot.core.plain import built_in as plain_built_in

        found = plain_built_in(technique, read_built_in(technique)) if technique in built_in_ids() else None
        if found is not None:
            return found
    from softspot.core.loader import TechniqueError, built_in, built_in_ids, load_technique  # pydantic: on use

    try:
        if technique in built_in_ids():
            return built_in(technique)
        if technique.endswith((".yaml", ".yml")) or Path(technique).exists():
            return load_technique(technique)
        return built_in(technique)
    except TechniqueError as exc:
        for problem in exc.problems:
            errors.print(str(problem), markup=False, emoji=False, soft_wrap=True)
        count = exc.count
        fail(ngettext("%(n)d problem in the technique", "%(n)d problems in the technique", count) % {"n": count})
    except KeyError as exc:
        fail(f"--technique: {exc.args[0]}")


def in_active_language(technique: Technique) -> Technique:
    """The technique's texts (its title...) in the active language when it is written in it, else as they are."""
    lang = i18n.active()
    return technique.localized(lang) if lang in technique.written_in else technique


def check(files: list[Path]) -> None:
    from softspot.core.loader import TechniqueError, load_technique

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
            ok = _("%(file)s: ok (%(id)s %(version)s)") % {
                "file": name,
                "id": technique.id,
                "version": technique.version,
            }
            console.print(ok, markup=False, emoji=False, soft_wrap=True)
    if bad:
        exit_with(2)


def list_(as_json: bool) -> None:
    from softspot.core.built_ins import summaries

    techniques = summaries()  # kept from the last validation: listing needs no pydantic
    if as_json:
        rows = [{"id": t.id, "version": t.version, "title": t.title, "summary": t.summary} for t in techniques]
        console.print_json(json.dumps(rows))
        return
    header = [
        "id",  # what to type after `technique show`: the same in every language
        pgettext("technique list", "version"),
        pgettext("technique list", "title"),
        pgettext("technique list", "summary"),
    ]
    lines = [[t.id, t.version, t.title, t.summary] for t in techniques]

    def table() -> Table:
        from rich.table import Table

        made = Table(*header, box=None, pad_edge=False)
        for line in lines:
            made.add_row(*line)
        return made

    cells = [[Cell(text, markup=True) for text in line] for line in lines]
    console.print(Grid([Cell(h, markup=True) for h in header], cells, table))


def show(technique_id: str, as_json: bool, lang: str | None = None) -> None:
    from softspot.cli.language import choose
    from softspot.core.limits import CUE_FIELDS
    from softspot.core.planner import room
    from softspot.core.text import source_of

    t = resolve(technique_id, plain=True)
    if lang is not None or not as_json:
        t = t.localized(choose(lang, None, t))
    if as_json:
        console.print_json(t.model_dump_json())
        return
    p = console.print
    L = {
        "Why:": _("Why:"),
        "Good for:": _("Good for:"),
        "Hands-free": _("Hands-free"),
        "for the giver": _("for the giver"),
        "Origin:": _("Origin:"),
        "Clothing:": _("Clothing:"),
        "Who must not do it": _("Who must not do it"),
        ", and what changes the session (asked every time)": _(", and what changes the session (asked every time)"),
        "Where": _("Where"),
        "Set-up": _("Set-up"),
        "Each leg": _("Each leg"),
        "Safety while sitting": _("Safety while sitting"),
        "Add-ons": _("Add-ons"),
        "(offered after a few comfortable sessions)": _("(offered after a few comfortable sessions)"),
        "Practice:": _("Practice:"),
        "Demonstration:": _("Demonstration:"),
    }

    def adds(*parts: object) -> str:
        return _(SOFTSPOT_ADDS) if source_of(t, *parts) == "softspot" else ""

    meta = " · ".join(escape(x) for x in (f"{t.id} {t.version}", t.author, t.licence))
    p(f"[bold]{escape(t.title)}[/]  [dim]{meta}[/]")
    p(escape(t.summary))
    p(f"[bold]{L['Why:']}[/] {escape(t.guidance.purpose)}")
    p(f"[bold]{L['Good for:']}[/] " + "; ".join(escape(g) for g in t.guidance.good_for))
    hands_free = f"   [bold]{L['Hands-free']}[/] {L['for the giver']}" if t.hands_free else ""
    p(f"[bold]{L['Origin:']}[/] {escape(t.origin)}" + hands_free)
    p(f"[bold]{L['Clothing:']}[/] {escape(t.guidance.attire)}")
    p(f"\n[bold]{L['Who must not do it']}[/]{L[', and what changes the session (asked every time)']}")
    for q in t.questions:
        a = q.if_yes
        outcome = _(OUTCOMES[a.action])
        line = f"  • {adds(q)}{escape(q.ask)}  [dim]({q.id}: yes → {outcome})[/] {escape(a.reason)}"
        if a.instead:
            line += f" {adds(q, a, a.instead) if not adds(q) else ''}{escape(a.instead)}"
        p(line)
    p(f"\n[bold]{L['Where']}[/]")
    for s in t.surfaces:
        usual = " " + _("(usual)") if s.default else ""
        p(f"  • {escape(s.name)}{usual}: {adds(s, s.description)}{escape(s.description)}")
    position = _("Giver's position")
    p(f"\n[bold]{position}[/]")
    for pos in t.positions:
        kind = " " + (_("(main)") if pos.main else _("(alternative)"))
        p(f"  • {escape(pos.name)}{kind}: {adds(pos, pos.description)}{escape(pos.description)}")
    p(f"\n[bold]{L['Set-up']}[/]")
    for cue in t.setup:
        p(f"  ☐ {adds(cue)}{escape(cue.show)}")
    p(f"\n[bold]{L['Each leg']}[/]")
    words = {
        **{name: name for name in CUE_FIELDS},
        "side": _("chosen"),
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
        f"  {n + 1}. "
        + _("First spot %(distance)s above the centre: up to %(time)s, or until the tissue softens.")
        % {"distance": format_distance(sp.first_above_centre, "in"), "time": format_duration(sp.first_hold.max)}
    )
    p(
        f"  {n + 2}. "
        + _("Lift, move %(distance)s toward the %(joint)s; hold until it softens or as long as the first spot took.")
        % {"distance": format_distance(sp.step, "in"), "joint": joint}
    )
    p(
        f"  {n + 3}. "
        + _("Never sit within %(distance)s of the %(joint)s joint.")
        % {"distance": format_distance(sp.clearance, "in"), "joint": joint}
    )
    if len(t.sides) > 1:
        p("  " + _("Then the same on the other %(segment)s.") % {"segment": t.segment.name})
    cues = t.cues
    p(f"\n[bold]{L['Safety while sitting']}[/]")
    said_start = _("(said at the start and before each side)")
    p(f"  • {adds(cues, cues.pain_rule)}{escape(cues.pain_rule.say)} [dim]{said_start}[/]")
    said_into = _("(said %(time)s into each side)") % {"time": format_duration(sp.check_in_after)}
    p(f"  • {adds(cues, cues.check_in)}{escape(cues.check_in.say)} [dim]{said_into}[/]")
    adds_ = _(SOFTSPOT_ADDS)
    p(
        f"  • {adds_}"
        + _(
            '"softened" in the first %(time)s of a side\'s first spot needs a second press to confirm; '
            "later spots still hold at least %(time)s."
        )
        % {"time": format_duration(sp.min_hold)}
    )
    p(f"  • {adds_}" + _("Stop works at once: the clock freezes, the voice stops, and only Carry on goes on."))
    d = t.dose
    p(
        "\n[bold]"
        + _("How long")
        + "[/]  "
        + ngettext(
            "Beginners %(least)s to %(most)s per side, growing by %(grow)s after %(n)d comfortable session, "
            "up to %(maximum)s.",
            "Beginners %(least)s to %(most)s per side, growing by %(grow)s after %(n)d comfortable sessions, "
            "up to %(maximum)s.",
            d.grow_after,
        )
        % {
            "least": format_duration(d.beginner_min),
            "most": format_duration(d.beginner_max),
            "grow": format_duration(d.grow_by),
            "n": d.grow_after,
            "maximum": format_duration(d.maximum),
        }
    )
    seg = t.segment
    shortest, typical = room(t, seg.min_length), room(t, seg.default_length)
    p(
        f"  {adds_}"
        + _(
            "never more than the receiver's %(segment)s can fill: %(time)s on each safe spot "
            "(a %(short)s %(segment)s: %(short_time)s; %(typical)s: %(typical_time)s)."
        )
        % {
            "segment": seg.name,
            "time": format_duration(sp.first_hold.max),
            "short": format_distance(seg.min_length),
            "short_time": format_duration(shortest.seconds),
            "typical": format_distance(seg.default_length),
            "typical_time": format_duration(typical.seconds),
        }
    )
    if t.add_ons:
        p(f"\n[bold]{L['Add-ons']}[/] {L['(offered after a few comfortable sessions)']}")
        for add_on in t.add_ons:
            after = ngettext(
                "%(name)s (after %(n)d session)", "%(name)s (after %(n)d sessions)", add_on.unlock_after
            ) % {"name": escape(add_on.name), "n": add_on.unlock_after}
            p(f"  • {after}: {adds(add_on, add_on.description)}{escape(add_on.description)}")
    p(f"\n[bold]{L['Practice:']}[/] {escape(t.guidance.practice)}")
    for note in t.guidance.notes:
        p(f"  • {adds(t.guidance, note)}{escape(note)}")
    if t.demo:
        p(f"[bold]{L['Demonstration:']}[/] {escape(t.demo.description)}" + (f" {t.demo.url}" if t.demo.url else ""))


def schema() -> None:
    from softspot.core.technique import Technique

    body = Technique.model_json_schema(mode="validation")
    print(
        json.dumps(
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "softspot technique", **body},
            indent=2,
            ensure_ascii=False,
        )
    )
