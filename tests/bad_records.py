"""The corpus of bad bodies for the records API: checked-in cases plus generated ones.

Checked in (``tests/data/bad-records/*.json``), each says ``why`` it is bad and
how to make it from a valid record (the real plan of ``tests.helpers.make_payload``):
``set`` puts JSON values at dotted paths, ``raw`` puts text as it is (``Infinity``),
``body`` is the whole body instead. Generated here: what is too big to check in
(100,000 levels of nesting, a 10 MB body, a 5,000-digit number) and the wrong
content types. ``status`` is the answer expected, ``field`` the first field named.

Used by tests/test_api_corpus.py and bench/record_api_corpus.py. Needs no Django.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.helpers import make_payload

HERE = Path(__file__).resolve().parent / "data" / "bad-records"
JSON = "application/json"


@dataclass(frozen=True)
class BadBody:
    name: str
    why: str
    body: bytes
    status: int
    field: str | None = None
    content_type: str = JSON

    def __str__(self) -> str:
        return self.name


def _put(data: Any, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data[int(part)] if isinstance(data, list) else data[part]
    if isinstance(data, list):
        data[int(last)] = value
    else:
        data[last] = value


def from_case(name: str, case: dict[str, Any]) -> BadBody:
    if "body" in case:
        body = str(case["body"]).encode("utf-8")
    else:
        record = make_payload(key=uuid.uuid4())
        for path, value in case.get("set", {}).items():
            _put(record, path, value)
        marks = {}
        for n, (path, text) in enumerate(case.get("raw", {}).items()):
            marks[f'"__raw_{n}__"'] = text
            _put(record, path, f"__raw_{n}__")
        text = json.dumps(record)
        for mark, raw in marks.items():
            text = text.replace(mark, raw)
        body = text.encode("utf-8")
    return BadBody(name, case["why"], body, int(case["status"]), case.get("field"))


def checked_in() -> list[BadBody]:
    return [from_case(p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(HERE.glob("*.json"))]


def generated() -> list[BadBody]:
    record = json.dumps(make_payload(key=uuid.uuid4()))
    deep = 100_000
    many_spots = make_payload(key=uuid.uuid4())
    many_spots["engine"]["spots"] = many_spots["engine"]["spots"][:1] * 600
    long_list = make_payload(key=uuid.uuid4())
    long_list["script"]["explanation"] = ["x"] * 20_000
    note_list = make_payload(key=uuid.uuid4())
    note_list["note"] = json.loads("[" * 40 + "]" * 40)
    ten_mb = b'{"note": "' + b"x" * 10_000_000 + b'"}'
    return [
        BadBody(
            "nested-100k-arrays",
            "100,000 levels of [ made a RecursionError: a 500.",
            b"[" * deep + b"]" * deep,
            400,
            "",
        ),
        BadBody(
            "nested-100k-objects",
            "100,000 levels of {.",
            b'{"a":' * deep + b"1" + b"}" * deep,
            400,
            "",
        ),
        BadBody(
            "nested-40-in-the-note",
            "Deeper than a record ever is, inside a field.",
            json.dumps(note_list).encode(),
            400,
            "",
        ),
        BadBody("a-body-of-10-mb", "Django answered its HTML 400 page.", ten_mb, 413, ""),
        BadBody(
            "a-body-of-10-mb-as-a-form",
            "The CSRF check read the form: HTML 400.",
            b"a=" + b"x" * 10_000_000,
            415,
            "",
            "application/x-www-form-urlencoded",
        ),
        BadBody(
            "a-5000-digit-number",
            "int() refuses more than 4,300 digits: ValueError.",
            record.replace('"left": 6', '"left": ' + "9" * 5000, 1).encode(),
            400,
            "before.left",
        ),
        BadBody(
            "not-utf-8", "Latin-1 bytes.", record.replace("felt good", "f\u00e9lt good").encode("latin-1"), 400, ""
        ),
        BadBody("a-blank-body", "Nothing but white space.", b" \n", 400, ""),
        BadBody("plain-text", "The right record with the wrong type.", record.encode(), 415, "", "text/plain"),
        BadBody("no-content-type", "No type at all.", record.encode(), 415, "", ""),
        BadBody("600-spots", "More spots than any leg has.", json.dumps(many_spots).encode(), 400, "engine.spots"),
        BadBody(
            "20000-sentences",
            "A list longer than any record has.",
            json.dumps(long_list).encode(),
            400,
            "script.explanation",
        ),
    ]


def corpus() -> list[BadBody]:
    return [*checked_in(), *generated()]
