from __future__ import annotations

from datetime import date

import pytest

from reunify.domain import AgeRange, BirthDate, DatePrecision, DomainError, Location


@pytest.mark.parametrize(
    ("text", "precision"),
    [
        ("1995", DatePrecision.YEAR),
        ("1995-04", DatePrecision.MONTH),
        ("1995-04-12", DatePrecision.DAY),
    ],
)
def test_birth_date_keeps_its_precision(text: str, precision: DatePrecision) -> None:
    parsed = BirthDate.parse(text)
    assert parsed.precision is precision
    assert parsed.isoformat() == text


@pytest.mark.parametrize("text", ["1995-02-30", "1995-13", "12/04/1995", "95", "3000-01-01"])
def test_impossible_birth_dates_name_the_field(text: str) -> None:
    with pytest.raises(DomainError) as caught:
        BirthDate.parse(text, "body.date_of_birth")
    assert caught.value.field == "body.date_of_birth"


@pytest.mark.parametrize(
    ("dob", "on", "ages"),
    [
        ("1995-04-12", date(2026, 11, 20), (31, 31)),
        ("1995-04-12", date(2026, 4, 11), (30, 30)),
        ("1995-11", date(2026, 11, 20), (30, 31)),
        ("1995", date(2026, 11, 20), (30, 31)),
    ],
)
def test_age_range_from_a_birth_date(dob: str, on: date, ages: tuple[int, int]) -> None:
    got = BirthDate.parse(dob).age_range(on)
    assert (got.low, got.high) == ages


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [("31", 31, 31), ("30-35", 30, 35), ("about 30", 27, 33), ("~50", 45, 55), (40, 40, 40)],
)
def test_age_parsing(text: str | int, low: int, high: int) -> None:
    assert AgeRange.parse(text) == AgeRange(low, high)


@pytest.mark.parametrize("text", ["old", "35-30", "200", "-3"])
def test_bad_ages_are_refused(text: str) -> None:
    with pytest.raises(DomainError, match="age"):
        AgeRange.parse(text)


def test_age_gap_and_overlap() -> None:
    assert AgeRange(30, 35).overlaps(AgeRange(35, 40))
    assert AgeRange(30, 32).gap(AgeRange(40, 41)) == 8
    assert AgeRange(40, 41).gap(AgeRange(30, 32)) == 8


@pytest.mark.parametrize(
    ("location", "display"),
    [
        (Location(unit="7W", room="778", floor="7"), "7W, room 778"),
        (Location(unit="ICU", room="12", bed="A"), "ICU, room 12, bed A"),
        (Location(floor="3", room="301"), "floor 3, room 301"),
        (Location(description="Hallway near radiology"), "Hallway near radiology"),
        (Location(), ""),
    ],
)
def test_location_display(location: Location, display: str) -> None:
    assert location.display == display
