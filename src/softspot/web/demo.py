"""The moving demonstration on the technique page, drawn from the technique's own numbers (no video file).

Seen from above, like the other drawings: the receiver lies face down on a mat, head at the top, so their
left leg is on the left; the giver kneels beside a leg and feels for the centre of the thigh, sits sideways on it facing
away from the receiver just above the centre, lifts and moves an inch at a time toward the knee, stops
short of the no-sit zone, moves to the other leg; then the straddle variant.

:func:`demonstration` makes the frames (a caption and where the giver is in each), placed on the example
plan's safe spots, so the drawing moves the way the planner plans. The page gets:

* ``defs``: the shapes, once (the mat and the receiver, the giver's three poses);
* ``stills``: one SVG per key frame with its caption, shown as a list when the visitor prefers reduced
  motion (or has no script): a sequence of stills, nothing moves;
* ``scene``: the moving picture's SVG (the giver in each pose, each frame's marks) and ``frames`` as data
  (``json_script``) for ``static/softspot/demo.js``, which moves the giver from frame to frame (on each
  animation frame it sets the giver's ``transform``), in step with an ``aria-live`` caption, with Play/Pause
  and step buttons.

Everything is styled by classes in ``static/softspot/demo.css`` or drawn with presentation attributes: the
Content-Security-Policy allows no inline styles.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from softspot.core.script import SessionScript
from softspot.core.technique import Technique
from softspot.core.units import CM_PER_INCH, format_distance, format_duration

WIDTH, HEIGHT = 300.0, 420.0
HIP_Y, KNEE_Y = 176.0, 336.0
"""Where the thigh starts (the fold under the buttock) and ends (the crease behind the knee), in the drawing."""
LEG_X = {"left": 122.0, "right": 178.0}
"""The middle of each leg: face down and seen from above with the head at the top, the receiver's left leg is
on the left."""
LEG_HALF = 14.0
KNEEL_GAP = 52.0
"""How far from a leg's middle the giver kneels beside it."""
POSES = ("kneel", "sit", "straddle")
FACING = {"down": 0.0, "left": 90.0, "right": -90.0}
"""The giver is drawn facing down the picture; these turns face them left or right."""


@dataclass(frozen=True)
class Frame:
    """One moment of the demonstration: what the caption says and where the giver is."""

    caption: str
    pose: str
    """``kneel`` (beside the leg, hands on it), ``sit`` (sideways, facing away) or ``straddle``."""
    leg: str
    x: float
    y: float
    turn: float
    """Degrees: 0 faces down the picture (toward the feet); 90 faces left, -90 right."""
    lift: float = 0.0
    """1: the giver's bottom is lifted off the leg (drawn larger, with a shadow)."""
    sweep: float = 0.0
    """Palpating: the hands sweep this far either way along the thigh."""
    ring: bool = False
    """Holding the spot: a soft ring pulses round the seat."""
    zone: bool = False
    """The no-sit zone by the knee is pointed out."""
    centre: bool = False
    """The centre of the leg's thigh is marked."""
    facing: bool = False
    """An arrow says which way the giver faces: away from the receiver."""
    toward: bool = False
    """An arrow says which way the giver moves: toward the knee."""
    still: bool = True
    """Shown in the reduced-motion sequence of stills (repeated moves are not)."""
    adds: bool = False
    """The caption says something of softspot's own (marked "softspot adds:")."""
    seconds: float = field(default=0.0)


def _seconds(caption: str) -> float:
    """Long enough to read the caption: at least 3 s."""
    return round(max(3.0, 1.5 + 0.045 * len(caption)), 1)


def _both(cm: float) -> str:
    """ "1 in (2.5 cm)": whole sentences keep their number and unit together."""
    inches = f"{cm / CM_PER_INCH:.1f}".removesuffix(".0")
    return f"{inches} in ({format_distance(cm)})"


def demonstration(technique: Technique, example: SessionScript) -> list[Frame]:
    """The frames, placed on the example plan's safe spots (the technique's typical thigh)."""
    scale = (KNEE_Y - HIP_Y) / example.person.thigh_cm
    joint = technique.segment.joint
    first_hold = format_duration(technique.spots.first_hold.max)
    legs = {leg.leg: leg for leg in example.legs}
    name = {leg.leg: leg.name for leg in example.legs}
    first, second = example.legs[0].leg, example.legs[-1].leg
    centre_y = round((HIP_Y + KNEE_Y) / 2, 1)

    def ys(leg: str) -> list[float]:
        spots = [*legs[leg].spots, *legs[leg].reserve]
        return [round(KNEE_Y - s.from_knee_cm * scale, 1) for s in spots]

    def outside(leg: str) -> str:
        """The side of the leg away from the other leg (and from the receiver's middle)."""
        return "left" if LEG_X.get(leg, 0) <= min(LEG_X.values()) else "right"

    def kneel(leg: str, caption: str, **more: object) -> Frame:
        side = outside(leg)
        x = LEG_X[leg] - KNEEL_GAP if side == "left" else LEG_X[leg] + KNEEL_GAP
        inward = "right" if side == "left" else "left"
        return Frame(caption, "kneel", leg, x, centre_y, FACING[inward], **more)  # type: ignore[arg-type]

    def sit(leg: str, y: float, caption: str, **more: object) -> Frame:
        return Frame(caption, "sit", leg, LEG_X[leg], y, FACING[outside(leg)], **more)  # type: ignore[arg-type]

    def straddle(leg: str, y: float, caption: str, **more: object) -> Frame:
        return Frame(caption, "straddle", leg, LEG_X[leg], y, FACING["down"], **more)  # type: ignore[arg-type]

    frames = [
        kneel(first, _("The receiver lies face down on a padded floor, fully clothed, legs hip-width apart.")),
        kneel(
            first,
            _("The giver kneels by the %(leg)s leg and feels along the back of the thigh for its centre.")
            % {"leg": name[first]},
            sweep=44.0,
            centre=True,
        ),
    ]
    spots = ys(first)
    frames += [
        sit(
            first,
            spots[0],
            _(
                "Sit sideways on the thigh, facing away from the receiver, the middle of your bottom just above "
                "the centre. Back straight."
            ),
            centre=True,
            facing=True,
        ),
        sit(
            first,
            spots[0],
            _("Stay on this spot until the muscle softens: up to %(hold)s.") % {"hold": first_hold},
            ring=True,
        ),
    ]
    if len(spots) > 1:
        frames += [
            sit(first, spots[0], _("When it softens, lift your bottom off the leg."), lift=1.0),
            sit(
                first,
                spots[1],
                _("Move about %(step)s toward the %(joint)s.") % {"step": _both(technique.spots.step), "joint": joint},
                lift=1.0,
                toward=True,
            ),
            sit(first, spots[1], _("Sit again, until it softens or as long as the first spot took."), ring=True),
        ]
    each_spot = _("Spot %(n)d: lift, move an inch toward the %(joint)s, sit.")
    for k, y in enumerate(spots[2:], start=3):
        frames.append(sit(first, y, each_spot % {"n": k, "joint": joint}, still=k == len(spots)))
    frames.append(
        sit(
            first,
            spots[-1],
            _("The last spot stops short of the red zone: never sit within %(clearance)s of the %(joint)s.")
            % {"clearance": _both(technique.spots.clearance), "joint": joint},
            zone=True,
        )
    )
    if second != first:
        others = ys(second)
        frames += [
            kneel(
                second,
                _("That leg is done: lift off gently and move to the %(leg)s leg.") % {"leg": name[second]},
                centre=True,
            ),
            sit(
                second,
                others[0],
                _("The same on this leg: feel for the centre, then sit sideways just above it, facing away."),
                facing=True,
            ),
            sit(
                second,
                others[-1],
                _("Spot by spot toward the %(joint)s, stopping short of the red zone.") % {"joint": joint},
                zone=True,
            ),
        ]
    if any(p.id == "straddle" for p in technique.positions):
        frames += [
            straddle(
                first,
                spots[0],
                _("The alternative, as in the therapist's video: straddle the thigh just above its centre."),
                centre=True,
            ),
            straddle(
                first,
                spots[0],
                _("One knee each side of the thigh: the inner knee between the legs, never on the other leg."),
                adds=True,
            ),
            straddle(
                first,
                spots[1] if len(spots) > 1 else spots[0],
                _("Astride too: lift, move an inch toward the %(joint)s, and sit.") % {"joint": joint},
                toward=True,
            ),
        ]
    frames.append(kneel(first, _("All done: lift off slowly.")))
    return [replace(f, seconds=_seconds(f.caption)) for f in frames]


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def defs(technique: Technique, example: SessionScript) -> SafeString:
    """The shapes every still and the moving scene use (``<use href="#demo-...">``), in one hidden SVG."""
    scale = (KNEE_Y - HIP_Y) / example.person.thigh_cm
    zone_y = KNEE_Y - technique.spots.clearance * scale
    seat = technique.spots.seat_length * scale / 2
    body, line, floor = "#9fb7d9", "#111", "#2c3340"
    left, right = min(LEG_X.values()), max(LEG_X.values())
    legs = "".join(
        f'<rect x="{_n(x - LEG_HALF)}" y="{_n(HIP_Y - 12)}" width="{_n(2 * LEG_HALF)}" height="{_n(HEIGHT - HIP_Y)}" '
        f'rx="{_n(LEG_HALF)}" fill="{body}"/>'
        f'<rect class="no-sit" x="{_n(x - LEG_HALF)}" y="{_n(zone_y)}" width="{_n(2 * LEG_HALF)}" '
        f'height="{_n(KNEE_Y + 8 - zone_y)}" fill="#ff5c5c"/>'
        f'<line x1="{_n(x - LEG_HALF + 4)}" x2="{_n(x + LEG_HALF - 4)}" y1="{_n(KNEE_Y)}" y2="{_n(KNEE_Y)}" '
        f'stroke="{line}" stroke-width="2"/>'
        for x in LEG_X.values()
    )
    mid = (left + right) / 2
    torso_left, torso_right = left - LEG_HALF, right + LEG_HALF
    head, hip, floor_words = _("head"), _("hip"), _("padded floor")
    receiver = (
        '<g id="demo-receiver">'
        f'<rect x="4" y="4" width="{_n(WIDTH - 8)}" height="{_n(HEIGHT - 8)}" rx="14" fill="{floor}" '
        f'stroke="#6d7890" stroke-width="2"/>'
        f'<rect x="{_n(torso_left - 22)}" y="66" width="15" height="100" rx="7.5" fill="{body}"/>'
        f'<rect x="{_n(torso_right + 7)}" y="66" width="15" height="100" rx="7.5" fill="{body}"/>'
        f"{legs}"
        f'<rect x="{_n(torso_left)}" y="58" width="{_n(torso_right - torso_left)}" height="{_n(HIP_Y - 50)}" '
        f'rx="30" fill="{body}"/>'
        f'<circle cx="{_n(mid)}" cy="34" r="20" fill="{body}"/>'
        f'<path d="M{_n(mid - 19)} 30 a19 19 0 0 1 38 0 a19 14 0 0 0 -38 0z" fill="#6c7f9c"/>'
        f'<text x="{_n(mid + 28)}" y="30" fill="#fff" font-size="14">{escape(head)}</text>'
        f'<text x="{_n(WIDTH - 12)}" y="{_n(HIP_Y - 8)}" fill="#fff" font-size="14" text-anchor="end">'
        f"{escape(hip)}</text>"
        f'<text x="{_n(WIDTH - 12)}" y="{_n(KNEE_Y + 5)}" fill="#ff8a8a" font-size="14" text-anchor="end">'
        f"{escape(technique.segment.joint)}</text>"
        f'<text x="12" y="{_n(HEIGHT - 14)}" fill="#fff" font-size="14">{escape(floor_words)}</text>'
        "</g>"
    )
    giver, edge, skin = "#ffd400", line, "#ffe680"
    seat_shape = (
        f'<ellipse class="seat" cx="0" cy="0" rx="{_n(LEG_HALF)}" ry="{_n(seat)}" fill="{giver}" '
        f'fill-opacity="0.45" stroke="{giver}" stroke-width="2"/>'
    )
    head = f'<circle cx="0" cy="0" r="11" fill="{skin}" stroke="{edge}" stroke-width="2"/>'
    nose = f'<path d="M-4 10 L0 16 L4 10 Z" fill="{edge}"/>'
    shoulders = f'<ellipse cx="0" cy="-2" rx="25" ry="11" fill="{giver}" stroke="{edge}" stroke-width="2"/>'
    foot = f'fill="{skin}" stroke="{edge}" stroke-width="1.5"'
    # Every pose faces down the picture; the frame turns it. Sitting sideways: the bottom on the leg, the
    # thighs and feet off its outer side, on the floor.
    sit = (
        f'<g id="demo-giver-sit">{seat_shape}'
        f'<path d="M-10 4 L-13 40 M10 4 L13 40" stroke="{giver}" stroke-width="11" stroke-linecap="round"/>'
        f'<ellipse cx="-13" cy="46" rx="5.5" ry="7.5" {foot}/><ellipse cx="13" cy="46" rx="5.5" ry="7.5" {foot}/>'
        f"{shoulders}{head}{nose}</g>"
    )
    # Kneeling beside a leg: shins on the floor behind, hands forward on the thigh.
    kneel = (
        '<g id="demo-giver-kneel">'
        f'<path d="M-10 -6 L-11 -34 M10 -6 L11 -34" stroke="{giver}" stroke-width="10" stroke-linecap="round"/>'
        f'<path d="M-19 2 L-12 38 M19 2 L12 38" stroke="{giver}" stroke-width="7" stroke-linecap="round"/>'
        f"{shoulders}"
        f'<circle class="hand" cx="-12" cy="42" r="6" {foot}/><circle class="hand" cx="12" cy="42" r="6" {foot}/>'
        f"{head}{nose}</g>"
    )
    # Astride the thigh, facing the feet: a knee on the floor each side of the thigh, the inner one in the
    # gap between the legs (never on the other leg).
    gap = (right - left) / 2
    straddle = (
        f'<g id="demo-giver-straddle">{seat_shape}'
        f'<path d="M-9 6 L-{_n(gap - 3)} 30 M9 6 L{_n(gap - 3)} 30" stroke="{giver}" stroke-width="11" '
        f'stroke-linecap="round"/>'
        f'<circle cx="-{_n(gap)}" cy="34" r="7" {foot}/><circle cx="{_n(gap)}" cy="34" r="7" {foot}/>'
        f"{shoulders}{head}{nose}</g>"
    )
    return mark_safe(
        '<svg class="demo-defs" aria-hidden="true" focusable="false" width="0" height="0"><defs>'
        f"{receiver}{sit}{kneel}{straddle}</defs></svg>"
    )


def giver_transform(x: float, y: float, turn: float, lift: float = 0.0) -> str:
    """The SVG transform that puts the giver (drawn at the origin, facing down) at a frame's place."""
    return f"translate({_n(x)} {_n(y)}) rotate({_n(turn)}) scale({1 + 0.15 * lift:.3f})"


def _arrow(x1: float, y1: float, x2: float, y2: float) -> str:
    """A line with a head at (x2, y2)."""
    length = max(((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5, 1e-9)
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    bx, by = x2 - 9 * ux, y2 - 9 * uy
    return (
        f'<path class="arrow" d="M{_n(x1)} {_n(y1)} L{_n(x2)} {_n(y2)} M{_n(bx - 6 * uy)} {_n(by + 6 * ux)} '
        f'L{_n(x2)} {_n(y2)} L{_n(bx + 6 * uy)} {_n(by - 6 * ux)}"/>'
    )


def _label(x: float, y: float, words: str, anchor: str = "middle") -> str:
    return f'<text class="mark-label" x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}">{escape(words)}</text>'


def _marks(frame: Frame, zone_y: float, *, shadow: bool = True) -> str:
    """What a frame points out, drawn under or around the giver."""
    parts = []
    leg_x = LEG_X[frame.leg]
    outward = -1 if leg_x <= min(LEG_X.values()) else 1
    if frame.centre:
        cy = (HIP_Y + KNEE_Y) / 2
        parts.append(
            f'<line class="centre" x1="{_n(leg_x - LEG_HALF - 5)}" x2="{_n(leg_x + LEG_HALF + 5)}" '
            f'y1="{_n(cy)}" y2="{_n(cy)}"/>'
        )
    if frame.sweep:
        x = leg_x
        parts.append(_arrow(x, frame.y, x, frame.y - frame.sweep) + _arrow(x, frame.y, x, frame.y + frame.sweep))
    if frame.zone:
        for x in LEG_X.values():
            parts.append(
                f'<rect class="zone-mark" x="{_n(x - LEG_HALF - 4)}" y="{_n(zone_y - 4)}" '
                f'width="{_n(2 * LEG_HALF + 8)}" height="{_n(KNEE_Y + 16 - zone_y)}" rx="6"/>'
            )
        parts.append(_label(12, KNEE_Y + 5, _("no sitting"), "start"))
    # Labels go on the mat's edge on the side of the giver's feet, where nothing else is drawn.
    edge_x, anchor = (12.0, "start") if outward < 0 else (WIDTH - 12, "end")
    if frame.facing:
        start = leg_x + outward * 56
        parts.append(_arrow(start, frame.y - 34, start + outward * 34, frame.y - 34))
        parts.append(_label(edge_x, frame.y - 48, _("facing away"), anchor))
    if frame.toward:
        x = (min(LEG_X.values()) + max(LEG_X.values())) / 2
        parts.append(_arrow(x, frame.y - 34, x, frame.y + 8))  # the caption says "toward the knee"
    if frame.lift and shadow:
        parts.append(f'<ellipse class="shadow" cx="{_n(frame.x + 8)}" cy="{_n(frame.y + 8)}" rx="26" ry="12"/>')
    if frame.lift:
        parts.append(_label(edge_x, frame.y + 64, _("lifted"), anchor))
    if frame.ring:
        parts.append(f'<circle class="ring" cx="{_n(frame.x)}" cy="{_n(frame.y)}" r="36"/>')
    return "".join(parts)


def still_svg(frame: Frame, zone_y: float, label: str) -> SafeString:
    """One frame as a still picture."""
    giver = (
        f'<g class="giver" transform="{giver_transform(frame.x, frame.y, frame.turn, frame.lift)}">'
        f'<use href="#demo-giver-{frame.pose}"/></g>'
    )
    return mark_safe(
        f'<svg class="demo-still" viewBox="0 0 {_n(WIDTH)} {_n(HEIGHT)}" role="img" aria-label="{escape(label)}">'
        f'<use href="#demo-receiver"/>{_marks(frame, zone_y)}{giver}</svg>'
    )


def scene_svg(frames: list[Frame], zone_y: float) -> SafeString:
    """The moving picture: the receiver, every frame's marks (``demo.js`` shows the current one's) and the
    giver in all three poses (``data-pose`` on ``#demo-giver`` shows one), placed at the first frame."""
    first = frames[0]
    marks = "".join(
        f'<g class="marks{" on" if n == 1 else ""}" data-frame="{n}">{_marks(f, zone_y, shadow=False)}</g>'
        for n, f in enumerate(frames, start=1)
    )
    poses = "".join(f'<use class="pose pose-{pose}" href="#demo-giver-{pose}"/>' for pose in POSES)
    scene_label = _("The technique seen from above")
    return mark_safe(
        f'<svg id="demo-scene" class="demo-scene" viewBox="0 0 {_n(WIDTH)} {_n(HEIGHT)}" role="img" '
        f'aria-label="{escape(scene_label)}" aria-describedby="demo-caption">'
        f'<use href="#demo-receiver"/>{marks}'
        f'<g id="demo-giver" data-pose="{first.pose}" '
        f'transform="{giver_transform(first.x, first.y, first.turn, first.lift)}">'
        f'<ellipse class="shadow" cx="8" cy="8" rx="26" ry="12" opacity="0"/>{poses}</g></svg>'
    )


@dataclass(frozen=True)
class Demo:
    defs: SafeString
    frames: list[Frame]
    stills: list[tuple[int, Frame, SafeString]]
    scene: SafeString

    def data(self) -> dict[str, object]:
        """The frames for ``demo.js`` (a JSON island): each frame's fields that differ from the defaults."""
        blank = Frame("", "", "", 0.0, 0.0, 0.0)
        keep = ("caption", "pose", "leg", "x", "y", "turn", "seconds")
        return {
            "frames": [{k: v for k, v in asdict(f).items() if k in keep or v != getattr(blank, k)} for f in self.frames]
        }


def build(technique: Technique, example: SessionScript) -> Demo:
    frames = demonstration(technique, example)
    zone_y = KNEE_Y - technique.spots.clearance * (KNEE_Y - HIP_Y) / example.person.thigh_cm
    step_of = _("Step %(n)d of %(total)d")
    stills = [
        (n, f, still_svg(f, zone_y, step_of % {"n": n, "total": len(frames)}))
        for n, f in enumerate(frames, start=1)
        if f.still
    ]
    return Demo(defs(technique, example), frames, stills, scene_svg(frames, zone_y))
