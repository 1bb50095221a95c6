import pytest

from softspot.core.units import UnitError, format_duration, format_seconds, parse_length, parse_seconds


@pytest.mark.parametrize(
    ("text", "seconds"), [("90 s", 90), ("2 min", 120), ("1.5 min", 90), ("45sec", 45), (" 3 minutes ", 180)]
)
def test_it_reads_times_with_units(text: str, seconds: float) -> None:
    assert parse_seconds(text) == seconds


@pytest.mark.parametrize(
    ("text", "cm", "unit"), [("2 in", 5.08, "in"), ("5 cm", 5, "cm"), ("45cm", 45, "cm"), ('16"', 40.64, "in")]
)
def test_it_reads_distances_and_keeps_their_unit(text: str, cm: float, unit: str) -> None:
    length = parse_length(text)
    assert length.cm == pytest.approx(cm)
    assert length.unit == unit


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (90, "the time '90' has no unit; write e.g. '90 s' or '90 min'"),
        ("90", "the time '90' has no unit; write e.g. '90 s' or '90 min'"),
        ("2 hours", "'hours' is not a unit of time; use s or min"),
        ("soon", "'soon' is not a time; write a number and a unit, e.g. '90 s'"),
    ],
)
def test_it_names_what_is_wrong_with_a_time(value: object, message: str) -> None:
    with pytest.raises(UnitError) as caught:
        parse_seconds(value)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_a_distance_without_unit_is_refused_unless_a_default_is_given() -> None:
    with pytest.raises(UnitError, match="has no unit"):
        parse_length("40")
    assert parse_length("40", default_unit="cm").cm == 40


def test_it_refuses_unknown_and_negative_distances() -> None:
    with pytest.raises(UnitError, match="'ft' is not a unit of distance; use cm or in"):
        parse_length("2 ft")
    with pytest.raises(UnitError, match="negative"):
        parse_length("-3 cm")


def test_it_formats_clocks_and_words() -> None:
    assert [format_seconds(s) for s in (0, 59.6, 95, 600)] == ["0:00", "1:00", "1:35", "10:00"]
    assert [format_duration(s) for s in (30, 60, 95, 600)] == ["30 s", "1 min", "1 min 35 s", "10 min"]
