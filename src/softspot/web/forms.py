"""Forms at the web boundary: every bad input is named by its field and nothing is saved."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from softspot.core.people import NAME_MAX_CHARS, BadName, clean_name, same_name
from softspot.core.record import RATED_AREAS, RATING_MAX, RATING_MIN
from softspot.core.technique import Technique, source_of
from softspot.core.units import CM_PER_INCH, format_distance

YES_NO = (("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No")))
UNITS = (("cm", pgettext_lazy("unit", "cm")), ("in", pgettext_lazy("unit", "in")))
RATING_CHOICES = [(str(n), str(n)) for n in range(RATING_MIN, RATING_MAX + 1)]
# The rated areas' labels (core.record.RATED_AREAS says which), in the page's language.
AREA_LABELS = {
    "left": gettext_lazy("Left hamstring"),
    "right": gettext_lazy("Right hamstring"),
    "back": gettext_lazy("Lower back"),
}
RATINGS = tuple((key, AREA_LABELS.get(key, label.capitalize())) for key, label in RATED_AREAS)


def _format(message: str, values: dict[str, object]) -> str:
    return _(message) % values


_lazy_format = lazy(_format, str)


def lazy_format(message: str, **values: object) -> str:
    """``message`` (marked with ``gettext_noop``) translated when shown, in the page's language, then filled in."""
    return _lazy_format(message, values)


class BigRadio(forms.RadioSelect):
    """Radio buttons drawn as large tap targets by ``softspot/_choices.html``."""


class CheckForm(forms.Form):
    """The technique's safety questions, each a required yes/no."""

    def __init__(self, technique: Technique, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.technique = technique
        for q in technique.questions:
            field = forms.ChoiceField(
                label=q.ask,
                choices=YES_NO,
                widget=BigRadio,
                error_messages={"required": gettext_lazy("Answer yes or no to this question.")},
            )
            field.adds = source_of(technique, q, q.ask) == "softspot"  # type: ignore[attr-defined]
            self.fields[q.id] = field

    def answers(self) -> dict[str, bool]:
        return {q.id: self.cleaned_data[q.id] == "yes" for q in self.technique.questions}


class GoAheadForm(forms.Form):
    """After an ``ask_first`` answer: the user confirms a doctor or therapist has said the technique is fine."""

    cleared = forms.BooleanField(
        required=True,
        error_messages={
            "required": gettext_lazy(
                "Tick this only once a doctor or therapist has said this technique is fine; "
                "until then there is no session."
            )
        },
    )

    def __init__(self, *args: Any, receiver: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cleared"].label = _("A doctor or therapist has said this technique is fine for %(receiver)s") % {
            "receiver": receiver or _("the receiver")
        }


NEW = "new"
"""The receiver choice that adds someone new (with ``new_name``)."""


class SetupForm(forms.Form):
    """Who is receiving and the options for today's plan; the planner checks them and names the field at fault."""

    receiver = forms.ChoiceField(
        label=gettext_lazy("Who is receiving today?"),
        widget=BigRadio,
        error_messages={
            "required": gettext_lazy("Choose who is receiving today."),
            "invalid_choice": gettext_lazy("Choose someone listed."),
        },
    )
    new_name = forms.CharField(
        label=gettext_lazy("Their name"),
        required=False,
        max_length=NAME_MAX_CHARS,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
        error_messages={
            "max_length": lazy_format(gettext_noop("Keep the name to %(limit)d characters."), limit=NAME_MAX_CHARS)
        },
    )
    unit = forms.ChoiceField(label=gettext_lazy("Unit"), choices=UNITS, initial="cm", widget=BigRadio)
    thigh = forms.FloatField(
        label=gettext_lazy("Thigh length"),
        required=False,
        min_value=0,
        help_text=gettext_lazy(
            "Along the back of the thigh, from the fold under the buttock to the crease behind the knee."
        ),
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    height = forms.FloatField(
        label=gettext_lazy("Or the receiver's height, to estimate it"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    start_leg = forms.ChoiceField(label=gettext_lazy("Leg to start with"), widget=BigRadio)
    surface = forms.ChoiceField(label=gettext_lazy("Where the receiver lies"), widget=BigRadio)
    position = forms.ChoiceField(label=gettext_lazy("Giver's position"), widget=BigRadio)
    minutes = forms.FloatField(
        label=gettext_lazy("Minutes on each leg"),
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        error_messages={"required": gettext_lazy("Give the minutes on each leg.")},
    )
    add_ons = forms.MultipleChoiceField(
        label=gettext_lazy("Add-ons"), required=False, widget=forms.CheckboxSelectMultiple(attrs={"class": "check"})
    )

    def __init__(
        self,
        technique: Technique,
        *args: Any,
        surfaces: list[tuple[str, str]],
        add_ons: list[tuple[str, str]],
        receivers: list[tuple[str, str]] | None = None,
        first_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.technique = technique
        self.receivers = receivers or []
        self.first_name = first_name
        self.fields["receiver"].choices = [*self.receivers, (NEW, _("Someone new"))]  # type: ignore[attr-defined]
        if first_name:
            self.fields["new_name"].help_text = _(
                "Leave it empty to call them %(name)s; you can rename them later."
            ) % {"name": first_name}
        self.fields["start_leg"].choices = [(s.id, s.name.capitalize()) for s in technique.sides]  # type: ignore[attr-defined]
        self.fields["surface"].choices = surfaces  # type: ignore[attr-defined]
        self.fields["position"].choices = [(p.id, p.name) for p in technique.positions]  # type: ignore[attr-defined]
        self.fields["add_ons"].choices = add_ons  # type: ignore[attr-defined]
        thigh = self.fields["thigh"]
        thigh.help_text = str(technique.segment.measure)
        thigh.adds = source_of(technique, technique.segment, technique.segment.measure) == "softspot"  # type: ignore[attr-defined]
        if not add_ons:
            del self.fields["add_ons"]
        dose = technique.dose
        minutes = self.fields["minutes"]
        minutes.widget.attrs.update({"min": f"{dose.beginner_min / 60:g}", "max": f"{dose.maximum / 60:g}"})

    def clean(self) -> dict[str, Any]:
        """Range checks that do not need the planner, so every field at fault is named at once."""
        data = super().clean() or {}
        if data.get("receiver") == NEW:
            self._clean_new_name(data)
        if data.get("thigh") is not None and data.get("height") is not None:
            self.add_error("height", _("Give the thigh length or the height, not both."))
        seg, dose = self.technique.segment, self.technique.dose
        factor = CM_PER_INCH if data.get("unit") == "in" else 1.0
        thigh = data.get("thigh")
        if thigh is not None and not seg.min_length <= thigh * factor <= seg.max_length:
            self.add_error(
                "thigh",
                _(
                    "%(value)s %(unit)s is outside the %(segment)s lengths softspot plans for (%(low)s to %(high)s); "
                    "measure %(how)s."
                )
                % {
                    "value": f"{thigh:g}",
                    "unit": data.get("unit", "cm"),
                    "segment": seg.name,
                    "low": format_distance(seg.min_length),
                    "high": format_distance(seg.max_length),
                    "how": seg.measure.strip().rstrip(".").lower(),
                },
            )
        minutes = data.get("minutes")
        if minutes is not None and not dose.beginner_min <= minutes * 60 <= dose.maximum:
            self.add_error(
                "minutes",
                _("%(value)s is outside %(low)s to %(high)s minutes per leg.")
                % {"value": f"{minutes:g}", "low": f"{dose.beginner_min / 60:g}", "high": f"{dose.maximum / 60:g}"},
            )
        return data

    def _clean_new_name(self, data: dict[str, Any]) -> None:
        if "new_name" in self.errors:  # already said (too long)
            return
        text = data.get("new_name") or ""
        if not text.strip() and self.first_name:
            data["new_name"] = self.first_name
            return
        if not text.strip():
            self.add_error("new_name", _("Give the new receiver's name, or choose someone listed."))
            return
        try:
            name = clean_name(text)
        except BadName as exc:
            self.add_error("new_name", str(exc)[0].upper() + str(exc)[1:] + ".")
            return
        taken = next((label for _, label in self.receivers if same_name(label, name)), None)
        if taken is not None:
            self.add_error(
                "new_name",
                _("There is already someone called %(name)s: choose %(name)s above, or give another name.")
                % {"name": taken},
            )
            return
        data["new_name"] = name


class RatingsForm(forms.Form):
    """Tension 0-10 for each hamstring and the lower back."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in RATINGS:
            self.fields[key] = forms.TypedChoiceField(
                label=label,
                choices=RATING_CHOICES,
                coerce=int,
                widget=BigRadio(attrs={"class": "scale"}),
                error_messages={
                    "required": lazy_format(
                        gettext_noop("Choose a number from %(low)d (no tension) to %(high)d."),
                        low=RATING_MIN,
                        high=RATING_MAX,
                    ),
                    "invalid_choice": lazy_format(
                        gettext_noop("Choose a whole number from %(low)d to %(high)d."), low=RATING_MIN, high=RATING_MAX
                    ),
                },
            )

    def ratings(self) -> dict[str, int]:
        return {key: int(self.cleaned_data[key]) for key, _ in RATINGS}
