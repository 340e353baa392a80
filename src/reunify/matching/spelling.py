"""Readings of an inquiry with its unknown names corrected to names the registry knows.

A relative who misspells both names ("Hudon Lwory" for Hudson Lowry) shares no blocking
key with the person: every key pairs two facts, and both are wrong. When the keys find
almost nobody, a look-up can ask again with each name the registry does not know replaced
by the known names closest to it (one or two edits). Only the candidate search uses these
readings; the candidates are scored against what the relative actually typed.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from itertools import product

from rapidfuzz import process
from rapidfuzz.distance import OSA

from reunify.matching.prepared import PreparedRecord, prepare
from reunify.matching.records import MatchRecord

MAX_EDITS = 2
PER_NAME = 3  # closest known names tried per unknown name
MAX_READINGS = 18  # both orders of three by three closest names
_MIN_LENGTH = 4  # a short word is one edit from too many names to guess


class Vocabulary:
    """Known given names and family names (compact), e.g. a term-frequency table's keys."""

    def __init__(self, given: Collection[str], family: Collection[str]) -> None:
        self.given = frozenset(given)
        self.family = frozenset(family)
        self._given = sorted(self.given)
        self._family = sorted(self.family)

    def closest(self, word: str, *, family: bool) -> list[str]:
        """Up to ``PER_NAME`` known names within ``MAX_EDITS`` edits, closest first; the
        word itself if it is known; nothing for a short word."""
        known, choices = (self.family, self._family) if family else (self.given, self._given)
        if word in known:
            return [word]
        if len(word) < _MIN_LENGTH:
            return []
        found = process.extract(
            word, choices, scorer=OSA.distance, score_cutoff=MAX_EDITS, limit=PER_NAME
        )
        return [choice for choice, _, _ in sorted(found, key=lambda f: (f[1], f[0]))]


def corrected(record: MatchRecord | PreparedRecord, vocabulary: Vocabulary) -> list[MatchRecord]:
    """The record read with corrected names (none if every name is known or unfixable)."""
    prepared = record if isinstance(record, PreparedRecord) else prepare(record)
    names: list[tuple[str, str]] = []
    for given, family in prepared.readings:
        words = given.split()[:1]  # the call name; middle names are rarely what is misspelt
        compact = family.replace(" ", "")
        if not words or not compact:
            continue
        if words[0] in vocabulary.given and compact in vocabulary.family:
            continue
        # As typed, then given and family the other way round ("Glass Aleisha").
        typed = ((words[0], compact), (compact, words[0]))
        for first, last in typed:
            options: Sequence[list[str]] = (
                vocabulary.closest(first, family=False) or [first],
                vocabulary.closest(last, family=True) or [last],
            )
            for g, f in product(*options):
                if (g, f) not in typed and (g, f) not in names:
                    names.append((g, f))
    if not names:
        return []
    return [replace(prepared.record, names=(pair,), full_names=()) for pair in names[:MAX_READINGS]]
