"""The web pages, driven with Django's test client: technique, check, set-up, plan, ratings, player, history."""

from __future__ import annotations

import html as html_lib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from tests.helpers import ALL_NO, receiver_of
from tests.test_store import make_payload

from softspot.core.aftercare import ADVICE, HEADLINE, SEE_A_PROFESSIONAL
from softspot.core.loader import built_in
from softspot.core.record import parse_record
from softspot.core.technique import statements
from softspot.store.records import as_dict, save_record
from softspot.web import sound
from softspot.web.models import CueText, Plan, cue_sha

pytestmark = pytest.mark.postgres  # also run on PostgreSQL (pytest --db=postgres -m postgres)

T = "/t/hands-free-hamstring"
SETUP = {"unit": "cm", "thigh": "40", "start_leg": "left", "surface": "floor", "position": "sideways", "minutes": "3"}
LAN = {"LAN": True, "LOCAL_OWNER": False}


def answers(**yes: bool) -> dict[str, str]:
    return {q: "yes" if yes.get(q) else "no" for q in ALL_NO}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def checked(client: Client, **yes: bool) -> Client:
    response = client.post(f"{T}/check/", answers(**yes))
    assert response.status_code == 302, response.content
    return client


def planned(client: Client, **fields: str) -> Plan:
    response = client.post(f"{T}/setup/", {**SETUP, **fields})
    assert response.status_code == 302, response.context["form"].errors
    return Plan.objects.get(pk=response["Location"].split("/")[2])


def errors_of(response: Any) -> dict[str, list[str]]:
    return {k: list(v) for k, v in response.context["form"].errors.items()}


@pytest.fixture
def client(db: None) -> Client:
    """Loopback: the local owner, no sign-in."""
    return Client()


def test_the_technique_page_shows_every_element_of_the_technique(client: Client) -> None:
    html = client.get(f"{T}/").content.decode()
    for words in (
        "Eases tight hamstrings",  # F1
        "Hands-free for the giver",  # F2
        "Thai massage tradition",  # F3
        "clothes on",  # F4
        "Padded floor (preferred)",  # F5
        "Side of a firm bed",  # F6
        "hip-width apart",  # F7
        "Feel the back of the",  # F9
        "Sideways, facing away (main)",  # F10
        "Straddling the leg (alternative)",  # F21
        "rules this technique out during pregnancy",  # F25
        "varicose veins",
        "heart condition",
        "2 min to 5 min per leg",  # F18
        "Hand compression on the calf",  # F20
        "Practise regularly",  # F23
        "short video",  # F22
    ):
        assert words in html, words
    for picture in ("receiver-face-down.svg", "giver-sideways.svg", "straddle.svg", "bed.svg"):
        assert picture in html
    assert 'class="no-sit"' in html
    assert html.count('data-spot="') >= 3


def test_the_technique_page_is_drawn_once_per_version_and_language(client: Client) -> None:
    """The article's body is the same for everyone (issue 12: cached where it can be): the second visit reuses
    it, the page around it (sign-in state, CSRF token) is still drawn per request, and another language is
    drawn afresh."""
    from django.core.cache import cache

    cache.clear()

    def visit(lang: str) -> tuple[str, list[str]]:
        response = client.get(f"{T}/", HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 200
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
        return body, [t.name for t in response.templates]

    first, drawn = visit("en")
    again, drawn_again = visit("en")
    assert again == first
    assert "softspot/_part.html" in drawn and "softspot/_part.html" not in drawn_again
    assert "softspot/base.html" in drawn_again
    german, drawn_german = visit("de")
    assert "softspot/_part.html" in drawn_german and german != first
    assert 'lang="de"' in german


def test_the_home_page_leads_to_the_only_technique(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{T}/"


def test_an_unknown_technique_is_not_found(client: Client) -> None:
    assert client.get("/t/no-such-thing/").status_code == 404
    assert client.get("/t/no-such-thing/check/").status_code == 404


def test_it_refuses_a_plan_for_a_pregnant_receiver_and_gives_every_reason(client: Client) -> None:
    response = client.post(f"{T}/check/", answers(pregnant=True, heart_condition=True))
    html = response.content.decode()
    assert response.status_code == 200
    assert "No session today" in html
    assert "rules this technique out during pregnancy" in html
    assert "Ask your midwife" in html
    assert "rules this technique out for anyone with a heart condition" in html
    assert Plan.objects.count() == 0
    assert client.get(f"{T}/setup/")["Location"] == f"{T}/check/"
    assert client.post(f"{T}/setup/", SETUP).status_code == 302
    assert Plan.objects.count() == 0


def test_an_unanswered_question_is_named_and_nothing_moves_on(client: Client) -> None:
    partial = answers()
    del partial["varicose_veins"]
    response = client.post(f"{T}/check/", partial)
    assert response.status_code == 200
    assert errors_of(response) == {"varicose_veins": ["Answer yes or no to this question."]}


def test_floor_difficulty_gives_the_bed_setup(client: Client) -> None:
    checked(client, floor_difficulty=True)
    html = client.get(f"{T}/setup/").content.decode()
    assert "Adapted after the safety check" in html
    assert 'value="bed"' in html
    assert 'value="floor"' not in html
    plan = planned(client, surface="bed")
    assert plan.session_script.surface.id == "bed"
    assert plan.session_script.screening.verdict == "adapt"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"thigh": "90"}, {"thigh"}),
        ({"thigh": "abc"}, {"thigh"}),
        ({"minutes": "30"}, {"minutes"}),
        ({"minutes": ""}, {"minutes"}),
        ({"thigh": "", "height": "500"}, {"height"}),
        ({"height": "170"}, {"height"}),
        ({"start_leg": "middle"}, {"start_leg"}),
        ({"position": "upside-down"}, {"position"}),
        ({"thigh": "90", "minutes": "30", "start_leg": "middle"}, {"thigh", "start_leg", "minutes"}),
    ],
)
def test_setup_errors_are_named_per_field_and_nothing_is_saved(
    client: Client, fields: dict[str, str], expected: set[str]
) -> None:
    checked(client)
    response = client.post(f"{T}/setup/", {**SETUP, **fields})
    assert response.status_code == 400
    errors = errors_of(response)
    assert set(errors) >= {next(iter(expected))}
    assert set(errors) <= expected
    assert "Nothing was saved" in response.content.decode()
    assert Plan.objects.count() == 0


def test_the_set_up_refuses_a_dose_the_thigh_cannot_fill_on_the_minutes_field(client: Client) -> None:
    checked(client)
    response = client.post(f"{T}/setup/", {**SETUP, "thigh": "25", "minutes": "10"})
    assert response.status_code == 400
    assert errors_of(response) == {
        "minutes": [
            "10 min is too long for this receiver (your thigh has room for 2 spots: 4 min per leg is the most "
            "this technique gives); choose 4 or less"
        ]
    }
    assert Plan.objects.count() == 0


def test_an_ask_first_answer_never_gets_a_plan_without_a_go_ahead(client: Client) -> None:
    response = client.post(f"{T}/check/", answers(nerves=True))
    assert response.status_code in (200, 302)
    setup = client.post(f"{T}/setup/", SETUP)
    assert setup.status_code in (302, 400)
    assert Plan.objects.count() == 0


def test_a_bed_is_refused_when_the_check_did_not_ask_for_it_only_by_choice(client: Client) -> None:
    checked(client, floor_difficulty=True)
    response = client.post(f"{T}/setup/", {**SETUP, "surface": "floor"})
    assert response.status_code == 400
    assert "surface" in errors_of(response)
    assert Plan.objects.count() == 0


def test_inches_and_height_are_understood(client: Client) -> None:
    checked(client)
    plan = planned(client, unit="in", thigh="16")
    assert plan.session_script.person.unit == "in"
    assert plan.session_script.person.thigh_cm == pytest.approx(40.6, abs=0.1)
    plan = planned(client, thigh="", height="175")
    assert plan.session_script.person.thigh_source == "height"


def test_the_plan_page_shows_the_spots_the_explanation_and_the_timeline(client: Client) -> None:
    checked(client)
    plan = planned(client)
    script = plan.session_script
    html = client.get(f"/p/{plan.id}/").content.decode()
    for line in script.explanation:
        assert line.replace("'", "&#x27;") in html
    for spot in [*script.legs[0].spots, *script.legs[0].reserve]:
        assert f'data-spot="{spot.index}"' in html
    timed = [t for seg in script.segments for t in seg.timed]
    assert html.count("<tr") == len(script.segments) + len(timed) + 2
    assert f'href="/p/{plan.id}/before/"' in html


def cells(html: str) -> list[tuple[str, str, str]]:
    """The timeline's rows as (class, at, what), the words without tags."""
    rows = re.findall(r'<tr class="kind-(\w+)"><td>([^<]*)</td><td>[^<]*</td><td>(.*?)</td>', html)
    return [(kind, at, html_lib.unescape(re.sub(r"<[^>]+>", "", what))) for kind, at, what in rows]


def test_the_plan_timeline_shows_each_segment_label_and_the_pain_rule_and_check_in_at_their_moment(
    client: Client,
) -> None:
    checked(client)
    plan = planned(client)
    script = plan.session_script
    rows = cells(client.get(f"/p/{plan.id}/").content.decode())
    expected = []
    for seg in script.segments:
        leg = seg.leg if seg.leg and seg.kind in {"prepare", "spot", "add_on"} else ""
        expected.append((seg.kind, f"{seg.starts_at // 60}:{seg.starts_at % 60:02d}", f"{leg} {seg.label}".strip()))
        for t in seg.timed:
            at = seg.starts_at + t.after
            words = {"pain_rule": "Pain rule", "check_in": "Check-in"}[t.kind]
            expected.append((t.kind, f"{at // 60}:{at % 60:02d}", f"{words}: softspot adds: {t.cue.show}"))
    # Segment words are the script's labels (none of these is softspot's); the pain rule and check-in are marked.
    assert rows == expected
    kinds = [k for k, _, _ in rows]
    assert kinds.count("pain_rule") == 2 and kinds.count("check_in") == 2
    assert kinds.index("check_in") == kinds.index("spot") + 1  # said inside the first spot, 15 s in
    html = client.get(f"/p/{plan.id}/").content.decode()
    assert 'id="pain-rule"' in html
    assert "softspot adds:</span> Receiver: firm pressure is fine." in html


def test_before_ratings_are_stored_and_lead_to_the_player(client: Client) -> None:
    checked(client)
    plan = planned(client)
    assert client.get(f"/p/{plan.id}/play/")["Location"] == f"/p/{plan.id}/before/"
    bad = client.post(f"/p/{plan.id}/before/", {"left": "11", "right": "4", "back": ""})
    assert bad.status_code == 400
    assert set(errors_of(bad)) == {"left", "back"}
    plan.refresh_from_db()
    assert plan.before is None
    good = client.post(f"/p/{plan.id}/before/", {"left": "6", "right": "5", "back": "4"})
    assert good["Location"] == f"/p/{plan.id}/play/"
    plan.refresh_from_db()
    assert plan.before == {"left": 6, "right": 5, "back": 4}


@override_settings(SOFTSPOT_TIME_SCALE=20.0)
def test_the_player_page_carries_one_json_island_with_everything_the_player_needs(client: Client) -> None:
    checked(client)
    plan = planned(client)
    client.post(f"/p/{plan.id}/before/", {"left": "6", "right": "5", "back": "4"})
    html = client.get(f"/p/{plan.id}/play/").content.decode()
    islands = re.findall(r'<script id="session-data" type="application/json">(.*?)</script>', html, re.S)
    assert len(islands) == 1
    data = json.loads(islands[0])
    assert data["script"] == plan.script
    assert data["before"] == {"left": 6, "right": 5, "back": 4}
    assert data["record_url"] == "/api/records/"
    assert data["time_scale"] == 20.0
    assert data["history_url"] == "/history/"
    assert data["audio_url"] == f"/p/{plan.id}/audio.ogg"
    assert data["cue_url_pattern"] == "/cue/{sha}.wav"
    assert data["sw_url"] == "/sw.js"
    first = plan.session_script.segments[0].cue.say
    assert data["cue_urls"][first] == f"/cue/{cue_sha(first)}.wav"
    for element in (
        "now-text", "spot-k", "spot-count", "live-map", "countdown", "leg-progress", "session-progress",
        "next-text", "softened", "pause", "longer", "stop", "stop-dialog", "start-overlay", "start-button",
        "wake-notice", "background-sound", "audio-link", "after", "after-form", "note", "after-submit",
    ):  # fmt: skip
        assert f'id="{element}"' in html, element
    assert '<script type="module" src="/static/softspot/player.js">' in html
    assert re.search(r'<section id="after"[^>]* hidden', html)


def test_cue_audio_is_served_by_content_hash_only_for_planned_texts(
    client: Client, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clip = tmp_path / "clip.wav"
    clip.write_bytes(b"RIFF....WAVE")
    monkeypatch.setattr(sound, "cue_wav", lambda text: clip)
    checked(client)
    plan = planned(client)
    text = plan.session_script.segments[0].cue.say
    assert CueText.objects.filter(sha=cue_sha(text)).exists()
    response = client.get(f"/cue/{cue_sha(text)}.wav")
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert client.get(f"/cue/{cue_sha('say something else')}.wav").status_code == 404
    assert client.get("/cue/not-a-hash.wav").status_code == 404


def test_without_espeak_the_audio_is_a_503_that_says_why(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(*args: object) -> Path:
        raise sound.AudioUnavailable("espeak-ng is not installed, so cues cannot be spoken")

    monkeypatch.setattr(sound, "session_wav", missing)
    monkeypatch.setattr(sound, "cue_wav", missing)
    checked(client)
    plan = planned(client)
    response = client.get(f"/p/{plan.id}/audio.wav")
    assert response.status_code == 503
    assert b"espeak-ng is not installed" in response.content
    text = plan.session_script.segments[0].cue.say
    assert client.get(f"/cue/{cue_sha(text)}.wav").status_code == 503


def test_the_chime_is_a_wav(client: Client) -> None:
    response = client.get("/chime.wav")
    assert response.status_code == 200
    assert response.content[:4] == b"RIFF"


def test_history_shows_the_charts_the_table_and_next_time(alice: User) -> None:
    for day in (1, 2, 3):
        payload = make_payload(before=(6, 5, 4), after=(3, 2, 2), note=f"day {day}")
        payload["started_at"] = f"2026-11-0{day}T20:00:00Z"
        payload["ended_at"] = f"2026-11-0{day}T20:10:00Z"
        save_record(receiver_of(alice), parse_record(payload))
    html = signed_in(alice).get("/history/").content.decode()
    assert html.count('class="chart"') == 2
    assert html.count('class="before"') == 3
    assert html.count('class="after"') == 3
    assert "day 3" in html
    assert "4 min per leg" in html
    assert "3 sessions" in html


def test_history_with_no_sessions_says_so(client: Client) -> None:
    html = client.get("/history/").content.decode()
    assert "No sessions yet" in html
    assert "the technique&#x27;s first dose" in html


def test_the_setup_suggests_the_progression_from_history(alice: User) -> None:
    for day in (1, 2):
        payload = make_payload(minutes=3)
        payload["started_at"] = f"2026-11-0{day}T20:00:00Z"
        payload["ended_at"] = f"2026-11-0{day}T20:10:00Z"
        save_record(receiver_of(alice), parse_record(payload))
    client = checked(signed_in(alice))
    response = client.get(f"{T}/setup/")
    assert response.context["form"]["minutes"].value() == "4"
    assert "2 comfortable sessions in a row" in response.content.decode()


@override_settings(**LAN)
def test_an_outsider_gets_404_on_someone_elses_plan_and_nothing_is_written(alice: User, charlie: User) -> None:
    plan = planned(checked(signed_in(alice)))
    outsider = signed_in(charlie)
    for url in ("", "before/", "play/", "audio.wav"):
        assert outsider.get(f"/p/{plan.id}/{url}").status_code == 404, url
    assert outsider.post(f"/p/{plan.id}/before/", {"left": "1", "right": "1", "back": "1"}).status_code == 404
    plan.refresh_from_db()
    assert plan.before is None
    assert Plan.objects.filter(owner=charlie).count() == 0


@override_settings(**LAN)
def test_partners_each_have_their_own_plans(alice: User, bob: User) -> None:
    mine = planned(checked(signed_in(alice)))
    theirs = planned(checked(signed_in(bob)))
    assert signed_in(bob).get(f"/p/{theirs.id}/").status_code == 200
    assert signed_in(bob).get(f"/p/{mine.id}/").status_code == 404
    assert Plan.objects.filter(owner=alice).count() == Plan.objects.filter(owner=bob).count() == 1


def test_the_service_worker_is_served_from_the_root_so_it_controls_every_page(client: Client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"


def island(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="session-data" type="application/json">(.*?)</script>', html, re.S)
    assert found
    data: dict[str, Any] = json.loads(found.group(1))
    return data


@override_settings(**LAN)
def test_a_plan_whose_record_is_stored_opens_as_saved_on_any_device_of_its_owner(alice: User, bob: User) -> None:
    phone = signed_in(alice)
    plan = planned(checked(phone))
    phone.post(f"/p/{plan.id}/before/", {"left": "6", "right": "5", "back": "4"})
    fresh = phone.get(f"/p/{plan.id}/play/").content.decode()
    assert island(fresh)["saved"] is None
    assert re.search(r'<section id="after"[^>]* hidden', fresh)

    # Bob's record naming Alice's plan does not make her page "Saved": only her own records count.
    save_record(receiver_of(bob), parse_record({**make_payload(), "plan": str(plan.id)}))
    assert island(phone.get(f"/p/{plan.id}/play/").content.decode())["saved"] is None

    sent = {**make_payload(after=(3, 2, 2)), "plan": str(plan.id)}
    stored, _ = save_record(receiver_of(alice), parse_record(sent))
    assert stored.plan == plan.id
    tablet = signed_in(alice)  # another device: nothing in its storage, the server knows
    html = tablet.get(f"/p/{plan.id}/play/").content.decode()
    assert island(html)["saved"] == {"key": sent["key"]}
    assert re.search(r'<section id="player"[^>]* hidden', html)
    assert '<h2 id="after-title">Saved</h2>' in html
    assert re.search(r'<div id="after-ask" hidden>', html)
    assert "Saved. It is in your history." in html
    assert "Tension before → after: left 6 → 3, right 5 → 2, lower back 4 → 2." in html
    assert 'id="history-link"' in html


def test_a_record_keeps_the_plan_it_played_and_one_from_the_terminal_has_none(alice: User) -> None:
    plan_id = "3f0e8c1c-6c1e-4c55-9b0e-2a4b5f6d7e8f"
    with_plan, _ = save_record(receiver_of(alice), parse_record({**make_payload(), "plan": plan_id}))
    terminal, _ = save_record(receiver_of(alice), parse_record(make_payload(source="terminal")))
    assert as_dict(with_plan)["plan"] == plan_id
    assert as_dict(terminal)["plan"] is None
    with pytest.raises(ValueError, match="plan: is not a UUID"):
        parse_record({**make_payload(), "plan": "my plan"})


# -- issue 8 on the web: ask-first, softspot's additions marked, aftercare on the player page ----------------


def test_an_ask_first_answer_shows_why_and_the_go_ahead_box_and_plans_nothing_without_it(client: Client) -> None:
    first = client.post(f"{T}/check/", answers(nerves=True, bones=True))
    assert first.status_code == 200
    assert first.templates[0].name == "softspot/ask_first.html"
    html = first.content.decode()
    assert "A doctor or therapist has said this technique is fine for the receiver" in html
    assert 'name="nerves" value="yes"' in html and 'name="bones" value="yes"' in html  # answers carried
    assert client.get(f"{T}/setup/")["Location"] == f"{T}/check/"  # nothing kept: no way round it

    unticked = client.post(f"{T}/check/", {**answers(nerves=True, bones=True), "go_ahead": "yes"})
    assert unticked.status_code == 400
    assert "Tick this only once a doctor or therapist has said this technique is fine" in unticked.content.decode()
    waiting = client.post(f"{T}/check/", {**answers(nerves=True, bones=True), "go_ahead": "not_yet"})
    assert waiting.status_code == 200
    assert "No session until a doctor or therapist says it is fine" in waiting.content.decode()
    assert client.get(f"{T}/setup/")["Location"] == f"{T}/check/"
    assert Plan.objects.count() == 0

    ticked = client.post(f"{T}/check/", {**answers(nerves=True, bones=True), "go_ahead": "yes", "cleared": "on"})
    assert ticked["Location"] == f"{T}/setup/"
    plan = planned(client)
    screening = plan.session_script.screening
    assert (screening.verdict, screening.cleared) == ("go", ["bones", "nerves"])
    assert any("has said this technique is fine for the receiver" in line for line in plan.session_script.explanation)


def test_a_go_ahead_cannot_lift_a_stop_and_means_nothing_without_an_ask_first_answer(client: Client) -> None:
    stopped = client.post(f"{T}/check/", {**answers(nerves=True, pregnant=True), "go_ahead": "yes", "cleared": "on"})
    assert stopped.status_code == 200
    assert "No session today" in stopped.content.decode()
    assert client.get(f"{T}/setup/")["Location"] == f"{T}/check/"
    client.post(f"{T}/check/", {**answers(), "cleared": "on"})
    assert planned(client).session_script.screening.cleared == []


class Blocks(HTMLParser):
    """The text of each block of a page (paragraphs, list items, legends, captions, cells)."""

    BLOCKS = frozenset({"p", "li", "legend", "figcaption", "td", "h1", "h2", "h3", "label"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[list[str]] = []
        self.blocks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.open.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS and self.open:
            self.blocks.append(" ".join("".join(self.open.pop()).split()))

    def handle_data(self, data: str) -> None:
        for block in self.open:
            block.append(data)


def blocks(html: str) -> list[str]:
    parser = Blocks()
    parser.feed(html)
    return parser.blocks


def test_softspots_own_words_are_marked_softspot_adds_on_every_page_that_shows_them(client: Client) -> None:
    technique = built_in("hands-free-hamstring")
    mine = [s.text for s in statements(technique) if s.source == "softspot" and "{" not in s.text]
    theirs = [s.text for s in statements(technique) if s.source == "article" and "{" not in s.text]
    pages = {"technique": client.get(f"{T}/").content.decode(), "check": client.get(f"{T}/check/").content.decode()}
    pages["ask first"] = client.post(f"{T}/check/", answers(nerves=True, recent_injury=True)).content.decode()
    pages["stop"] = client.post(f"{T}/check/", answers(pregnant=True, blood_clots=True)).content.decode()
    client.post(f"{T}/check/", {**answers(skin=False, bones=True), "go_ahead": "yes", "cleared": "on"})
    pages["set-up"] = client.get(f"{T}/setup/").content.decode()
    pages["plan"] = client.get(f"/p/{planned(client).id}/").content.decode()
    seen = 0
    for name, html in pages.items():
        for block in blocks(html):
            ours = [text for text in mine if text in block]
            if ours:
                seen += len(ours)
                assert "softspot adds:" in block, (name, block)
            elif any(text in block for text in theirs):
                assert not block.startswith("softspot adds:"), (name, block)
    assert seen > 40  # the questions, reasons, set-up line, add-ons, notes, the pain rule, the check-in, ...


def test_the_player_page_carries_the_aftercare_words_and_the_professional_line_only_for_a_second_stop(
    client: Client,
) -> None:
    checked(client)
    plan = planned(client)
    client.post(f"/p/{plan.id}/before/", {"left": "5", "right": "5", "back": "5"})
    html = client.get(f"/p/{plan.id}/play/").content.decode()
    assert '<div id="aftercare" class="aftercare" hidden>' in html  # shown by the player after a discomfort stop
    for line in (HEADLINE, *ADVICE):
        assert html_lib.escape(line) in html
    assert SEE_A_PROFESSIONAL not in html
    save_record(plan.receiver, parse_record(make_payload(stop_reason="discomfort", after=None)))
    html = client.get(f"/p/{plan.id}/play/").content.decode()
    assert 'id="see-a-professional"' in html  # a discomfort stop now would be the second in a row
