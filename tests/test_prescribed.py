"""A therapist's programme: the suggestion starts from its minutes, its add-ons are offered, the thigh still caps."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from tests.helpers import ALL_NO, hamstring
from tests.test_progress import EASIER, MONDAY, session

from softspot.core.planner import PlanError, PlanOptions, offered_add_ons, plan
from softspot.core.progress import Prescribed, SessionSummary, suggest
from softspot.core.screening import screen
from softspot.core.units import parse_length

FIVE_MINUTES = Prescribed(seconds_per_leg=300, since=MONDAY)


def follow(
    prescribed: Prescribed, sessions: int, thigh: float = 60, before: list[SessionSummary] | None = None
) -> list[int]:
    """Doses suggested before each session when the pair always takes the suggestion and is always comfortable."""
    history = list(before or [])
    doses = []
    for n in range(sessions):
        dose = suggest(hamstring(), history, prescribed=prescribed).seconds_per_leg
        doses.append(dose // 60)
        history.append(session(n, dose=dose, thigh=thigh, after=EASIER))
    return doses


def test_the_suggestion_starts_at_the_programmes_minutes_and_grows_from_there() -> None:
    first = suggest(hamstring(), [], prescribed=FIVE_MINUTES)
    assert first.seconds_per_leg == 300
    assert first.reason == "5 min per leg: your therapist's programme."
    assert follow(FIVE_MINUTES, 8) == [5, 5, 6, 6, 7, 7, 8, 8]


def test_sessions_before_the_programme_do_not_set_its_dose_but_still_count_for_add_ons() -> None:
    earlier = [session(-10 + n, dose=180, thigh=60) for n in range(4)]  # four comfortable sessions at 3 min
    programme = Prescribed(seconds_per_leg=240, since=MONDAY)
    shown = suggest(hamstring(), earlier, prescribed=programme)
    assert shown.seconds_per_leg == 240
    assert shown.comfortable_sessions == 4
    assert set(shown.unlocked_add_ons) == {a.id for a in hamstring().add_ons}  # 3 comfortable sessions unlock them


def test_the_thigh_still_caps_the_programme() -> None:
    short = suggest(hamstring(), [], thigh_cm=25, prescribed=FIVE_MINUTES)
    assert short.seconds_per_leg == 240
    assert short.reason == (
        "Your thigh has room for 2 spots: 4 min per leg is the most this technique gives "
        "(your therapist's programme says 5 min per leg)."
    )
    assert follow(FIVE_MINUTES, 4, thigh=25) == [5, 4, 4, 4]  # the first session's thigh is only known after it


def test_a_discomfort_stop_after_the_programme_steps_back_as_always() -> None:
    stopped = [session(0, dose=300, after=None, stop="discomfort", thigh=60)]
    after_stop = suggest(hamstring(), stopped, prescribed=FIVE_MINUTES)
    assert after_stop.seconds_per_leg == 240
    assert "stopped for discomfort" in after_stop.reason


def test_add_ons_the_programme_unlocks_are_offered_and_planned_at_once() -> None:
    technique = hamstring()
    add_on = technique.add_ons[0].id
    programme = Prescribed(seconds_per_leg=180, since=MONDAY, add_ons=(add_on,))
    assert suggest(technique, [], prescribed=programme).unlocked_add_ons == (add_on,)
    screening = screen(technique, ALL_NO)
    assert [a.id for a in offered_add_ons(technique, screening, 0, unlocked_early=(add_on,))] == [add_on]
    options = PlanOptions(answers=ALL_NO, add_ons=(add_on,), thigh=parse_length("45 cm"))
    with pytest.raises(PlanError, match="unlocks after 3 comfortable sessions"):
        plan(technique, options)
    script = plan(technique, PlanOptions(**{**options.__dict__, "unlocked_early": (add_on,)}))
    assert [a.id for a in script.add_ons] == [add_on]


def test_screening_still_leaves_out_an_add_on_the_programme_unlocked() -> None:
    technique = hamstring()
    add_on = technique.add_ons[0].id
    screening = replace(screen(technique, ALL_NO), omitted_add_ons=(add_on,))
    assert add_on not in [a.id for a in offered_add_ons(technique, screening, 0, unlocked_early=(add_on,))]


def test_a_programme_given_later_starts_again_from_its_own_minutes() -> None:
    history = [session(n, dose=180 + 60 * (n // 2), thigh=60) for n in range(6)]  # 3, 3, 4, 4, 5, 5
    assert suggest(hamstring(), history).seconds_per_leg == 360
    gentler = Prescribed(seconds_per_leg=180, since=MONDAY + timedelta(days=6))
    assert suggest(hamstring(), history, prescribed=gentler).seconds_per_leg == 180
