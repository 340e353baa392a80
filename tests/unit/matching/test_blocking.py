import re
from datetime import date

import pytest

from reunify.domain.dates import AgeRange, BirthDate
from reunify.domain.types import Sex
from reunify.matching import KEY_KINDS, MatchRecord, blocking_keys, is_broad
from reunify.matching.blocking import MAX_KEYS

KEY = re.compile(r"^[a-z]{2}:[A-Za-z0-9|\-]{1,40}$")


def rec(*names: tuple[str, str], full: str = "", **facts: object) -> MatchRecord:
    return MatchRecord("r", names=names, full_names=(full,) if full else (), **facts)  # type: ignore[arg-type]


def selective(record: MatchRecord) -> set[str]:
    return {k for k in blocking_keys(record) if not is_broad(k)}


REGISTERED = {
    "shepherd": rec(("Derek Christopher", "Shepherd"), birth_date=BirthDate(1981, 3, 12)),
    "karev": rec(
        ("Alexander", "Karev"),
    ),
    "stevens": rec(
        ("Isobel", "Stevens"),
    ),
    "garcia": rec(
        ("José", "García Márquez"),
    ),
    "cruz": rec(
        ("María", "de la Cruz"),
    ),
    "ivanov": rec(
        ("Aleksei", "Ivanov"),
    ),
    "torres": rec(("Calliope", "Torres"), phone="(206) 555-0187"),
    "grey": rec(("Meredith", "Grey"), email="Meredith.Grey@example.org"),
}


@pytest.mark.parametrize(
    ("seeker", "target"),
    [
        (rec(full="Derek Shepard"), "shepherd"),  # misspelt as heard on the news
        (rec(full="Derek Sheperd"), "shepherd"),  # one typo
        (rec(full="Christopher Shepherd"), "shepherd"),  # goes by the middle name
        (rec(full="Shepherd, Derek"), "shepherd"),
        (rec(full="Shepherd Derek"), "shepherd"),  # swapped
        (rec(full="Alex Karev"), "karev"),  # nickname
        (rec(full="Sasha Karev"), "karev"),  # Slavic diminutive
        (rec(full="Karev Alex"), "karev"),  # nickname and swap
        (rec(full="Alexander Karew"), "karev"),  # typo in the family name
        (rec(full="Izzie Stevens"), "stevens"),
        (rec(full="Izzie Stephens"), "stevens"),  # nickname and phonetic spelling
        (rec(full="Pepe Garcia Marquez"), "garcia"),
        (rec(full="Jose Garcia"), "garcia"),  # one half of a compound name
        (rec(full="Maria Cruz"), "cruz"),
        (rec(full="Maria Delacruz"), "cruz"),
        (rec(full="Алексей Иванов"), "ivanov"),  # Cyrillic
        (rec(full="Callie T", phone="206-555-0187"), "torres"),  # only the phone agrees
        (rec(full="M Grey", email="meredith.grey+er@example.org"), "grey"),
        (rec(full="Dr Shepherd", birth_date=BirthDate(1981, 12, 3)), "shepherd"),  # day/month
    ],
)
def test_typical_errors_still_share_a_selective_key(seeker: MatchRecord, target: str) -> None:
    shared = selective(seeker) & selective(REGISTERED[target])
    assert shared, (blocking_keys(seeker), blocking_keys(REGISTERED[target]))


@pytest.mark.parametrize(
    ("seeker", "other"),
    [
        (rec(full="Derek Shepherd"), "karev"),
        (rec(full="Izzie Stevens"), "grey"),
        (rec(full="Maria Cruz"), "ivanov"),
    ],
)
def test_different_people_share_no_selective_key(seeker: MatchRecord, other: str) -> None:
    assert not selective(seeker) & selective(REGISTERED[other])


def test_keys_are_short_known_and_few() -> None:
    crowded = rec(
        ("Alexander James William", "Karev-Shepherd"),
        ("Alex", "Karev"),
        ("Sasha", "Karev"),
        ("Bill", "Smith"),
        full="Alexander James William Karev Shepherd",
        phone="206 555 0101",
        email="alex@example.org",
        birth_date=BirthDate(1995, 1, 2),
    )
    keys = blocking_keys(crowded)
    assert 0 < len(keys) <= MAX_KEYS
    assert len(set(keys)) == len(keys)
    for key in keys:
        assert KEY.match(key), key
        assert key[:2] in KEY_KINDS


def test_selective_keys_come_before_broad_ones() -> None:
    keys = blocking_keys(REGISTERED["shepherd"])
    kinds = [is_broad(k) for k in keys]
    assert kinds == sorted(kinds)
    assert "fm:XFRT" in keys


def test_keys_hold_no_raw_contact_details() -> None:
    keys = blocking_keys(REGISTERED["grey"])
    assert not any("example" in k or "@" in k for k in keys)
    assert "ph:5550187" in blocking_keys(REGISTERED["torres"])


def test_a_record_without_a_name_still_has_keys_from_its_facts() -> None:
    assert blocking_keys(rec(phone="206 555 0101")) == ("ph:5550101",)
    assert blocking_keys(rec()) == ()


def test_a_single_name_gives_only_broad_keys() -> None:
    keys = blocking_keys(rec(full="Alex"))
    assert keys
    assert all(is_broad(k) for k in keys)


def test_unidentified_patients_are_reached_by_sex_and_age() -> None:
    patient = MatchRecord(
        "u1",
        names=(("Trauma", "Zulu"),),
        sex=Sex.MALE,
        age=AgeRange(40, 50),
        description="red hair, green scrubs, tattoo on left arm",
        reference_date=date(2026, 5, 1),
        unidentified=True,
    )
    seeker = MatchRecord(
        "q",
        full_names=("Derek Shepherd",),
        sex=Sex.MALE,
        birth_date=BirthDate(1981, 3, 12),
        description="red hair, tattoo on his arm",
    )
    stored = set(blocking_keys(patient))
    assert stored & set(blocking_keys(seeker, inquiry=True))
    assert not stored & set(blocking_keys(seeker))  # a stored named record never carries them
    assert not any(k.startswith("ud:") for k in blocking_keys(REGISTERED["shepherd"]))
    woman = MatchRecord("q", full_names=("Meredith Grey",), sex=Sex.FEMALE, age=AgeRange(45, 45))
    assert not stored & set(blocking_keys(woman, inquiry=True))
    unknown = MatchRecord("q", full_names=("Alex Doe",), age=AgeRange.parse("about 45"))
    assert stored & set(blocking_keys(unknown, inquiry=True))
    too_young = MatchRecord("q", full_names=("Ben Doe",), sex=Sex.MALE, age=AgeRange(8, 8))
    assert not stored & set(blocking_keys(too_young, inquiry=True))
    assert blocking_keys(MatchRecord("x", unidentified=True)) == ()


@pytest.mark.parametrize(
    ("seeker", "target"),
    [
        (rec(full="Derek hSepherd"), "shepherd"),  # first two letters struck in the wrong order
        (rec(full="eDrek Shepherd"), "shepherd"),
    ],
)
def test_a_slip_of_the_first_two_letters_keeps_a_key(seeker: MatchRecord, target: str) -> None:
    assert selective(REGISTERED[target]) & set(blocking_keys(seeker, inquiry=True))
