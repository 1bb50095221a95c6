"""Cost that grows with the work: the history page and progress make as many queries for 40 sessions as for 3,
read no script or engine JSON, and the page shows one page of sessions and a chart of bounded size.

(Time is measured by bench/history_scale.py, never here.)
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.conftest import Home
from tests.helpers import NIGHT, hamstring, make_payload
from typer.testing import CliRunner

from softspot.cli import app
from softspot.core.progress import CHART_POINTS, progress
from softspot.core.record import parse_record
from softspot.store import receivers
from softspot.store.models import ProgressTally, Receiver, SessionRecord
from softspot.store.records import local_owner, progress_report, save_record, summaries
from softspot.web.views.history import PAGE_SIZE

pytestmark = pytest.mark.postgres


def practise(receiver: Receiver, sessions: int, start: int = 0) -> None:
    """``sessions`` sessions, one a day from ``start`` days after the first night, with varied ratings."""
    for day in range(start, start + sessions):
        payload = make_payload(before=(6, 5, 4), after=(3 + day % 4, 3, 2), note=f"day {day}")
        payload["started_at"] = (NIGHT + timedelta(days=day)).isoformat()
        payload["ended_at"] = (NIGHT + timedelta(days=day, minutes=10)).isoformat()
        save_record(receiver, parse_record(payload))


def queries_of(action: object) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        action()  # type: ignore[operator]
    return [q["sql"] for q in captured.captured_queries]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def forget_tallies() -> None:
    """As after migrating: no progress tally kept (softspot.store.tallies counts afresh on the next read)."""
    ProgressTally.objects.all().delete()


def test_the_history_page_makes_the_same_queries_for_3_sessions_as_for_40(home: Home) -> None:
    client = signed_in(home.owner)
    practise(home.sam, 3)
    few = queries_of(lambda: client.get("/history/"))  # counts afresh and keeps the tally
    few_again = queries_of(lambda: client.get("/history/"))  # nothing new: the kept tally as it is
    practise(home.sam, 1, start=3)
    few_carried = queries_of(lambda: client.get("/history/"))  # the kept tally and the one new session
    practise(home.sam, 36, start=4)
    forget_tallies()
    many = queries_of(lambda: client.get("/history/"))
    many_again = queries_of(lambda: client.get("/history/"))
    practise(home.sam, 1, start=40)
    many_carried = queries_of(lambda: client.get("/history/"))
    assert (len(many), len(many_again), len(many_carried)) == (len(few), len(few_again), len(few_carried))
    assert not [q for q in many + many_carried if '"script"' in q or '"engine"' in q], "the page read whole scripts"


def test_progress_is_four_queries_or_fewer_whatever_the_history_and_reads_no_script(home: Home) -> None:
    def report() -> list[str]:
        queries = queries_of(lambda: progress_report(home.sam, hamstring(), NIGHT.date()))
        # the savepoint about keeping the tally (the test runs in a transaction) is not a query of the data
        return [q for q in queries if not q.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]

    practise(home.sam, 2)
    few = [report(), report()]
    practise(home.sam, 1, start=2)
    few.append(report())
    practise(home.sam, 37, start=3)
    forget_tallies()
    many = [report(), report()]
    practise(home.sam, 1, start=40)
    many.append(report())
    assert [len(q) for q in many] == [len(q) for q in few] == [3, 3, 4]
    # afresh: the kept tally (none), every session, keep it; unchanged: the kept tally, the check of the
    # sessions it counted, the sessions since (none); one new: the same and keep it again
    assert not [q for queries in many for q in queries if '"script"' in q or '"engine"' in q]
    assert progress_report(home.sam, hamstring(), NIGHT.date()) == progress(
        hamstring(), summaries(home.sam, hamstring().id), NIGHT.date()
    )


def test_the_history_page_shows_one_page_of_sessions_newest_first_and_the_rest_on_later_pages(home: Home) -> None:
    practise(home.sam, PAGE_SIZE + 5)
    client = signed_in(home.owner)
    first = client.get("/history/").content.decode()
    assert first.count("<tr>") == PAGE_SIZE + 1  # the head and one row a session
    assert f"day {PAGE_SIZE + 4}<" in first and "day 0<" not in first
    assert f"Sessions 1 to {PAGE_SIZE} of {PAGE_SIZE + 5}, newest first." in first
    assert 'href="?page=2" rel="next">Older sessions' in first
    second = client.get("/history/?page=2").content.decode()
    assert second.count("<tr>") == 5 + 1
    assert "day 0<" in second and 'href="?page=1" rel="prev">Newer sessions' in second
    for bad in ("0", "-3", "99", "two", "1e9", "9" * 400):
        assert client.get("/history/", {"page": bad}).status_code == 200, bad


def test_the_chart_has_a_point_a_session_at_first_and_one_a_week_after_many(home: Home) -> None:
    practise(home.sam, CHART_POINTS)
    client = signed_in(home.owner)
    html = client.get("/history/").content.decode()
    assert html.count('class="before"') == CHART_POINTS
    assert "after, for each session" in html
    practise(home.sam, 40, start=CHART_POINTS)  # 70 days: ten or eleven weeks
    html = client.get("/history/").content.decode()
    weeks = html.count('class="before"')
    assert 10 <= weeks <= 12
    assert "after, for the mean of each week&#x27;s sessions" in html
    assert SessionRecord.objects.filter(receiver=home.sam).count() == CHART_POINTS + 40


def test_the_chart_turns_to_months_then_years_for_a_long_history(home: Home) -> None:
    # One session every two weeks for four years: over 30 weeks and 30 months, so a point a quarter.
    for n in range(4 * 26):
        payload = make_payload()
        payload["started_at"] = (NIGHT - timedelta(days=14 * n)).isoformat()
        payload["ended_at"] = (NIGHT - timedelta(days=14 * n, minutes=-10)).isoformat()
        save_record(home.sam, parse_record(payload))
    html = signed_in(home.owner).get("/history/").content.decode()
    points = re.findall(r'<circle class="before"', html)
    assert 16 <= len(points) <= 18
    assert "each quarter" in html


@pytest.fixture
def local(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Receiver:
    monkeypatch.setenv("SOFTSPOT_DATA_DIR", str(tmp_path / "data"))
    return receivers.add(local_owner(), "Sam")


def test_softspot_history_shows_the_newest_twenty_unless_asked_for_more(local: Receiver) -> None:
    practise(local, 25)
    runner = CliRunner()
    shown = runner.invoke(app, ["history"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert len(re.findall(r"day \d+", shown.stdout)) == 20
    assert "day 24" in shown.stdout and "day 4 " not in shown.stdout
    assert "The newest 20 of 25 sessions; --limit N for more, --all for every one." in shown.stdout
    three = runner.invoke(app, ["history", "--limit", "3", "--json"])
    assert [r["note"] for r in json.loads(three.stdout)] == ["day 24", "day 23", "day 22"]
    assert "The newest 3 of 25 sessions" in three.stderr
    every = json.loads(runner.invoke(app, ["history", "--all", "--json"]).stdout)
    assert [r["note"] for r in every] == [f"day {d}" for d in range(24, -1, -1)]
    assert {r["spots"] for r in every} == {len(parse_record(make_payload()).engine.spots)}
    table = runner.invoke(app, ["history", "--all"], env={"COLUMNS": "200"})
    assert len(re.findall(r"day \d+", table.stdout)) == 25 and "25 sessions." in table.stdout
    refused = runner.invoke(app, ["history", "--limit", "0"])
    assert refused.exit_code == 2 and "--limit" in refused.output
