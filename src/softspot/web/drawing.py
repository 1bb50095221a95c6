"""SVG drawn on the server: the thigh map of a session script and the history charts.

Everything is styled by classes from ``site.css`` (no inline styles: the
Content-Security-Policy forbids them) and sized by ``viewBox`` so it scales
from a 320 px phone to a desktop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from softspot.core.script import SessionScript
from softspot.core.units import format_distance


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, words: str, cls: str, anchor: str = "middle") -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" class="{cls}" text-anchor="{anchor}">{escape(words)}</text>'


def thigh_map_svg(script: SessionScript, *, svg_id: str = "thigh-map", live: bool = False) -> SafeString:
    """The back of the thigh from hip (left) to knee (right) with every spot and the no-sit zone.

    Each spot is a ``<g class="spot" data-spot="k">`` (``planned`` or ``reserve``)
    holding a seat band and a marker, so the player can mark the current one by
    adding the class ``current``.

    ``live`` draws it for the player on a phone on the floor: the spot numbers
    stand above and below the thigh, in turn, so they can be large (``site.css``
    makes them at least 24 px on a 390 px screen) without running into each other.
    """
    leg = script.legs[0]
    length = script.person.thigh_cm
    unit = script.person.unit
    rules = script.rules
    if live:
        left, right, top, height, view_h = 30.0, 570.0, 64.0, 72.0, 250.0
    else:
        left, right, top, height, view_h = 30.0, 570.0, 50.0, 96.0, 230.0

    def x(from_knee_cm: float) -> float:
        return left + (1 - from_knee_cm / length) * (right - left)

    zone_x = x(rules.clearance_cm)
    spots = [*((s, "planned") for s in leg.spots), *((s, "reserve") for s in leg.reserve)]
    title = (
        _("Thigh map: %(spots)d spots from hip to knee") % {"spots": len(leg.spots)}
        + (_(", %(more)d more if time allows") % {"more": len(leg.reserve)} if leg.reserve else "")
        + _("; no sitting within %(clearance)s of the %(joint)s.")
        % {"clearance": format_distance(rules.clearance_cm, unit), "joint": script.joint}
    )
    bottom = top + height
    parts = [
        f'<svg id="{svg_id}" class="thigh-map{" live-map" if live else ""}" viewBox="0 0 600 {_n(view_h)}" '
        f'role="img" aria-labelledby="{svg_id}-title">',
        f'<title id="{svg_id}-title">{escape(title)}</title>',
        f'<rect class="thigh" x="{_n(left)}" y="{_n(top)}" width="{_n(right - left)}" height="{_n(height)}" rx="30"/>',
        f'<rect class="no-sit" x="{_n(zone_x)}" y="{_n(top)}" width="{_n(right - zone_x)}" height="{_n(height)}"/>',
    ]
    if live:
        parts += [
            _text(left, view_h - 8, _("hip"), "label", "start"),
            _text(right, view_h - 8, _("no sitting near the %(joint)s") % {"joint": script.joint}, "label warn", "end"),
        ]
    else:
        parts += [
            _text(left, top - 14, _("hip"), "label", "start"),
            _text(right, top - 14, script.joint, "label", "end"),
            _text((zone_x + right) / 2, top + height + 30, _("no sitting"), "label warn"),
        ]
    half_seat = rules.seat_length_cm / 2
    spot_title = _("Spot %(n)d: %(where)s from the %(joint)s")
    if_time = _(", if time allows")
    for n, (spot, kind) in enumerate(spots):
        cx = x(spot.from_knee_cm)
        seat_left, seat_right = x(spot.from_knee_cm + half_seat), x(spot.seat_edge_from_knee_cm)
        where = format_distance(spot.from_knee_cm, unit)
        if live:
            marker = f'<circle class="marker" cx="{_n(cx)}" cy="{_n(top + height / 2)}" r="11"/>'
            num_y = top - 12 if n % 2 == 0 else bottom + 44
        else:
            marker = f'<circle class="marker" cx="{_n(cx)}" cy="{_n(top + height / 2)}" r="16"/>'
            num_y = top + height / 2 + 7
        parts.append(
            f'<g class="spot {kind}" data-spot="{spot.index}" data-from-knee-cm="{_n(spot.from_knee_cm)}">'
            f"<title>{escape(spot_title % {'n': spot.index, 'where': where, 'joint': script.joint})}"
            f"{'' if kind == 'planned' else escape(if_time)}</title>"
            f'<rect class="seat" x="{_n(seat_left)}" y="{_n(top + 6)}" width="{_n(seat_right - seat_left)}" '
            f'height="{_n(height - 12)}" rx="8"/>'
            f"{marker}"
            f'<text class="num" x="{_n(cx)}" y="{_n(num_y)}" text-anchor="middle">{spot.index}</text>'
            "</g>"
        )
    if not live:
        parts.append(
            _text(
                (left + right) / 2,
                top + height + 64,
                _("thigh %(length)s · spots %(step)s apart")
                % {"length": format_distance(length, unit), "step": format_distance(rules.step_cm, unit)},
                "label small",
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


@dataclass(frozen=True)
class RatingPoint:
    """One session on the before/after chart: mean tension before and after (0-10)."""

    label: str
    before: float | None
    after: float | None
    discomfort: bool = False
    """Stopped for discomfort: marked on the chart."""


def before_after_svg(points: Sequence[RatingPoint]) -> SafeString:
    """Tension before (open) and after (filled) each session, joined by a line: lower is better."""
    width, height, left, right, top, bottom = 600.0, 260.0, 44.0, 16.0, 16.0, 40.0
    plot_w, plot_h = width - left - right, height - top - bottom
    chart_title = _("Tension before and after each session, 0 to 10; lower is better.")
    before_title, after_title = _("%(day)s: before %(value).1f"), _("%(day)s: after %(value).1f")
    stopped_title = _("%(day)s: stopped for discomfort")
    n = max(len(points), 1)

    def y(value: float) -> float:
        return top + (1 - value / 10) * plot_h

    def x(i: int) -> float:
        return left + (i + 0.5) * plot_w / n

    parts = [
        f'<svg class="chart" viewBox="0 0 {_n(width)} {_n(height)}" role="img" aria-labelledby="chart-ba-title">',
        f'<title id="chart-ba-title">{escape(chart_title)}</title>',
    ]
    for value in (0, 5, 10):
        parts.append(
            f'<line class="grid" x1="{_n(left)}" x2="{_n(width - right)}" y1="{_n(y(value))}" y2="{_n(y(value))}"/>'
        )
        parts.append(_text(left - 8, y(value) + 6, str(value), "axis", "end"))
    step = max(1, len(points) // 6)
    for i, p in enumerate(points):
        if p.before is not None and p.after is not None:
            parts.append(
                f'<line class="change" x1="{_n(x(i))}" x2="{_n(x(i))}" y1="{_n(y(p.before))}" y2="{_n(y(p.after))}"/>'
            )
        if p.before is not None:
            parts.append(
                f'<circle class="before" cx="{_n(x(i))}" cy="{_n(y(p.before))}" r="7">'
                f"<title>{escape(before_title % {'day': p.label, 'value': p.before})}</title></circle>"
            )
        if p.after is not None:
            parts.append(
                f'<circle class="after" cx="{_n(x(i))}" cy="{_n(y(p.after))}" r="7">'
                f"<title>{escape(after_title % {'day': p.label, 'value': p.after})}</title></circle>"
            )
        if p.discomfort:
            parts.append(
                f'<g class="discomfort"><line x1="{_n(x(i))}" x2="{_n(x(i))}" y1="{_n(top)}" y2="{_n(top + plot_h)}"/>'
                f'<text x="{_n(x(i))}" y="{_n(top + 14)}" text-anchor="middle">!</text>'
                f"<title>{escape(stopped_title % {'day': p.label})}</title></g>"
            )
        if i % step == 0:
            parts.append(_text(x(i), height - 12, p.label, "axis"))
    if not points:
        parts.append(_text(width / 2, height / 2, _("No sessions yet"), "label"))
    parts.append("</svg>")
    return mark_safe("".join(parts))


def minutes_per_week_svg(weeks: Sequence[tuple[str, float]]) -> SafeString:
    """Bars of minutes practised per week (label, minutes)."""
    width, height, left, right, top, bottom = 600.0, 220.0, 44.0, 16.0, 16.0, 40.0
    plot_w, plot_h = width - left - right, height - top - bottom
    week_title = _("%(week)s: %(minutes).0f min")
    chart_title = _("Minutes of practice per week.")
    most = max([m for _, m in weeks] + [10.0])
    n = max(len(weeks), 1)
    bar = plot_w / n
    parts = [
        f'<svg class="chart" viewBox="0 0 {_n(width)} {_n(height)}" role="img" aria-labelledby="chart-mpw-title">',
        f'<title id="chart-mpw-title">{escape(chart_title)}</title>',
        f'<line class="grid" x1="{_n(left)}" x2="{_n(width - right)}" y1="{_n(top + plot_h)}" '
        f'y2="{_n(top + plot_h)}"/>',
        _text(left - 8, top + 6, f"{most:.0f}", "axis", "end"),
        _text(left - 8, top + plot_h + 6, "0", "axis", "end"),
    ]
    step = max(1, len(weeks) // 6)
    for i, (label, minutes) in enumerate(weeks):
        h = minutes / most * plot_h
        bx = left + i * bar + bar * 0.15
        parts.append(
            f'<rect class="bar" x="{_n(bx)}" y="{_n(top + plot_h - h)}" width="{_n(bar * 0.7)}" '
            f'height="{_n(h)}"><title>{escape(week_title % {"week": label, "minutes": minutes})}</title></rect>'
        )
        if i % step == 0:
            parts.append(_text(bx + bar * 0.35, height - 12, label, "axis"))
    if not weeks:
        parts.append(_text(width / 2, height / 2, _("No sessions yet"), "label"))
    parts.append("</svg>")
    return mark_safe("".join(parts))
