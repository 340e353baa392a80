"""Given-name and family-name levels, and the check for given/family swaps.

A person has several names (legal, alias, maiden, nickname) and a free-text name has
several readings, so each side carries a set of words; the level is the best over all pairs.
"""

from __future__ import annotations

from typing import NamedTuple

from rapidfuzz.distance import OSA, JaroWinkler

from reunify.matching.levels import Rule, best_rule
from reunify.matching.prepared import FamilyName, GivenToken, PreparedRecord

# Below this length one edit turns one real name into another (Jo/Bo, Lee/Lea).
MIN_EDIT_LENGTH = 4
JARO_WINKLER = 0.90


def _given_exact(a: GivenToken, b: GivenToken) -> bool:
    return a.text == b.text and not a.is_initial


def _given_nickname(a: GivenToken, b: GivenToken) -> bool:
    if a.is_initial or b.is_initial:
        return False
    return a.text in b.group or b.text in a.group or not a.forms.isdisjoint(b.forms)


def _given_phonetic(a: GivenToken, b: GivenToken) -> bool:
    if a.is_initial or b.is_initial:
        return False
    return (
        (a.metaphone == b.metaphone and len(a.metaphone) >= 2)
        or (a.nysiis == b.nysiis and len(a.nysiis) >= 4)
        or (a.skeleton == b.skeleton and len(a.skeleton) >= 4)
    )


def _given_edit(a: GivenToken, b: GivenToken) -> bool:
    if min(len(a.text), len(b.text)) < MIN_EDIT_LENGTH:
        return False
    return OSA.distance(a.text, b.text, score_cutoff=1) <= 1


def _given_jaro(a: GivenToken, b: GivenToken) -> bool:
    if a.is_initial or b.is_initial:
        return False
    return JaroWinkler.similarity(a.text, b.text, score_cutoff=JARO_WINKLER) >= JARO_WINKLER


def _given_initial(a: GivenToken, b: GivenToken) -> bool:
    return (a.is_initial or b.is_initial) and a.text[0] == b.text[0]


GIVEN_RULES: tuple[Rule[GivenToken], ...] = (
    Rule("exact", "exact match", _given_exact, tf=True),
    Rule("nickname", "nickname or diminutive", _given_nickname),
    Rule("phonetic", "sounds the same", _given_phonetic),
    Rule("edit_1", "one letter different", _given_edit),
    Rule("jaro_winkler_90", "similar spelling", _given_jaro),
    Rule("initial", "initial only", _given_initial),
)


def _family_exact(a: FamilyName, b: FamilyName) -> bool:
    return a.compact == b.compact


def _family_phonetic(a: FamilyName, b: FamilyName) -> bool:
    return (a.metaphone == b.metaphone and len(a.metaphone) >= 2) or (
        a.skeleton == b.skeleton and len(a.skeleton) >= 4
    )


def _family_edit(a: FamilyName, b: FamilyName) -> bool:
    if min(len(a.compact), len(b.compact)) < MIN_EDIT_LENGTH:
        return False
    return OSA.distance(a.compact, b.compact, score_cutoff=1) <= 1


def _family_jaro(a: FamilyName, b: FamilyName) -> bool:
    similarity = JaroWinkler.similarity(a.compact, b.compact, score_cutoff=JARO_WINKLER)
    return similarity >= JARO_WINKLER


def _family_part(a: FamilyName, b: FamilyName) -> bool:
    return not a.parts.isdisjoint(b.parts)


FAMILY_RULES: tuple[Rule[FamilyName], ...] = (
    Rule("exact", "exact match", _family_exact, tf=True),
    Rule("phonetic", "sounds the same", _family_phonetic),
    Rule("edit_1", "one letter different", _family_edit),
    Rule("jaro_winkler_90", "similar spelling", _family_jaro),
    Rule("compound_part", "shares part of a compound name", _family_part),
)


def given_term(token: GivenToken) -> str:
    return token.text


def family_term(name: FamilyName) -> str:
    return name.compact


class NameOutcome(NamedTuple):
    """Rule positions (-1 null, len(rules) else), the agreeing values, and the order."""

    given: int
    given_term: str | None
    family: int
    family_term: str | None
    swapped: bool


# Null and else rank alike, and alike for both fields: a swap must earn its place by
# agreeing better, and a lone word is read as whichever name it agrees with best.
WORST_RANK = max(len(GIVEN_RULES), len(FAMILY_RULES))


def _rank(given: int, family: int) -> tuple[int, int]:
    """Sort key, lower is better; on a tie the better family-name agreement wins."""
    g = given if 0 <= given < len(GIVEN_RULES) else WORST_RANK
    f = family if 0 <= family < len(FAMILY_RULES) else WORST_RANK
    return (g + f, f)


def compare_names(left: PreparedRecord, right: PreparedRecord) -> NameOutcome:
    """Given and family levels as entered, or with given and family names swapped on one
    side when that agrees strictly better ("Karev Alex" for Alex Karev).

    Both sides are tried swapped in turn, so the outcome does not depend on which record is
    the inquiry: nickname rules only apply to words read as given names.
    """
    g, g_term = best_rule(GIVEN_RULES, left.given, right.given, given_term)
    f, f_term = best_rule(FAMILY_RULES, left.family, right.family, family_term)
    best = NameOutcome(g, g_term, f, f_term, swapped=False)
    best_rank = _rank(g, f)
    if best_rank == (0, 0):
        return best
    for lg, rg, lf, rf in (
        (left.swap_given, right.given, left.swap_family, right.family),
        (left.given, right.swap_given, left.family, right.swap_family),
    ):
        sg, sg_term = best_rule(GIVEN_RULES, lg, rg, given_term)
        sf, sf_term = best_rule(FAMILY_RULES, lf, rf, family_term)
        rank = _rank(sg, sf)
        if rank < best_rank:
            best, best_rank = NameOutcome(sg, sg_term, sf, sf_term, swapped=True), rank
    return best
