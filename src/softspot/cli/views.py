"""Rich renderings shared by ``plan`` and ``guide``: the thigh map and the plan's timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from softspot import i18n
from softspot.core.units import format_distance, format_seconds
from softspot.i18n import _, pgettext

if TYPE_CHECKING:
    from softspot.core.script import SessionScript


def thigh_map(script: SessionScript, *, current: int | None = None, width: int = 60) -> Group:
    """The thigh from hip (left) to knee (right): spots, the current one, and the no-sit zone by the knee.

    ``●`` a planned spot, ``○`` a reserve spot (reached when spots soften early),
    ``◉`` the current spot, ``▒`` where the seat must never be.
    """
    length = script.person.thigh_cm
    leg = script.legs[0]
    unit = script.person.unit

    def column(from_knee_cm: float) -> int:
        return max(0, min(width - 1, round((1 - from_knee_cm / length) * (width - 1))))

    cells = [Text("─", style="dim") for _ in range(width)]
    zone_start = column(script.rules.clearance_cm)
    for i in range(zone_start, width):
        cells[i] = Text("▒", style="red")
    for spot in leg.reserve:
        cells[column(spot.from_knee_cm)] = Text("○", style="cyan")
    for spot in leg.spots:
        cells[column(spot.from_knee_cm)] = Text("●", style="bold cyan")
    if current is not None:
        here = next((s for s in (*leg.spots, *leg.reserve) if s.index == current), None)
        if here is not None:
            left = column(here.from_knee_cm + script.rules.seat_length_cm / 2)
            right = column(here.seat_edge_from_knee_cm)
            for i in range(left, right + 1):
                if cells[i].plain == "─":
                    cells[i] = Text("═", style="yellow")
            cells[column(here.from_knee_cm)] = Text("◉", style="bold reverse yellow")
    bar = Text(_("hip") + " ", style="bold") + Text.assemble(*cells) + Text(f" {script.joint}", style="bold")
    legend = Text(
        "    "
        + _("● spot  ○ if time allows  ▒ no sitting: %(clearance)s from the %(joint)s   thigh %(length)s")
        % {
            "clearance": i18n.format_distance(script.rules.clearance_cm, unit),
            "joint": script.joint,
            "length": i18n.format_distance(length, unit),
        },
        style="dim",
    )
    return Group(bar, legend)


def plan_table(script: SessionScript) -> Table:
    unit = script.person.unit
    table = Table(
        pgettext("plan table", "at"),
        pgettext("plan table", "for"),
        pgettext("plan table", "what"),
        pgettext("plan table", "from knee"),
        box=None,
        pad_edge=False,
        header_style="bold",
    )
    for seg in script.segments:
        spot = script.spot_at(seg)
        where = format_distance(spot.from_knee_cm, unit) if spot else ""
        label = seg.label  # with any add-on said during it (the calf)
        if seg.leg and seg.kind in {"prepare", "spot", "add_on"}:
            label = f"[{seg.leg}] {label}"
        table.add_row(format_seconds(seg.starts_at), format_seconds(seg.seconds), Text(label), where)
        for timed in seg.timed:  # the pain rule and the check-in, where the voice says them
            table.add_row(format_seconds(seg.starts_at + timed.after), "", Text(f"  ↳ {timed.cue.show}", "bold"), "")
    table.add_row(format_seconds(script.total_seconds), "", Text(pgettext("plan table", "end"), style="dim"), "")
    return table
