"""Parsing what a seeker typed, and the match band."""

from __future__ import annotations

import pytest

from reunify.domain import AgeRange, Sex
from reunify.domain.disclosure import Band
from reunify.domain.errors import DomainError
from reunify.families.candidates import Candidate, Sought
from reunify.families.disclose import band_for
from reunify.families.inquiries import parse_sought


def test_a_full_name_is_split_into_given_and_family() -> None:
    sought = parse_sought(name="  José  María GARCÍA ", age="about 40", sex="male")
    assert (sought.given, sought.family) == ("jose maria", "garcia")
    assert sought.age == AgeRange(36, 44)
    assert sought.full_name
    assert sought.other_facts == ("age", "sex")


@pytest.mark.parametrize("name", ["Alex", "A. Karev", "Al* Karev", "Alex %", "K_rev Alex", ""])
def test_single_tokens_initials_and_wildcards_are_not_full_names(name: str) -> None:
    assert not parse_sought(name=name).full_name


def test_a_bad_age_names_its_field() -> None:
    with pytest.raises(DomainError) as caught:
        parse_sought(name="Alex Karev", age="old", field="body.sought")
    assert caught.value.field == "body.sought.age"


FULL = Sought(given="derek", family="shepard", age=AgeRange(45, 45), sex=Sex.MALE)


def _c(
    pid: int, score: float, agree: tuple[str, ...] = ("age",), differ: tuple[str, ...] = ()
) -> Candidate:
    return Candidate(pid, score, False, agree, differ)


def test_no_candidate_is_no_match() -> None:
    banded = band_for(FULL, [])
    assert banded.match.band is Band.NO_MATCH
    assert banded.match.enough_detail


def test_one_clear_candidate_with_an_agreeing_fact_is_confident() -> None:
    assert band_for(FULL, [_c(1, 3.0), _c(2, 1.5)]).match.band is Band.CONFIDENT


def test_a_namesake_nearly_as_good_makes_it_uncertain() -> None:
    assert band_for(FULL, [_c(1, 3.0), _c(2, 2.8)]).match.band is Band.UNCERTAIN


def test_no_agreeing_fact_or_a_contradiction_makes_it_uncertain() -> None:
    assert band_for(FULL, [_c(1, 2.0, agree=())]).match.band is Band.UNCERTAIN
    assert band_for(FULL, [_c(1, 2.0, differ=("sex",))]).match.band is Band.UNCERTAIN


def test_a_partial_name_is_never_confident() -> None:
    partial = Sought(given="derek", age=AgeRange(45, 45))
    banded = band_for(partial, [_c(1, 3.0)])
    assert banded.match.band is Band.UNCERTAIN
    assert not banded.match.enough_detail
