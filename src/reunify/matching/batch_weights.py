"""The total weight of many pairs at once, for batch jobs that keep only the likely ones.

``score`` prepares both records and explains every comparison, tens of microseconds a
pair; a million-person dedupe scores hundreds of thousands of pairs and keeps a tenth. The
levels of one comparison depend on a few fields of each side only (the sex on the sex, the
names on the names), and those values repeat across pairs: two women, two "John Smith"s,
two people of Kent. So each group of comparisons is levelled once per distinct pair of
values, by the level functions ``compare`` uses (on the prepared record, or for names,
date of birth and phone on a stand-in holding just what ``prepare`` makes of them), and a
pair's total is looked up and summed in ``score``'s order: the same float, not an estimate
(``compare`` and ``score`` lend their steps: ``comparisons.name_levels``,
``scoring.level_weight``; tests hold every weight and level equal). ``Screen.likely`` says
which pairs can be anything but ``no_match``; only those need ``score``'s verdict and its
explanation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from operator import attrgetter
from typing import Any, NamedTuple, TypeVar

import numpy as np
from numpy.typing import NDArray

from reunify.domain.dates import AgeRange, BirthDate
from reunify.domain.types import Sex
from reunify.matching import address_levels as address
from reunify.matching import fact_levels as facts
from reunify.matching.comparisons import (
    ADDRESS_2,
    BIRTH,
    CITY,
    COMPARISONS,
    DESCRIPTION,
    EMAIL,
    PHONE,
    POSTCODE,
    SEX,
    STATE,
    STREET,
    STREET_NUMBER,
    ComparisonVector,
    FactLevel,
    name_levels,
)
from reunify.matching.fields import Phone, normalise_phone
from reunify.matching.levels import Comparison
from reunify.matching.model import ModelParams
from reunify.matching.name_batch import Ints, compare_many
from reunify.matching.prepared import FamilyName, GivenToken, PreparedRecord, prepare
from reunify.matching.prepared import _names as name_features
from reunify.matching.records import MatchRecord
from reunify.matching.scoring import level_weight
from reunify.matching.term_frequencies import TermFrequencies

# A float sums the same way twice; this only absorbs the inversion of the sigmoid.
_SLACK = 1e-6

Record = MatchRecord | PreparedRecord
Key = Any  # a hashable tuple of a record's fields, or one field
Levels = tuple[tuple[int, str | None], ...]  # (level, agreeing term) per comparison
_Entry = tuple[Levels, tuple[float, ...]]  # a group's levels of a pair, and their weights
Floats = NDArray[np.float64]
LevelsOf = Callable[[Any, Any], Levels]  # of two sides: prepared records or stand-ins
# Of pairs of sides (``sides[left[i]]``, ``sides[right[i]]``), all at once.
ManyLevels = Callable[[Sequence[Any], Ints, Ints], list[Levels]]


@dataclass(frozen=True, slots=True)
class _Group:
    """Comparisons whose levels depend only on ``key`` of each side."""

    fields: tuple[str, ...]  # comparison names, in ``COMPARISONS`` order
    key: Callable[[MatchRecord], Key]
    empty: Callable[[Key], bool]  # unknown on this side: every level is null
    levels: ManyLevels
    # What the levels read of a side, when that is much less than ``prepare`` computes:
    # the attributes of ``PreparedRecord`` they read, computed the same way.
    stand_in: Callable[[MatchRecord], Any] | None = None


class _NameSide(NamedTuple):
    given: tuple[GivenToken, ...]
    family: tuple[FamilyName, ...]
    swap_given: tuple[GivenToken, ...]
    swap_family: tuple[FamilyName, ...]
    unidentified: bool


def _name_side(record: MatchRecord) -> _NameSide:
    names = name_features(record.names, record.full_names)  # as ``prepare`` makes them
    return _NameSide(
        names.given, names.family, names.swap_given, names.swap_family, record.unidentified
    )


class _BirthSide(NamedTuple):
    birth_date: BirthDate | None
    age: AgeRange | None
    reference_date: date


def _birth_side(record: MatchRecord) -> _BirthSide:
    return _BirthSide(record.birth_date, record.age, record.reference_date or date.today())


class _PhoneSide(NamedTuple):
    phone: Phone | None


def _phone_side(record: MatchRecord) -> _PhoneSide:
    return _PhoneSide(normalise_phone(record.phone))


def _names_levels(sides: Sequence[_NameSide], left: Ints, right: Ints) -> list[Levels]:
    """``compare``'s given name, family name and name order levels of many pairs of sides
    at once (``name_batch``)."""
    levels: list[Levels] = []
    for names, a, b in zip(
        compare_many(sides, left, right), left.tolist(), right.tolist(), strict=True
    ):
        given, family, order = name_levels(names, sides[a].unidentified or sides[b].unidentified)
        levels.append(((given, names.given_term), (family, names.family_term), (order, None)))
    return levels


def _pairwise(levels: LevelsOf) -> ManyLevels:
    """A comparison of two sides, applied to each pair in turn."""

    def many(sides: Sequence[Any], left: Ints, right: Ints) -> list[Levels]:
        pairs = zip(left.tolist(), right.tolist(), strict=True)
        return [levels(sides[a], sides[b]) for a, b in pairs]

    return many


def _fact(comparison: Comparison, level_of: FactLevel) -> ManyLevels:
    def levels(left: Any, right: Any) -> Levels:
        level = level_of(left, right)
        index = 0 if level is None else comparison.index(level)
        term = left.city if comparison is CITY and index == _CITY_EXACT else None
        return ((index, term),)

    return _pairwise(levels)


def _address_levels(left: PreparedRecord, right: PreparedRecord) -> Levels:
    return tuple(
        (0 if level is None else comparison.index(level), None)
        for comparison, level in (
            (STREET_NUMBER, address.street_number_level(left, right)),
            *zip((STREET, ADDRESS_2), address.address_lines(left, right), strict=True),
        )
    )


def _one(comparison: Comparison, level_of: FactLevel) -> _Group:
    """A comparison of one field of the record (of its name), unknown when empty."""
    name = comparison.name
    return _Group((name,), attrgetter(name), lambda v: not v, _fact(comparison, level_of))


_CITY_EXACT = CITY.index("exact")
GROUPS: tuple[_Group, ...] = (
    _Group(
        ("given_name", "family_name", "name_order"),
        attrgetter("names", "full_names", "unidentified"),
        lambda k: not (k[0] or k[1]),
        _names_levels,
        _name_side,
    ),
    _Group(
        ("birth",),
        attrgetter("birth_date", "age", "reference_date"),
        lambda k: k[0] is None and k[1] is None,
        _fact(BIRTH, facts.birth_level),
        _birth_side,
    ),
    _Group(
        ("sex",),
        attrgetter("sex"),
        lambda v: v in (None, Sex.UNKNOWN),
        _fact(SEX, facts.sex_level),
    ),
    _Group(
        ("phone",),
        attrgetter("phone"),
        lambda v: not v,
        _fact(PHONE, facts.phone_level),
        _phone_side,
    ),
    _one(EMAIL, facts.email_level),
    _Group(
        ("street_number", "street", "address_2"),
        attrgetter("street", "address_2"),
        lambda k: not (k[0] or k[1]),
        _pairwise(_address_levels),
    ),
    _one(CITY, address.city_level),
    _one(POSTCODE, address.postcode_level),
    _one(STATE, address.state_level),
    _one(DESCRIPTION, facts.description_level),
)

_ORDER = tuple(c.name for c in COMPARISONS)
if tuple(f for g in GROUPS for f in g.fields) != _ORDER:  # pragma: no cover - a new comparison
    raise RuntimeError("batch_weights.GROUPS must cover COMPARISONS, in order")


_T = TypeVar("_T")


def _per_pair(
    g: int,
    records: Sequence[MatchRecord],
    left: Ints,
    right: Ints,
    prepared: Callable[[int], PreparedRecord],
    value: Callable[[int, Levels], _T],
    nulls: _T,
) -> tuple[list[_T], Ints]:
    """``value`` of group ``g``'s levels for every distinct pair of values among the pairs
    (``records[left[i]]``, ``records[right[i]]``), ``nulls`` first (a side without a value),
    and for each pair the position of its value in that list. ``prepared(i)`` is
    ``prepare(records[i])``."""
    group = GROUPS[g]
    empty = group.empty
    codes: dict[Key, int] = {}
    firsts: list[int] = []  # the first record with each value stands for them all
    of: list[int] = []  # a code per record, -1 when the group is unknown for it
    for i, key in enumerate(map(group.key, records)):
        code = codes.get(key)
        if code is None:
            code = -1 if empty(key) else len(firsts)
            codes[key] = code
            if code >= 0:
                firsts.append(i)
        of.append(code)
    coded = np.array(of, np.int64)
    a, b = coded[left], coded[right]
    known = (a >= 0) & (b >= 0)
    width = max(1, len(firsts))
    distinct, where = np.unique(a[known] * width + b[known], return_inverse=True)
    index = np.zeros(len(left), np.int64)
    index[known] = where.reshape(-1) + 1
    pairs = zip((distinct // width).tolist(), (distinct % width).tolist(), strict=True)
    # A value's stand-in (or prepared record) is made only for the pairs that need it: a
    # phone number is worth normalising only if the other side has one too.
    make = group.stand_in

    def side(code: int) -> Any:
        first = firsts[code]
        return prepared(first) if make is None else make(records[first])

    levels = _levels_many(group.levels, list(pairs), side)
    return [nulls, *(value(g, found) for found in levels)], index


def _columns(
    records: Mapping[int, MatchRecord],
    pairs: Sequence[tuple[int, int]],
    value: Callable[[int, Levels], _T],
    nulls: Callable[[int], _T],
) -> list[tuple[list[_T], Ints]]:
    """``_per_pair`` of every group (``nulls(size)`` for a group of that many fields)."""
    ids = np.array(sorted(records), np.int64)
    ends = np.array(pairs, np.int64).reshape(-1, 2)
    left, right = np.searchsorted(ids, ends[:, 0]), np.searchsorted(ids, ends[:, 1])
    ordered = [records[pid] for pid in ids.tolist()]

    @cache
    def prepared(i: int) -> PreparedRecord:
        return prepare(ordered[i])

    return [
        _per_pair(g, ordered, left, right, prepared, value, nulls(len(group.fields)))
        for g, group in enumerate(GROUPS)
    ]


def _levels_many(
    many: ManyLevels,
    pairs: list[tuple[int, int]],
    side: Callable[[int], Any],
) -> list[Levels]:
    """The levels of distinct pairs of known values, levelled at once."""
    if not pairs:
        return []
    numbers: dict[int, int] = {}
    sides: list[Any] = []
    for code in {c for pair in pairs for c in pair}:
        numbers[code] = len(sides)
        sides.append(side(code))
    left = np.fromiter((numbers[a] for a, _ in pairs), np.int64, len(pairs))
    right = np.fromiter((numbers[b] for _, b in pairs), np.int64, len(pairs))
    return many(sides, left, right)


def _vector(entries: Sequence[Levels]) -> ComparisonVector:
    flat = [level for levels in entries for level in levels]
    return ComparisonVector(tuple(x[0] for x in flat), tuple(x[1] for x in flat))


class Screen:
    """Weights of pairs of records under one set of parameters (and term frequencies)."""

    def __init__(self, params: ModelParams, tf: TermFrequencies | None) -> None:
        self.params = params
        self.tf = tf
        slope, intercept = params.calibration
        rules = params.decision
        odds = math.log2(rules.uncertain_probability / (1 - rules.uncertain_probability))
        # Below this weight a pair's probability is under the uncertain band's: no_match.
        self.floor = (odds - intercept) / slope - _SLACK if slope > 0 else -math.inf
        self._known: dict[tuple[int, Levels], _Entry] = {}

    def _entry(self, g: int, levels: Levels) -> _Entry:
        """The group's levels and their weights, as ``score`` weighs them."""
        found = self._known.get((g, levels))
        if found is None:
            found = self._known[(g, levels)] = (levels, self._weigh(g, levels))
        return found

    def _weigh(self, g: int, levels: Levels) -> tuple[float, ...]:
        params, tf = self.params, self.tf
        return tuple(
            level_weight(_ORDER.index(name), level, term, params, tf)
            for name, (level, term) in zip(GROUPS[g].fields, levels, strict=True)
        )

    def _columns(
        self, records: Mapping[int, MatchRecord], pairs: Sequence[tuple[int, int]]
    ) -> list[tuple[list[_Entry], Ints]]:
        return _columns(records, pairs, self._entry, lambda n: (((0, None),) * n, (0.0,) * n))

    def _totals(self, columns: list[tuple[list[_Entry], Ints]], size: int) -> Floats:
        total = np.zeros(size, np.float64)
        for entries, index in columns:
            weights = np.array([found for _, found in entries], np.float64)
            for field in range(weights.shape[1]):  # one at a time, in order: score's very sum
                total += weights[index, field]
        out: Floats = self.params.prior_weight + total
        return out

    def weights(
        self, records: Mapping[int, MatchRecord], pairs: Sequence[tuple[int, int]]
    ) -> list[float]:
        """``score(records[a], records[b], params, tf).weight`` for each pair, exactly."""
        weights: list[float] = self._totals(self._columns(records, pairs), len(pairs)).tolist()
        return weights

    def likely(
        self, records: Mapping[int, MatchRecord], pairs: Sequence[tuple[int, int]]
    ) -> list[int]:
        """Positions of the pairs ``score`` could band other than ``no_match``."""
        return [i for i, _ in self.likely_vectors(records, pairs)]

    def likely_vectors(
        self, records: Mapping[int, MatchRecord], pairs: Sequence[tuple[int, int]]
    ) -> list[tuple[int, ComparisonVector]]:
        """``likely``'s positions, each with the pair's comparison vector (``compare``'s),
        so that scoring it needs neither ``prepare`` nor ``compare`` again."""
        columns = self._columns(records, pairs)
        likely = np.flatnonzero(self._totals(columns, len(pairs)) >= self.floor).tolist()
        return [(i, _vector([entries[index[i]][0] for entries, index in columns])) for i in likely]


def vectors(pairs: Iterable[tuple[Record, Record]]) -> list[ComparisonVector]:
    """``compare(prepare(a), prepare(b))`` for each pair, group by group, each group once
    per distinct pair of its values (training compares tens of thousands of pairs)."""
    number: dict[int, int] = {}
    records: dict[int, MatchRecord] = {}
    coded: list[tuple[int, int]] = []
    for pair in pairs:
        ends = []
        for end in pair:
            record = end.record if isinstance(end, PreparedRecord) else end
            found = number.get(id(record))
            if found is None:  # by identity: the records are alive while compared
                found = number[id(record)] = len(records)
                records[found] = record
            ends.append(found)
        coded.append((ends[0], ends[1]))

    columns = _columns(records, coded, _same, lambda n: ((0, None),) * n)
    return [_vector([entries[index[i]] for entries, index in columns]) for i in range(len(coded))]


def _same(_: int, levels: Levels) -> Levels:
    return levels
