"""When the database cannot be used the web app says why with a 503, and a 500 is logged with its traceback.

And ``softspot import``: a kept record is stored once; a bad file is named plainly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import DatabaseError, OperationalError
from django.test import Client
from tests.helpers import ALL_NO, make_payload, receiver_of
from typer.testing import CliRunner

from softspot.cli import app
from softspot.store import api, health, records
from softspot.store.models import SessionRecord

CHECK = "/t/hands-free-hamstring/check/"
RECORDS = "/api/records/"


@pytest.fixture(autouse=True)
def _healthy_again() -> Iterator[None]:
    yield
    health._broken = health._cause = None  # a damaged database marks the process; each test starts whole


def failing(exc: Exception) -> object:
    def fail(*args: object, **kwargs: object) -> None:
        raise exc

    return fail


@pytest.mark.django_db
def test_a_read_only_database_answers_the_safety_check_with_a_503_saying_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SessionStore, "save", failing(OperationalError("attempt to write a readonly database")))
    response = Client(raise_request_exception=False).post(CHECK, dict.fromkeys(ALL_NO, "no"))
    assert response.status_code == 503
    page = response.content.decode()
    assert "Your records cannot be used right now" in page
    assert "cannot be written" in page and "SOFTSPOT_DATA_DIR" in page
    assert response["Retry-After"] == "60"


@pytest.mark.django_db
def test_a_read_only_database_answers_the_api_with_a_json_503(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "save_record", failing(OperationalError("attempt to write a readonly database")))
    response = Client(raise_request_exception=False).post(
        RECORDS, data=json.dumps(make_payload()), content_type="application/json"
    )
    assert (response.status_code, response["Content-Type"]) == (503, "application/json")
    [error] = response.json()["errors"]
    assert error["field"] == "" and "the store cannot be used: the database" in error["message"]
    assert "cannot be written" in error["message"]


@pytest.mark.django_db
def test_a_missing_database_file_answers_history_with_a_503(monkeypatch: pytest.MonkeyPatch) -> None:
    from softspot.web.views import history

    monkeypatch.setattr(history, "progress_report", failing(OperationalError("unable to open database file")))
    response = Client(raise_request_exception=False).get("/history/")
    assert response.status_code == 503
    assert "cannot open the database" in response.content.decode()
    assert Client(raise_request_exception=False).get("/t/hands-free-hamstring/").status_code == 200  # not lasting


@pytest.mark.django_db
def test_once_a_page_finds_the_database_damaged_no_record_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    from softspot.web.views import history

    monkeypatch.setattr(history, "progress_report", failing(DatabaseError("database disk image is malformed")))
    client = Client(raise_request_exception=False)
    assert client.get("/history/").status_code == 503
    response = client.post(RECORDS, data=json.dumps(make_payload()), content_type="application/json")
    assert response.status_code == 503
    assert "is damaged" in response.json()["errors"][0]["message"]
    assert client.get("/t/hands-free-hamstring/").status_code == 503
    assert not SessionRecord.objects.exists()


@pytest.mark.django_db
def test_a_damaged_database_is_explained_in_the_page_s_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 503 page that answers every request once the database is known damaged speaks the page's language
    (its middleware runs after the language is chosen)."""
    from softspot.web.views import history

    monkeypatch.setattr(history, "progress_report", failing(DatabaseError("database disk image is malformed")))
    assert Client(raise_request_exception=False).get("/history/").status_code == 503  # found in English
    client = Client(raise_request_exception=False, headers={"accept-language": "de"})
    again = client.get("/t/hands-free-hamstring/")  # answered by the middleware, before any view
    assert again.status_code == 503
    page = again.content.decode()
    assert 'lang="de"' in page
    assert "Your records cannot be used right now" not in page and "is damaged" not in page


def test_a_500_is_logged_with_its_traceback_to_stderr_and_the_data_folder(tmp_path: Path) -> None:
    """In another process, so the settings' own logging configuration is what runs."""
    env = {**os.environ, "SOFTSPOT_DATA_DIR": str(tmp_path)}
    env.pop("SOFTSPOT_DATABASE_URL", None)
    code = (
        "import json, sys\n"
        "from softspot.store.bootstrap import setup\n"
        "setup()\n"
        "from django.test import Client\n"
        "from softspot.store import api\n"
        "def broken(*a, **k):\n"
        "    raise RuntimeError('the store broke in a new way')\n"
        "api.save_record = broken\n"
        "r = Client(raise_request_exception=False).post(\n"
        "    '/api/records/', data=sys.stdin.read(), content_type='application/json')\n"
        "print(r.status_code, r['Content-Type'], r.content.decode())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(make_payload()),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    status, content_type, body = done.stdout.split(" ", 2)
    assert (status, content_type) == ("500", "application/json")
    assert json.loads(body)["errors"][0]["message"] == "the server failed to handle this record; it is logged"
    for log in (done.stderr, (tmp_path / "softspot.log").read_text()):
        assert "ERROR django.request: Internal Server Error: /api/records/" in log
        assert "Traceback (most recent call last):" in log
        assert "RuntimeError: the store broke in a new way" in log


# softspot import

runner = CliRunner()


@pytest.fixture
def kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOFTSPOT_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "softspot-record.json"
    path.write_text(json.dumps(make_payload(source="terminal", note="kept")))
    return path


@pytest.mark.django_db
def test_an_imported_record_is_stored_once(kept: Path) -> None:
    first = runner.invoke(app, ["import", str(kept)])
    assert first.exit_code == 0, first.output
    assert "Imported the session of" in first.stdout
    second = runner.invoke(app, ["import", str(kept)])
    assert second.exit_code == 0, second.output
    assert "Already stored" in second.stdout
    assert list(SessionRecord.objects.values_list("note", "source")) == [("kept", "terminal")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not a session record softspot can store: the file is not JSON (line 1, column 2"),
        ("[" * 5000, "the file is nested 5000 levels deep"),
        ('{"note": NaN}', "note: NaN is not a number JSON allows"),
        ("[]", "the record must be a JSON object"),
    ],
)
def test_a_bad_file_is_named_and_nothing_is_stored(kept: Path, content: str, message: str) -> None:
    kept.write_text(content)
    result = runner.invoke(app, ["import", str(kept)])
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert not SessionRecord.objects.exists()


@pytest.mark.django_db
def test_a_record_with_a_bad_field_is_named(kept: Path) -> None:
    record = json.loads(kept.read_text())
    record["before"]["left"] = 11
    kept.write_text(json.dumps(record))
    result = runner.invoke(app, ["import", str(kept)])
    assert result.exit_code == 2
    assert f"{kept}: not a session record softspot can store: before.left: 11 is above 10" in " ".join(
        result.stderr.split()
    )


@pytest.mark.parametrize("kind", ["missing", "folder", "FIFO"])
def test_a_path_that_is_not_a_record_file_is_refused_without_waiting(kept: Path, kind: str) -> None:
    kept.unlink()
    if kind == "folder":
        kept.mkdir()
    elif kind == "FIFO":
        os.mkfifo(kept)
    result = runner.invoke(app, ["import", str(kept)])
    assert result.exit_code == 2
    said = {"missing": "no such file", "folder": "is a folder", "FIFO": "is a FIFO"}[kind]
    assert said in result.stderr


@pytest.mark.django_db
def test_someone_elses_key_is_not_imported(kept: Path, alice: object) -> None:
    record = json.loads(kept.read_text())
    records.save_record(
        receiver_of(alice), records.RecordIn.model_validate({**record, "key": str(uuid.UUID(record["key"]))})
    )  # type: ignore[arg-type]
    result = runner.invoke(app, ["import", str(kept)])
    assert result.exit_code == 2
    assert "already used by someone else's record; nothing was imported" in " ".join(result.stderr.split())
