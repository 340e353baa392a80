"""How common each given and family name is, so that agreeing on "Smith" counts for less
than agreeing on "Karev" (Splink's term-frequency adjustment)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reunify.matching.normalise import fold
from reunify.matching.prepared import PreparedRecord, family_name, prepare
from reunify.matching.records import MatchRecord


@dataclass(frozen=True, slots=True)
class TermFrequencies:
    """Relative frequencies (0-1) keyed by normalised name: given names by folded word,
    family names by their compact form ("delacruz"). A name not in the table gets
    ``unseen`` if set, else the level's own u (no adjustment)."""

    given: Mapping[str, float] = field(default_factory=dict)
    family: Mapping[str, float] = field(default_factory=dict)
    unseen: float | None = None

    def frequency(self, comparison: str, term: str) -> float | None:
        table = self.given if comparison == "given_name" else self.family
        found = table.get(term)
        return found if found is not None else self.unseen

    @classmethod
    def from_counts(
        cls, given: Mapping[str, int], family: Mapping[str, int], *, total: int | None = None
    ) -> TermFrequencies:
        """From name counts as a registry reports them (keys are normalised here).

        ``total`` is the number of people; by default the sum of the family counts.
        """
        given_counts: Counter[str] = Counter()
        for name, count in given.items():
            for word in fold(name).split():
                given_counts[word] += count
        family_counts: Counter[str] = Counter()
        for name, count in family.items():
            fam = family_name(fold(name))
            if fam is not None:
                family_counts[fam.compact] += count
        people = total or max(1, sum(family_counts.values()), sum(given_counts.values()))
        return cls(
            given={k: v / people for k, v in given_counts.items()},
            family={k: v / people for k, v in family_counts.items()},
            unseen=1 / people,
        )

    @classmethod
    def from_records(cls, records: Iterable[MatchRecord | PreparedRecord]) -> TermFrequencies:
        """Count each person once per distinct given word and family name."""
        given: Counter[str] = Counter()
        family: Counter[str] = Counter()
        people = 0
        for record in records:
            prepared = record if isinstance(record, PreparedRecord) else prepare(record)
            people += 1
            given.update({t.text for t in prepared.given if not t.is_initial})
            family.update({f.compact for f in prepared.family})
        people = max(1, people)
        return cls(
            given={k: v / people for k, v in given.items()},
            family={k: v / people for k, v in family.items()},
            unseen=1 / people,
        )
