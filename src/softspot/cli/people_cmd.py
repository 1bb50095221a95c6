"""``softspot people add|list|rename|remove``, and who a command is for (``--receiver``).

A household has several receivers, each with their own thigh, unit, first leg, dose
progression, history and progress. The rules for choosing one:

* ``--receiver NAME``: that receiver (any case); an unknown name fails with the nearest one
  (``guide`` alone makes a new receiver of it, asking first on a terminal);
* no ``--receiver`` and one receiver: that one, silently;
* several: asked on a terminal, refused with the list of names when unattended;
* none yet: ``guide`` asks for a name (unattended: a first receiver called "Receiver").
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table

from softspot.cli.output import console, fail
from softspot.cli.store import store_errors
from softspot.core.people import FIRST_RECEIVER, BadName, clean_name, listing, nearest
from softspot.core.units import DistanceUnit, Length, format_distance
from softspot.i18n import ngettext

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from softspot.store.models import Receiver

DEFAULT_TECHNIQUE = "hands-free-hamstring"
"""Measurements given to ``people add`` are checked against this technique's lengths (the planner's own check)."""


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def sessions(n: int) -> str:
    return ngettext("%(n)d session", "%(n)d sessions", n) % {"n": n}


def owner() -> User:
    from softspot.cli.store import local_owner

    found: User = local_owner()
    return found


def name_option(option: str, text: str) -> str:
    """A name as given on the command line, cleaned; fails (exit 2) on an empty, over-long or odd one."""
    try:
        return clean_name(text)
    except BadName as exc:
        fail(f"{option}: {exc}")


def _named(household: User, name: str, option: str) -> Receiver:
    from softspot.store.receivers import NoSuchReceiver, named

    with store_errors():
        try:
            return named(household, name)
        except NoSuchReceiver as exc:
            fail(f"{option}: {exc}")


def choose(household: User, name: str | None, *, ask: bool | None = None) -> Receiver | None:
    """The receiver a reading command is for: named, the only one, or asked (None when there is nobody yet)."""
    from softspot.store.receivers import household as everyone

    if name is not None:
        return _named(household, name_option("--receiver", name), "--receiver")
    with store_errors():
        found = everyone(household)
    if len(found) <= 1:
        return found[0] if found else None
    if not (interactive() if ask is None else ask):
        fail(
            f"--receiver: there are {len(found)} receivers here ({listing([r.name for r in found])}); "
            "say whose with --receiver NAME"
        )
    return found[_pick([r.name for r in found], allow_new=False)]


def _pick(names: list[str], *, allow_new: bool) -> int:
    """Ask who is receiving: a number or a name; returns the index (len(names) = someone new)."""
    console.print("[bold]Who is receiving today?[/]")
    for n, name in enumerate(names, 1):
        console.print(f"  {n}. {escape(name)}")
    if allow_new:
        console.print(f"  {len(names) + 1}. someone new")
    while True:
        answer = typer.prompt("  Number or name").strip()
        if answer.isdigit() and 1 <= int(answer) <= len(names) + allow_new:
            return int(answer) - 1
        match = [i for i, n in enumerate(names) if n.casefold() == answer.casefold()]
        if match:
            return match[0]
        near = nearest(answer, names)
        hint = f"; did you mean {near}?" if near else ""
        console.print(f"  [yellow]{escape(answer)} is not one of them{escape(hint)} Give a number from the list.[/]")


@dataclass(frozen=True)
class Choice:
    """Who ``guide`` is for: an existing receiver, or a new one to add once the safety check says go."""

    receiver: Receiver | None
    new_name: str | None

    @property
    def name(self) -> str:
        if self.receiver is not None:
            return str(self.receiver.name)
        return self.new_name or FIRST_RECEIVER


def choose_for_guide(household: User, name: str | None, *, ask: bool) -> Choice:
    """``guide``'s receiver: named (a new name adds them), the only one, or asked; refused when it cannot tell."""
    from softspot.store.receivers import find
    from softspot.store.receivers import household as everyone

    wanted = name_option("--receiver", name) if name is not None else None
    with store_errors():
        found = everyone(household)
    names = [r.name for r in found]
    if wanted is not None:
        existing = find(household, wanted)
        if existing is not None:
            return Choice(existing, None)
        near = nearest(wanted, names)
        if near is not None and ask:  # a typo of someone's name, or someone new?
            if not typer.confirm(f"{wanted} is not a receiver here yet (did you mean {near}?). Add {wanted}?"):
                fail(f"--receiver: nobody was added; give the name of a receiver ({listing(names)}), or a new name")
        elif near is not None:
            fail(
                f"--receiver: there is no receiver called {wanted}; did you mean {near}? "
                f"To add {wanted} as someone new, run `softspot people add {wanted}` first"
            )
        return Choice(None, wanted)
    if len(found) == 1:
        return Choice(found[0], None)
    if not found:
        if not ask:
            return Choice(None, None)
        console.print("[bold]Who is receiving today?[/] Nobody has been added yet.")
        return Choice(None, _ask_new_name(household))
    if not ask:
        fail(
            f"--receiver: there are {len(found)} receivers here ({listing(names)}); "
            "say who is receiving with --receiver NAME (a new name adds someone)"
        )
    picked = _pick(names, allow_new=True)
    if picked < len(found):
        return Choice(found[picked], None)
    return Choice(None, _ask_new_name(household))


def _ask_new_name(household: User) -> str:
    from softspot.store.receivers import find

    while True:
        text = typer.prompt("  The receiver's name")
        try:
            name = clean_name(text)
        except BadName as exc:
            console.print(f"  [yellow]{escape(str(exc))}; try again[/]")
            continue
        taken = find(household, name)
        if taken is None:
            return name
        console.print(f"  [yellow]{escape(taken.name)} is already here; give another name[/]")


def make(household: User, choice: Choice, **measured: Any) -> Receiver:
    """The chosen receiver, added now when new (with today's measurements)."""
    from softspot.store.receivers import NameTaken, ReceiverError, add, first_receiver_name

    if choice.receiver is not None:
        return choice.receiver
    with store_errors():
        try:
            receiver = add(household, choice.new_name or first_receiver_name(household), **measured)
        except NameTaken as exc:  # added meanwhile (another command): the same person
            return exc.existing
        except ReceiverError as exc:
            fail(f"--receiver: {exc}")
    if choice.new_name is None:
        console.print(
            f"  [dim]Recorded for {escape(receiver.name)}, the first receiver here; give them their name with "
            f"`softspot people rename {receiver.name} NAME`.[/]"
        )
    else:
        console.print(f"  Added {escape(receiver.name)}.")
    return receiver


# The measurements of a receiver, checked as the planner checks them.


def measured(thigh: str | None, height: str | None) -> tuple[Length | None, Length | None]:
    from softspot.cli.plan_cmd import length_option
    from softspot.cli.technique_cmd import resolve
    from softspot.core.planner import PlanError, PlanOptions, thigh_length

    thigh_length_ = length_option("--thigh", thigh)
    height_length = length_option("--height", height)
    technique = resolve(DEFAULT_TECHNIQUE)
    for options in (PlanOptions(thigh=thigh_length_), PlanOptions(height=height_length)):
        try:
            thigh_length(technique, options)
        except PlanError as exc:
            fail(str(exc))
    return thigh_length_, height_length


def unit_of(receiver: Receiver) -> DistanceUnit:
    return "in" if receiver.unit == "in" else "cm"


def remembered(receiver: Receiver) -> tuple[Length | None, Length | None]:
    """The receiver's kept thigh (or, without one, height), in their unit."""
    unit = unit_of(receiver)
    if receiver.thigh_cm is not None:
        return Length(receiver.thigh_cm, unit), None
    if receiver.height_cm is not None:
        return None, Length(receiver.height_cm, unit)
    return None, None


def leg_option(first_leg: str | None) -> str | None:
    if first_leg is None:
        return None
    from softspot.cli.technique_cmd import resolve

    sides = [s.id for s in resolve(DEFAULT_TECHNIQUE).sides]
    wanted = first_leg.strip().lower()
    if wanted not in sides:
        fail(f"--first-leg: '{first_leg}' is not a leg; use {' or '.join(sides)}")
    return wanted


def describe(receiver: Receiver) -> str:
    unit = unit_of(receiver)
    if receiver.thigh_cm is not None:
        size = f"thigh {format_distance(receiver.thigh_cm, unit)}"
    elif receiver.height_cm is not None:
        size = f"height {format_distance(receiver.height_cm, unit)}, thigh estimated from it"
    else:
        size = "thigh not measured yet"
    leg = f"starts with the {receiver.first_leg} leg" if receiver.first_leg else "starts with the technique's first leg"
    return f"{size}; {leg}"


# The commands.


def add(name: str, thigh: str | None, height: str | None, first_leg: str | None, lang: str | None = None) -> None:
    from softspot.cli.language import option as language_option

    clean = name_option("NAME", name)
    language = language_option(lang) or ""
    thigh_length_, height_length = measured(thigh, height)
    leg = leg_option(first_leg)
    unit = (thigh_length_ or height_length or Length(0, "cm")).unit
    household = owner()
    from softspot.store.receivers import NameTaken, ReceiverError
    from softspot.store.receivers import add as add_receiver

    with store_errors():
        try:
            receiver = add_receiver(
                household,
                clean,
                thigh_cm=thigh_length_.cm if thigh_length_ else None,
                height_cm=height_length.cm if height_length else None,
                unit=unit,
                first_leg=leg or "",
                language=language,
            )
        except NameTaken as exc:
            fail(
                f"NAME: there is already a receiver called {exc.existing.name} (names are the same whatever the "
                "case); give another name, or change theirs with `softspot people rename`"
            )
        except ReceiverError as exc:
            fail(f"NAME: {exc}")
    console.print(f"Added {escape(receiver.name)} ({escape(describe(receiver))}).")


def list_(as_json: bool) -> None:
    household = owner()
    from softspot.store.receivers import overview
    from softspot.store.records import iso

    with store_errors():
        found = overview(household)
    if as_json:
        rows = [
            {
                "name": o.receiver.name,
                "thigh_cm": o.receiver.thigh_cm,
                "height_cm": o.receiver.height_cm,
                "unit": o.receiver.unit,
                "first_leg": o.receiver.first_leg or None,
                "language": o.receiver.language or None,
                "sessions": o.sessions,
                "last_session": iso(o.last) if o.last else None,
            }
            for o in found
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not found:
        console.print('Nobody has been added yet. Add someone with `softspot people add NAME --thigh "44 cm"`.')
        return
    table = Table(title="Receivers")
    for column in ("Name", "Thigh", "First leg", "Sessions", "Last session"):
        table.add_column(column, overflow="fold")
    for o in found:
        r = o.receiver
        unit = unit_of(r)
        if r.thigh_cm is not None:
            thigh = format_distance(r.thigh_cm, unit)
        elif r.height_cm is not None:
            thigh = f"from height {format_distance(r.height_cm, unit)}"
        else:
            thigh = "—"
        table.add_row(
            escape(r.name),
            thigh,
            r.first_leg or "—",
            str(o.sessions),
            f"{o.last.astimezone():%Y-%m-%d}" if o.last else "—",
        )
    console.print(table)


def rename(old: str, new: str) -> None:
    clean = name_option("NEW", new)
    household = owner()
    receiver = _named(household, name_option("OLD", old), "OLD")
    before = receiver.name
    from softspot.store.receivers import NameTaken, ReceiverError
    from softspot.store.receivers import rename as rename_receiver

    with store_errors():
        try:
            rename_receiver(receiver, clean)
        except NameTaken as exc:
            fail(f"NEW: there is already a receiver called {exc.existing.name}; give another name")
        except ReceiverError as exc:
            fail(f"NEW: {exc}")
    console.print(f"Renamed {escape(before)} to {escape(receiver.name)}; their sessions stay with them.")


def language(name: str, lang: str) -> None:
    from softspot import i18n
    from softspot.cli.language import option as language_option
    from softspot.store.receivers import set_language

    chosen = "" if lang.strip().lower() == "auto" else language_option(lang, "LANG") or ""
    household = owner()
    receiver = _named(household, name_option("NAME", name), "NAME")
    with store_errors():
        set_language(receiver, chosen)
    if chosen:
        console.print(f"{escape(receiver.name)}'s sessions are in {i18n.LANGUAGES[chosen].name} ({chosen}).")
    else:
        console.print(f"{escape(receiver.name)}'s sessions follow the device or terminal's language.")


def remove(name: str, yes: bool, move_to: str | None) -> None:
    household = owner()
    receiver = _named(household, name_option("NAME", name), "NAME")
    target = _named(household, name_option("--move-to", move_to), "--move-to") if move_to is not None else None
    if target is not None and target.pk == receiver.pk:
        fail(f"--move-to: {target.name} is the receiver being removed; give someone else")
    from softspot.store.receivers import move_records, sessions_of
    from softspot.store.receivers import remove as remove_receiver

    with store_errors():
        count = sessions_of(receiver)
    who = receiver.name
    if target is not None:
        what = ngettext(
            "%(name)s has %(n)d session; it will move to %(target)s, then %(name)s is removed.",
            "%(name)s has %(n)d sessions; they will move to %(target)s, then %(name)s is removed.",
            count,
        ) % {"name": who, "n": count, "target": target.name}
        question = f"Move {who}'s sessions to {target.name} and remove {who}?"
    elif count:
        what = ngettext(
            "%(name)s has %(n)d session; it will be deleted with %(name)s and cannot be brought back.",
            "%(name)s has %(n)d sessions; they will be deleted with %(name)s and cannot be brought back.",
            count,
        ) % {"name": who, "n": count}
        question = f"Delete {who} and {sessions(count)}?"
    else:
        what = f"{who} has no sessions; only their name and measurements go."
        question = f"Remove {who}?"
    console.print(escape(what))
    if count and target is None:
        console.print(
            f"  To keep them: `softspot export --receiver {escape(_quoted(who))} --format json --out FILE` first, "
            "or give them to someone else with --move-to NAME."
        )
    if not yes:
        if not interactive():
            fail(f"{who} was not removed: no terminal to ask on; add --yes to remove {who} without asking")
        if not typer.confirm(question, default=False):
            console.print(f"{escape(who)} was not removed; nothing changed.")
            raise typer.Exit(1)
    with store_errors():
        if target is not None:
            from django.db import transaction

            with transaction.atomic():
                moved = move_records(receiver, target)
                remove_receiver(receiver)
            console.print(f"Removed {escape(who)}; {sessions(moved)} moved to {escape(target.name)}.")
            return
        deleted = remove_receiver(receiver)
    if deleted:
        console.print(f"Removed {escape(who)} and deleted {sessions(deleted)}.")
    else:
        console.print(f"Removed {escape(who)}.")


def _quoted(name: str) -> str:
    import shlex

    return shlex.quote(name)
