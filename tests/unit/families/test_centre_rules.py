"""Small rules of the reunification centre: who is a guardian, what a description says."""

from __future__ import annotations

import pytest

from reunify.domain import AgeRange, Sex
from reunify.families.identify import Description
from reunify.families.minors import RELATIONSHIPS, is_guardian


@pytest.mark.parametrize(
    ("relationship", "guardian"),
    [
        ("mother", True),
        ("Father", True),
        ("legal guardian", True),
        ("Foster parent", True),
        ("grandmother", True),
        ("spouse", False),
        ("neighbour", False),
        ("", False),
    ],
)
def test_who_counts_as_a_guardian(relationship: str, guardian: bool) -> None:
    assert is_guardian(relationship) is guardian


def test_every_relationship_an_officer_can_pick_is_a_guardian() -> None:
    assert all(is_guardian(r) for r in RELATIONSHIPS)


def test_a_description_joins_its_parts_and_knows_when_it_says_nothing() -> None:
    d = Description(hair="short grey hair", clothing=" navy scrubs ", marks="")
    assert d.text == "short grey hair; navy scrubs"
    assert not d.empty
    assert Description().empty
    assert Description(sex=Sex.OTHER).empty
    assert not Description(age=AgeRange(45, 55)).empty
