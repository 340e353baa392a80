"""Stored labels turn back into the engine's comparison patterns, whatever changed since."""

from __future__ import annotations

from reunify.linkage.labels import levels_of, pattern_of
from reunify.matching import COMPARISONS, MatchRecord, score


def test_levels_round_trip_to_the_engines_pattern() -> None:
    left = MatchRecord("a", names=(("Derek", "Shepherd"),), age=None)
    right = MatchRecord("b", names=(("Derek Christopher", "Shepherd"),))
    scored = score(left, right)
    levels = levels_of(scored)
    assert set(levels) == {c.name for c in COMPARISONS}
    pattern = pattern_of(levels)
    assert pattern == tuple(c.index(levels[c.name]) for c in COMPARISONS)
    assert pattern[[c.name for c in COMPARISONS].index("family_name")] > 0


def test_unknown_fields_and_levels_read_as_missing() -> None:
    first = COMPARISONS[0]
    best = first.levels[1].name
    pattern = pattern_of({first.name: best, "shoe_size": "same", COMPARISONS[1].name: "retired"})
    assert pattern[0] == 1
    assert pattern[1:] == (0,) * (len(COMPARISONS) - 1)
    assert pattern_of({}) == (0,) * len(COMPARISONS)
    assert pattern_of({first.name: 3})[0] == 0  # not a level name
