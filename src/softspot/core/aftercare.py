"""What to say after a session stopped for discomfort: the same words for ``guide``, ``progress`` and the web.

Pure data and one function over stop reasons (oldest first), so the terminal, the history page and the after
page can all show it without knowing the rule:

* the last session stopped for discomfort: acknowledge it, and say to rest, not to repeat the technique until
  the pain has gone, and to ask a therapist if it comes back;
* two (or more) sessions in a row stopped for discomfort: also say to check with a professional before going on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from softspot.i18n import N_, _

DISCOMFORT = "discomfort"

# English here; aftercare() gives them in the active language (softspot.i18n).
HEADLINE = N_("Stopped because something hurt: stopping was the right thing to do.")
ADVICE: tuple[str, ...] = (
    N_("Rest, and let the receiver lie still for a few minutes before getting up."),
    N_("Do not repeat this technique until the pain has gone."),
    N_("If the pain comes back, or does not go away, ask a massage therapist or a doctor before trying again."),
)
SEE_A_PROFESSIONAL = N_(
    "Two sessions in a row stopped for discomfort: check with a doctor or massage therapist before going on "
    "with this technique."
)


@dataclass(frozen=True)
class Aftercare:
    """What to tell the pair after a discomfort stop."""

    headline: str
    advice: tuple[str, ...]
    in_a_row: int
    """Discomfort stops in a row, ending with the last session."""
    see_a_professional: bool
    """Two or more in a row: check with a professional before going on."""

    @property
    def lines(self) -> tuple[str, ...]:
        """Everything to say, in order."""
        return (self.headline, *self.advice, *((_(SEE_A_PROFESSIONAL),) if self.see_a_professional else ()))


def discomfort_stops_in_a_row(stop_reasons: Sequence[str | None]) -> int:
    """How many sessions in a row, ending with the last, stopped for discomfort (oldest first)."""
    count = 0
    for reason in reversed(stop_reasons):
        if reason != DISCOMFORT:
            break
        count += 1
    return count


def aftercare(stop_reasons: Sequence[str | None]) -> Aftercare | None:
    """The aftercare for a history of stop reasons (oldest first), or None if the last session was not stopped
    for discomfort."""
    in_a_row = discomfort_stops_in_a_row(stop_reasons)
    if in_a_row == 0:
        return None
    return Aftercare(_(HEADLINE), tuple(_(line) for line in ADVICE), in_a_row, in_a_row >= 2)
