"""Home addresses: normalising streets, crossed address lines, household blocking keys."""

from __future__ import annotations

import pytest

from reunify.matching import COMPARISONS, MatchRecord, blocking_keys, compare, prepare
from reunify.matching.fields import Street, normalise_address_line, normalise_street


def levels(a: MatchRecord, b: MatchRecord) -> dict[str, str]:
    vector = compare(prepare(a), prepare(b))
    return {c.name: c.levels[i].name for c, i in zip(COMPARISONS, vector.levels, strict=True)}


def home(street: str = "", line: str = "", **facts: str) -> MatchRecord:
    return MatchRecord("r", names=(("Ana", "Reyes"),), street=street, address_2=line, **facts)


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("12 Pinkerton Cct", Street("12", "pinkertoncircuit", "pinkerton")),
        ("12a pinkerton circuit", Street("12a", "pinkertoncircuit", "pinkerton")),
        ("177 pridhamstreet", Street("177", "pridhamstreet", "pridhamstreet")),
        ("St Kilda Rd", Street("", "stkildaroad", "stkilda")),  # only the last word is a type
        ("Unit 4, 9 Ocean Rd", Street("4", "unitoceanroad", "unitocean")),
        ("", Street("", "", "")),
    ],
)
def test_a_street_splits_into_number_and_name(text: str, street: Street) -> None:
    assert normalise_street(text) == street


def test_a_second_line_keeps_its_digits() -> None:
    assert normalise_address_line("Flt 10") == "flt10"
    assert normalise_address_line("Bega Flats") == "begaflats"


def test_address_lines_written_in_the_other_order_still_agree() -> None:
    a = home("3 McLachlan St", "Anukana")
    b = home("3 anukana", "mclachla nstreet")  # the form's lines swapped, a space slipped
    found = levels(a, b)
    assert (found["street"], found["address_2"], found["street_number"]) == (
        "exact",
        "exact",
        "exact",
    )
    typo = levels(a, home("3 anukana", "mclachlen street"))
    assert (typo["street"], typo["address_2"]) == ("edit_2", "exact")
    assert levels(home("3 Ocean Rd", "Anukana"), home("3 Hill St", "Kela"))["street"] == (
        "different"
    )


def test_household_keys_meet_despite_one_slip() -> None:
    registered = set(blocking_keys(home("24 Gleadow Street", "St Francis Vlge", postcode="3501")))
    for seeker in (
        home("24 Gleadow St", postcode="3510"),  # postcode digits swapped
        home("42 Gleadow Street", postcode="3501"),  # number digits swapped
        home("St Francis Village", "24 Gleadow Street", postcode="3501"),  # lines swapped
    ):
        assert registered & set(blocking_keys(seeker, inquiry=True)), seeker
    assert {k[:3] for k in registered} >= {"ad:", "as:", "al:"}


def test_a_person_without_an_address_has_no_household_keys() -> None:
    keys = blocking_keys(MatchRecord("r", names=(("Ana", "Reyes"),), postcode="98101"))
    assert not [k for k in keys if k[:3] in ("ad:", "as:", "al:")]
