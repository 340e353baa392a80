"""How common each given name, family name and city is, so that agreeing on "Smith" counts
for less than agreeing on "Karev" (Splink's term-frequency adjustment).

A table is data about a registry, not a parameter: a store snapshots it when it trains a
model and names the snapshot by ``digest`` in the parameters (``ModelParams.tf_table``), so
a stored decision still says which frequencies weighed its names.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from reunify.matching.fields import normalise_city
from reunify.matching.normalise import family_units, name_tokens, parse_full_name
from reunify.matching.prepared import PreparedRecord, family_name, given_tokens_of, prepare
from reunify.matching.records import MatchRecord

# The comparisons whose exact level a table adjusts, and the terms they agree on.
FIELDS = ("given_name", "family_name", "city")
_NAMES = frozenset(FIELDS[:2])


def given_terms(given: str) -> frozenset[str]:
    """The terms a given name agrees on exactly, normalised as the comparisons do."""
    tokens = given_tokens_of(" ".join(name_tokens(given)))
    return frozenset(t.text for t in tokens if not t.is_initial)


def family_term(family: str) -> str | None:
    name = family_name(" ".join(family_units(name_tokens(family))))
    return None if name is None else name.compact


def full_name_terms(full: str) -> tuple[frozenset[str], frozenset[str]]:
    """(given terms, family terms) of a name typed as one string, over all its readings."""
    given: set[str] = set()
    family: set[str] = set()
    for g, f in parse_full_name(full):
        given.update(t.text for t in given_tokens_of(g) if not t.is_initial)
        name = family_name(f)
        if name is not None:
            family.add(name.compact)
    return frozenset(given), frozenset(family)


@dataclass(frozen=True, slots=True)
class TermFrequencies:
    """Relative frequencies (0-1) keyed by normalised term: given names by folded word,
    family names by their compact form ("delacruz"), cities folded. A term not in the table
    gets ``unseen`` if set, else the level's own u (no adjustment)."""

    given: Mapping[str, float] = field(default_factory=dict)
    family: Mapping[str, float] = field(default_factory=dict)
    unseen: float | None = None
    city: Mapping[str, float] = field(default_factory=dict)

    def table(self, comparison: str) -> Mapping[str, float]:
        if comparison == "given_name":
            return self.given
        if comparison == "family_name":
            return self.family
        return self.city if comparison == "city" else {}

    def frequency(self, comparison: str, term: str) -> float | None:
        """How common the term is. A name counts as common if it is common as either name:
        a given/family swap reads one as the other, and "Jordan" or "Dolan" is both."""
        if comparison in _NAMES:
            found = max(self.given.get(term, 0.0), self.family.get(term, 0.0)) or None
        else:
            found = self.table(comparison).get(term)
        return found if found is not None else self.unseen

    def rows(self) -> Iterator[tuple[str, str, float]]:
        """``(comparison, term, frequency)`` in a stable order, for storage."""
        for comparison in FIELDS:
            table = self.table(comparison)
            for term in sorted(table):
                yield comparison, term, table[term]

    @property
    def digest(self) -> str:
        """Names the table's content, so parameters can say which table they were used with."""
        h = hashlib.sha256(repr(self.unseen).encode())
        for comparison, term, frequency in self.rows():
            h.update(f"\n{comparison}\t{term}\t{frequency!r}".encode())
        return "tf-" + h.hexdigest()[:12]

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[str, str, float]], *, unseen: float | None
    ) -> TermFrequencies:
        tables: dict[str, dict[str, float]] = {name: {} for name in FIELDS}
        for comparison, term, frequency in rows:
            if comparison in tables:
                tables[comparison][term] = frequency
        return cls(
            given=tables["given_name"],
            family=tables["family_name"],
            city=tables["city"],
            unseen=unseen,
        )

    @classmethod
    def from_counts(
        cls,
        given: Mapping[str, int],
        family: Mapping[str, int],
        *,
        total: int | None = None,
        city: Mapping[str, int] | None = None,
        full: Mapping[str, int] | None = None,
    ) -> TermFrequencies:
        """From counts of names and cities as a registry stores them (normalised here, the
        way the comparisons normalise them); ``full`` counts names typed as one string.
        ``total`` is the number of people; by default the largest of the summed counts."""
        given_counts: Counter[str] = Counter()
        for name, count in given.items():
            for word in given_terms(name):
                given_counts[word] += count
        family_counts: Counter[str] = Counter()
        for name, count in family.items():
            term = family_term(name)
            if term is not None:
                family_counts[term] += count
        for name, count in (full or {}).items():
            given_words, family_words = full_name_terms(name)
            for word in given_words:
                given_counts[word] += count
            for term in family_words:
                family_counts[term] += count
        city_counts: Counter[str] = Counter()
        for name, count in (city or {}).items():
            folded = normalise_city(name)
            if folded:
                city_counts[folded] += count
        people = total or max(
            1, sum(family_counts.values()), sum(given_counts.values()), sum(city_counts.values())
        )

        def shares(counts: Counter[str]) -> dict[str, float]:
            return {k: min(1.0, v / people) for k, v in counts.items()}

        return cls(
            given=shares(given_counts),
            family=shares(family_counts),
            city=shares(city_counts),
            unseen=1 / people,
        )

    @classmethod
    def from_records(cls, records: Iterable[MatchRecord | PreparedRecord]) -> TermFrequencies:
        """Count each person once per distinct given word, family name and city."""
        given: Counter[str] = Counter()
        family: Counter[str] = Counter()
        city: Counter[str] = Counter()
        people = 0
        for record in records:
            prepared = record if isinstance(record, PreparedRecord) else prepare(record)
            people += 1
            given.update({t.text for t in prepared.given if not t.is_initial})
            family.update({f.compact for f in prepared.family})
            if prepared.city:
                city[prepared.city] += 1
        people = max(1, people)
        return cls(
            given={k: v / people for k, v in given.items()},
            family={k: v / people for k, v in family.items()},
            city={k: v / people for k, v in city.items()},
            unseen=1 / people,
        )
