"""Candidate pairs for ``reunify dedupe``: who might be one person registered twice.

Every pair sharing a selective key would be tens of millions at a million people (a date
of birth alone is shared by thirty), so a pair is taken from a key group only when a
second, independent fact agrees too, the way Splink's blocking rules pair two columns:

- both names' sounds (``nm``) and the year and day or month of birth (a slip in the
  other part leaves them), or a date of birth unknown on one side;
- the same date of birth (``db``) and the initials of both names' sounds (a name
  misspelt, or both), or a household in common;
- a household key (``ad``/``as``/``al``) and a name sound, the same date of birth, or a
  second household key in common;
- the same phone number or email address, alone.

Each group is split by its second fact, so the work grows with the group, not with its
square. In a registry of fewer than ``WHOLESALE_BELOW`` people a group of at most
``SMALL_GROUP`` is paired whole: there, sharing any selective key is rare enough to be
worth scoring (two people of five thousand born the same day are a coincidence; of a
million, thirty are not). No pair is taken from a split (or a phone or email group) of
more than ``MAX_GROUP`` people: a fact shared by so many says little about any two.
Everything is read from the key index, one pass per kind of key (each person's facts
and the groups at once), never from ``people``.

A million people are millions of key rows, so past the reading nothing is done row by row
in Python: the databases hand over shared keys' people joined into one string, keys become
integer codes (Python touches each distinct key once, if at all), splitting groups is
sorting (group, fact) codes, and pairs are int64 codes ``low * width + high`` made
distinct by one sort.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import String, Table, func, select
from sqlalchemy.orm import Session

from reunify.store.match_tables import MatchKey

MAX_GROUP = 40
SMALL_GROUP = 8
WHOLESALE_BELOW = 50_000
_KEYS = cast(Table, MatchKey.__table__)
_HOUSEHOLD = ("ad", "as", "al")
_ALONE = ("ph", "em")
_READ_BATCH = 50_000
Ints = npt.NDArray[np.int64]
_NONE: Ints = np.zeros(0, dtype=np.int64)


def _batches(session: Session, kind: str, *, shared: bool) -> Iterator[Sequence[Sequence[Any]]]:
    """One kind's range of the key index, in key order, a key at a time: (key, people,
    their ids joined by commas); ``shared``: only keys of more than one person. The
    databases join the ids faster than Python reads a row per person.

    Read in batches: from SQLite through its own cursor, as plain tuples (result rows cost
    more than the reading); elsewhere from a server-side cursor."""
    k = _KEYS.c
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    ids = k.person_id.cast(String)
    joined = func.group_concat(ids, ",") if sqlite else func.string_agg(ids, ",")
    stmt = (
        select(k.key, func.count(), joined)
        .where(k.key >= f"{kind}:", k.key < f"{kind};")
        .group_by(k.key)
        .order_by(k.key)
    )
    if shared:  # keys of one person only, most phone numbers, are nothing to pair
        stmt = stmt.having(func.count() > 1)
    if not sqlite:
        yield from session.execute(stmt.execution_options(yield_per=_READ_BATCH)).partitions()
        return
    # The only values are the kind's bounds, a comma and a 1: safe to write into the SQL.
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    result = connection.exec_driver_sql(sql)
    try:
        cursor = result.cursor
        while rows := cursor.fetchmany(_READ_BATCH):
            yield rows
    finally:
        result.close()


@dataclass
class _Index:
    """One kind's rows: person ``pids[i]`` has key ``keys[groups[i]]``; rows in key order
    (a group's rows together), each (key, person) once (the key index's primary key)."""

    keys: list[str]
    groups: Ints
    pids: Ints

    def sizes(self) -> Ints:
        return np.bincount(self.groups, minlength=len(self.keys)).astype(np.int64)


def _read(session: Session, kind: str, *, shared: bool = False) -> _Index:
    keys: list[str] = []
    sizes: list[int] = []
    joined: list[str] = []
    for batch in _batches(session, kind, shared=shared):
        keys.extend(map(itemgetter(0), batch))
        sizes.extend(map(itemgetter(1), batch))
        joined.extend(map(itemgetter(2), batch))
    counts = np.array(sizes, dtype=np.int64)
    pids = np.fromstring(",".join(joined), dtype=np.int64, sep=",") if joined else _NONE
    if len(pids) != counts.sum():
        raise RuntimeError(f"the {kind} keys' person ids were not all read")
    return _Index(keys, np.repeat(np.arange(len(keys), dtype=np.int64), counts), pids)


def _spans(starts: Ints, sizes: Ints) -> Ints:
    """The indices ``start .. start + size - 1`` of every span, one after another."""
    shift = starts - (np.cumsum(sizes) - sizes)
    spans: Ints = np.arange(int(sizes.sum()), dtype=np.int64) + np.repeat(shift, sizes)
    return spans


def _pairs_within(parts: Ints, pids: Ints, max_group: int, width: int) -> Ints:
    """Pair codes of every two people of a part of 2 to ``max_group`` (parts sorted)."""
    if len(parts) < 2:
        return _NONE
    first = np.ones(len(parts), dtype=bool)
    first[1:] = parts[1:] != parts[:-1]
    starts = np.flatnonzero(first).astype(np.int64)
    sizes = np.diff(np.append(starts, len(parts)))
    kept = (sizes > 1) & (sizes <= max_group)
    starts, sizes = starts[kept], sizes[kept]
    each = _spans(starts, sizes)
    later = np.repeat(starts + sizes, sizes) - each - 1  # the members after each one
    return _codes(pids[np.repeat(each, later)], pids[_spans(each + 1, later)], width)


def _codes(a: Ints, b: Ints, width: int) -> Ints:
    low: Ints = np.minimum(a, b)
    return low * width + np.maximum(a, b)


def _split(groups: Ints, facts: Ints, pids: Ints, max_group: int, width: int) -> Ints:
    """Pair codes of the people sharing a fact within a group (facts are >= 0)."""
    if not len(facts):
        return _NONE
    kinds = int(facts.max()) + 1
    if (int(groups.max()) + 1) * kinds >= 2**62:
        facts = np.unique(facts, return_inverse=True)[1].astype(np.int64).ravel()
        kinds = int(facts.max()) + 1
    parts = groups * kinds + facts
    if (int(parts.max()) + 1) * width < 2**63:  # one sort of plain numbers is quicker
        both = np.sort(parts * width + pids)
        return _pairs_within(both // width, both % width, max_group, width)
    order = np.argsort(parts)
    return _pairs_within(parts[order], pids[order], max_group, width)


def _expand(owners: Ints, values: Ints, size: int, pids: Ints) -> tuple[Ints, Ints]:
    """For people ``pids``, the rows of their (owner, value) facts: (row of pids, value)."""
    order = np.argsort(owners)
    values = values[order]
    counts = np.bincount(owners, minlength=size).astype(np.int64)
    offsets = np.cumsum(counts) - counts
    many = counts[pids]
    return np.repeat(np.arange(len(pids), dtype=np.int64), many), values[
        _spans(offsets[pids], many)
    ]


def _unique(values: Ints) -> Ints:
    """Sorted distinct values (numpy 2's ``np.unique`` hashes first: seconds at millions)."""
    ordered = np.sort(values)
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    return ordered[first]


def _distinct(owners: Ints, values: Ints) -> tuple[Ints, Ints]:
    """The (owner, value) pairs once each, by owner (values are >= 0)."""
    if not len(owners):
        return owners, values
    width = int(values.max()) + 1
    both = _unique(owners * width + values)
    return both // width, both % width


def _sounds(nm: _Index, wanted: npt.NDArray[np.bool_]) -> tuple[Ints, Ints]:
    """(person, sound code) of the people ``wanted``, each once: Python splits each of
    their distinct keys once (only households need the sounds)."""
    rows = wanted[nm.pids]
    groups, pids = nm.groups[rows], nm.pids[rows]
    new = np.ones(len(groups), dtype=bool)  # the rows are in key order
    new[1:] = groups[1:] != groups[:-1]
    used, inverse = groups[new], np.cumsum(new, dtype=np.int64) - 1
    split = [nm.keys[i][3:].split("|") for i in used.tolist()]
    counts = np.fromiter(map(len, split), dtype=np.int64, count=len(split))
    codes = _dense(list(chain.from_iterable(split)))
    many = counts[inverse]
    return _distinct(
        np.repeat(pids, many), codes[_spans((np.cumsum(counts) - counts)[inverse], many)]
    )


_CHARS = 0x110000  # code points: initials of at most two letters are a number below _CHARS**2


def _initials(keys: list[str]) -> Ints:
    """A code per names key for the first letters of its sounds (``"nm:ALKS|KRF"``: "AK"),
    equal where the letters are. Vectorised for keys of two sounds, the usual ones."""
    if not keys:
        return _NONE
    text = np.array(keys, dtype=f"<U{max(4, max(map(len, keys)) + 1)}")
    chars = text.view(np.uint32).reshape(len(keys), -1)
    bars = chars == ord("|")
    bar = np.argmax(bars, axis=1)
    first = chars[:, 3].astype(np.int64) * (bar != 3)  # an empty sound has no letter
    second = chars[np.arange(len(keys)), bar + 1].astype(np.int64)  # 0: the sound is empty
    codes = np.where(first != 0, first * _CHARS + second, second * _CHARS)
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    usual = (bars.sum(axis=1) == 1) & ((chars != 0).sum(axis=1) == lengths)
    odd: dict[str, int] = {}
    for i in np.flatnonzero(~usual).tolist():
        letters = "".join(sound[:1] for sound in keys[i][3:].split("|"))
        if len(letters) > 2:
            codes[i] = _CHARS**2 + odd.setdefault(letters, len(odd))
        else:
            padded = [ord(c) for c in letters] + [0, 0]
            codes[i] = padded[0] * _CHARS + padded[1]
    ordered = _unique(codes)  # small numbers for the pair codes
    dense: Ints = np.searchsorted(ordered, codes).astype(np.int64)
    return dense


def _dense(values: list[str]) -> Ints:
    ids = {value: i for i, value in enumerate(dict.fromkeys(values))}
    return np.fromiter(map(ids.__getitem__, values), dtype=np.int64, count=len(values))


def _births(db: _Index, size: int) -> Ints:
    """Date of birth as yyyymmdd per person id, 0 if unknown (a person's last key wins)."""
    values = np.array([int(key[3:].replace("-", "")) for key in db.keys], dtype=np.int64)
    last = np.full(size, -1, dtype=np.int64)
    np.maximum.at(last, db.pids, np.arange(len(db.pids), dtype=np.int64))
    births = np.zeros(size, dtype=np.int64)
    known = last >= 0
    births[known] = values[db.groups[last[known]]]
    return births


def candidate_pairs(session: Session, *, max_group: int = MAX_GROUP) -> list[tuple[int, int]]:
    """Distinct (lower id, higher id) pairs worth scoring (see the module docstring)."""
    top = int(session.scalar(select(func.max(_KEYS.c.person_id))) or 0)
    size, width = top + 1, top + 1
    if width * width >= 2**63:
        raise ValueError(f"person ids up to {top} do not fit a pair code")
    small = SMALL_GROUP if top < WHOLESALE_BELOW else 1
    read = {kind: _read(session, kind) for kind in ("nm", "db", *_HOUSEHOLD)}
    births = _births(read["db"], size)
    # Households: one code space over the three kinds (keys of different kinds differ).
    owners, homes, offsets = [], [], {}
    for kind in _HOUSEHOLD:
        offsets[kind] = sum(len(read[k].keys) for k in _HOUSEHOLD[: _HOUSEHOLD.index(kind)])
        owners.append(read[kind].pids)
        homes.append(read[kind].groups + offsets[kind])
    home_owners, home_codes = np.concatenate(owners), np.concatenate(homes)
    split: dict[str, npt.NDArray[np.bool_]] = {}
    for kind, index in read.items():
        split[kind] = index.sizes()[index.groups] > small
    wanted = np.zeros(size, dtype=bool)
    for kind in _HOUSEHOLD:
        wanted[read[kind].pids[split[kind]]] = True
    nm = read["nm"]
    initial_people, initials = _distinct(nm.pids, _initials(nm.keys)[nm.groups])
    sound_people, sounds = _sounds(nm, wanted)
    found: list[Ints] = []
    for kind in ("nm", "db", *_HOUSEHOLD):
        index, part = read.pop(kind), split[kind]
        whole = ~part
        found.append(_pairs_within(index.groups[whole], index.pids[whole], max_group, width))
        groups, pids = index.groups[part], index.pids[part]
        if kind == "nm":
            found.extend(_by_birth(index, part, births, max_group, width))
        elif kind == "db":
            rows, letters = _expand(initial_people, initials, size, pids)
            rows_h, homes_h = _expand(home_owners, home_codes, size, pids)
            facts = np.concatenate([letters * 2, homes_h * 2 + 1])
            at = np.concatenate([rows, rows_h])
            found.append(_split(groups[at], facts, pids[at], max_group, width))
        else:
            rows, alike = _expand(sound_people, sounds, size, pids)
            rows_h, homes_h = _expand(home_owners, home_codes, size, pids)
            other = homes_h != groups[rows_h] + offsets[kind]  # every member has its own
            rows_h, homes_h = rows_h[other], homes_h[other]
            rows_b = np.flatnonzero(births[pids] != 0).astype(np.int64)
            facts = np.concatenate([alike * 3, births[pids[rows_b]] * 3 + 1, homes_h * 3 + 2])
            at = np.concatenate([rows, rows_b, rows_h])
            found.append(_split(groups[at], facts, pids[at], max_group, width))
    for kind in _ALONE:
        index = _read(session, kind, shared=True)
        found.append(_pairs_within(index.groups, index.pids, max_group, width))
    pairs = _unique(np.concatenate(found))
    return list(zip((pairs // width).tolist(), (pairs % width).tolist(), strict=True))


def _by_birth(
    index: _Index, part: npt.NDArray[np.bool_], births: Ints, max_group: int, width: int
) -> list[Ints]:
    """A names group split by year and month, and by year and day, of birth; anyone whose
    birth is unknown paired with the whole group if it is small enough."""
    groups, pids = index.groups[part], index.pids[part]
    born = births[pids]
    known = born != 0
    groups, pids, born = groups[known], pids[known], born[known]
    year, low, high = born // 10_000, born // 100 % 100, born % 100
    facts = np.concatenate([(year * 100 + low) * 2, (year * 100 + high) * 2 + 1])
    split = _split(np.tile(groups, 2), facts, np.tile(pids, 2), max_group, width)
    sizes = index.sizes()
    starts = np.cumsum(sizes) - sizes
    unknown = part & (births[index.pids] == 0)
    unknown &= sizes[index.groups] <= max_group
    whose = index.groups[unknown]
    many = sizes[whose]
    others = index.pids[_spans(starts[whose], many)]
    mine = np.repeat(index.pids[unknown], many)
    differ = mine != others
    return [split, _codes(mine[differ], others[differ], width)]
