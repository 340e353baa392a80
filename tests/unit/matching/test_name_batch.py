"""``compare_many`` gives every pair exactly ``compare_names``'s outcome: levels, the
agreeing terms and the swap."""

from __future__ import annotations

import random

import numpy as np

from reunify.matching import MatchRecord, prepare
from reunify.matching.name_batch import compare_many
from reunify.matching.name_levels import compare_names

GIVEN = [
    "Derek", "Derrick", "Dereck", "D.", "D", "Isobel", "Izzie", "Isabel", "Alexander", "Alex",
    "Alexandra", "Mary Ann", "Maryann", "Mary-Ann", "Jo", "Bo", "José", "Jose", "Catherine",
    "Katherine", "Kathryn", "William", "Bill", "Liam", "Nguyen", "Thi", "Stevens", "", "Lee",
    "Lea", "Zoë", "Zoe", "Ólafur", "Χρήστος", "Иван", "Jean-Luc", "Martha", "Marhta", "Martin",
    "Marvin",
]  # fmt: skip
FAMILY = [
    "Shepherd", "Shepard", "Sheppard", "Stevens", "Stephens", "Karev", "Karevv", "de la Cruz",
    "Delacruz", "Cruz", "García Márquez", "Garcia", "Marquez", "O'Brien", "OBrien", "Nguyen",
    "Nguyen Thi", "Lee", "Li", "Smith", "Smyth", "Grey", "Gray", "", "Derek", "Alex", "Bailey",
    "Baylee", "van der Berg", "Berg", "Иванов", "Martha",
]  # fmt: skip
FULL = ["Derek Shepard", "Karev, Alex", "Dr. Derek Christopher Shepherd Jr.", "Izzie", "Grey"]


def _record(rng: random.Random, i: int) -> MatchRecord:
    names = tuple((rng.choice(GIVEN), rng.choice(FAMILY)) for _ in range(rng.choice((1, 1, 1, 2))))
    names = tuple(n for n in names if n[0] or n[1])
    full = tuple(rng.sample(FULL, rng.choice((0, 0, 0, 1, 2))))
    if not names and not full:
        names = (("Derek", "Shepherd"),)
    return MatchRecord(record_id=str(i), names=names, full_names=full)


def test_every_pair_as_compare_names() -> None:
    rng = random.Random(5)
    sides = [prepare(_record(rng, i)) for i in range(700)]
    left = np.array([rng.randrange(len(sides)) for _ in range(6000)], np.int64)
    right = np.array([rng.randrange(len(sides)) for _ in range(6000)], np.int64)
    got = compare_many(sides, left, right)
    expected = [compare_names(sides[a], sides[b]) for a, b in zip(left, right, strict=True)]
    assert got == expected
    # The pairs cover every kind of outcome the comparison has.
    assert {o.given for o in expected} >= set(range(-1, 7))
    assert {o.family for o in expected} >= set(range(0, 6))
    assert any(o.swapped for o in expected)
    assert any(o.given_term for o in expected)
    assert any(o.family_term for o in expected)


def test_no_pairs() -> None:
    sides = [prepare(MatchRecord(record_id="1", names=(("Derek", "Shepherd"),)))]
    empty = np.zeros(0, np.int64)
    assert compare_many(sides, empty, empty) == []
