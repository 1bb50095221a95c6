"""The thigh map and the plan's timeline, shared by ``plan`` and ``guide``.

Each is laid out once, as characters and styles; :func:`thigh_map` and :func:`plan_table` give Rich
renderables (the live player, a terminal), :func:`thigh_map_plain` and :func:`plan_grid` the same output for
:mod:`softspot.cli.plain` (Rich imported only if they end up on a terminal).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from softspot import i18n
from softspot.cli.plain import Cell, Grid, Paragraphs
from softspot.core.units import format_distance, format_seconds
from softspot.i18n import _, pgettext

if TYPE_CHECKING:
    from rich.console import Group
    from rich.table import Table

    from softspot.core.script import SessionScript

Styled = list[tuple[str, str]]
"""Text as (characters, Rich style) pieces."""


def _map(script: SessionScript, current: int | None, width: int) -> tuple[str, Styled, str, str]:
    """The thigh from hip (left) to knee (right): spots, the current one, and the no-sit zone by the knee.

    ``●`` a planned spot, ``○`` a reserve spot (reached when spots soften early),
    ``◉`` the current spot, ``▒`` where the seat must never be.
    Returns the bar's start, its cells, its end and the legend.
    """
    length = script.person.thigh_cm
    leg = script.legs[0]
    unit = script.person.unit

    def column(from_knee_cm: float) -> int:
        return max(0, min(width - 1, round((1 - from_knee_cm / length) * (width - 1))))

    cells: Styled = [("─", "dim") for _ in range(width)]
    zone_start = column(script.rules.clearance_cm)
    for i in range(zone_start, width):
        cells[i] = ("▒", "red")
    for spot in leg.reserve:
        cells[column(spot.from_knee_cm)] = ("○", "cyan")
    for spot in leg.spots:
        cells[column(spot.from_knee_cm)] = ("●", "bold cyan")
    if current is not None:
        here = next((s for s in (*leg.spots, *leg.reserve) if s.index == current), None)
        if here is not None:
            left = column(here.from_knee_cm + script.rules.seat_length_cm / 2)
            right = column(here.seat_edge_from_knee_cm)
            for i in range(left, right + 1):
                if cells[i][0] == "─":
                    cells[i] = ("═", "yellow")
            cells[column(here.from_knee_cm)] = ("◉", "bold reverse yellow")
    legend = "    " + _(
        "● spot  ○ if time allows  ▒ no sitting: %(clearance)s from the %(joint)s   thigh %(length)s"
    ) % {
        "clearance": i18n.format_distance(script.rules.clearance_cm, unit),
        "joint": script.joint,
        "length": i18n.format_distance(length, unit),
    }
    return _("hip") + " ", cells, f" {script.joint}", legend


def thigh_map(script: SessionScript, *, current: int | None = None, width: int = 60) -> Group:
    """The thigh map as Rich renders it (see :func:`_map`)."""
    from rich.console import Group
    from rich.text import Text

    start, cells, end, legend = _map(script, current, width)
    bar = Text(start, style="bold") + Text.assemble(*(Text(c, style=s) for c, s in cells)) + Text(end, style="bold")
    return Group(bar, Text(legend, style="dim"))


def thigh_map_plain(script: SessionScript) -> Paragraphs:
    """:func:`thigh_map` for :mod:`softspot.cli.plain`."""
    start, cells, end, legend = _map(script, None, 60)
    return Paragraphs([start + "".join(c for c, _s in cells) + end, legend], lambda: thigh_map(script))


def _rows(script: SessionScript) -> tuple[list[str], list[tuple[str, str, str, str, str]]]:
    """The header and the rows: at, for, what (as it is), its style, from knee."""
    unit = script.person.unit
    header = [
        pgettext("plan table", "at"),
        pgettext("plan table", "for"),
        pgettext("plan table", "what"),
        pgettext("plan table", "from knee"),
    ]
    rows = []
    leg_names = {leg.leg: leg.name for leg in script.legs}  # in the plan's language
    for seg in script.segments:
        spot = script.spot_at(seg)
        where = format_distance(spot.from_knee_cm, unit) if spot else ""
        label = seg.label  # with any add-on said during it (the calf)
        if seg.leg and seg.kind in {"prepare", "spot", "add_on"}:
            label = f"[{leg_names.get(seg.leg, seg.leg)}] {label}"
        rows.append((format_seconds(seg.starts_at), format_seconds(seg.seconds), label, "", where))
        for timed in seg.timed:  # the pain rule and the check-in, where the voice says them
            rows.append((format_seconds(seg.starts_at + timed.after), "", f"  ↳ {timed.cue.show}", "bold", ""))
    rows.append((format_seconds(script.total_seconds), "", pgettext("plan table", "end"), "dim", ""))
    return header, rows


def plan_table(script: SessionScript) -> Table:
    from rich.table import Table
    from rich.text import Text

    header, rows = _rows(script)
    table = Table(*header, box=None, pad_edge=False, header_style="bold")
    for at, for_, what, style, where in rows:
        table.add_row(at, for_, Text(what, style), where)
    return table


def plan_grid(script: SessionScript) -> Grid:
    """:func:`plan_table` for :mod:`softspot.cli.plain`."""
    header, rows = _rows(script)
    return Grid(
        [Cell(h, markup=True) for h in header],
        [[Cell(at, True), Cell(for_, True), Cell(what), Cell(where, True)] for at, for_, what, _s, where in rows],
        lambda: plan_table(script),
    )
