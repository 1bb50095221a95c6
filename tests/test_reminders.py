"""Practice reminders: the calendar file (core, CLI, web) and the "is a session due?" sentence."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from tests.helpers import receiver_of
from tests.test_store import record_in
from typer.testing import CliRunner

from softspot.cli import app
from softspot.core.reminders import ReminderInputError, due, escape_text, fold, reminder_calendar
from softspot.store import records
from softspot.store.records import save_record

runner = CliRunner()
LAN = {"LAN": True, "LOCAL_OWNER": False}
CHECK_URL = "https://example.org/t/hands-free-hamstring/check/"

GOLDEN = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//softspot//practice reminders//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        "UID:reminder-e1a5070be8b7bb3d@softspot",
        "DTSTAMP:20250101T080000Z",
        "DTSTART;TZID=Europe/Berlin:20250103T193000",
        "DURATION:PT20M",
        "RRULE:FREQ=WEEKLY;BYDAY=MO,FR",
        r"SUMMARY:softspot: Hamstrings\; back\, and \\ more",
        r"DESCRIPTION:Time for softspot: Hamstrings\; back\, and \\ more\, about 20 m",
        r" inutes together.\nOpen https://example.org/t/hands-free-hamstring/check/",
        "URL:https://example.org/t/hands-free-hamstring/check/",
        "TRANSP:OPAQUE",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        r"DESCRIPTION:softspot: Hamstrings\; back\, and \\ more",
        "TRIGGER:-PT0M",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
)


def calendar(**changes: object) -> str:
    args: dict[str, object] = {
        "technique_title": "Hands-free hamstring massage",
        "days": ["mon", "wed", "fri"],
        "at": time(19, 30),
        "start": date(2025, 1, 1),
        "url": None,
        "tz": "",
    }
    args.update(changes)
    return reminder_calendar(**args)  # type: ignore[arg-type]


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


# The calendar text


def test_the_calendar_is_exactly_one_weekly_event_with_an_alarm() -> None:
    text = reminder_calendar(
        "Hamstrings; back, and \\ more",
        ["fri", "mon"],
        time(19, 30),
        date(2025, 1, 1),  # a Wednesday: the first event is that Friday
        CHECK_URL,
        "Europe/Berlin",
        stamp=datetime(2025, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=1))),  # 08:00 UTC
    )
    assert text == GOLDEN


def test_without_a_zone_the_event_is_in_floating_local_time_and_the_same_input_gives_the_same_text() -> None:
    text = calendar()
    assert "DTSTART:20250101T193000\r\n" in text  # 1 January 2025 is a Wednesday, one of the days
    assert "TZID" not in text
    assert "URL:" not in text
    assert "DTSTAMP:20250101T000000Z\r\n" in text
    assert text == calendar()


def test_the_uid_stays_with_the_technique_when_the_days_and_time_change() -> None:
    def uid(text: str) -> str:
        return next(line for line in unfold(text) if line.startswith("UID:"))

    assert uid(calendar()) == uid(calendar(days=["sun"], at=time(7, 0)))
    assert uid(calendar()) != uid(calendar(technique_title="Another technique"))


def test_long_lines_fold_at_75_octets_without_splitting_a_character() -> None:
    title = "Ischiocrurale — détente à deux, " * 4
    text = calendar(technique_title=title, url="https://example.org/" + "x" * 120)
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75, line
    lines = unfold(text)
    assert f"SUMMARY:softspot: {escape_text(title.strip())}" in lines
    assert "URL:https://example.org/" + "x" * 120 in lines
    assert fold("é" * 40) == "é" * 37 + "\r\n " + "é" * 3  # 74 octets, then a space and 6


def test_text_values_escape_backslash_semicolon_comma_and_line_breaks() -> None:
    assert escape_text("a\\b;c,d\ne\r\nf") == r"a\\b\;c\,d\ne\nf"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"days": ["mon", "mun"]}, "--days: 'mun' is not a day; use mon, tue, wed, thu, fri, sat, sun"),
        ({"days": []}, "--days: choose at least one day from mon, tue, wed, thu, fri, sat, sun"),
        ({"technique_title": "  "}, "--technique: the technique has no title"),
        ({"url": "javascript:alert(1)"}, "--url: 'javascript:alert(1)' is not an http(s) address"),
        ({"tz": "Europe/Berlin\r\nX"}, "--tz: 'Europe/Berlin\r\nX' is not a time zone name; use an IANA name"),
        ({"at": time(19, 30, tzinfo=UTC)}, "--at: give a wall-clock time without a time zone"),
    ],
)
def test_bad_input_is_refused_naming_the_field(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ReminderInputError) as caught:
        calendar(**changes)
    assert str(caught.value).startswith(message)


# Is a session due?


def test_due_over_a_series_of_days_after_the_last_session() -> None:
    last = date(2025, 3, 3)
    sentences = [due(last, last + timedelta(days=n), 3) for n in (0, 1, 2, 3, 4, 13, 14)]
    assert sentences == [
        "Last session today: on track.",
        "Last session yesterday: on track.",
        "Last session 2 days ago: on track.",
        "Last session 3 days ago: time for another (you aim for 3 a week).",
        "Last session 4 days ago: time for another (you aim for 3 a week).",
        "Last session 13 days ago: time for another (you aim for 3 a week).",
        "Last session 14 days ago: time to start again, gently (you aim for 3 a week).",
    ]
    assert [due(last, last + timedelta(days=n), 1) for n in (6, 7)] == [
        "Last session 6 days ago: on track.",
        "Last session 7 days ago: time for another (you aim for 1 a week).",
    ]
    assert due(None, last, 3) == "No session yet: the first one is the hardest."
    assert due(last + timedelta(days=1), last, 3) == "Last session today: on track."  # a clock behind the record
    with pytest.raises(ValueError, match="sessions_per_week: 0"):
        due(last, last, 0)


# The command line


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOFTSPOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_remind_writes_the_calendar_file_and_says_how_to_import_it(folder: Path) -> None:
    result = runner.invoke(app, ["remind", "--days", "tue,sat", "--at", "07:05"])
    assert result.exit_code == 0, result.output
    text = (folder / "softspot-reminders.ics").read_bytes().decode("utf-8")
    lines = unfold(text)
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU,SA" in lines
    assert any(line.startswith("DTSTART:") and line.endswith("T070500") for line in lines)
    assert "SUMMARY:softspot: Hands-free hamstring massage" in lines
    assert "open the file" in result.stdout and "phone" in result.stdout
    assert [p.name for p in folder.iterdir() if p.name != "data"] == ["softspot-reminders.ics"]


def test_remind_writes_where_out_says(folder: Path) -> None:
    result = runner.invoke(app, ["remind", "--out", "cal/mine.ics"])
    assert result.exit_code == 2  # the folder does not exist
    (folder / "cal").mkdir()
    result = runner.invoke(app, ["remind", "--out", "cal/mine.ics"])
    assert result.exit_code == 0, result.output
    assert "BYDAY=MO,WE,FR" in (folder / "cal" / "mine.ics").read_text()
    assert [p.name for p in (folder / "cal").iterdir()] == ["mine.ics"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--days", "mon,mun"], "--days: 'mun' is not a day; use mon, tue, wed, thu, fri, sat, sun"),
        (["--days", ","], "--days: choose at least one day"),
        (["--at", "25:00"], "--at: '25:00' is not a time; use 24-hour HH:MM"),
        (["--technique", "no-such-technique"], "--technique:"),
    ],
)
def test_remind_refuses_bad_input_with_exit_2_and_writes_nothing(folder: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["remind", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (folder / "softspot-reminders.ics").exists()
    assert [p.name for p in folder.iterdir() if p.name != "data"] == []


@pytest.fixture
def local(db: None, folder: Path) -> User:
    return records.local_owner()


def test_progress_says_whether_a_session_is_due(local: User) -> None:
    result = runner.invoke(app, ["progress"], env={"COLUMNS": "200"})
    assert "Due: No session yet: the first one is the hardest." in result.stdout
    five_days_ago = datetime.combine(date.today() - timedelta(days=5), time(12)).astimezone()
    save_record(receiver_of(local), record_in(started_at=five_days_ago))
    result = runner.invoke(app, ["progress"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Due: Last session 5 days ago: time for another (you aim for 3 a week)." in result.stdout


# The web app


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_history_page_says_what_is_due_and_offers_a_reminder_form(alice: User) -> None:
    html = signed_in(alice).get("/history/").content.decode()
    assert "No session yet: the first one is the hardest." in html
    assert 'action="/reminders.ics"' in html and 'method="get"' in html
    assert html.count('name="days" value') == 7
    assert html.count("checked") == 3
    assert 'type="time"' in html and 'value="19:30"' in html
    assert " style=" not in html and "<style" not in html


def test_the_reminder_form_downloads_a_calendar_file(alice: User) -> None:
    response = signed_in(alice).get("/reminders.ics", {"days": ["sat", "mon"], "at": "08:15"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="softspot-reminders.ics"'
    lines = unfold(response.content.decode("utf-8"))
    assert "RRULE:FREQ=WEEKLY;BYDAY=MO,SA" in lines
    assert any(line.startswith("DTSTART:") and line.endswith("T081500") for line in lines)
    assert "URL:http://testserver/t/hands-free-hamstring/check/" in lines


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"days": ["mon", "mun"], "at": "19:30"}, "days", "&#x27;mun&#x27; is not a day; use mon, tue, wed"),
        ({"at": "19:30"}, "days", "Choose at least one day."),
        ({"days": ["mon"], "at": "25:00"}, "at", "&#x27;25:00&#x27; is not a time; use 24-hour HH:MM"),
        ({"days": ["mon"]}, "at", "Give a time, e.g. 19:30."),
    ],
)
def test_a_bad_reminder_form_is_answered_400_naming_the_field(
    alice: User, query: dict[str, object], field: str, message: str
) -> None:
    response = signed_in(alice).get("/reminders.ics", query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f'<p class="error" id="id_{field}-error">' in html
    error = html.split(f'id="id_{field}-error">')[1].split("</p>")[0]
    assert message in error
    assert "BEGIN:VCALENDAR" not in html


@override_settings(**LAN)
def test_under_lan_an_anonymous_visitor_gets_no_calendar(db: None) -> None:
    response = Client().get("/reminders.ics", {"days": ["mon"], "at": "19:30"})
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/?next=")
    assert Client().post("/reminders.ics").status_code in {302, 405}
