"""The planner: technique + person + options -> a session script.

Choices made where the source is vague (documented in docs/technique-format.md):

* The first spot holds up to ``spots.first_hold.max`` (for the hamstring
  technique "a couple of minutes" = 2 min), or the whole leg's time if that is
  shorter. Later spots hold until softening, at most as long as the first.
* A leg's time (the dose) counts time on spots only. The plan is the longest
  case: nothing softens early. Spots are added while time remains; the last may
  be shorter. Safe spots beyond those are listed as ``reserve``: the engine
  moves on to them when spots soften early.
* A spot is safe when the near edge of the giver's seat (``seat_length``, centred
  on the spot) keeps ``clearance`` from the joint.
* Both legs get the same spots and the same time.
* A dose never asks for more than the thigh can fill: at most (safe spots x the
  first hold) per leg. An asked-for dose above that is refused, naming the
  option; the technique's start dose is capped to it.
* The pain rule is said in the opening segment and in each switch segment (before
  the next leg); the check-in inside the spot where the leg's spot time reaches
  ``spots.check_in_after`` (the first spot, unless it is shorter).

Defence in depth: a technique that breaks a safety limit (``limits.safety_problems``)
is refused before anything is planned, however it was built, and a finished plan is
checked against the safety rules once more before it is returned. Every loop is
bounded by construction (at most :data:`MAX_SPOTS` spots a side).

The script is assembled with ``model_construct``, not validated again: its parts come from a validated
technique and the checks above, and validating 13 models would build their pydantic schemas on every
``softspot plan`` (about a fifth of its start-up). The tests validate every script they plan and compare it,
field by field and type by type, with what :class:`~softspot.core.script.SessionScript` makes of it
(``tests/plan_checks.py``). A script read from outside (a file, the API, the store) is still validated.
"""

from __future__ import annotations

import difflib
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Literal

from softspot import i18n
from softspot.core.limits import CLEARANCE, DOSE, HOLD, fill_template, safety_problems
from softspot.core.screening import Screening, screen
from softspot.core.units import DistanceUnit, Length
from softspot.i18n import _, format_distance, format_duration, ngettext

if TYPE_CHECKING:  # imported where a plan is made: `technique show` needs room() without the script's models
    from softspot.core.script import ScriptLeg, ScriptSpot, Segment, SessionScript, SpokenCue, TimedCue
    from softspot.core.technique import AddOn, Cue, Technique

MIN_HEIGHT_CM = 120.0
MAX_HEIGHT_CM = 220.0
MAX_SPOTS = 100
"""The most spots a side can have (a valid technique gives at most about 50)."""
CONFIRM_SECONDS = 5
"""How long the second "softened" press that confirms an early one may take (``rules.confirm_seconds``)."""
MOVE_SECONDS = 5
"""Seconds into a spot after which the move is taken as done and the hold text shows (``rules.move_seconds``)."""
_EPSILON = 1e-6


class PlanError(ValueError):
    """Options that cannot make a safe plan; ``field`` names the option at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class UnsafeTechniqueError(PlanError):
    """The technique, or the plan made from it, breaks a safety rule: no plan is made."""

    def __init__(self, message: str) -> None:
        super().__init__("technique", message)


class StopError(Exception):
    """Screening said stop (or ask first, see :class:`AskFirstError`): no plan is made."""

    def __init__(self, screening: Screening) -> None:
        self.screening = screening
        super().__init__("; ".join(screening.reasons))


class AskFirstError(StopError):
    """Screening said ask first and no go-ahead from a doctor or therapist was confirmed (``cleared``)."""


@dataclass(frozen=True)
class PlanOptions:
    thigh: Length | None = None
    height: Length | None = None
    minutes_per_leg: float | None = None
    start_leg: str | None = None
    position: str | None = None
    surface: str | None = None
    add_ons: Sequence[str] = ()
    answers: dict[str, bool] = field(default_factory=dict)
    comfortable_sessions: int = 0
    unit: DistanceUnit | None = None
    cleared: bool = False
    """The user confirmed a doctor or therapist said this technique is fine for the receiver (``--cleared``)."""
    language: str | None = None
    """The language of the script (``--lang``); None: the active language, if the technique is written in it."""
    unlocked_early: Sequence[str] = ()
    """Add-ons a therapist's programme unlocks before their ``unlock_after`` (screening still leaves them out)."""


def thigh_length(technique: Technique, options: PlanOptions) -> tuple[float, Literal["measured", "height", "default"]]:
    """The segment length in cm and where it came from."""
    seg = technique.segment
    span = _("%(least)s to %(most)s") % {
        "least": format_distance(seg.min_length),
        "most": format_distance(seg.max_length),
    }
    if options.thigh is not None:
        cm = options.thigh.cm
        if not seg.min_length - _EPSILON <= cm <= seg.max_length + _EPSILON:
            shown = options.thigh.show() if math.isfinite(cm) else _("that length")
            raise PlanError(
                "--thigh",
                _("%(length)s is outside the %(segment)s lengths softspot plans for (%(span)s); measure %(how)s")
                % {
                    "length": shown,
                    "segment": seg.name,
                    "span": span,
                    "how": _in_sentence(seg.measure.strip().rstrip(".")),
                },
            )
        return cm, "measured"
    if options.height is not None:
        h = options.height.cm
        if not MIN_HEIGHT_CM <= h <= MAX_HEIGHT_CM:
            shown = options.height.show() if math.isfinite(h) else _("that height")
            raise PlanError(
                "--height",
                _("%(height)s is outside %(least)s to %(most)s cm")
                % {"height": shown, "least": f"{MIN_HEIGHT_CM:.0f}", "most": f"{MAX_HEIGHT_CM:.0f}"},
            )
        estimate = h * seg.length_per_height
        return min(max(estimate, seg.min_length), seg.max_length), "height"
    return seg.default_length, "default"


def offered_add_ons(
    technique: Technique, screening: Screening, comfortable_sessions: int, unlocked_early: Sequence[str] = ()
) -> list[AddOn]:
    """The add-ons the pair may choose today: unlocked by experience (or early, by a therapist's programme)
    and not left out by screening."""
    return [
        a
        for a in technique.add_ons
        if (comfortable_sessions >= a.unlock_after or a.id in unlocked_early) and a.id not in screening.omitted_add_ons
    ]


@dataclass(frozen=True)
class Room:
    """What one receiver's segment can hold: its safe spots, and the most time they fill at the technique's holds."""

    spots: int
    seconds: int

    def sentence(self, segment: str) -> str:
        """``your thigh has room for 2 spots: 4 min per leg is the most this technique gives``."""
        return ngettext(
            "your %(segment)s has room for %(n)d spot: %(most)s per leg is the most this technique gives",
            "your %(segment)s has room for %(n)d spots: %(most)s per leg is the most this technique gives",
            self.spots,
        ) % {"segment": segment, "n": self.spots, "most": format_duration(self.seconds)}


def room(technique: Technique, length_cm: float) -> Room:
    """The safe spots on a segment of ``length_cm`` and the most time per side they can fill.

    Every spot holds at most the first hold (later spots never hold longer than the first), so a leg can
    never use more than ``spots x first_hold.max``; a longer dose would only end each leg early.
    """
    count = len(safe_spots(technique, length_cm))
    return Room(count, count * round(technique.spots.first_hold.max))


def dose_seconds(technique: Technique, minutes_per_leg: float | None, fits: Room | None = None) -> int:
    """Seconds per side: the technique's start dose, or the minutes asked for if within its range.

    With ``fits`` (the receiver's :func:`room`), the start dose is capped to what the segment can fill and a
    dose above that is refused, naming the option.
    """
    dose = technique.dose
    limit = dose.maximum if fits is None else min(dose.maximum, fits.seconds)
    floor = dose.beginner_min if fits is None else min(dose.beginner_min, fits.seconds)
    if minutes_per_leg is None:
        return _whole_seconds(min(dose.start, limit), limit)
    per_leg = minutes_per_leg * 60
    in_range = dose.beginner_min - _EPSILON <= per_leg <= dose.maximum + _EPSILON
    in_room = fits is not None and floor - _EPSILON <= per_leg <= limit + _EPSILON
    if not math.isfinite(per_leg) or not (in_range or in_room):
        raise PlanError(
            "--minutes-per-leg",
            _("%(given)s is outside %(least)s to %(most)s minutes per leg")
            % {"given": f"{minutes_per_leg:.4g}", "least": f"{floor / 60:.4g}", "most": f"{dose.maximum / 60:.4g}"},
        )
    if fits is not None and per_leg > fits.seconds + _EPSILON:
        raise PlanError(
            "--minutes-per-leg",
            _("%(given)s min is too long for this receiver (%(room)s); choose %(most)s or less")
            % {
                "given": f"{minutes_per_leg:g}",
                "room": fits.sentence(technique.segment.name),
                "most": f"{fits.seconds / 60:g}",
            },
        )
    return _whole_seconds(per_leg, limit)


def _whole_seconds(seconds: float, most: float) -> int:
    """``seconds`` to the nearest whole second, but never past ``most`` (a maximum such as ``6.833333 min`` need not
    be a whole number of seconds, and rounding up past it would make a plan the safety check refuses)."""
    whole = round(seconds)
    return whole if whole <= most + _EPSILON else math.floor(most + _EPSILON)


def safe_spots(technique: Technique, length_cm: float) -> list[float]:
    """Every spot's distance from the joint (seat centre), first to last: at most :data:`MAX_SPOTS`."""
    spots = technique.spots
    first = length_cm / 2 + spots.first_above_centre
    nearest = spots.clearance + spots.seat_length / 2
    steps = (first - nearest) / spots.step if spots.step > 0 else math.inf
    if not math.isfinite(steps) or steps < -_EPSILON:
        return []
    count = min(math.floor(min(steps, MAX_SPOTS) + _EPSILON) + 1, MAX_SPOTS)
    return [round(first - k * spots.step, 3) for k in range(count)]


def _pick(known: list[str], wanted: str, option: str, what: str) -> str:
    if wanted in known:
        return wanted
    close = difflib.get_close_matches(wanted, known, n=1)
    said = {
        "leg": _("there is no leg '%(wanted)s' (choose %(known)s)"),
        "surface": _("there is no surface '%(wanted)s' (choose %(known)s)"),
        "position": _("there is no position '%(wanted)s' (choose %(known)s)"),
        "add-on": _("there is no add-on '%(wanted)s' (choose %(known)s)"),
    }.get(what) or f"there is no {what} '%(wanted)s' (choose %(known)s)"
    hint = _("; did you mean '%(near)s'?") % {"near": close[0]} if close else ""
    raise PlanError(option, said % {"wanted": wanted, "known": ", ".join(known)} + hint)


class _Words:
    """Fills cue templates for one plan."""

    def __init__(self, technique: Technique, unit: DistanceUnit) -> None:
        self.technique = technique
        self.unit = unit
        self.models = script_models(technique)

    def distance(self, cm: float) -> str:
        return i18n.say_distance(cm, self.unit, self.technique.language)

    def values(self, **fields: object) -> dict[str, object]:
        seg = self.technique.segment
        return {"joint": seg.joint, "segment": seg.name, "step": self.distance(self.technique.spots.step), **fields}

    def fill(self, cue: Cue, **fields: object) -> SpokenCue:
        values = self.values(**fields)
        made: SpokenCue = self.models.SpokenCue.model_construct(
            show=_format(cue.show, values), say=_format(cue.say, values)
        )
        return made


def _format(template: str, values: dict[str, object]) -> str:
    return fill_template(template, {name: str(value) for name, value in values.items()})


def _in_sentence(name: str) -> str:
    """A name inside a sentence: lower case, except in German, whose nouns keep their capital."""
    return name if i18n.active() == "de" else name.lower()


def _spoken_time(seconds: float, lang: str) -> str:
    """``90`` -> ``1 minute 30 seconds``: a duration as the voice says it."""
    return i18n.say_duration(seconds, lang)


def script_language(technique: Technique, wanted: str | None) -> str:
    """The language a plan is made in: ``wanted`` (it must be one the technique is written in), else the
    active language when the technique is written in it, else the technique's own language."""
    if wanted is not None:
        lang = i18n.normalize(wanted)
        if lang is None or lang not in technique.written_in:
            raise PlanError(
                "--lang",
                _("'%(lang)s' is not a language this technique is written in (choose %(languages)s)")
                % {"lang": wanted, "languages": ", ".join(technique.written_in)},
            )
        return lang
    return i18n.active() if i18n.active() in technique.written_in else technique.language


def script_models(technique: Technique) -> ModuleType:
    """Where the script's classes come from: :mod:`softspot.core.script_plain` for a technique read without
    pydantic (:mod:`softspot.core.plain`), so planning one needs no pydantic either; else the models,
    :mod:`softspot.core.script`. Both make the same script and the same JSON (``tests/test_plain.py``)."""
    from softspot.core.plain import PlainTechnique

    if isinstance(technique, PlainTechnique):
        from softspot.core import script_plain

        if script_plain.usable():
            return script_plain
    from softspot.core import script

    return script


def plan(technique: Technique, options: PlanOptions) -> SessionScript:
    """Compile a session script, or raise :class:`StopError` (:class:`AskFirstError`) / :class:`PlanError`."""
    if TYPE_CHECKING:
        from softspot.core import script as models
    else:
        models = script_models(technique)

    unsafe = safety_problems(technique)
    if unsafe:
        more = f" (and {len(unsafe) - 1} more)" if len(unsafe) > 1 else ""
        raise UnsafeTechniqueError(f"it breaks a safety limit, so no plan is made: {unsafe[0][1]}{more}")
    language = script_language(technique, options.language)
    technique = technique.localized(language)
    screening = screen(technique, options.answers, cleared=options.cleared)
    if screening.verdict == "stop":
        raise StopError(screening)
    if screening.verdict == "ask_first":
        raise AskFirstError(screening)

    length_cm, source = thigh_length(technique, options)
    unit: DistanceUnit = options.unit or (options.thigh or options.height or Length(0, "cm")).unit
    words = _Words(technique, unit)

    dose = technique.dose
    positions = safe_spots(technique, length_cm)
    if not positions:
        raise PlanError("--thigh", _("no spot on this thigh keeps the seat clear of the knee"))
    fits = room(technique, length_cm)
    budget = dose_seconds(technique, options.minutes_per_leg, fits)
    capped = options.minutes_per_leg is None and budget < round(dose.start)

    sides = [s.id for s in technique.sides]
    if options.start_leg is not None:
        first = _pick(sides, options.start_leg, "--start-leg", "leg")
        sides.remove(first)
        sides.insert(0, first)

    surface_id = options.surface or screening.surface or technique.default_surface.id
    surface_id = _pick([s.id for s in technique.surfaces], surface_id, "--surface", "surface")
    if screening.surface and surface_id != screening.surface:
        reason = next(q.if_yes.reason for q in screening.adaptations if q.if_yes.use_surface)
        raise PlanError(
            "--surface",
            _("screening chose '%(surface)s': %(reason)s") % {"surface": screening.surface, "reason": reason},
        )
    position_id = options.position or screening.position or technique.main_position.id
    position_id = _pick([p.id for p in technique.positions], position_id, "--position", "position")

    add_on_ids: list[str] = []
    for wanted in options.add_ons:
        add_on_id = _pick([a.id for a in technique.add_ons], wanted, "--add-on", "add-on")
        add_on = technique.add_on(add_on_id)
        if add_on_id in screening.omitted_add_ons:
            raise PlanError("--add-on", _("'%(add_on)s' is left out after screening") % {"add_on": add_on_id})
        if options.comfortable_sessions < add_on.unlock_after and add_on_id not in options.unlocked_early:
            raise PlanError(
                "--add-on",
                ngettext(
                    "'%(add_on)s' unlocks after %(n)d comfortable session (%(done)d so far)",
                    "'%(add_on)s' unlocks after %(n)d comfortable sessions (%(done)d so far)",
                    add_on.unlock_after,
                )
                % {"add_on": add_on_id, "n": add_on.unlock_after, "done": options.comfortable_sessions},
            )
        if add_on_id not in add_on_ids:
            add_on_ids.append(add_on_id)
    add_ons = [technique.add_on(a) for a in add_on_ids]

    first_hold = round(min(technique.spots.first_hold.max, budget))
    half_seat = technique.spots.seat_length / 2

    def leg_spots(side_name: str) -> tuple[list[ScriptSpot], list[ScriptSpot]]:
        planned: list[ScriptSpot] = []
        reserve: list[ScriptSpot] = []
        remaining = budget
        for k, from_joint in enumerate(positions):
            index = k + 1
            last_safe = index == len(positions)
            template = (
                technique.cues.first_spot
                if k == 0
                else technique.cues.last_spot
                if last_safe
                else technique.cues.next_spot
            )
            hold = min(first_hold, remaining)
            cue = words.fill(
                template,
                side=side_name,
                spot=index,
                spots=len(positions),
                from_joint=words.distance(from_joint),
                time=_spoken_time(first_hold, technique.language),
            )
            spot = models.ScriptSpot.model_construct(
                index=index,
                from_knee_cm=from_joint,
                seat_edge_from_knee_cm=round(from_joint - half_seat, 3),
                hold_seconds=hold if hold > 0 else first_hold,
                cue=cue,
                last_safe=last_safe,
            )
            (planned if hold > 0 else reserve).append(spot)
            remaining -= max(hold, 0)
        return planned, reserve

    segments: list[Segment] = []
    clock = 0

    def add(
        kind: Literal["start", "prepare", "spot", "add_on", "switch", "finish"],
        seconds: float,
        cue: SpokenCue,
        *,
        leg: str | None = None,
        spot: int | None = None,
        step: str | None = None,
        extra: Sequence[SpokenCue] = (),
        timed: Sequence[TimedCue] = (),
    ) -> None:
        nonlocal clock
        whole = round(seconds)
        made = models.Segment.model_construct(
            kind=kind,
            seconds=whole,
            starts_at=clock,
            cue=cue,
            extra=list(extra),
            timed=list(timed),
            leg=leg,
            spot=spot,
            step=step,
        )  # not validated: made here from checked parts (tests validate every plan)
        segments.append(made)
        clock += whole

    cues = technique.cues
    pain_rule = words.fill(cues.pain_rule)
    check_in = words.fill(cues.check_in)
    check_in_after = round(technique.spots.check_in_after)
    said_first = [models.TimedCue.model_construct(kind="pain_rule", after=0, cue=pain_rule)]
    add("start", technique.start_time, words.fill(cues.session_start), timed=said_first)
    position = technique.position(position_id)
    during = [words.fill(a.cue) for a in add_ons if a.placement == "during_spots"]
    after_side = [a for a in add_ons if a.placement == "after_side" and a.time is not None]
    legs: list[ScriptLeg] = []
    for n, side_id in enumerate(sides):
        side = technique.side(side_id)
        for step in technique.preparation:
            cue = position.steps.get(step.id, step.cue)
            add("prepare", step.time, words.fill(cue, side=side.name), leg=side_id, step=step.id)
        planned, reserve = leg_spots(side.name)
        on_leg = 0
        for spot in planned:
            # The check-in falls in the spot where the leg's time on spots reaches check_in_after.
            timed = []
            if on_leg <= check_in_after < on_leg + spot.hold_seconds:
                timed = [models.TimedCue.model_construct(kind="check_in", after=check_in_after - on_leg, cue=check_in)]
            add("spot", spot.hold_seconds, spot.cue, leg=side_id, spot=spot.index, extra=during, timed=timed)
            on_leg += spot.hold_seconds
        for a in after_side:
            add("add_on", a.time or 0, words.fill(a.cue, side=side.name), leg=side_id, step=a.id)
        legs.append(
            models.ScriptLeg.model_construct(
                leg=side_id,
                name=str(side.name),
                seconds=sum(s.hold_seconds for s in planned),
                budget_seconds=budget,
                spots=planned,
                reserve=reserve,
            )
        )
        if n + 1 < len(sides):
            nxt = technique.side(sides[n + 1])
            switch = (cues.switch_side_after_add_on if after_side else None) or cues.switch_side
            add(
                "switch",
                technique.switch_time,
                words.fill(switch, side=nxt.name, other_side=side.name),
                leg=nxt.id,
                timed=said_first,
            )
    finish = words.fill((cues.session_done_after_add_on if after_side else None) or cues.session_done)
    add("finish", technique.finish_time, finish)

    hold_values = words.values(time="{time}")
    script_dose = models.Dose.model_construct(
        seconds_per_leg=budget,
        beginner_min_seconds=int(dose.beginner_min),
        beginner_max_seconds=int(dose.beginner_max),
        maximum_seconds=int(dose.maximum),
        within_beginner_range=dose.beginner_min - _EPSILON <= budget <= dose.beginner_max + _EPSILON,
        thigh_spots=fits.spots,
        thigh_limit_seconds=fits.seconds,
    )
    rules = models.Rules.model_construct(
        first_hold_max_seconds=first_hold,
        later_holds=technique.spots.later_holds,
        extend_by_seconds=round(technique.extend_by),
        max_leg_seconds=int(dose.maximum),
        step_cm=round(technique.spots.step, 2),
        clearance_cm=round(technique.spots.clearance, 2),
        seat_length_cm=round(technique.spots.seat_length, 2),
        min_hold_seconds=round(technique.spots.min_hold),
        confirm_seconds=CONFIRM_SECONDS,
        check_in_after_seconds=check_in_after,
        move_seconds=MOVE_SECONDS,
    )
    script = models.SessionScript.model_construct(
        language=language,
        technique=models.TechniqueRef.model_construct(
            id=technique.id, version=technique.version, title=str(technique.title)
        ),
        person=models.Person.model_construct(
            thigh_cm=float(round(length_cm, 1)),
            thigh_source=source,
            height_cm=float(options.height.cm) if options.height and source == "height" else None,
            unit=unit,
        ),
        screening=models.ScreeningSummary.model_construct(
            verdict="adapt" if screening.verdict == "adapt" else "go",
            answers=dict(screening.answers),
            reasons=screening.reasons,
            cleared=screening.cleared_questions,
        ),
        surface=models.Choice.model_construct(id=surface_id, name=str(technique.surface(surface_id).name)),
        position=models.Choice.model_construct(id=position_id, name=str(position.name)),
        add_ons=[models.Choice.model_construct(id=a.id, name=str(a.name)) for a in add_ons],
        dose=script_dose,
        rules=rules,
        joint=str(technique.segment.joint),
        total_seconds=clock,
        legs=legs,
        segments=segments,
        cues=models.EventCues.model_construct(
            paused=words.fill(cues.paused),
            resumed=words.fill(cues.resumed),
            extended=words.fill(cues.extended),
            stopped=words.fill(cues.stopped),
            finish=finish,
            pain_rule=pain_rule,
            check_in=check_in,
            hold=models.SpokenCue.model_construct(show=_format(cues.hold.show, hold_values), say=""),
        ),
        explanation=[],
    )
    broken = rules_broken(technique, script, length_cm)
    if broken:
        raise UnsafeTechniqueError(f"the plan would break a safety rule, so it is not made: {broken}")
    with i18n.use(language):  # the plan's sentences in the script's language, as far as they are translated
        lines = explain(technique, script)
        if capped:
            lines.insert(
                1,
                _("%(time)s per leg, not the technique's usual first %(usual)s: %(room)s.")
                % {
                    "time": format_duration(budget),
                    "usual": format_duration(dose.start),
                    "room": fits.sentence(technique.segment.name),
                },
            )
    return script.model_copy(update={"explanation": lines})


def rules_broken(technique: Technique, script: SessionScript, length_cm: float) -> str | None:
    """The first safety rule a finished plan breaks, or ``None``: the last check before a plan is given out."""
    spots, joint = technique.spots, technique.segment.joint
    clearance = max(spots.clearance, CLEARANCE.low)
    half_seat = spots.seat_length / 2
    first_hold = script.rules.first_hold_max_seconds
    if not HOLD.low <= first_hold <= HOLD.high:
        return f"the first hold, {first_hold} s, is outside {HOLD.low:g} to {HOLD.high:g} s"
    budget = script.dose.seconds_per_leg
    if not 0 < budget <= min(DOSE.high, technique.dose.maximum) + _EPSILON:
        return f"{budget} s per side is outside the technique's dose"
    for leg in script.legs:
        every = [*leg.spots, *leg.reserve]
        if not every or len(every) > MAX_SPOTS:
            return f"{len(every)} spots on the {leg.name} side"
        for spot in every:
            if spot.from_knee_cm - half_seat < clearance - 0.01 or spot.seat_edge_from_knee_cm < clearance - 0.01:
                return f"spot {spot.index}'s seat comes within {clearance:g} cm of the {joint}"
            if spot.from_knee_cm + half_seat > length_cm + 0.01:
                return f"spot {spot.index}'s seat reaches past the end of the {technique.segment.name}"
        for far, near in itertools.pairwise(every):
            if not 0 < far.from_knee_cm - near.from_knee_cm <= spots.step + 0.01:
                return f"spot {near.index} does not move toward the {joint} by at most one step"
        if any(not 0 < s.hold_seconds <= first_hold for s in leg.spots):
            return "a hold is longer than the first spot's"
        if leg.seconds != sum(s.hold_seconds for s in leg.spots) or leg.seconds > budget:
            return f"the {leg.name} side's time is more than its dose"

    def where_and_how_long(leg: ScriptLeg) -> list[tuple[float, int]]:
        return [(s.from_knee_cm, s.hold_seconds) for s in (*leg.spots, *leg.reserve)]

    if any(where_and_how_long(leg) != where_and_how_long(script.legs[0]) for leg in script.legs):
        return "the sides differ"
    clock = 0
    for segment in script.segments:
        if segment.starts_at != clock:
            return "the timeline has a gap"
        clock += segment.seconds
    if clock != script.total_seconds:
        return "the timeline's length is not the session's"
    return None


def explain(technique: Technique, script: SessionScript) -> list[str]:
    """Plain sentences: how many spots, where, how long, how far toward the joint, the add-ons and the safety rules."""
    unit = script.person.unit
    seg, joint = technique.segment, script.joint

    def d(cm: float) -> str:
        return format_distance(cm, unit)

    thigh = d(script.person.thigh_cm)
    segment = seg.name.capitalize() if i18n.active() == "en" else str(seg.name)  # "Thigh length", "Longitud del muslo"
    named = {"segment": segment, "length": thigh, "height": d(script.person.height_cm or 0)}
    source = {
        "measured": _("%(segment)s length %(length)s, as measured."),
        "height": _(
            "%(segment)s length %(length)s, estimated from a height of %(height)s; measure it for a better plan."
        ),
        "default": _(
            "%(segment)s length %(length)s: a typical adult's, since none was given. Measure it for a better plan."
        ),
    }[script.person.thigh_source] % named
    leg = script.legs[0]
    planned, reserve = leg.spots, leg.reserve
    every = [*planned, *reserve]
    first, reach, last = planned[0], planned[-1], every[-1]
    rules = script.rules
    lines = [source]
    screening = script.screening
    adapted = [r for r in screening.reasons if not any(_is_ask_reason(technique, q, r) for q in screening.cleared)]
    if adapted:
        lines.append(_("Adapted after screening:") + " " + " ".join(adapted))
    if screening.cleared:
        asked = ", ".join(q.replace("_", " ") for q in screening.cleared)
        lines.append(
            _("You confirmed that a doctor or therapist has said this technique is fine for the receiver (%(asked)s).")
            % {"asked": asked}
        )
    values = {
        "n": len(planned),
        "step": d(rules.step_cm),
        "first": d(first.from_knee_cm),
        "last": d(reach.from_knee_cm),
        "joint": joint,
    }
    lines.append(
        ngettext(
            "%(n)d spot per leg, %(first)s above the %(joint)s (middle of the giver's seat).",
            "%(n)d spots per leg, %(step)s apart, from %(first)s to %(last)s above the %(joint)s "
            "(middle of the giver's seat).",
            len(planned),
        )
        % values
    )
    holds = {"first": format_duration(rules.first_hold_max_seconds), "least": format_duration(rules.min_hold_seconds)}
    if rules.min_hold_seconds:
        first_spot = _(
            "First spot: up to %(first)s, or until the muscle softens "
            "(softened in under %(least)s needs a second press to confirm)."
        )
        later_spots = _(
            "Later spots: until it softens, at most as long as the first spot took "
            "but never under %(least)s (while the leg has time left)."
        )
    else:
        first_spot = _("First spot: up to %(first)s, or until the muscle softens.")
        later_spots = _("Later spots: until it softens, at most as long as the first spot took.")
    lines.append(f"{first_spot % holds} {later_spots % holds}")
    dose_words = _("%(time)s per leg") % {"time": format_duration(script.dose.seconds_per_leg)}
    if not script.dose.within_beginner_range:
        dose_words += " " + _("(above the beginner range of %(low)s to %(high)s)") % {
            "low": format_duration(script.dose.beginner_min_seconds),
            "high": format_duration(script.dose.beginner_max_seconds),
        }
    reached = {
        "dose": dose_words,
        "reach": d(reach.from_knee_cm),
        "joint": joint,
        "m": len(reserve),
        "last": d(last.from_knee_cm),
    }
    if reserve:
        lines.append(
            ngettext(
                "With %(dose)s, the spot is %(reach)s from the %(joint)s.",
                "With %(dose)s, the spots reach %(reach)s from the %(joint)s.",
                len(planned),
            )
            % reached
            + " "
            + ngettext(
                "Spots that soften early leave time for %(m)d more spot, %(last)s from the %(joint)s.",
                "Spots that soften early leave time for up to %(m)d more, as close as %(last)s.",
                len(reserve),
            )
            % reached
        )
    else:
        lines.append(
            ngettext(
                "With %(dose)s, the only spot is the last safe one, %(reach)s from the %(joint)s.",
                "With %(dose)s, the spots reach the last safe spot, %(reach)s from the %(joint)s.",
                len(planned),
            )
            % reached
        )
    if script.dose.thigh_spots is not None and script.dose.thigh_limit_seconds is not None:
        fits = Room(script.dose.thigh_spots, script.dose.thigh_limit_seconds)
        sentence = fits.sentence(seg.name)
        lines.append(sentence[0].upper() + sentence[1:] + ".")
    lines.append(
        _("No sitting within %(clearance)s of the %(joint)s: the seat's near edge stays at least %(edge)s from it.")
        % {"clearance": d(rules.clearance_cm), "joint": joint, "edge": d(last.seat_edge_from_knee_cm)}
    )
    add_on_parts = []
    for choice in script.add_ons:
        add_on = technique.add_on(choice.id)
        when = (
            _("during every spot")
            if add_on.placement == "during_spots"
            else _("%(time)s after each leg") % {"time": format_duration(add_on.time or 0)}
        )
        add_on_parts.append(f"{_in_sentence(add_on.name)} ({when})")
    if add_on_parts:
        lines.append(
            ngettext("Add-on: %(list)s.", "Add-ons: %(list)s.", len(add_on_parts)) % {"list": "; ".join(add_on_parts)}
        )
    if script.cues.pain_rule is not None:
        if len(script.legs) > 1:
            safety = _(
                "Safety: at the start and before the second leg the receiver is told to say at once if anything hurts"
            )
        else:
            safety = _("Safety: at the start the receiver is told to say at once if anything hurts")
        if rules.check_in_after_seconds is not None:
            safety += _("; %(time)s into each leg they are asked whether the pressure is all right") % {
                "time": format_duration(rules.check_in_after_seconds)
            }
        lines.append(safety + ".")
    lines.append(
        _("In all about %(total)s, with both legs done the same way, on the %(surface)s, %(position)s.")
        % {
            "total": format_duration(script.total_seconds),
            "surface": _in_sentence(script.surface.name),
            "position": _in_sentence(script.position.name),
        }
    )
    return lines


def _is_ask_reason(technique: Technique, question_id: str, reason: str) -> bool:
    q = next((q for q in technique.questions if q.id == question_id), None)
    return q is not None and str(q.if_yes.reason) == reason
