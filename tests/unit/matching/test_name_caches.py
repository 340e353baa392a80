"""Name features are cached per given name and per family name: a new combination of names
seen before must get exactly what computing it from scratch gives."""

from __future__ import annotations

import itertools
import random

from reunify.matching import prepared
from reunify.matching.normalise import family_units, name_tokens, parse_full_name
from reunify.matching.prepared import (
    FamilyName,
    GivenToken,
    family_name,
    given_tokens_of,
    significant_parts,
)

Names = tuple[tuple[tuple[str, str], ...], tuple[str, ...]]

_GIVEN = [
    "Isobel", "José", "María-José", "Mary Ann", "Anna Anna", "D.", "Dr. Derek", "", "  ",
    "Jean-Luc", "Nguyen Van", "O'Brien", "Zoë", "Алексей", "de la", "Mr", "Li", "ANN",
    "john jr", "Ben Avery", "van",
]  # fmt: skip
_FAMILY = [
    "Stevens", "de la Cruz", "van der Berg", "O'Brien", "Smith-Jones", "", " ", "Nguyen Van",
    "Mac Donald", "Shepherd MD", "di", "García Márquez", "St. John", "Ng", "y", "Delacruz",
    "Grey", "王", "Smith Smith",
]  # fmt: skip
_FULL = [
    "Izzie Stevens", "Shepherd, Derek", "Dr. María-José O'Brien", "王小明", "Derek Christopher "
    "Shepherd", "Juan de la Cruz Garcia Lopez", "Karev Alex", ", ", "MD", "Ann", "Stevens, ",
    "Mary Ann van der Berg", "金 민준",
]  # fmt: skip


def _reference(names: tuple[tuple[str, str], ...], full_names: tuple[str, ...]) -> object:
    """``_names`` as it was before the per-name caches, step by step."""
    readings: list[tuple[str, str]] = []
    for given, family in names:
        g = " ".join(name_tokens.__wrapped__(given))
        f = " ".join(family_units(name_tokens.__wrapped__(family)))
        if g or f:
            readings.append((g, f))
    for full in full_names:
        readings.extend(parse_full_name.__wrapped__(full))
    given: list[GivenToken] = []
    family: list[FamilyName] = []
    swap_given: list[GivenToken] = []
    swap_family: list[FamilyName] = []
    for g, f in readings:
        if g:
            given.extend(given_tokens_of(g))
            as_family = family_name.__wrapped__(g)
            if as_family is not None:
                swap_family.append(as_family)
        fam = family_name.__wrapped__(f)
        if fam is not None:
            family.append(fam)
            swap_given.extend(given_tokens_of(" ".join(significant_parts(fam.text))))
    return tuple(
        tuple(dict.fromkeys(part)) for part in (given, family, swap_given, swap_family, readings)
    )


def _cases() -> list[Names]:
    rng = random.Random(11)
    pairs = list(itertools.product(_GIVEN, _FAMILY))
    cases: list[Names] = [((pair,), ()) for pair in pairs]  # every single name
    cases += [((), (full,)) for full in _FULL]  # a name typed as one string only
    cases.append(((), ()))
    for _ in range(400):  # several names, structured and free text, repeats included
        chosen = tuple(rng.choice(pairs) for _ in range(rng.randint(0, 4)))
        fulls = tuple(rng.choice(_FULL) for _ in range(rng.randint(0, 2)))
        cases.append((chosen, fulls))
    return cases


def test_cached_name_features_are_those_computed_from_scratch() -> None:
    cases = _cases()
    assert len({len(n) + len(f) for n, f in cases}) > 4
    for clear in (True, False):  # from empty caches, then from caches filled in another order
        if clear:
            for cached in (
                prepared._names, prepared._folded_given, prepared._folded_family,
                prepared._given_reading, prepared._family_reading,
            ):  # fmt: skip
                cached.cache_clear()
        for names, full_names in cases if clear else reversed(cases):
            got = prepared._names.__wrapped__(names, full_names)
            assert tuple(got) == _reference(names, full_names), (names, full_names)
            assert prepared._names(names, full_names) == got


def test_a_name_seen_before_in_another_combination_costs_only_look_ups() -> None:
    prepared._names(((" Isobel ", "de la Cruz"),), ())
    before = prepared._given_reading.cache_info().misses, prepared._family_reading.cache_info()
    prepared._names(((" Isobel ", "van der Berg"),), ())
    prepared._names((("Mary Ann", "de la Cruz"),), ())
    prepared._names(((" Isobel ", "de la Cruz"),), ("Isobel de la Cruz",))
    assert prepared._given_reading.cache_info().misses <= before[0] + 1  # "mary ann" at most
    assert prepared._family_reading.cache_info().misses <= before[1].misses + 1  # "van der berg"
    assert all(
        cached.cache_info().maxsize
        for cached in (prepared._folded_given, prepared._given_reading, prepared._names)
    )
