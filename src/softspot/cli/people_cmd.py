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
from softspot.i18n import _, ngettext, pgettext

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


def choose(
    household: User, name: str | None, *, ask: bool | None = None, question: str | None = None
) -> Receiver | None:
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
            _("--receiver: there are %(n)d receivers here (%(names)s); say whose with --receiver NAME")
            % {"n": len(found), "names": listing([r.name for r in found])}
        )
    return found[_pick([r.name for r in found], allow_new=False, question=question or _("Whose sessions?"))]


def _pick(names: list[str], *, allow_new: bool, question: str | None = None) -> int:
    """Ask who (by default, who is receiving): a number or a name; returns the index (len(names) = someone new)."""
    console.print(f"[bold]{escape(question or _('Who is receiving today?'))}[/]")
    for n, name in enumerate(names, 1):
        console.print(f"  {n}. {escape(name)}")
    if allow_new:
        console.print(f"  {len(names) + 1}. " + _("someone new"))
    while True:
        answer = typer.prompt("  " + _("Number or name")).strip()
        if answer.isdigit() and 1 <= int(answer) <= len(names) + allow_new:
            return int(answer) - 1
        match = [i for i, n in enumerate(names) if n.casefold() == answer.casefold()]
        if match:
            return match[0]
        near = nearest(answer, names)
        if near:
            said = _("%(answer)s is not one of them; did you mean %(near)s? Give a number or a name from the list.")
        else:
            said = _("%(answer)s is not one of them. Give a number or a name from the list.")
        console.print(f"  [yellow]{escape(said % {'answer': answer, 'near': near})}[/]")


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
            if not typer.confirm(
                _("%(name)s is not a receiver here yet (did you mean %(near)s?). Add %(name)s?")
                % {"name": wanted, "near": near}
            ):
                fail(
                    _("--receiver: nobody was added; give the name of a receiver (%(names)s), or a new name")
                    % {"names": listing(names)}
                )
        elif near is not None:
            fail(
                _(
                    "--receiver: there is no receiver called %(name)s; did you mean %(near)s? "
                    "To add %(name)s as someone new, run `softspot people add %(name)s` first"
                )
                % {"name": wanted, "near": near}
            )
        return Choice(None, wanted)
    if len(found) == 1:
        return Choice(found[0], None)
    if not found:
        if not ask:
            return Choice(None, None)
        console.print("[bold]" + _("Who is receiving today?") + "[/] " + _("Nobody has been added yet."))
        return Choice(None, _ask_new_name(household))
    if not ask:
        fail(
            _(
                "--receiver: there are %(n)d receivers here (%(names)s); "
                "say who is receiving with --receiver NAME (a new name adds someone)"
            )
            % {"n": len(found), "names": listing(names)}
        )
    picked = _pick(names, allow_new=True)
    if picked < len(found):
        return Choice(found[picked], None)
    return Choice(None, _ask_new_name(household))


def _ask_new_name(household: User) -> str:
    from softspot.store.receivers import find

    while True:
        text = typer.prompt("  " + _("The receiver's name"))
        try:
            name = clean_name(text)
        except BadName as exc:
            console.print("  [yellow]" + escape(_("%(problem)s; try again") % {"problem": exc}) + "[/]")
            continue
        taken = find(household, name)
        if taken is None:
            return name
        console.print(
            "  [yellow]" + escape(_("%(name)s is already here; give another name") % {"name": taken.name}) + "[/]"
        )


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
            "  [dim]"
            + _(
                "Recorded for %(name)s, the first receiver here; give them their name with "
                "`softspot people rename %(name)s NAME`."
            )
            % {"name": escape(receiver.name)}
            + "[/]"
        )
    else:
        console.print("  " + _("Added %(name)s.") % {"name": escape(receiver.name)})
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
        fail(
            _("--first-leg: '%(leg)s' is not a leg; use %(first)s or %(second)s")
            % {"leg": first_leg, "first": sides[0], "second": sides[-1]}
        )
    return wanted


def describe(receiver: Receiver) -> str:
    unit = unit_of(receiver)
    if receiver.thigh_cm is not None:
        size = _("thigh %(length)s") % {"length": format_distance(receiver.thigh_cm, unit)}
    elif receiver.height_cm is not None:
        size = _("height %(length)s, thigh estimated from it") % {"length": format_distance(receiver.height_cm, unit)}
    else:
        size = _("thigh not measured yet")
    if receiver.first_leg == "left":
        leg = _("starts with the left leg")
    elif receiver.first_leg == "right":
        leg = _("starts with the right leg")
    elif receiver.first_leg:
        leg = _("starts with the %(leg)s leg") % {"leg": receiver.first_leg}
    else:
        leg = _("starts with the technique's first leg")
    return f"{size}; {leg}"


def leg_name(leg: str) -> str:
    """``left`` -> ``izquierda`` / ``links`` / ``ซ้าย``: a first leg for a table."""
    if leg == "left":
        return pgettext("first leg", "left")
    if leg == "right":
        return pgettext("first leg", "right")
    return leg


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
                _(
                    "NAME: there is already a receiver called %(name)s (names are the same whatever the case); "
                    "give another name, or change theirs with `softspot people rename`"
                )
                % {"name": exc.existing.name}
            )
        except ReceiverError as exc:
            fail(f"NAME: {exc}")
    console.print(
        _("Added %(name)s (%(details)s).") % {"name": escape(receiver.name), "details": escape(describe(receiver))}
    )


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
        console.print(_('Nobody has been added yet. Add someone with `softspot people add NAME --thigh "44 cm"`.'))
        return
    table = Table(title=_("Receivers"))
    for column in (_("Name"), _("Thigh"), _("First leg"), _("Sessions"), _("Last session")):
        table.add_column(column, overflow="fold")
    for o in found:
        r = o.receiver
        unit = unit_of(r)
        if r.thigh_cm is not None:
            thigh = format_distance(r.thigh_cm, unit)
        elif r.height_cm is not None:
            thigh = _("from height %(length)s") % {"length": format_distance(r.height_cm, unit)}
        else:
            thigh = "—"
        table.add_row(
            escape(r.name),
            thigh,
            leg_name(r.first_leg) if r.first_leg else "—",
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
            fail(_("NEW: there is already a receiver called %(name)s; give another name") % {"name": exc.existing.name})
        except ReceiverError as exc:
            fail(f"NEW: {exc}")
    console.print(
        _("Renamed %(old)s to %(new)s; their sessions stay with them.")
        % {"old": escape(before), "new": escape(receiver.name)}
    )


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
        console.print(
            _("%(name)s's sessions are in %(language)s (%(code)s).")
            % {"name": escape(receiver.name), "language": i18n.LANGUAGES[chosen].name, "code": chosen}
        )
    else:
        console.print(
            _("%(name)s's sessions follow the device or terminal's language.") % {"name": escape(receiver.name)}
        )


def remove(name: str, yes: bool, move_to: str | None) -> None:
    household = owner()
    receiver = _named(household, name_option("NAME", name), "NAME")
    target = _named(household, name_option("--move-to", move_to), "--move-to") if move_to is not None else None
    if target is not None and target.pk == receiver.pk:
        fail(_("--move-to: %(name)s is the receiver being removed; give someone else") % {"name": target.name})
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
        question = _("Move %(name)s's sessions to %(target)s and remove %(name)s?") % {
            "name": who,
            "target": target.name,
        }
    elif count:
        what = ngettext(
            "%(name)s has %(n)d session; it will be deleted with %(name)s and cannot be brought back.",
            "%(name)s has %(n)d sessions; they will be deleted with %(name)s and cannot be brought back.",
            count,
        ) % {"name": who, "n": count}
        question = _("Delete %(name)s and %(sessions)s?") % {"name": who, "sessions": sessions(count)}
    else:
        what = _("%(name)s has no sessions; only their name and measurements go.") % {"name": who}
        question = _("Remove %(name)s?") % {"name": who}
    console.print(escape(what))
    if count and target is None:
        keep = ngettext(
            "To keep it: `softspot export --receiver %(name)s --format json --out FILE` first, or give it to "
            "someone else with --move-to NAME.",
            "To keep them: `softspot export --receiver %(name)s --format json --out FILE` first, or give them to "
            "someone else with --move-to NAME.",
            count,
        ) % {"name": _quoted(who)}
        console.print(f"  {escape(keep)}")
    if not yes:
        if not interactive():
            fail(
                _("%(name)s was not removed: no terminal to ask on; add --yes to remove %(name)s without asking")
                % {"name": who}
            )
        if not typer.confirm(question, default=False):
            console.print(_("%(name)s was not removed; nothing changed.") % {"name": escape(who)})
            raise typer.Exit(1)
    with store_errors():
        if target is not None:
            from django.db import transaction

            with transaction.atomic():
                moved = move_records(receiver, target)
                remove_receiver(receiver)
            console.print(
                _("Removed %(name)s; %(sessions)s moved to %(target)s.")
                % {"name": escape(who), "sessions": sessions(moved), "target": escape(target.name)}
            )
            return
        deleted = remove_receiver(receiver)
    if deleted:
        console.print(
            _("Removed %(name)s and deleted %(sessions)s.") % {"name": escape(who), "sessions": sessions(deleted)}
        )
    else:
        console.print(_("Removed %(name)s.") % {"name": escape(who)})


def _quoted(name: str) -> str:
    import shlex

    return shlex.quote(name)
