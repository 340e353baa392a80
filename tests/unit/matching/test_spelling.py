"""Correcting unknown names to known ones, for the candidate search only."""

from __future__ import annotations

from reunify.matching import MatchRecord
from reunify.matching.spelling import Vocabulary, corrected

KNOWN = Vocabulary(
    given={"hudson", "hannah", "thomas", "derek", "alex"},
    family={"lowry", "matthews", "vick", "shepherd", "lowe"},
)


def test_both_misspelt_names_are_corrected() -> None:
    readings = corrected(MatchRecord("q", full_names=("Hudon Lwory",)), KNOWN)
    assert readings[0].names == (("hudson", "lowry"),)
    assert all(r.full_names == () for r in readings)


def test_a_first_letter_slip_is_one_edit() -> None:
    readings = corrected(MatchRecord("q", names=(("hTomas", "Vhick"),)), KNOWN)
    assert ("thomas", "vick") in [r.names[0] for r in readings]


def test_known_names_need_no_correction() -> None:
    assert corrected(MatchRecord("q", full_names=("Derek Shepherd",)), KNOWN) == []


def test_only_the_unknown_name_changes() -> None:
    readings = corrected(MatchRecord("q", full_names=("Derek Shepard",)), KNOWN)
    assert readings
    assert all(r.names[0][0] == "derek" for r in readings)
    assert ("derek", "shepherd") in [r.names[0] for r in readings]


def test_short_or_hopeless_words_are_left_alone() -> None:
    assert KNOWN.closest("al", family=False) == []
    assert KNOWN.closest("zzzzzz", family=True) == []
    assert corrected(MatchRecord("q", full_names=("Zyxw Qvut",)), KNOWN) == []
    assert corrected(MatchRecord("q", full_names=("Alex",)), KNOWN) == []  # no family name
