"""The store builds the same matcher record as the engine makes of a domain person."""

from __future__ import annotations

from datetime import UTC, date, datetime

from reunify import domain
from reunify.domain import AgeRange, BirthDate, NameUse, Sex
from reunify.linkage.records import build_record
from reunify.matching import from_person


def test_rows_become_the_record_from_person_makes() -> None:
    person = domain.Person(
        names=[
            domain.PersonName("Isobel", "Stevens"),
            domain.PersonName(full="Izzie Stevens", use=NameUse.NICKNAME),
        ],
        sex=Sex.FEMALE, birth_date=BirthDate.parse("1994-05"), age=AgeRange(30, 32),
        unidentified=False, description="blonde", home_city="Seattle", home_postcode="98101",
        phone="206 555 0199", email="izzie@example.org",
    )  # fmt: skip
    created = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    built = build_record(
        7, "female", "1994-05", 30, 32, ((("Isobel", "Stevens"),), ("Izzie Stevens",)),
        description="blonde", city="Seattle", postcode="98101", phone="206 555 0199",
        email="izzie@example.org", created_at=created, address=("12 Coane St", "", "WA"),
    )  # fmt: skip
    expected = from_person(
        "7", person, date(2026, 11, 20), street="12 Coane St", address_2="", state="WA"
    )
    assert built == expected


def test_an_unknown_sex_and_no_name_are_read_as_the_engine_reads_them() -> None:
    unknown = build_record(1, "unknown", None, None, None, ((("", "Doe"),), ()))
    person = domain.Person(names=[domain.PersonName("", "Doe")])
    assert unknown == from_person("1", person)
    assert build_record(2, "male", None, None, None, ((), ())) is None
