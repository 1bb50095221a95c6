"""The technique page (public), the safety check and the set-up form."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language, gettext, gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods

from softspot import i18n
from softspot.core.loader import built_in, built_in_ids
from softspot.core.people import FIRST_RECEIVER
from softspot.core.planner import PlanError, PlanOptions, StopError, offered_add_ons, plan, room, thigh_length
from softspot.core.screening import AnswerError, Screening, screen
from softspot.core.script import SessionScript
from softspot.core.technique import Question, Technique
from softspot.core.units import CM_PER_INCH, Length, UnitError, format_distance, format_duration, parse_length
from softspot.practice import care, catalogue
from softspot.store import receivers, records
from softspot.store.models import Receiver
from softspot.web.access import Owner, owner_page
from softspot.web.caching import not_modified, page_etag, tagged
from softspot.web.demo import build as build_demo
from softspot.web.drawing import thigh_map_svg
from softspot.web.forms import NEW, CheckForm, GoAheadForm, SetupForm
from softspot.web.models import Plan
from softspot.web.sources import adds, answered
from softspot.web.words import player_words

SURFACE_PICTURES = {"floor": "receiver-face-down.svg", "bed": "bed.svg"}
POSITION_PICTURES = {"sideways": "giver-sideways.svg", "straddle": "straddle.svg"}
PLAN_FIELDS = {
    "--thigh": "thigh",
    "--height": "height",
    "--minutes-per-leg": "minutes",
    "--start-leg": "start_leg",
    "--position": "position",
    "--surface": "surface",
    "--add-on": "add_ons",
}
_ANSWERS = "softspot_answers"
RECEIVER = gettext_lazy("the receiver")


def _first_name(owner: Owner) -> str:
    """A first receiver's name when nobody gave one: the owner's first name, else "Receiver" in the page's
    language (it is stored as the person's name, so it is written once, in the language the pair reads)."""
    name = receivers.first_receiver_name(owner)
    return pgettext("a first receiver's name when nobody gave one", "Receiver") if name == FIRST_RECEIVER else name


"""How pages name the receiver (a later wave names each one)."""


def technique_or_404(technique_id: str, version: str | None = None) -> Technique:
    """A built-in technique or one a therapist published (its newest version, or ``version``), in the page's
    language when it is written in it."""
    try:
        return in_page_language(catalogue.technique(technique_id, version))
    except catalogue.NoSuchTechnique:
        raise Http404("No such technique") from None


def in_page_language(technique: Technique) -> Technique:
    """``technique`` written in the page's language alone (``softspot.i18n.active()``, set per request by
    ``softspot.web.language``), when it is written in it; else as it is. Made once per version and language."""
    lang = i18n.active()
    if lang not in technique.written_in or technique.written_in == (lang,):
        return technique
    return _localized(technique.id, technique.version, lang)


@lru_cache(maxsize=64)
def _localized(technique_id: str, version: str, lang: str) -> Technique:
    return catalogue.technique(technique_id, version).localized(lang)


def home(request: HttpRequest) -> HttpResponse:
    ids = built_in_ids()
    if len(ids) == 1:
        return redirect("technique", technique_id=ids[0])
    return render(request, "softspot/home.html", {"techniques": [built_in(i) for i in ids]})


def about(cm: float) -> str:
    """ "about 1 in (2.5 cm)": a distance in inches and centimetres, in the page's language."""
    return gettext("about %(inches)s (%(cm)s)") % {"inches": format_distance(cm, "in"), "cm": format_distance(cm)}


def from_to(low: str, high: str) -> str:
    """ "2 min to 5 min", in the page's language."""
    return gettext("%(low)s to %(high)s") % {"low": low, "high": high}


@lru_cache(maxsize=64)  # per technique version and language: a practice publishes new ones
def technique_context(technique_id: str, version: str, lang: str) -> dict[str, Any]:
    """Everything the technique page shows, the example plan and its drawing included: computed once per
    technique version, language and process (``built_in`` keeps the compiled technique itself). ``lang`` is
    the active language (the words made here are in it); it is part of the key, not read here."""
    technique = technique_or_404(technique_id, version)
    example = plan(technique, PlanOptions(answers={q.id: False for q in technique.questions}))
    demo = build_demo(technique, example)
    dose = technique.dose
    return {
        "technique": technique,
        "stops": answered(technique, _answering(technique, "stop"), with_ask=False),
        "asks": answered(technique, _answering(technique, "ask_first")),
        "adapts": [q for q in technique.questions if q.if_yes.action == "adapt"],
        "surfaces": [(s, SURFACE_PICTURES.get(s.id)) for s in technique.surfaces],
        "positions": [(p, POSITION_PICTURES.get(p.id)) for p in technique.positions],
        "thigh_map": thigh_map_svg(example, svg_id="example-map"),
        "example": example,
        "demo": demo,
        "demo_data": {**demo.data(), "words": player_words()},
        "steps": _steps(technique, example),
        "step_words": about(example.rules.step_cm),
        "clearance_words": about(example.rules.clearance_cm),
        "dose": {
            "beginner": from_to(format_duration(dose.beginner_min), format_duration(dose.beginner_max)),
            "start": format_duration(dose.start),
            "grow_by": format_duration(dose.grow_by),
            "grow_after": dose.grow_after,
            "maximum": format_duration(dose.maximum),
            "first_hold": format_duration(technique.spots.first_hold.max),
            "min_hold": format_duration(technique.spots.min_hold),
            "check_in_after": format_duration(technique.spots.check_in_after),
            "shortest": format_duration(room(technique, technique.segment.min_length).seconds),
            "typical": format_duration(room(technique, technique.segment.default_length).seconds),
            "min_length": format_distance(technique.segment.min_length),
            "default_length": format_distance(technique.segment.default_length),
        },
    }


def technique_page(request: HttpRequest, technique_id: str) -> HttpResponseBase:
    """Public: what it helps, origin, who must not do it, setup, positions, dose, add-ons, practice."""
    technique = technique_or_404(technique_id)
    etag = page_etag(request, "technique", technique.id, technique.version)
    unchanged = not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    response = render(
        request, "softspot/technique.html", technique_context(technique.id, technique.version, get_language())
    )
    return tagged(response, etag)


def _answering(technique: Technique, action: str) -> list[Question]:
    return [q for q in technique.questions if q.if_yes.action == action]


def _steps(technique: Technique, example: SessionScript) -> list[dict[str, object]]:
    """Each leg's preparation as the example plan words it, each part marked when it is softspot's."""
    position = technique.position(example.position.id)
    rows: list[dict[str, object]] = []
    prepared = [s for s in example.segments if s.kind == "prepare" and s.leg == example.legs[0].leg]
    for step, seg in zip(technique.preparation, prepared, strict=True):
        cue_parts = (position, position.steps[step.id]) if step.id in position.steps else (step, step.cue)
        rows.append(
            {
                "show": seg.cue.show,
                "adds": adds(technique, *cue_parts),
                "detail": step.detail,
                "detail_adds": step.detail is not None and adds(technique, step, step.detail),
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
@owner_page
def check(request: HttpRequest, owner: Owner, technique_id: str) -> HttpResponse:
    """The safety questions. A stop lists every reason; an ask-first answer says why and asks for the
    go-ahead of a doctor or therapist (a checkbox, carried with the answers); go or adapt goes on to set-up."""
    technique = technique_or_404(technique_id)
    form = CheckForm(technique, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        result = screen(technique, answers)
        if result.verdict == "stop":
            request.session.pop(_ANSWERS, None)
            context = {
                "technique": technique,
                "result": result,
                "stops": answered(technique, result.stops, with_ask=False),
                "asks": answered(technique, result.asks, with_ask=False),
            }
            return render(request, "softspot/stop.html", context)
        if result.verdict == "ask_first":
            request.session.pop(_ANSWERS, None)
            choice = request.POST.get("go_ahead")
            go_ahead = GoAheadForm(request.POST if choice == "yes" else None, receiver=str(RECEIVER))
            if choice == "yes" and go_ahead.is_valid():
                result = screen(technique, answers, cleared=True)
            else:
                context = {
                    "technique": technique,
                    "result": result,
                    "asks": answered(technique, result.asks),
                    "form": form,
                    "go_ahead": go_ahead,
                    "waiting": choice == "not_yet",
                    "receiver": RECEIVER,
                }
                return render(request, "softspot/ask_first.html", context, status=400 if choice == "yes" else 200)
        stored = dict(request.session.get(_ANSWERS, {}))
        stored[technique.id] = {"answers": result.answers, "cleared": result.cleared}
        request.session[_ANSWERS] = stored
        target = reverse("setup", kwargs={"technique_id": technique.id})
        whose = request.GET.get("receiver", "")
        if whose == NEW or receivers.owned(owner, whose) is not None:
            target += "?" + urlencode({"receiver": whose})  # from a receiver's history page: their set-up
        return redirect(target)
    return render(request, "softspot/check.html", {"technique": technique, "form": form})


def _screening(request: HttpRequest, technique: Technique) -> Screening | None:
    """Today's answers (and go-ahead) kept by the check page; None sends the person back to it."""
    kept = request.session.get(_ANSWERS, {}).get(technique.id)
    if not isinstance(kept, dict) or not isinstance(kept.get("answers"), dict):
        return None
    try:
        result = screen(technique, kept["answers"], cleared=kept.get("cleared") is True)
    except AnswerError:
        return None
    return result if result.verdict in ("go", "adapt") else None


def _whose(owner: Owner, value: str | None, default: Receiver | None) -> Receiver | None:
    """The receiver a ``receiver`` value names: ``new`` is None (someone new), missing is ``default``;
    another household's receiver, or anything else, is a 404."""
    if value is None or value == "":
        return default
    if value == NEW:
        return None
    found = receivers.owned(owner, value)
    if found is None:
        raise Http404("No such receiver")
    return found


def _initial(technique: Technique, receiver: Receiver | None) -> dict[str, Any]:
    """The receiver's remembered measurements, in their unit, and their first leg."""
    if receiver is None:
        return {"unit": "cm", "start_leg": technique.sides[0].id}
    unit = receiver.unit if receiver.unit in ("cm", "in") else "cm"
    factor = CM_PER_INCH if unit == "in" else 1.0
    sides = {s.id for s in technique.sides}
    initial: dict[str, Any] = {
        "unit": unit,
        "start_leg": receiver.first_leg if receiver.first_leg in sides else technique.sides[0].id,
    }
    if receiver.thigh_cm is not None:
        initial["thigh"] = f"{round(receiver.thigh_cm / factor, 1):g}"
    elif receiver.height_cm is not None:
        initial["height"] = f"{round(receiver.height_cm / factor, 1):g}"
    return initial


def _known_thigh(technique: Technique, receiver: Receiver | None) -> float | None:
    """The receiver's thigh in cm as the planner would take it (measured, else from height), if known."""
    if receiver is None or (receiver.thigh_cm is None and receiver.height_cm is None):
        return None
    options = PlanOptions(
        thigh=Length(receiver.thigh_cm) if receiver.thigh_cm is not None else None,
        height=Length(receiver.height_cm) if receiver.height_cm is not None else None,
    )
    try:
        return thigh_length(technique, options)[0]
    except PlanError:
        return None


@require_http_methods(["GET", "POST"])
@owner_page
def setup(request: HttpRequest, owner: Owner, technique_id: str) -> HttpResponseBase:
    """Who is receiving, their thigh, first leg, position, minutes and add-ons; a valid form makes a plan (and
    remembers the receiver's measurements, adding someone new), a bad one saves nothing.

    The page is for one receiver at a time (``?receiver=<id>`` or ``new``; default: whoever had the last
    session): their measurements, suggestion and add-ons. Choosing someone else and posting shows their page
    first, so nobody is planned with another's numbers.
    """
    technique = technique_or_404(technique_id)
    result = _screening(request, technique)
    if result is None:
        return redirect("check", technique_id=technique.id)
    everyone = receivers.household(owner)
    default = receivers.latest(owner) or (everyone[0] if everyone else None)
    posted = request.method == "POST"
    shown = _whose(owner, (request.POST if posted else request.GET).get("shown_for" if posted else "receiver"), default)
    chosen = _whose(owner, request.POST.get("receiver"), shown) if posted else shown
    switched = posted and (chosen.pk if chosen else None) != (shown.pk if shown else None)
    if switched:
        shown, posted = chosen, False
    # A therapist's programme for this receiver (w2-practice): its exact technique version, its starting dose,
    # its add-ons unlocked early.
    start = care.start_for(shown, technique.id)
    if start is not None:
        technique = start.technique
    early = start.prescribed.add_ons if start is not None else ()
    suggestion = records.suggestion(
        shown, technique, _known_thigh(technique, shown), start.prescribed if start is not None else None
    )
    if result.surface:
        surfaces = [(result.surface, str(technique.surface(result.surface).name))]
    else:
        surfaces = [(s.id, str(s.name)) for s in technique.surfaces]
    unlocked = offered_add_ons(technique, result, suggestion.comfortable_sessions, early)
    locked = [a for a in technique.add_ons if a not in unlocked]
    initial = {
        **_initial(technique, shown),
        "receiver": str(shown.pk) if shown else NEW,
        "surface": surfaces[0][0],
        "position": result.position or technique.main_position.id,
        "minutes": f"{suggestion.seconds_per_leg / 60:g}",
    }
    data = None
    if posted:
        data = request.POST.copy()
        data.setdefault("receiver", initial["receiver"])  # a form without the choice is for the page's receiver
    form = SetupForm(
        technique,
        data,
        initial=initial,
        surfaces=surfaces,
        add_ons=[(a.id, a.name) for a in unlocked],
        receivers=[(str(r.pk), r.name) for r in everyone],
        first_name=None if everyone else _first_name(owner),
    )
    if posted and form.is_valid():
        made = _make_plan(form, *_in_their_language(technique, shown), result, suggestion.comfortable_sessions, early)
        if made is not None:
            plan_row = _save_plan(form, owner, shown, made)
            if plan_row is not None:
                return redirect("plan", plan_id=plan_row.id)
    return render(
        request,
        "softspot/setup.html",
        {
            "technique": technique,
            "form": form,
            "result": result,
            "suggestion": suggestion,
            "unlocked": unlocked,
            "locked": locked,
            "shown": shown,
            "shown_for": str(shown.pk) if shown else NEW,
            "switched": switched,
            "programme": start,
            "beginner": from_to(f"{technique.dose.beginner_min / 60:g}", f"{technique.dose.beginner_max / 60:g}"),
            "maximum": f"{technique.dose.maximum / 60:g}",
            "receiver": RECEIVER,
            "cleared": answered(technique, result.asks, with_ask=False) if result.cleared else [],
        },
        status=400 if posted else 200,
    )


def _save_plan(form: SetupForm, owner: Owner, receiver: Receiver | None, made: SessionScript) -> Plan | None:
    """Remember the receiver's measurements (adding someone new) and keep the plan, all or nothing."""
    data = form.cleaned_data
    unit = data["unit"]
    factor = CM_PER_INCH if unit == "in" else 1.0
    thigh = data["thigh"] * factor if data.get("thigh") is not None else None
    height = data["height"] * factor if data.get("height") is not None else None
    try:
        with transaction.atomic():
            if receiver is None:
                receiver = receivers.add(
                    owner, data["new_name"], thigh_cm=thigh, height_cm=height, unit=unit, first_leg=data["start_leg"]
                )
            else:
                # What the form showed is what is kept: an emptied field forgets that measurement.
                receivers.remember(receiver, unit=unit, first_leg=data["start_leg"])
                receivers.set_measurements(receiver, thigh_cm=thigh, height_cm=height)
            plan_row = Plan.create_for(receiver, made)  # registers its cue texts
    except receivers.ReceiverError as exc:
        form.add_error("new_name" if exc.field == "name" else None, str(exc)[0].upper() + str(exc)[1:] + ".")
        return None
    return plan_row


def _in_their_language(technique: Technique, receiver: Receiver | None) -> tuple[Technique, str | None]:
    """The technique and the language to plan in: the receiver's own (``Receiver.language``) when they have one
    and the technique is written in it, else the page's (``technique`` is already in it)."""
    lang = i18n.normalize(receiver.language) if receiver is not None and receiver.language else None
    if lang is None or lang == i18n.active():
        return technique, None
    every_language = catalogue.technique(technique.id, technique.version)
    if lang not in every_language.written_in:
        return technique, None
    return every_language, lang


def _make_plan(
    form: SetupForm,
    technique: Technique,
    language: str | None,
    result: Screening,
    comfortable: int,
    early: tuple[str, ...] = (),
) -> SessionScript | None:
    data = form.cleaned_data
    unit = data["unit"]
    lengths: dict[str, Any] = {}
    for name in ("thigh", "height"):
        if data.get(name) is not None:
            try:
                lengths[name] = parse_length(f"{data[name]} {unit}")
            except UnitError as exc:
                form.add_error(name, str(exc))
                return None
    options = PlanOptions(
        thigh=lengths.get("thigh"),
        height=lengths.get("height"),
        minutes_per_leg=data["minutes"],
        start_leg=data["start_leg"],
        position=data["position"],
        surface=data["surface"],
        add_ons=tuple(data.get("add_ons") or ()),
        answers=result.answers,
        comfortable_sessions=comfortable,
        unit=unit,
        cleared=result.cleared,
        unlocked_early=early,
        language=language,
    )
    try:
        return plan(technique, options)
    except StopError:
        form.add_error(None, gettext("The safety check says stop; no plan is made."))
    except PlanError as exc:
        message = str(exc).split(": ", 1)[-1]
        field = PLAN_FIELDS.get(exc.field)
        form.add_error(field if field in form.fields else None, message)
    return None


def start_url(technique: Technique) -> str:
    return reverse("check", kwargs={"technique_id": technique.id})


ILLUSTRATIONS = frozenset({*SURFACE_PICTURES.values(), *POSITION_PICTURES.values(), "measure-thigh.svg"})


@lru_cache(maxsize=64)
def _illustration(lang: str, name: str) -> bytes:
    with translation.override(lang):
        return render_to_string(f"softspot/img/{name}", {}).encode()


@require_GET
def illustration(request: HttpRequest, lang: str, name: str) -> HttpResponse:
    """A drawing with its labels in ``lang`` (``/illustration/th/bed.svg``): the language is in the address, so
    a cached drawing is never shown in another language. Public: it says nothing about anyone."""
    if name not in ILLUSTRATIONS or lang not in i18n.LANGUAGES:
        raise Http404("No such drawing")
    response = HttpResponse(_illustration(lang, name), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response
