"""The records API under a corpus of bad bodies: every one refused in JSON, never a 500, nothing written.

In this process (Django's test client) on the session's database: SQLite, and
PostgreSQL under ``pytest --db=postgres -m postgres`` (that test is marked ``postgres``).
Then over HTTP against a real ``softspot serve`` on SQLite and on a throwaway
PostgreSQL server, the way a phone would send them.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from tests.bad_records import JSON, BadBody, corpus
from tests.helpers import make_payload
from tests.pg import PostgresServer

from softspot.store.models import SessionRecord, SpotRecord

RECORDS = "/api/records/"
TOKEN = "Abcdefghijklmnopqrstuvwxyz012345"
CORPUS = corpus()


def assert_refused_in_json(bad: BadBody, status: int, content_type: str, body: bytes) -> None:
    assert status == bad.status, f"{bad.name}: {status} {body[:300]!r}"
    assert content_type == JSON, f"{bad.name}: {content_type} {body[:300]!r}"
    errors = json.loads(body)["errors"]
    assert errors, bad.name
    assert all(isinstance(e["field"], str) and isinstance(e["message"], str) and e["message"] for e in errors)
    if bad.field is not None:
        assert errors[0]["field"] == bad.field, f"{bad.name}: {errors}"


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("bad", CORPUS, ids=str)
def test_a_bad_body_is_refused_in_json_naming_the_field_and_nothing_is_written(bad: BadBody) -> None:
    client = Client(raise_request_exception=False)
    response = client.post(RECORDS, data=bad.body, content_type=bad.content_type)
    assert_refused_in_json(bad, response.status_code, response["Content-Type"], response.content)
    assert not SessionRecord.objects.exists()
    assert not SpotRecord.objects.exists()


@pytest.mark.django_db
def test_the_corpus_covers_every_case_the_issue_names() -> None:
    names = {bad.name for bad in CORPUS}
    assert {
        "nested-100k-arrays",
        "started-at-year-1-with-an-offset",
        "started-at-year-9999-with-an-offset",
        "seconds-per-leg-below-zero",
        "seconds-per-leg-2-to-the-70",
        "infinity-in-the-engine-record",
        "spot-index-2-to-the-70",
        "spot-index-40000",
        "nul-in-the-note",
        "technique-id-longer-than-its-column",
        "technique-version-longer-than-its-column",
        "a-body-of-10-mb",
    } <= names
    assert len(CORPUS) >= 40


# Over HTTP, against a real server on each database.


@dataclass
class Served:
    port: int
    process: subprocess.Popen[str]
    count: Any  # () -> int: session records stored

    def post(self, body: bytes, content_type: str) -> tuple[int, str, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": f"csrftoken={TOKEN}", "X-CSRFToken": TOKEN, "Content-Length": str(len(body))}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            connection.putrequest("POST", RECORDS)
            for name, value in headers.items():
                connection.putheader(name, value)
            connection.endheaders()
            # Like a browser, stop sending when the server has answered early (413) and closed.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                connection.send(body)
            response = connection.getresponse()
            return response.status, response.getheader("Content-Type", ""), response.read()
        finally:
            connection.close()


def serve(env: dict[str, str]) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "softspot", "serve", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process


def wait_for_port(process: subprocess.Popen[str], timeout: float = 60) -> int:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        seen += line
        found = re.search(r"serving at \S*http://127\.0\.0\.1:(\d+)/", line)
        if found:
            return int(found[1])
        if not line and process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"softspot serve did not start:\n{seen}")


@pytest.fixture(params=["sqlite", "postgres"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    env = {**os.environ, "SOFTSPOT_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("SOFTSPOT_DATABASE_URL", None)
    if request.param == "postgres":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = server.new_database()
        env["SOFTSPOT_DATABASE_URL"] = url

        def count() -> int:
            import psycopg

            with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
                row = db.execute("SELECT count(*) FROM store_sessionrecord").fetchone()
                return int(row[0]) if row else 0
    else:

        def count() -> int:
            with sqlite3.connect(tmp_path / "data" / "softspot.sqlite3") as db:
                return int(db.execute("SELECT count(*) FROM store_sessionrecord").fetchone()[0])

    process = serve(env)
    try:
        yield Served(wait_for_port(process), process, count)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_running_server_refuses_every_bad_body_without_a_500_and_keeps_a_good_one(served: Served) -> None:
    for bad in CORPUS:
        status, content_type, body = served.post(bad.body, bad.content_type)
        assert_refused_in_json(bad, status, content_type, body)
    assert served.count() == 0
    good = make_payload(key=uuid.uuid4())
    status, _, body = served.post(json.dumps(good).encode(), JSON)
    assert status == 201, body[:500]
    assert served.count() == 1
    served.process.terminate()
    output, _ = served.process.communicate(timeout=20)
    assert "Traceback" not in output
    assert '" 500 ' not in output
