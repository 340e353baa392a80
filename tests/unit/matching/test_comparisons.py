from datetime import date

import pytest

from reunify.domain.dates import AgeRange, BirthDate
from reunify.domain.types import Sex
from reunify.matching import COMPARISONS, MatchRecord, compare, prepare
from reunify.matching.levels import Comparison, Level

DAY = date(2026, 5, 1)


def levels(a: MatchRecord, b: MatchRecord) -> dict[str, str]:
    vector = compare(prepare(a), prepare(b))
    return {c.name: c.levels[i].name for c, i in zip(COMPARISONS, vector.levels, strict=True)}


def named(given: str = "", family: str = "", **facts: object) -> MatchRecord:
    names = ((given, family),) if given or family else ()
    return MatchRecord("r", names=names, reference_date=DAY, **facts)  # type: ignore[arg-type]


def full(name: str, **facts: object) -> MatchRecord:
    return MatchRecord("r", full_names=(name,), reference_date=DAY, **facts)  # type: ignore[arg-type]


def test_every_comparison_runs_from_null_to_else() -> None:
    for comparison in COMPARISONS:
        assert comparison.levels[0].is_null
        assert comparison.levels[-1].name == "different"
        assert comparison.index("missing") == 0


def test_a_comparison_refuses_a_misplaced_null_level() -> None:
    with pytest.raises(ValueError, match="null"):
        Comparison("x", "x", (Level("a", "a"), Level("missing", "m", is_null=True)))
    with pytest.raises(ValueError, match="unique"):
        Comparison(
            "x", "x", (Level("missing", "m", is_null=True), Level("a", "a"), Level("a", "b"))
        )


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("Derek", "Derek", "exact"),
        ("José", "Jose", "exact"),
        ("Alex", "Alexander", "nickname"),
        ("Izzie", "Isobel", "nickname"),
        ("Pepe", "José", "nickname"),
        ("Sasha", "Aleksandr", "nickname"),
        ("Алексей", "Aleksei", "phonetic"),
        ("Stephen", "Steven", "phonetic"),
        ("Owen", "Oven", "edit_1"),
        ("Cristina", "Cirstina", "phonetic"),  # same consonants in the same order
        ("Amelia", "Amekia", "edit_1"),
        ("Arizona", "Arizonella", "jaro_winkler_90"),
        ("D", "Derek", "initial"),
        ("Derek", "Mark", "different"),
        ("D", "M", "different"),
        ("", "Derek", "missing"),
    ],
)
def test_given_name_levels(a: str, b: str, level: str) -> None:
    assert levels(named(a, "Grey"), named(b, "Grey"))["given_name"] == level


def test_a_middle_name_counts_as_a_given_name() -> None:
    assert levels(named("Derek Christopher", "X"), named("Derek", "X"))["given_name"] == "exact"
    assert levels(named("Mary Ann", "X"), named("Maryann", "X"))["given_name"] == "exact"


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("Shepherd", "Shepherd", "exact"),
        ("O'Brien", "OBrien", "exact"),
        ("O'Brien", "O Brien", "exact"),
        ("de la Cruz", "Delacruz", "exact"),
        ("García-Márquez", "Garcia Marquez", "exact"),
        ("Shepard", "Shepherd", "phonetic"),
        ("Stevens", "Stephens", "phonetic"),
        ("Kepner", "Kepnr", "phonetic"),
        ("Kepner", "Kenper", "edit_1"),
        ("Bailey", "Baileys", "edit_1"),
        ("Karev", "Karevich", "jaro_winkler_90"),
        ("Robbins", "Robins", "phonetic"),
        ("Altman", "Altmann", "phonetic"),
        ("Cruz", "de la Cruz", "compound_part"),
        ("Garcia", "Garcia Marquez", "compound_part"),
        ("Lopez", "Garcia Lopez", "compound_part"),
        ("Karev", "Torres", "different"),
        ("Karev", "", "missing"),
    ],
)
def test_family_name_levels(a: str, b: str, level: str) -> None:
    assert levels(named("Ana", a), named("Ana", b))["family_name"] == level


def test_the_best_level_over_all_names_wins() -> None:
    married = MatchRecord("r", names=(("Isobel", "O'Malley"), ("Isobel", "Stevens")))
    assert levels(named("Izzie", "Stevens"), married)["family_name"] == "exact"
    alias = MatchRecord("r", names=(("Trauma", "Zulu"),), full_names=("Callie Torres",))
    assert levels(named("Callie", "Torres"), alias)["given_name"] == "exact"


@pytest.mark.parametrize(
    ("a", "b", "given", "family", "order"),
    [
        (full("Karev Alex"), named("Alexander", "Karev"), "nickname", "exact", "swapped"),
        (named("Alexander", "Karev"), full("Karev Alex"), "nickname", "exact", "swapped"),
        (named("Karev", "Alex"), named("Alex", "Karev"), "exact", "exact", "swapped"),
        (full("Alex Karev"), named("Alex", "Karev"), "exact", "exact", "as_entered"),
        (full("Shepherd"), named("Derek", "Shepherd"), "missing", "exact", "swapped"),
        (named("Derek", "Mark"), named("Ben", "Lee"), "different", "different", "missing"),
    ],
)
def test_given_family_swaps(
    a: MatchRecord, b: MatchRecord, given: str, family: str, order: str
) -> None:
    found = levels(a, b)
    assert (found["given_name"], found["family_name"], found["name_order"]) == (
        given,
        family,
        order,
    )


def birth(dob: str | None = None, age: str | None = None, on: date = DAY) -> MatchRecord:
    return MatchRecord(
        "r",
        birth_date=BirthDate.parse(dob) if dob else None,
        age=AgeRange.parse(age) if age else None,
        reference_date=on,
    )


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        (birth("1981-03-12"), birth("1981-03-12"), "exact_date"),
        (birth("1981-03-12"), birth("1981-12-03"), "transposed"),
        (birth("1981-03-12"), birth("1981-03-21"), "same_month"),
        (birth("1981-03"), birth("1981-03-12"), "same_month"),
        (birth("1981"), birth("1981-03-12"), "same_year"),
        (birth("1981-03-12"), birth("1981-07-01"), "same_year"),
        (birth("1981-03-12"), birth(age="45"), "age_overlap"),
        (birth("1995"), birth(age="31"), "age_overlap"),
        (birth("1996-01-15"), birth(age="about 30"), "age_range_overlap"),
        (birth("1981-03-12"), birth(age="40-50"), "age_range_overlap"),
        (birth("1981-03-12"), birth(age="47"), "age_close"),
        (birth("1982-03-12"), birth("1981-03-12"), "age_close"),
        (birth("1981-03-12"), birth(age="60"), "different"),
        (birth(age="30"), birth(age="31", on=date(2027, 5, 1)), "age_overlap"),
        (birth(age="30"), birth(age="35", on=date(2027, 5, 1)), "different"),
        (birth("1981-03-12"), birth(), "missing"),
        (birth(), birth(), "missing"),
    ],
)
def test_birth_levels(a: MatchRecord, b: MatchRecord, level: str) -> None:
    assert levels(a, b)["birth"] == level
    assert levels(b, a)["birth"] == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        (Sex.MALE, Sex.MALE, "same"),
        (Sex.MALE, Sex.FEMALE, "different"),
        (Sex.MALE, Sex.UNKNOWN, "missing"),
        (None, Sex.FEMALE, "missing"),
    ],
)
def test_sex_levels(a: Sex | None, b: Sex | None, level: str) -> None:
    assert levels(named(sex=a), named(sex=b))["sex"] == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("(206) 555-0101", "+1 206 555 0101", "exact"),
        ("206.555.0101", "2065550101", "exact"),
        ("(206) 555-0101", "(206) 555-0107", "one_digit"),
        ("(206) 555-0101", "(206) 555-1001", "one_digit"),
        ("555-0101", "(206) 555-0101", "last_seven"),
        ("(206) 555-0101", "(425) 555-0101", "last_seven"),
        ("(206) 555-0101", "(206) 555-9999", "different"),
        ("(206) 555-0101", "", "missing"),
        ("n/a", "(206) 555-0101", "missing"),
    ],
)
def test_phone_levels(a: str, b: str, level: str) -> None:
    assert levels(named(phone=a), named(phone=b))["phone"] == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("Derek.S@Example.org", "derek.s@example.org", "exact"),
        ("derek+er@example.org", "derek@example.org", "exact"),
        ("derek@example.org", "derek@mail.example", "same_local"),
        ("derek@example.org", "mark@example.org", "different"),
        ("not an address", "derek@example.org", "missing"),
    ],
)
def test_email_levels(a: str, b: str, level: str) -> None:
    assert levels(named(email=a), named(email=b))["email"] == level


@pytest.mark.parametrize(
    ("a", "b", "field", "level"),
    [
        (named(postcode="98101-1234"), named(postcode="98101"), "postcode", "exact"),
        (named(postcode="4223"), named(postcode="4232"), "postcode", "one_digit"),
        (named(postcode="98101"), named(postcode="98109"), "postcode", "one_digit"),
        (named(postcode="98101"), named(postcode="98344"), "postcode", "different"),
        (named(city="Seattle"), named(city="seattle"), "city", "exact"),
        (named(city="Seatle"), named(city="Seattle"), "city", "similar"),
        (named(city="Tacoma"), named(city="Seattle"), "city", "different"),
        (named(city="Seattle"), named(postcode="98101"), "city", "missing"),
        (named(street="12 Pinkerton Circuit"), named(street="12 pinkerton cct"), "street", "exact"),
        (named(street="177 pridhamstreet"), named(street="177 Pridham St"), "street", "exact"),
        (named(street="54 hoseason street"), named(street="54 hosaeson streeet"), "street",
         "edit_2"),
        (named(street="3 light setreet"), named(street="3 light street"), "street", "edit_2"),
        (named(street="5 wallaby place"), named(street="5 wallaby court"), "street", "name_only"),
        (named(street="5 salkauskas crescent"), named(street="5 salkaukas cres"), "street",
         "edit_2"),
        (named(street="5 macquoid place"), named(street="5 macquid plce"), "street", "similar"),
        (named(street="9 kent street"), named(street="9 kemp street"), "street", "different"),
        (named(street="9 kent street"), named(street="9 ocean road"), "street", "different"),
        (named(street="12 Pinkerton Cct"), named(street="12 Pinkerton Cct"), "street_number",
         "exact"),
        (named(street="12 Pinkerton Cct"), named(street="21 Pinkerton Cct"), "street_number",
         "one_digit"),
        (named(street="12 Pinkerton Cct"), named(street="1 Pinkerton Cct"), "street_number",
         "one_digit"),
        (named(street="12 Pinkerton Cct"), named(street="48 Pinkerton Cct"), "street_number",
         "different"),
        (named(street="Pinkerton Cct"), named(street="48 Pinkerton Cct"), "street_number",
         "missing"),
        (named(address_2="Bega Flats"), named(address_2="bega flats"), "address_2", "exact"),
        (named(address_2="broadbridge manor"), named(address_2="broadbridge manr"), "address_2",
         "similar"),
        (named(address_2="miami"), named(address_2="kela"), "address_2", "different"),
        (named(state="NSW"), named(state="nsw"), "state", "exact"),
        (named(state="vic"), named(state="nsw"), "state", "different"),
        (named(state="vic"), named(), "state", "missing"),
    ],
)  # fmt: skip
def test_address_levels(a: MatchRecord, b: MatchRecord, field: str, level: str) -> None:
    assert levels(a, b)[field] == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        (
            "tall, red hair, green scrubs",
            "Adult male, about 6ft, red hair, wearing green scrubs, tattoo on left arm",
            "most",
        ),
        ("red hair", "blond hair, blue jeans, small tattoo", "some"),
        ("red beard", "blond hair, blue jeans", "different"),
        ("", "blond hair", "missing"),
    ],
)
def test_description_levels(a: str, b: str, level: str) -> None:
    assert levels(named(description=a), named(description=b))["description"] == level
