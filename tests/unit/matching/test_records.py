from datetime import date

from reunify.domain.dates import AgeRange, BirthDate
from reunify.domain.people import Person, PersonName
from reunify.domain.types import NameUse, Sex
from reunify.matching import MatchRecord, from_person, prepare, rank


def test_records_are_hashable_even_when_built_from_lists() -> None:
    record = MatchRecord("r", names=[["Derek", "Shepherd"]], full_names=["Derek Shepherd"])  # type: ignore[arg-type]
    assert record.names == (("Derek", "Shepherd"),)
    assert hash(record) == hash(MatchRecord("r", (("Derek", "Shepherd"),), ("Derek Shepherd",)))
    assert prepare(record) is prepare(record)  # cached


def test_from_person_keeps_every_name() -> None:
    person = Person(
        names=[
            PersonName("Isobel", "Stevens"),
            PersonName("Izzie", "Stevens", use=NameUse.NICKNAME),
            PersonName(full="Trauma Yankee", use=NameUse.TRAUMA_ALIAS),
        ],
        sex=Sex.FEMALE,
        birth_date=BirthDate(1993, 9, 3),
        age=AgeRange(32, 33),
        home_city="Seattle",
        home_postcode="98101",
        phone="206 555 0100",
        email="izzie@example.org",
        description="blond hair",
    )
    record = from_person("p1", person, reference_date=date(2026, 5, 1))
    assert record.names == (("Isobel", "Stevens"), ("Izzie", "Stevens"))
    assert record.full_names == ("Trauma Yankee",)
    assert (record.city, record.postcode, record.sex) == ("Seattle", "98101", Sex.FEMALE)
    found = rank(MatchRecord("q", full_names=("Trauma Yankee",)), [record])
    assert {c.field: c.level for c in found[0].contributions}["family_name"] == "exact"


def test_unknown_sex_and_reference_date_default() -> None:
    prepared = prepare(MatchRecord("r", sex=Sex.UNKNOWN, age=AgeRange(30, 30)))
    assert prepared.sex is None
    assert prepared.reference_date == date.today()
