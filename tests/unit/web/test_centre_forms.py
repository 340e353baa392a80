"""The centre's forms: a description and a time as an officer types them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reunify.domain import AgeRange, DomainError, Sex
from reunify.web.pages.centre_deaths import parse_local
from reunify.web.pages.centre_people import DescriptionForm, parse_description


def test_the_form_parses_sex_and_age_and_refuses_nonsense() -> None:
    parsed = parse_description(DescriptionForm(sex="female", age="45-55", hair="grey"))
    assert (parsed.sex, parsed.age, parsed.text) == (Sex.FEMALE, AgeRange(45, 55), "grey")
    with pytest.raises(DomainError) as caught:
        parse_description(DescriptionForm(age="old"))
    assert caught.value.field == "age"
    with pytest.raises(DomainError):
        parse_description(DescriptionForm(sex="robot"))


def test_a_typed_time_is_read_in_the_incidents_zone() -> None:
    told = parse_local("2026-11-21T09:30", "America/Los_Angeles")
    assert told.astimezone(UTC) == datetime(2026, 11, 21, 17, 30, tzinfo=UTC)
    with pytest.raises(DomainError):
        parse_local("21/11/2026 9:30", "UTC")
