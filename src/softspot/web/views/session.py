"""A planned session: the plan, the ratings before, the player, and its audio."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from softspot.core.aftercare import DISCOMFORT, SEE_A_PROFESSIONAL, aftercare
from softspot.core.script import SessionScript
from softspot.core.technique import Technique
from softspot.core.units import format_distance, format_seconds
from softspot.store.records import recent_stop_reasons, record_of_plan
from softspot.web import sound
from softspot.web.access import Owner, owner_page, owner_resource
from softspot.web.caching import not_modified, page_etag, tagged
from softspot.web.drawing import thigh_map_svg
from softspot.web.forms import RATINGS, RatingsForm
from softspot.web.models import CueText, Plan, cue_sha, spoken_texts
from softspot.web.ranges import ranged_file
from softspot.web.sources import Part, adds, technique_of, timed_adds, timeline_parts
from softspot.web.words import player_words

OFFLINE_FILES = (
    "player.js", "engine.js", "audio.js", "display.js", "keepalive.js", "keys.js", "outbox.js", "record.js",
    "snapshot.js", "theme.js", "refused.js", "words.js", "site.css",
)  # fmt: skip
"""What the service worker keeps for an offline start, besides the page and its audio (by their hashed URLs)."""


def owned_plan(owner: Owner, plan_id: uuid.UUID) -> Plan:
    """The owner's plan; anyone else's is a 404, so its existence is not revealed."""
    return get_object_or_404(Plan, pk=plan_id, owner=owner)


@dataclass(frozen=True)
class PlanParts:
    """What a plan's pages are made of and never changes once it is planned: computed once per process."""

    script: SessionScript
    technique: Technique | None
    """The technique the plan was made from, when softspot still has it (to mark what softspot adds)."""
    script_json: dict[str, object]
    cue_shas: dict[str, str]
    thigh_map: SafeString
    live_map: SafeString
    rows: list[dict[str, object]]


_PARTS: OrderedDict[tuple[uuid.UUID, str], PlanParts] = OrderedDict()
KEPT_PLANS = 64
"""Plans whose parts are kept in memory (the most recently used), each in the page languages it was shown in."""


def parts_of(row: Plan) -> PlanParts:
    """The plan's validated script, drawings and timeline, from memory after the first time (a plan's script is
    written once, when it is made). The script column is read only on a miss. The drawings' words are in the
    page's language, so the parts are kept per plan and language."""
    key = (row.id, get_language())
    parts = _PARTS.get(key)
    if parts is None:
        script = row.session_script
        technique = technique_of(script)
        parts = PlanParts(
            script=script,
            technique=technique,
            script_json=script.model_dump(mode="json"),
            cue_shas={text: cue_sha(text) for text in spoken_texts(script)},
            thigh_map=thigh_map_svg(script),
            live_map=thigh_map_svg(script, svg_id="live-map", live=True),
            rows=timeline(script, technique),
        )
        _PARTS[key] = parts
        while len(_PARTS) > KEPT_PLANS:
            _PARTS.popitem(last=False)
    else:
        _PARTS.move_to_end(key)
    return parts


def plan_row(owner: Owner, plan_id: uuid.UUID) -> Plan:
    """:func:`owned_plan` without its script (~30 KB of JSON), which :func:`parts_of` loads only when needed."""
    return get_object_or_404(Plan.objects.defer("script").select_related("receiver"), pk=plan_id, owner=owner)


@cache
def after_fields(lang: str) -> SafeString:
    """The after-session ratings (33 radio buttons): the same for every player page in a language, so rendered
    once per language (``lang``, the active one, is the cache's key)."""
    html = render_to_string("softspot/_after_fields.html", {"after_form": RatingsForm(prefix="after")})
    return mark_safe(html)  # rendered by Django's templates, escaped there


def timeline(script: SessionScript, technique: Technique | None = None) -> list[dict[str, object]]:
    """The rows of the plan's table, as the terminal prints them: each segment's ``label`` (its parts marked when
    they are softspot's), and under it the cues said inside it (the pain rule, the check-in) at their moment."""
    unit = script.person.unit
    # A leg by its side's name in the plan's language ("links", "ซ้าย"), not its id ("left").
    sides = {side.id: str(side.name) for side in technique.localized(script.language).sides} if technique else {}
    rows: list[dict[str, object]] = []
    for seg in script.segments:
        spot = script.spot_at(seg)
        where = format_distance(spot.from_knee_cm, unit) if spot else ""
        rows.append(
            {
                "at": format_seconds(seg.starts_at),
                "for": format_seconds(seg.seconds),
                "leg": sides.get(seg.leg, seg.leg) if seg.leg and seg.kind in {"prepare", "spot", "add_on"} else "",
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


TIMED_WORDS = {"pain_rule": gettext_lazy("Pain rule"), "check_in": gettext_lazy("Check-in")}


@require_GET
@owner_page
def plan_page(request: HttpRequest, owner: Owner, plan_id: uuid.UUID) -> HttpResponseBase:
    row = plan_row(owner, plan_id)
    etag = page_etag(request, "plan", row.id)  # a plan's script never changes
    unchanged = not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    parts = parts_of(row)
    script = parts.script
    response = render(
        request,
        "softspot/plan.html",
        {
            "plan": row,
            "script": script,
            "technique": parts.technique,
            "thigh_map": parts.thigh_map,
            "rows": parts.rows,
            "total": format_seconds(script.total_seconds),
        },
    )
    return tagged(response, etag)


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


def session_data(request: HttpRequest, row: Plan, parts: PlanParts, saved_key: str | None) -> dict[str, object]:
    """The player's one JSON island (documented in docs/web.md). Reads only: the cue texts were registered when
    the plan was made (``Plan.create_for``)."""
    shas = parts.cue_shas
    return {
        "plan_id": str(row.id),
        "script": parts.script_json,
        "before": row.before,
        "record_url": reverse("store:records"),
        "csrf_token": get_token(request),
        "cue_url_pattern": reverse("cue", kwargs={"sha": "0" * 64}).replace("0" * 64, "{sha}"),
        "cue_urls": {text: reverse("cue", kwargs={"sha": sha}) for text, sha in shas.items()},
        "chime_url": reverse("chime"),
        "audio_url": reverse("plan-audio", kwargs={"plan_id": row.id}),
        "audio_m4a_url": reverse("plan-audio-m4a", kwargs={"plan_id": row.id}) if sound.has_aac() else None,
        "time_scale": settings.SOFTSPOT_TIME_SCALE,
        "history_url": reverse("history"),
        "plan_url": reverse("plan", kwargs={"plan_id": row.id}),
        "technique_url": reverse("technique", kwargs={"technique_id": row.technique_id}),
        "sw_url": reverse("service-worker"),
        "static_urls": [static(f"softspot/{name}") for name in OFFLINE_FILES],
        "refused_url": static("softspot/refused.js"),  # loaded only when a record was refused, by its hashed name
        "saved": {"key": saved_key} if saved_key else None,
        # The page's language and the player's own words in it (softspot.web.words; empty in English).
        "lang": get_language(),
        "words": player_words(),
    }


@require_GET
@owner_page
def play(request: HttpRequest, owner: Owner, plan_id: uuid.UUID) -> HttpResponseBase:
    """The player. Only reads (three small queries); gzipped like every page (softspot.web.compression)."""
    row = plan_row(owner, plan_id)
    if row.before is None:
        return redirect("before", plan_id=row.id)
    # Saved already (on this device or another): the page says so instead of offering the form again.
    saved = record_of_plan(owner, row.id)
    # What to say after a stop for discomfort (softspot.core.aftercare): once saved, from the stored sessions;
    # before, as if this one is the next, since the page shows it the moment the reason is given.
    reasons = recent_stop_reasons(row.receiver, row.technique_id)
    etag = page_etag(request, "play", row.id, row.before, saved.key if saved else None, *reasons)
    unchanged = not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    parts = parts_of(row)
    care = aftercare(reasons if saved else [*reasons, DISCOMFORT]) or aftercare([DISCOMFORT])
    technique = parts.technique
    pain_rule_adds = technique is not None and adds(technique, technique.cues, technique.cues.pain_rule)
    response = render(
        request,
        "softspot/player.html",
        {
            "plan": row,
            "script": parts.script,
            "saved": saved,
            "session_data": session_data(request, row, parts, str(saved.key) if saved else None),
            "thigh_map": parts.live_map,
            "after_fields": after_fields(get_language()),
            "ratings": RATINGS,
            "aftercare": care,
            "see_a_professional": SEE_A_PROFESSIONAL,
            "pain_rule_adds": pain_rule_adds,
        },
    )
    return tagged(response, etag)


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


AUDIO_NAMES = {"ogg": "Opus", "m4a": "M4A (AAC)", "wav": "WAV"}


@require_safe
@owner_resource
def plan_audio(request: HttpRequest, owner: Owner, plan_id: uuid.UUID, fmt: str = "ogg") -> HttpResponseBase:
    """The whole session as one audio file for any media player: Opus in Ogg (``audio.ogg``), AAC in M4A for
    older Apple devices (``audio.m4a``), or WAV (``audio.wav``); rendered once, then answered with HTTP Range
    requests (softspot.web.ranges) so a player can seek."""
    row = owned_plan(owner, plan_id)
    try:
        path, key = sound.session_audio(row.session_script, fmt)
    except sound.AudioUnavailable as exc:
        return _unavailable(str(exc))
    return ranged_file(request, path, sound.ENCODINGS[fmt][0], f"softspot-{row.id}.{fmt}", key)


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
