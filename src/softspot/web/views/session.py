"""A planned session: the plan, the ratings before, the player, and its audio."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods

from softspot.core.aftercare import DISCOMFORT, SEE_A_PROFESSIONAL, aftercare
from softspot.core.script import SessionScript
from softspot.core.technique import Technique
from softspot.core.units import format_distance, format_seconds
from softspot.store.records import recent_stop_reasons, record_of_plan
from softspot.web import sound
from softspot.web.access import Owner, owner_page, owner_resource
from softspot.web.drawing import thigh_map_svg
from softspot.web.forms import RATINGS, RatingsForm
from softspot.web.models import CueText, Plan, cue_sha, spoken_texts
from softspot.web.sources import Part, adds, technique_of, timed_adds, timeline_parts


def owned_plan(owner: Owner, plan_id: uuid.UUID) -> Plan:
    """The owner's plan; anyone else's is a 404, so its existence is not revealed."""
    return get_object_or_404(Plan, pk=plan_id, owner=owner)


def timeline(script: SessionScript, technique: Technique | None = None) -> list[dict[str, object]]:
    """The rows of the plan's table, as the terminal prints them: each segment's ``label`` (its parts marked when
    they are softspot's), and under it the cues said inside it (the pain rule, the check-in) at their moment."""
    unit = script.person.unit
    rows: list[dict[str, object]] = []
    for seg in script.segments:
        spot = script.spot_at(seg)
        where = format_distance(spot.from_knee_cm, unit) if spot else ""
        rows.append(
            {
                "at": format_seconds(seg.starts_at),
                "for": format_seconds(seg.seconds),
                "leg": seg.leg if seg.leg and seg.kind in {"prepare", "spot", "add_on"} else "",
                "parts": timeline_parts(technique, script, seg),
                "where": where,
                "kind": seg.kind,
            }
        )
        for timed in seg.timed:
            rows.append(
                {
                    "at": format_seconds(seg.starts_at + timed.after),
                    "for": "",
                    "leg": "",
                    "parts": [Part(timed.cue.show, timed_adds(technique, timed))],
                    "where": "",
                    "kind": timed.kind,
                    "said": TIMED_WORDS[timed.kind],
                }
            )
    return rows


TIMED_WORDS = {"pain_rule": "Pain rule", "check_in": "Check-in"}


@require_GET
@owner_page
def plan_page(request: HttpRequest, owner: Owner, plan_id: uuid.UUID) -> HttpResponse:
    row = owned_plan(owner, plan_id)
    script = row.session_script
    technique = technique_of(script)
    return render(
        request,
        "softspot/plan.html",
        {
            "plan": row,
            "script": script,
            "technique": technique,
            "thigh_map": thigh_map_svg(script),
            "rows": timeline(script, technique),
            "total": format_seconds(script.total_seconds),
        },
    )


@require_http_methods(["GET", "POST"])
@owner_page
def before(request: HttpRequest, owner: Owner, plan_id: uuid.UUID) -> HttpResponseBase:
    row = owned_plan(owner, plan_id)
    form = RatingsForm(request.POST if request.method == "POST" else None, initial=row.before or {})
    if request.method == "POST" and form.is_valid():
        row.before = form.ratings()
        row.save(update_fields=["before"])
        return redirect("play", plan_id=row.id)
    return render(
        request,
        "softspot/before.html",
        {"plan": row, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def session_data(request: HttpRequest, row: Plan, script: SessionScript, saved_key: str | None) -> dict[str, object]:
    """The player's one JSON island (documented in docs/web.md)."""
    shas = CueText.register(spoken_texts(script))
    return {
        "plan_id": str(row.id),
        "script": script.model_dump(mode="json"),
        "before": row.before,
        "record_url": reverse("store:records"),
        "csrf_token": get_token(request),
        "cue_url_pattern": reverse("cue", kwargs={"sha": "0" * 64}).replace("0" * 64, "{sha}"),
        "cue_urls": {text: reverse("cue", kwargs={"sha": sha}) for text, sha in shas.items()},
        "chime_url": reverse("chime"),
        "audio_url": reverse("plan-audio", kwargs={"plan_id": row.id}),
        "time_scale": settings.SOFTSPOT_TIME_SCALE,
        "history_url": reverse("history"),
        "plan_url": reverse("plan", kwargs={"plan_id": row.id}),
        "technique_url": reverse("technique", kwargs={"technique_id": row.technique_id}),
        "sw_url": reverse("service-worker"),
        "saved": {"key": saved_key} if saved_key else None,
    }


@require_GET
@gzip_page  # a quarter of the size for a phone on the home network (Django pads it against BREACH)
@owner_page
def play(request: HttpRequest, owner: Owner, plan_id: uuid.UUID) -> HttpResponseBase:
    row = owned_plan(owner, plan_id)
    if row.before is None:
        return redirect("before", plan_id=row.id)
    script = row.session_script
    # Saved already (on this device or another): the page says so instead of offering the form again.
    saved = record_of_plan(owner, row.id)
    # What to say after a stop for discomfort (softspot.core.aftercare): once saved, from the stored sessions;
    # before, as if this one is the next, since the page shows it the moment the reason is given.
    reasons = recent_stop_reasons(row.receiver, script.technique.id)
    care = aftercare(reasons if saved else [*reasons, DISCOMFORT]) or aftercare([DISCOMFORT])
    technique = technique_of(script)
    pain_rule_adds = technique is not None and adds(technique, technique.cues, technique.cues.pain_rule)
    return render(
        request,
        "softspot/player.html",
        {
            "plan": row,
            "script": script,
            "saved": saved,
            "session_data": session_data(request, row, script, str(saved.key) if saved else None),
            "thigh_map": thigh_map_svg(script, svg_id="live-map", live=True),
            "after_form": RatingsForm(prefix="after"),
            "ratings": RATINGS,
            "aftercare": care,
            "see_a_professional": SEE_A_PROFESSIONAL,
            "pain_rule_adds": pain_rule_adds,
        },
    )


def _wav(data: bytes | Path, name: str) -> HttpResponseBase:
    if isinstance(data, Path):
        response: HttpResponseBase = FileResponse(data.open("rb"), content_type="audio/wav", filename=name)
    else:
        response = HttpResponse(data, content_type="audio/wav")
        response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    return response


def _unavailable(message: str) -> HttpResponseBase:
    return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")


@require_GET
@owner_resource
def plan_audio(request: HttpRequest, owner: Owner, plan_id: uuid.UUID) -> HttpResponseBase:
    """The whole session as one WAV, for any media player (rendered once, then cached)."""
    row = owned_plan(owner, plan_id)
    try:
        data = sound.session_wav(row.session_script)
    except sound.AudioUnavailable as exc:
        return _unavailable(str(exc))
    return _wav(data, f"softspot-{row.id}.wav")


@require_GET
@owner_resource
def cue(request: HttpRequest, owner: Owner, sha: str) -> HttpResponseBase:
    """A spoken cue by its content hash; only texts of planned sessions are ever rendered."""
    text = CueText.objects.filter(sha=sha).values_list("text", flat=True).first()
    if text is None or cue_sha(text) != sha:
        raise Http404("No such cue")
    try:
        data = sound.cue_wav(text)
    except sound.AudioUnavailable as exc:
        return _unavailable(str(exc))
    return _wav(data, f"{sha}.wav")


@require_GET
@owner_resource
def chime(request: HttpRequest, owner: Owner) -> HttpResponseBase:
    """The soft chime played before each move."""
    try:
        data = sound.chime_wav()
    except sound.AudioUnavailable as exc:
        return _unavailable(str(exc))
    return _wav(data, "chime.wav")
