"""The therapist's overview of every client (filled in once receivers exist)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from softspot.practice.access import therapist_page
from softspot.practice.models import Therapist


@require_GET
@therapist_page
def overview(request: HttpRequest, therapist: Therapist) -> HttpResponse:
    return render(request, "practice/overview.html", {"therapist": therapist, "rows": []})
