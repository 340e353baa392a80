"""Parsing inquiries and CSV rows, and the registry-size buckets of the prior."""

from __future__ import annotations

import pytest

from reunify.domain import DomainError, Sex
from reunify.linkage.importer import parse_row
from reunify.linkage.models import params_for, registry_bucket
from reunify.linkage.service import parse_inquiry


def test_an_inquiry_becomes_a_match_record() -> None:
    inquiry_id, record = parse_inquiry(
        {
            "id": 7,
            "given_name": "Izzie",
            "family_name": "Stevens",
            "sex": "F",
            "age": "about 30",
            "phone": "206 555 0199",
        }
    )
    assert inquiry_id == "7"
    assert record.names == (("Izzie", "Stevens"),)
    assert record.sex is Sex.FEMALE
    assert record.age is not None
    assert record.age.low < 30 < record.age.high
    _, free = parse_inquiry({"id": "q", "name": "Karev, Alex", "age": 34})
    assert free.full_names == ("Karev, Alex",)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "inquiry"),
        ({"name": "Alex"}, "id"),
        ({"id": "q"}, "name"),
        ({"id": "q", "name": "Alex", "colour": "red"}, "colour"),
        ({"id": "q", "name": "Alex", "sex": "x"}, "sex"),
        ({"id": "q", "name": "Alex", "date_of_birth": "1990-02-30"}, "date_of_birth"),
        ({"id": "q", "name": "Alex", "age": "old"}, "age"),
        ({"id": "q", "name": ["Alex"]}, "name"),
    ],
)
def test_a_bad_inquiry_names_its_field(data: object, field: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_inquiry(data)
    assert caught.value.field == field


def test_a_csv_row_keeps_its_facts_and_a_full_name_only_without_parts() -> None:
    row = parse_row(2, {"record_id": " R-1 ", "full_name": "Alexander Karev", "age": "34"})
    assert (row.record_id, row.name.full, row.person["age_low"]) == ("R-1", "Alexander Karev", 34)
    both = parse_row(3, {"record_id": "R-2", "given_name": "Derek", "full_name": "x"})
    assert (both.name.given, both.name.full) == ("Derek", "")
    with pytest.raises(DomainError, match="record_id"):
        parse_row(4, {"given_name": "Derek"})
    with pytest.raises(DomainError, match="name"):
        parse_row(5, {"record_id": "R-5", "city": "Seattle"})


def test_the_prior_follows_the_registry_in_half_decades() -> None:
    assert registry_bucket(0) == registry_bucket(9_000) == 10_000
    assert registry_bucket(20_000) == 31_623
    assert registry_bucket(1_000_000) == 1_000_000
    assert params_for(10_000).prior == pytest.approx(1e-4)
    assert params_for(1_000_000).prior == pytest.approx(1e-6)
    assert params_for(1_000_000).version != params_for(10_000).version


def test_a_csv_row_keeps_its_address_and_refuses_what_would_not_fit() -> None:
    row = parse_row(
        2,
        {"record_id": "R-1", "given_name": "Joel", "street": " 12 Coane Street ",
         "address_2": "Mountview", "state": "NSW", "city": "Thornlands", "postcode": "2548"},
    )  # fmt: skip
    assert row.address == ("12 Coane Street", "Mountview", "NSW")
    assert (row.person["home_city"], row.person["home_postcode"]) == ("Thornlands", "2548")
    with pytest.raises(DomainError, match="at most 60"):
        parse_row(3, {"record_id": "R-2", "given_name": "Joel", "state": "x" * 61})
    with pytest.raises(DomainError) as caught:
        parse_row(4, {"record_id": "R-3", "family_name": "y" * 201})
    assert caught.value.field == "family_name"


def test_an_inquiry_may_give_a_whole_address() -> None:
    _, record = parse_inquiry(
        {"id": "q", "name": "Joel Coane", "street": "12 Coane St", "address_2": "Mountview",
         "city": "Thornlands", "postcode": "2548", "state": "NSW"}
    )  # fmt: skip
    assert (record.street, record.address_2, record.state) == ("12 Coane St", "Mountview", "NSW")
