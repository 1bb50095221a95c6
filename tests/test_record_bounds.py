"""Records within bounds, decided before anything is stored: JSON read safely, every value kept storable."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from tests.helpers import NIGHT, make_payload

from softspot.core import safejson
from softspot.core.record import FieldError, RecordError, parse_record, read_record
from softspot.core.units import UnitError, parse_length


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("{}", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('{"a": "[[[[[[["}', 1),  # brackets in a string do not count
        ('{"a": "\\"[[[", "b": "\\\\"}', 1),  # nor after an escaped quote or backslash
        ("[" * 100_000, 100_000),
    ],
)
def test_nesting_is_measured_outside_strings_without_decoding(text: str, depth: int) -> None:
    assert safejson.nesting_depth(text) == depth


def test_json_beyond_the_bounds_is_refused_or_marked_not_decoded() -> None:
    with pytest.raises(safejson.JsonProblem, match="is nested 100000 levels deep; at most 32 are allowed"):
        safejson.loads("[" * 100_000 + "]" * 100_000)
    with pytest.raises(safejson.JsonProblem, match=r"is not UTF-8 text \(byte 3\)"):
        safejson.loads(b'{"\xff": 1}')
    data = safejson.loads('{"a": NaN, "b": [-Infinity], "c": 1e400, "d": ' + "7" * 5000 + "}")
    assert [(p.path, p.message) for p in safejson.problems(data)] == [
        ("a", "NaN is not a number JSON allows; send a finite number"),
        ("b.0", "-Infinity is not a number JSON allows; send a finite number"),
        ("c", "1e400 is too large"),
        ("d", "777777777777777777777777… (5000 characters) is too large"),
    ]


def test_values_built_in_python_are_checked_the_same_way() -> None:
    data = {"note": "a\x00b", "x": [math.inf, 2**70, "\ud800"], "y": {"k\x00": 1}, "z": "x" * 10_001}
    assert [(p.path, p.message) for p in safejson.problems(data)] == [
        ("note", "contains a NUL character (\\u0000), which cannot be stored"),
        ("x.0", "inf is not a finite number"),
        ("x.1", "1180591620717411303424 is too large"),
        ("x.2", "contains a lone surrogate (an unpaired \\ud800-\\udfff escape), which is not text"),
        ("y.k\\u0000", "a field name contains a NUL"),
        ("z", "is 10001 characters long; at most 10000 are allowed"),
    ]


def errors_of(record: dict[str, object], now: datetime | None = None) -> list[FieldError]:
    with pytest.raises(RecordError) as refused:
        parse_record(record, now=now)
    return refused.value.errors


def test_a_record_the_guide_builds_with_infinity_is_refused_naming_the_field() -> None:
    record = make_payload()
    record["engine"]["spots"][1]["held_seconds"] = math.inf
    assert errors_of(record) == [FieldError("engine.spots.1.held_seconds", "inf is not a finite number")]


@pytest.mark.parametrize(
    ("where", "value", "field", "message"),
    [
        ("started_at", "0001-01-01T00:30:00+05:00", "started_at", "1 is not a year softspot keeps"),
        ("ended_at", "2100-01-01T00:00:00Z", "ended_at", "2100 is not a year softspot keeps"),
        ("engine.spots.0.index", 40_000, "engine.spots.0.index", "40000 is above 1000"),
        ("engine.ended_at", 86_401.0, "engine.ended_at", "86401 is above 86400"),
        ("script.dose.seconds_per_leg", -5, "script.dose.seconds_per_leg", "-5 is outside 1 to 3600"),
        ("script.technique.version", "1." + "0" * 19, "script.technique.version", "is 21 characters long"),
        ("engine.spots.0.leg", "", "engine.spots.0.leg", "is empty"),
    ],
)
def test_each_bound_names_its_field(where: str, value: object, field: str, message: str) -> None:
    record = make_payload()
    *parents, last = where.split(".")
    target = record
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    target[last] = value
    [error] = errors_of(record)
    assert error.field == field
    assert error.message.startswith(message), error.message


def test_a_session_may_not_start_in_the_future_of_the_receiving_clock() -> None:
    record = make_payload(started_at=NIGHT)
    assert errors_of(record, now=NIGHT - timedelta(days=3)) == [
        FieldError("started_at", "is in the future (more than 2 days after now)")
    ]
    assert parse_record(record, now=NIGHT - timedelta(days=1)).started_at == NIGHT


def test_a_session_longer_than_a_day_is_refused() -> None:
    record = make_payload()
    record["ended_at"] = (NIGHT + timedelta(days=1, seconds=1)).isoformat()
    assert errors_of(record) == [FieldError("ended_at", "is more than 24 hours after started_at")]


def test_read_record_names_the_source_of_bytes_that_are_not_a_record() -> None:
    with pytest.raises(RecordError, match=r"^the file is not JSON \(line 1, column 1: Expecting value\)$"):
        read_record(b"nope", what="the file")
    with pytest.raises(RecordError, match="the body is larger than 2 MB"):
        read_record(b" " * 2_000_001)
    assert read_record(b"\xef\xbb\xbf" + __import__("json").dumps(make_payload()).encode(), now=datetime.now(UTC))


def test_a_length_of_400_nines_is_too_large_not_an_overflow() -> None:
    with pytest.raises(UnitError, match=r"^'999999999999999999999999…' is too large to be a distance$"):
        parse_length("9" * 400 + " cm")


@pytest.mark.parametrize(
    "text",
    [
        '{"a": ' + "[" * 31 + "]" * 31 + "}",  # 32 levels: the most allowed
        '{"a": ' + "[" * 32 + "]" * 32 + "}",  # 33: refused
        '{"a": "x\\u0000y"}',
        '{"a\\u0000": 1}',
        '{"a": "\\ud800"}',
        '{"a": 1e15, "b": -1000000000000000}',
        '{"a": 1.5e15}',
        '{"a": 1' + "0" * 16 + "}",
        '{"a": NaN}',
        '{"a": [Infinity]}',
        '{"a": ' + "7" * 5000 + "}",
        '{"a": "' + "x" * 10_001 + '"}',
        "[" + ",".join(["1"] * 10_001) + "]",
        '{"a": true, "b": null, "c": [1, 2.5, "zoë"]}',
        '"just text"',
        "12",
        "\ufeff[]",
        "[1,",
    ],
)
def test_the_quick_reading_gives_what_the_careful_one_gives(text: str) -> None:
    """safejson.read decodes most bodies the quick way; whatever it takes, value, problems and refusals are the
    careful way's (its decoder with every number checked, then the walk that names each problem's place)."""

    def careful() -> tuple[object, list[safejson.Problem]]:
        value = safejson._careful(text.removeprefix("\ufeff"), safejson.MAX_DEPTH)
        return value, list(safejson._walk(value))[:20]

    def outcome(read: Callable[[], object]) -> str:
        try:
            return repr(read())
        except safejson.JsonProblem as exc:
            return f"refused: {exc}"

    assert outcome(lambda: safejson.read(text)) == outcome(careful)


def test_a_real_record_is_read_the_quick_way() -> None:
    import json

    data = json.loads(json.dumps(make_payload(started_at=NIGHT)))
    assert safejson._clean(data, 0, safejson.MAX_DEPTH)
    assert safejson.read(json.dumps(data).encode()) == (data, [])
