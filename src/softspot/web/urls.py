"""The site's routes (names are relied on by the player; see docs/web.md)."""

from __future__ import annotations

from django.urls import include, path, re_path
from django.views.i18n import set_language

from softspot.web.views import history, session, signin, technique, trust, worker

urlpatterns = [
    path("", include("softspot.store.urls")),
    path("", include("softspot.practice.urls")),
    path("", technique.home, name="home"),
    path("t/<str:technique_id>/", technique.technique_page, name="technique"),
    path("t/<str:technique_id>/check/", technique.check, name="check"),
    path("t/<str:technique_id>/setup/", technique.setup, name="setup"),
    path("p/<uuid:plan_id>/", session.plan_page, name="plan"),
    path("p/<uuid:plan_id>/before/", session.before, name="before"),
    path("p/<uuid:plan_id>/play/", session.play, name="play"),
    path("p/<uuid:plan_id>/audio.ogg", session.plan_audio, {"fmt": "ogg"}, name="plan-audio"),
    path("p/<uuid:plan_id>/audio.m4a", session.plan_audio, {"fmt": "m4a"}, name="plan-audio-m4a"),
    path("p/<uuid:plan_id>/audio.wav", session.plan_audio, {"fmt": "wav"}, name="plan-audio-wav"),
    re_path(r"^cue/(?P<sha>[0-9a-f]{64})\.wav$", session.cue, name="cue"),
    path("chime.wav", session.chime, name="chime"),
    path("illustration/<str:lang>/<str:name>", technique.illustration, name="illustration"),
    path("history/", history.history_page, name="history"),
    path("reminders.ics", history.reminders, name="reminders"),
    # The language switch in the header (a plain form: works without JavaScript); remembered in a cookie.
    path("language/", set_language, name="set-language"),
    path("signin/", signin.signin, name="signin"),
    path("signout/", signin.signout, name="signout"),
    path("sw.js", worker.service_worker, name="service-worker"),
    path("trust/", trust.trust_page, name="trust"),
    path("trust/ca.crt", trust.ca_certificate, name="trust-ca"),
    path("trust/softspot-ca.crt", trust.ca_certificate_file, name="trust-ca-file"),
]

# A database that cannot be used (read-only, missing, damaged) answers 503 with the reason, not a 500.
handler500 = "softspot.store.health.server_error"
