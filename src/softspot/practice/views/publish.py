"""A therapist's techniques: publish a file from the browser (problems shown beside the text), versions kept."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from softspot.core.loader import Problem, TechniqueError
from softspot.core.yaml_input import MAX_BYTES, decode
from softspot.practice import catalogue
from softspot.practice.access import therapist_page
from softspot.practice.models import PublishedTechnique, Therapist

DEFAULT_FILE = "technique.yaml"


class PublishForm(forms.Form):
    """The file's text in a textarea, or a file to upload (which then replaces the text)."""

    text = forms.CharField(
        label=gettext_lazy("The technique file (YAML)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "autocapitalize": "off", "wrap": "off"}),
        help_text=gettext_lazy(
            "The format is in docs/technique-format.md; the built-in technique is a complete example."
        ),
    )
    file = forms.FileField(label=gettext_lazy("Or upload a file"), required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            raw = upload.read(MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                self.add_error(
                    "file",
                    gettext("The file is over %(size)d KB; a technique file may be at most that.")
                    % {"size": MAX_BYTES // 1024},
                )
                return data
            data["text"] = decode(raw)
            data["name"] = str(getattr(upload, "name", "") or DEFAULT_FILE)[:100]
        elif not str(data.get("text") or "").strip():
            self.add_error("text", gettext("Paste the technique file here, or choose a file to upload."))
        data.setdefault("name", DEFAULT_FILE)
        return data


def printable(text: str) -> str:
    """The text as a page can show it: bytes that were not UTF-8 become U+FFFD (the problems say where)."""
    return catalogue.normalise(text).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def listing(text: str, problems: list[Problem]) -> list[dict[str, object]]:
    """The text's lines, numbered, with the problems at each line (the page links each problem to its line)."""
    at: dict[int, list[Problem]] = {}
    for problem in problems:
        at.setdefault(problem.line, []).append(problem)
    return [
        {"number": n, "text": line, "problems": at.get(n, [])}
        for n, line in enumerate(printable(text).split("\n"), start=1)
    ]


@require_GET
@therapist_page
def techniques(request: HttpRequest, therapist: Therapist) -> HttpResponse:
    rows = PublishedTechnique.objects.filter(therapist=therapist).order_by("technique_id", "-published", "-id")
    grouped: dict[str, list[PublishedTechnique]] = {}
    for row in rows.only("technique_id", "version", "title", "published", "file_id"):
        grouped.setdefault(row.technique_id, []).append(row)
    return render(request, "practice/techniques.html", {"therapist": therapist, "grouped": grouped})


@require_http_methods(["GET", "POST"])
@therapist_page
def publish(request: HttpRequest, therapist: Therapist, technique_id: str | None = None) -> HttpResponseBase:
    """GET: an empty form (or the newest version's text, to edit); POST: check, or publish a new version."""
    base = None
    if technique_id is not None:
        base = catalogue.latest(technique_id)
        if base is None or base.therapist_id != therapist.pk:
            raise Http404("No such technique")
    if request.method != "POST":
        form = PublishForm(initial={"text": base.text if base else ""})
        return render(request, "practice/publish.html", {"form": form, "base": base, "therapist": therapist})
    form = PublishForm(request.POST, request.FILES)
    context: dict[str, object] = {"form": form, "base": base, "therapist": therapist}
    if not form.is_valid():
        return render(request, "practice/publish.html", context, status=400)
    text, name = str(form.cleaned_data["text"]), str(form.cleaned_data["name"])
    if request.POST.get("action") == "publish":
        try:
            row = catalogue.publish(therapist, text, name)
        except TechniqueError as exc:
            return _with_problems(request, context, form, text, exc.problems)
        return redirect("practice-technique", technique_id=row.technique_id, version=row.version)
    checked = catalogue.check(therapist, text, name)
    if checked.problems:
        return _with_problems(request, context, form, text, checked.problems)
    context.update({"ready": checked.technique, "lines": listing(text, []), "text": text, "form": _refilled(text)})
    return render(request, "practice/publish.html", context)


def _refilled(text: str) -> PublishForm:
    return PublishForm(initial={"text": printable(text)})


def _with_problems(
    request: HttpRequest, context: dict[str, object], form: PublishForm, text: str, problems: list[Problem]
) -> HttpResponse:
    context.update({"problems": problems, "lines": listing(text, problems), "form": _refilled(text)})
    return render(request, "practice/publish.html", context, status=400)


@require_GET
@therapist_page
def version(request: HttpRequest, therapist: Therapist, technique_id: str, version: str) -> HttpResponse:
    """One published version, as published (never changed), with its place among the others."""
    row = PublishedTechnique.objects.filter(therapist=therapist, technique_id=technique_id, version=version).first()
    if row is None:
        raise Http404("No such technique version")
    others = PublishedTechnique.objects.filter(therapist=therapist, technique_id=technique_id).only(
        "version", "published", "technique_id"
    )
    return render(
        request,
        "practice/technique_version.html",
        {"row": row, "others": others, "lines": listing(row.text, []), "therapist": therapist},
    )
