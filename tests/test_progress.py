"""Progress rules on whole series of sessions, without a database."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.helpers import hamstring
from tests.test_store import make_payload

from softspot.core.progress import (
    SessionSummary,
    Week,
    changes,
    progress,
    regularity,
    sign_test,
    suggest,
    tally,
    verdict,
    weeks,
)
from softspot.core.record import Ratings, RecordError, parse_record

MONDAY = datetime(2026, 11, 2, 19, 30, tzinfo=UTC)
TENSE = Ratings(left=6, right=5, back=4)
EASIER = Ratings(left=3, right=3, back=2)


def session(
    day: int = 0,
    *,
    dose: int = 180,
    before: Ratings = TENSE,
    after: Ratings | None = EASIER,
    stop: str | None = None,
    minutes: float = 10,
    thigh: float | None = None,
) -> SessionSummary:
    return SessionSummary(
        key=f"s{day}",
        started_at=MONDAY + timedelta(days=day),
        seconds_per_leg=dose,
        active_seconds=minutes * 60,
        before=before,
        after=after,
        ended_early=stop is not None,
        stop_reason=stop,
        thigh_cm=thigh,
    )


def follow(outcomes: str, thigh: float | None = 60) -> list[int]:
    """Doses suggested before each session when the pair always takes the suggestion.

    ``c`` comfortable, ``u`` finished but tension went up, ``d`` stopped for discomfort.
    """
    history: list[SessionSummary] = []
    doses = []
    for n, outcome in enumerate(outcomes):
        dose = suggest(hamstring(), history).seconds_per_leg
        doses.append(dose)
        history.append(
            session(
                n,
                dose=dose,
                after=Ratings(left=7, right=5, back=4) if outcome == "u" else None if outcome == "d" else EASIER,
                stop="discomfort" if outcome == "d" else None,
                thigh=thigh,
            )
        )
    doses.append(suggest(hamstring(), history).seconds_per_leg)
    return [d // 60 for d in doses]


def test_the_dose_grows_a_minute_after_every_two_comfortable_sessions_up_to_ten() -> None:
    assert follow("c" * 18) == [3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 10, 10, 10]  # a 60 cm thigh


def test_the_dose_never_grows_past_what_the_thigh_can_fill() -> None:
    # 2 min on each safe spot: a 38 cm thigh has 4 (8 min per leg), a 25 cm thigh 2 (4 min per leg).
    assert follow("c" * 14, thigh=38) == [3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 8, 8, 8]
    assert follow("c" * 6, thigh=25) == [3, 3, 4, 4, 4, 4, 4]
    assert follow("c" * 14, thigh=None) == follow("c" * 14, thigh=38)  # unknown: the typical 38 cm the planner uses
    history = [session(n, dose=240, thigh=25) for n in range(4)]
    capped = suggest(hamstring(), history)
    assert (capped.seconds_per_leg, capped.limit_seconds) == (240, 240)
    assert capped.reason == "Your thigh has room for 2 spots: 4 min per leg is the most this technique gives."
    # A dose from before (or from a longer thigh) is brought down to what today's thigh can take.
    assert suggest(hamstring(), [session(0, dose=600, thigh=60)], thigh_cm=25).seconds_per_leg == 240


def test_a_session_where_tension_rose_holds_the_dose_and_restarts_the_count() -> None:
    assert follow("ccucccc") == [3, 3, 4, 4, 4, 5, 5, 6]


def test_a_stop_for_discomfort_steps_back_but_never_below_the_beginner_minimum() -> None:
    assert follow("ccdddcc") == [3, 3, 4, 3, 2, 2, 2, 3]


def test_two_discomfort_stops_in_a_row_say_to_check_with_a_professional() -> None:
    once = [session(0, dose=240), session(1, dose=240, after=None, stop="discomfort")]
    first = suggest(hamstring(), once)
    assert (first.seconds_per_leg, first.see_a_professional) == (180, False)
    assert first.reason == (
        "3 min per leg, a little less: the last session stopped for discomfort. Only once the pain has gone."
    )
    twice = [*once, session(2, dose=180, after=None, stop="discomfort")]
    second = suggest(hamstring(), twice)
    assert (second.seconds_per_leg, second.see_a_professional) == (120, True)
    assert second.reason == (
        "Two sessions in a row stopped for discomfort: check with a doctor or massage therapist before going on. "
        "If they say it is fine, 2 min per leg, a little less."
    )
    at_the_floor = suggest(hamstring(), [session(0, dose=120, after=None, stop="discomfort")])
    assert at_the_floor.reason.startswith("2 min per leg, the shortest this technique gives")


def test_after_a_discomfort_stop_progress_never_sounds_positive_and_says_what_to_do() -> None:
    series = [*rated(2, 1, 3, 1, 2, 2), session(9, after=None, stop="discomfort")]
    p = progress(hamstring(), series, (MONDAY + timedelta(days=9)).date())
    assert p.verdict.kind == "discomfort"
    assert p.verdict.sentence == (
        "The last session stopped for discomfort: rest until the pain has gone; the before-and-after figures can wait."
    )
    assert p.changes[-1].stop_reason == "discomfort"
    assert p.aftercare is not None
    assert p.aftercare.lines == (
        "Stopped because something hurt: stopping was the right thing to do.",
        "Rest, and let the receiver lie still for a few minutes before getting up.",
        "Do not repeat this technique until the pain has gone.",
        "If the pain comes back, or does not go away, ask a massage therapist or a doctor before trying again.",
    )
    twice = progress(hamstring(), [*series, session(10, after=None, stop="discomfort")], MONDAY.date())
    assert twice.aftercare is not None and twice.aftercare.see_a_professional
    assert twice.aftercare.lines[-1].startswith("Two sessions in a row stopped for discomfort")
    # One comfortable session later, the figures speak again and the aftercare is gone.
    again = progress(hamstring(), [*series, session(11)], MONDAY.date())
    assert (again.verdict.kind, again.aftercare) == ("better", None)


def test_add_ons_unlock_after_three_comfortable_sessions_in_all() -> None:
    history: list[SessionSummary] = []
    offered = []
    for n, outcome in enumerate("cucdcc"):
        offered.append(suggest(hamstring(), history).unlocked_add_ons)
        history.append(
            session(
                n,
                after=None if outcome == "d" else Ratings(left=9, right=9, back=9) if outcome == "u" else EASIER,
                stop="discomfort" if outcome == "d" else None,
            )
        )
    offered.append(suggest(hamstring(), history).unlocked_add_ons)
    both = ("calf", "lower_back")
    assert offered == [(), (), (), (), (), both, both]
    assert suggest(hamstring(), history).comfortable_sessions == 4


def test_the_suggestion_says_why() -> None:
    assert suggest(hamstring(), []).reason == "3 min per leg: the technique's first dose."
    assert suggest(hamstring(), [session(0)]).reason == (
        "3 min per leg again: 1 more comfortable session at this dose before it grows."
    )
    assert suggest(hamstring(), [session(0), session(1)]).reason == (
        "4 min per leg: 2 comfortable sessions in a row at 3 min per leg."
    )
    assert suggest(hamstring(), [session(0, stop="discomfort", after=None)]).reason == (
        "2 min per leg, a little less: the last session stopped for discomfort. Only once the pain has gone."
    )


outcome = st.sampled_from(["comfortable", "rose", "discomfort", "out_of_time"])
doses = st.integers(min_value=120, max_value=600)


@given(st.lists(st.tuples(outcome, doses), max_size=25))
def test_the_suggestion_stays_within_the_technique_and_grows_one_step_at_most(
    history_spec: list[tuple[str, int]],
) -> None:
    history = [
        session(
            n,
            dose=dose,
            after=None if kind in {"discomfort", "out_of_time"} else EASIER if kind == "comfortable" else TENSE,
            before=EASIER if kind == "rose" else TENSE,
            stop=None if kind in {"comfortable", "rose"} else kind,
        )
        for n, (kind, dose) in enumerate(history_spec)
    ]
    technique = hamstring()
    s = suggest(technique, history)
    assert technique.dose.beginner_min <= s.seconds_per_leg <= technique.dose.maximum
    assert s.comfortable_sessions == sum(1 for h in history if h.comfortable)
    if history:
        last = history[-1]
        assert s.seconds_per_leg <= last.seconds_per_leg + technique.dose.grow_by
        if not last.comfortable:
            assert s.seconds_per_leg <= max(last.seconds_per_leg, technique.dose.beginner_min)
    unlocked = {a.id for a in technique.add_ons if s.comfortable_sessions >= a.unlock_after}
    assert set(s.unlocked_add_ons) == unlocked


@given(
    st.lists(st.tuples(outcome, st.sampled_from([120, 180, 240, 300, 360])), max_size=40),
    st.integers(min_value=0, max_value=45),
)
def test_comfortable_sessions_in_a_row_at_a_dose_are_counted_as_by_walking_back_every_session(
    history_spec: list[tuple[str, int]], since_day: int
) -> None:
    """The tally keeps only a pair per dose of the trailing comfortable run (issue 12: memory that does not grow
    with the sessions); walking back over every session, as before, gives the same counts."""
    history = [
        session(
            n,
            dose=dose,
            after=None if kind in {"discomfort", "out_of_time"} else EASIER if kind == "comfortable" else TENSE,
            before=EASIER if kind == "rose" else TENSE,
            stop=None if kind in {"comfortable", "rose"} else kind,
        )
        for n, (kind, dose) in enumerate(history_spec)
    ]
    since = MONDAY + timedelta(days=since_day)
    counted = [h for h in history if h.started_at >= since]
    t = tally(history, since=since)
    assert len(t.run) <= len({d for _, d in history_spec})
    for dose in (60, 120, 150, 180, 240, 300, 360, 420):
        walked = 0
        for h in reversed(counted):
            if not h.comfortable or h.seconds_per_leg < dose:
                break
            walked += 1
        assert t.in_a_row(dose) == walked


def test_before_and_after_are_the_means_of_the_three_ratings_in_time_order() -> None:
    series = [session(3, after=None, stop="other"), session(0), session(1, before=Ratings(left=10, right=10, back=1))]
    assert [(c.key, c.before_mean, c.after_mean, c.drop) for c in changes(series)] == [
        ("s0", 5.0, 2.67, 2.33),
        ("s1", 7.0, 2.67, 4.33),
        ("s3", 5.0, None, None),
    ]


def test_minutes_per_week_cover_every_week_including_empty_ones() -> None:
    series = [session(0, minutes=12), session(2, minutes=8), session(16, minutes=15)]
    today = (MONDAY + timedelta(days=22)).date()
    assert weeks(series, today) == [
        Week(date(2026, 11, 2), 2, 20.0),
        Week(date(2026, 11, 9), 0, 0.0),
        Week(date(2026, 11, 16), 1, 15.0),
        Week(date(2026, 11, 23), 0, 0.0),
    ]
    assert weeks([], today) == []


def test_regularity_counts_gaps_and_the_weekly_streak() -> None:
    series = [session(d) for d in (0, 3, 7, 10, 26)]
    # Weeks of 2, 9 and 23 Nov have sessions, 16 Nov none; the week of 30 Nov has just begun.
    on = (MONDAY + timedelta(days=28)).date()
    r = regularity(series, on)
    assert (r.sessions, r.weeks, r.per_week, r.longest_gap_days, r.streak_weeks) == (5, 5, 1.0, 16, 1)
    # A week with no session breaks the streak once it is over.
    later = regularity(series, (MONDAY + timedelta(days=35)).date())
    assert (later.weeks, later.streak_weeks) == (6, 0)
    steady = regularity([session(d) for d in (0, 7, 14, 21)], (MONDAY + timedelta(days=22)).date())
    assert (steady.streak_weeks, steady.longest_gap_days, steady.per_week) == (4, 7, 1.0)
    one = regularity([session(0)], MONDAY.date())
    assert (one.sessions, one.weeks, one.longest_gap_days, one.streak_weeks) == (1, 1, None, 1)


def test_a_tiny_p_value_is_written_as_below_a_thousandth() -> None:
    v = verdict(rated(*[2] * 10))
    assert v.p_value == pytest.approx(1 / 1024)
    assert v.sentence == (
        "More than noise: tension is lower after sessions (lower after 10, higher after 0, unchanged after 0 "
        "of 10 rated sessions; sign test p < 0.001)."
    )


def test_the_sign_test_is_exact() -> None:
    assert [sign_test(k, 5 - k) for k in range(6)] == [1.0, 31 / 32, 26 / 32, 16 / 32, 6 / 32, 1 / 32]
    assert sign_test(0, 0) == 1.0
    assert sign_test(8, 2) == pytest.approx(56 / 1024)


def exact_tails(n: int) -> list[float]:
    """P(X >= k) for X ~ Binomial(n, 1/2), k = 0..n, from exact integers (each correctly rounded)."""
    coefficient, total, tails = 1, 0, [0] * (n + 2)
    for j in range(n, -1, -1):  # C(n, n) first
        total += coefficient
        tails[j] = total
        coefficient = coefficient * j // (n - j + 1)
    return [tails[k] / (1 << n) for k in range(n + 1)]


@pytest.mark.parametrize("n", [1, 5, 63, 64, 65, 66, 100, 101, 499, 1000, 2001, 5000])
def test_the_sign_test_agrees_with_exact_values_for_every_count(n: int) -> None:
    exact = exact_tails(n)
    for lower in range(n + 1):
        p = sign_test(lower, n - lower)
        want = exact[lower]
        if want < 1e-290:  # below what a float keeps with full precision: only "tiny" matters
            assert p < 1e-280, (n, lower)
        else:
            assert p == pytest.approx(want, rel=1e-9), (n, lower)


def test_the_sign_test_of_a_hundred_thousand_sessions_is_a_plain_number() -> None:
    # P(X >= n/2) = 1/2 + C(n, n/2) / 2**(n+1) by symmetry
    assert sign_test(50_000, 50_000) == pytest.approx(0.5 + math.comb(100_000, 50_000) / (1 << 100_001), rel=1e-9)
    assert sign_test(100_000, 0) == 0.0  # 2 ** -100000 is below the smallest float
    assert 0 < sign_test(51_000, 49_000) < 1e-9 < sign_test(50_200, 49_800) < 0.11


def rated(*drops: int) -> list[SessionSummary]:
    """Sessions whose mean tension fell by each of ``drops`` (negative: rose)."""
    return [
        session(n, before=Ratings(left=5, right=5, back=5), after=Ratings(left=5 - d, right=5 - d, back=5 - d))
        for n, d in enumerate(drops)
    ]


def test_the_verdict_waits_for_five_rated_sessions() -> None:
    series = [*rated(3, 3, 3, 3), session(9, after=None, stop="other")]
    v = verdict(series)
    assert (v.kind, v.rated, v.p_value) == ("not_enough_data", 4, None)
    assert v.sentence == (
        "Not enough data yet: 4 rated sessions; 1 more before softspot can tell a real change from noise."
    )


@pytest.mark.parametrize(
    ("drops", "kind", "sentence"),
    [
        (
            (2, 1, 3, 1, 2),
            "better",
            "More than noise: tension is lower after sessions (lower after 5, higher after 0, unchanged after 0 "
            "of 5 rated sessions; sign test p = 0.031).",
        ),
        (
            (2, -1, 3, 0, 2, 1),
            "noise",
            "Could still be noise: lower after 4, higher after 1, unchanged after 1 of 6 rated sessions "
            "(sign test p = 0.19; more than noise needs p < 0.05).",
        ),
        (
            (-1, -2, -1, -1, -3, 0),
            "worse",
            "Tension is higher after sessions, more than noise (lower after 0, higher after 5, unchanged after 1 "
            "of 6 rated sessions; sign test p = 0.031). Use less time per leg, and ask your therapist.",
        ),
    ],
)
def test_the_verdict_tells_a_change_from_noise(drops: tuple[int, ...], kind: str, sentence: str) -> None:
    v = verdict(rated(*drops))
    assert (v.kind, v.sentence) == (kind, sentence)


def test_progress_puts_it_all_together() -> None:
    series = rated(1, 2, 1, 2, 1, 2)
    p = progress(hamstring(), series, (MONDAY + timedelta(days=6)).date())
    assert [c.drop for c in p.changes] == [1.0, 2.0, 1.0, 2.0, 1.0, 2.0]
    assert p.weeks == [Week(date(2026, 11, 2), 6, 60.0)]
    assert (p.regularity.per_week, p.verdict.kind, p.suggestion.minutes_per_leg) == (6.0, "better", 4.0)


# The record sent to the store.


def test_a_record_from_the_planner_validates() -> None:
    record = parse_record(make_payload())
    assert (record.before.mean, record.after and record.after.mean, record.comfortable) == (5.0, 8 / 3, True)
    assert record.engine.active_seconds == record.engine.ended_at - 12


@pytest.mark.parametrize(
    ("before", "message"),
    [
        ({"left": 11, "right": 5, "back": 4}, "before.left: 11 is above 10"),
        ({"left": 6, "right": -1, "back": 4}, "before.right: -1 is below 0"),
        ({"left": 6, "right": 5, "back": 4.5}, "before.back: 4.5 is not a whole number from 0 to 10"),
        ({"left": True, "right": 5, "back": 4}, "before.left: True is not a whole number from 0 to 10"),
        ({"left": "6", "right": 5, "back": 4}, "before.left: '6' is not a whole number from 0 to 10"),
    ],
)
def test_a_rating_outside_0_to_10_is_refused_naming_the_field(before: dict[str, object], message: str) -> None:
    with pytest.raises(RecordError) as caught:
        parse_record({**make_payload(), "before": before})
    assert str(caught.value) == message


def test_an_engine_record_that_contradicts_itself_is_refused() -> None:
    payload = make_payload()
    payload["engine"] = {**payload["engine"], "stop_reason": "discomfort"}
    with pytest.raises(RecordError) as caught:
        parse_record(payload)
    assert str(caught.value) == "engine: a session with a stop_reason ended early; set ended_early to true"
    payload = make_payload()
    payload["engine"]["spots"][0]["leg"] = "middle"
    with pytest.raises(RecordError) as caught:
        parse_record(payload)
    assert str(caught.value) == "engine.spots.0.leg: 'middle' is not a leg of the script"
    payload = make_payload()
    payload["engine"]["spots"][0]["ended_by"] = "bored"
    with pytest.raises(RecordError) as caught:
        parse_record(payload)
    assert str(caught.value) == ("engine.spots.0.ended_by: Input should be 'softened', 'time', 'skipped' or 'stopped'")


def test_a_stopped_session_may_skip_the_ratings_after() -> None:
    record = parse_record(make_payload(stop_reason="discomfort", after=None))
    assert (record.after, record.engine.ended_early, record.comfortable) == (None, True, False)


TRACES = sorted((Path(__file__).parent / "traces").glob("*.json"))


@pytest.mark.parametrize("trace", TRACES, ids=[t.stem for t in TRACES])
def test_every_engine_trace_ends_in_a_record_the_store_accepts(trace: Path) -> None:
    data = json.loads(trace.read_text())
    engine = data["expected"]["record"]
    payload = {
        **make_payload(),
        "script": data["script"],
        "engine": engine,
        "after": None if engine["ended_early"] else {"left": 2, "right": 2, "back": 2},
    }
    record = parse_record(payload)
    assert record.engine.model_dump(mode="json") == engine
