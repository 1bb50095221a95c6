"""The kept progress tally (softspot.store.tallies) gives exactly what one pass over every session gives.

The oracle is the computation from before the tally was kept: ``progress()`` and ``suggest()`` over every
session read afresh (``summaries``). Random histories are written, read, deleted, moved between receivers and
added out of order, through the ORM as imports and bulk writes do and through ``save_record`` as the CLI, the
web and the API do; after each step the report must be equal, field by field, to the oracle's.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.conftest import Home
from tests.helpers import hamstring, make_payload

from softspot.core.progress import Tally, progress, suggest
from softspot.core.record import parse_record
from softspot.store import receivers, tallies
from softspot.store.models import ProgressTally, Receiver, SessionRecord
from softspot.store.records import history, progress_report, save_record, suggestion, summaries

pytestmark = pytest.mark.postgres

SUNDAY_NIGHT = datetime(2026, 11, 1, 23, 59, 30, tzinfo=UTC)
"""A minute before a Monday, and a month's end two days before: sessions around it fall in different weeks."""
TECHNIQUE = hamstring()
OTHER_TECHNIQUE = "some-other-technique"

ratings = st.tuples(*[st.integers(0, 10)] * 3)
sessions = st.fixed_dictionaries(
    {
        "minutes": st.integers(-2, 60 * 24 * 70),  # from the night above, up to ten weeks on (a few before it)
        "dose": st.sampled_from([60, 120, 180, 240, 300, 600]),
        "active": st.floats(0, 3600, allow_nan=False, allow_infinity=False),
        "before": ratings,
        "after": st.none() | ratings,
        "stop": st.sampled_from(["", "", "", "discomfort", "out_of_time", "other"]),
        "thigh": st.none() | st.floats(20, 60, allow_nan=False),
        "other_technique": st.booleans(),
        "micro": st.sampled_from([0, 0, 1, 999_999]),
    }
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.lists(sessions, min_size=1, max_size=6)),
        st.tuples(st.just("read"), st.none()),
        st.tuples(st.just("delete"), st.integers(0, 1000)),
        st.tuples(st.just("move"), st.integers(0, 1000)),
        st.tuples(st.just("merge"), st.none()),
    ),
    max_size=12,
)


def write(receiver: Receiver, spec: dict[str, Any]) -> None:
    """A session written straight to the table (as a bulk import or the benchmark's seeding does)."""
    when = SUNDAY_NIGHT + timedelta(minutes=spec["minutes"], microseconds=spec["micro"])
    stopped = spec["stop"] != ""
    after = None if stopped and spec["stop"] != "other" else spec["after"]
    SessionRecord.objects.create(
        receiver=receiver,
        key=uuid.uuid4(),
        technique_id=OTHER_TECHNIQUE if spec["other_technique"] else TECHNIQUE.id,
        technique_version="1",
        surface="bed",
        position="prone",
        seconds_per_leg=spec["dose"],
        thigh_cm=spec["thigh"],
        active_seconds=spec["active"],
        script={},
        engine={},
        before_left=spec["before"][0],
        before_right=spec["before"][1],
        before_back=spec["before"][2],
        after_left=None if after is None else after[0],
        after_right=None if after is None else after[1],
        after_back=None if after is None else after[2],
        started_at=when,
        ended_at=when + timedelta(minutes=12),
        ended_early=stopped,
        stop_reason=spec["stop"],
        source="terminal",
    )


def assert_as_afresh(receiver: Receiver) -> None:
    today = (SUNDAY_NIGHT + timedelta(days=80)).date()
    oracle = progress(TECHNIQUE, summaries(receiver, TECHNIQUE.id), today)
    assert progress_report(receiver, TECHNIQUE, today) == oracle
    assert progress_report(receiver, TECHNIQUE, today) == oracle  # and again, from the tally just kept
    for thigh in (None, 30.0):
        assert suggestion(receiver, TECHNIQUE, thigh) == suggest(TECHNIQUE, summaries(receiver, TECHNIQUE.id), thigh)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps)
def test_progress_from_the_kept_tally_equals_progress_from_every_session(home: Home, plan: list[Any]) -> None:
    SessionRecord.objects.all().delete()
    ProgressTally.objects.all().delete()
    sam = home.sam
    others = [home.alice]
    for kind, arg in plan:
        if kind == "add":
            for spec in arg:
                write(sam, spec)
        elif kind == "read":
            assert_as_afresh(sam)
        elif kind in {"delete", "move"}:
            ids = list(SessionRecord.objects.filter(receiver=sam).order_by("id").values_list("id", flat=True))
            if ids:
                record = SessionRecord.objects.filter(pk=ids[arg % len(ids)])
                if kind == "delete":
                    record.delete()
                else:
                    record.update(receiver=others[0])
        elif kind == "merge":  # everything of the other receiver becomes Sam's (people merge)
            receivers.move_records(others[0], sam)
        assert_as_afresh(sam)
        assert_as_afresh(others[0])


def test_sessions_saved_as_the_player_sends_them_carry_the_tally_on(home: Home) -> None:
    sam = home.sam
    for day, stop in enumerate(["", "", "discomfort", "", "", "", "", "discomfort", "discomfort"]):
        payload = make_payload(before=(6, 5, 4), after=None if stop else (3, 3, 2 + day % 3), stop_reason=stop or None)
        payload["started_at"] = (SUNDAY_NIGHT + timedelta(days=day)).isoformat()
        payload["ended_at"] = (SUNDAY_NIGHT + timedelta(days=day, minutes=10)).isoformat()
        save_record(sam, parse_record(payload))
        assert_as_afresh(sam)
    assert ProgressTally.objects.get(receiver=sam).sessions == 9


def test_a_tally_kept_in_another_format_or_damaged_is_counted_afresh(home: Home) -> None:
    for day in range(3):
        write(home.sam, {**_plain(), "minutes": day * 1440})
    assert_as_afresh(home.sam)
    for state in ('{"version": 0}', "not json", "[]", '{"version": 1}'):
        ProgressTally.objects.filter(receiver=home.sam).update(state=state)
        assert tallies.loads(state) is None
        assert_as_afresh(home.sam)


def test_the_state_kept_is_the_tally_exactly() -> None:
    t = Tally()
    assert tallies.loads(tallies.dumps(t)).__dict__ == t.__dict__  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="every session"):
        tallies.dumps(Tally(since=SUNDAY_NIGHT))


def _plain() -> dict[str, Any]:
    return {
        "minutes": 0,
        "dose": 180,
        "active": 0.1 + 0.2,
        "before": (6, 5, 4),
        "after": (3, 3, 2),
        "stop": "",
        "thigh": None,
        "other_technique": False,
        "micro": 0,
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.sampled_from([0, 0, 0, 1, 2]), st.integers(0, 40), st.booleans()), max_size=40),
    st.integers(1, 8),
)
@example(spec=[(1, day, False) for day in range(6)], newest=3)
@example(spec=[(0, 9, False), (1, 5, False), (1, 4, False), (2, 5, True), (1, 1, False), (0, 0, False)], newest=4)
def test_a_households_newest_sessions_are_those_of_the_whole_sorted_history(
    home: Home, spec: list[tuple[int, int, bool]], newest: int
) -> None:
    """``history(household, newest=N)[:N]`` (the sort limited to each receiver's newest N) lists exactly what
    sorting the whole household's history does, ties in start time included; for one technique as well."""
    SessionRecord.objects.all().delete()
    third = receivers.add(home.owner, "Kim")
    household = [home.alice, home.sam, third]
    for whose, day, other in spec:
        write(household[whose], {**_plain(), "minutes": day * 720, "other_technique": other})
    for technique_id in (None, TECHNIQUE.id):
        everything = list(history(home.owner, technique_id)[:newest])
        assert list(history(home.owner, technique_id, newest=newest)[:newest]) == everything
        assert [r.pk for r in everything] == [
            r.pk for r in sorted(history(home.owner, technique_id), key=lambda r: (r.started_at, r.pk), reverse=True)
        ][:newest]
    third.delete()
