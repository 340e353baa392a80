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
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from reunify.store.match_tables import MatchKey

MAX_GROUP = 40
SMALL_GROUP = 8
WHOLESALE_BELOW = 50_000
_KEYS = cast(Table, MatchKey.__table__)
_HOUSEHOLD = ("ad", "as", "al")
_ALONE = ("ph", "em")
_READ_BATCH = 50_000
Fact = tuple[str, object]  # ("s", sound), ("i", initials), ("h", household), ("b", birth)


def _rows(session: Session, kind: str) -> Iterator[tuple[str, int]]:
    """(key, person) for one kind of key, in key order (a range of the key index).

    Millions of rows, read in batches: from SQLite through its own cursor, as plain tuples
    (result rows cost more than the reading); elsewhere from a server-side cursor."""
    k = _KEYS.c
    stmt = (
        select(k.key, k.person_id)
        .where(k.key >= f"{kind}:", k.key < f"{kind};")
        .order_by(k.key, k.person_id)
    )
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        batches = session.execute(stmt.execution_options(yield_per=_READ_BATCH)).partitions()
        for rows in batches:
            yield from rows
        return
    # The only values are the kind's bounds, two constants: safe to write into the SQL.
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    result = connection.exec_driver_sql(sql)
    try:
        cursor = result.cursor
        while rows := cursor.fetchmany(_READ_BATCH):
            yield from rows
    finally:
        result.close()


@dataclass
class _Facts:
    """What each person's keys say, indexed by person id."""

    size: int
    births: array[int] = field(init=False)  # date of birth as yyyymmdd, 0 if unknown
    names: dict[int, tuple[Fact, ...]] = field(default_factory=dict)  # sounds and initials
    households: dict[int, tuple[Fact, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.births = array("i", bytes(4 * (self.size + 1)))

    def birth(self, pid: int) -> tuple[Fact, ...]:
        return (("b", self.births[pid]),) if self.births[pid] else ()


def _household(key: str) -> Fact:
    return ("h", hash(key))  # a hash, not the key: a million people's keys are a lot of text


def _grouped(
    rows: Iterable[tuple[str, int]], groups: list[tuple[str, list[int]]]
) -> Iterator[tuple[str, int]]:
    """The rows, passed on, while the groups of more than one are kept (keys in order)."""
    group: list[int] = []
    current = ""
    for key, pid in rows:
        if key != current:
            if len(group) > 1:
                groups.append((current, group))
            group, current = [], key
        group.append(pid)
        yield key, pid
    if len(group) > 1:
        groups.append((current, group))


def _facts(session: Session) -> tuple[_Facts, dict[str, list[tuple[str, list[int]]]]]:
    """Each person's facts, and the groups of the keys they were read from: one pass over
    the key index each (the name and date-of-birth keys are millions of rows)."""
    top = int(session.scalar(select(func.max(_KEYS.c.person_id))) or 0)
    facts = _Facts(top)
    groups: dict[str, list[tuple[str, list[int]]]] = {
        kind: [] for kind in ("nm", "db", *_HOUSEHOLD)
    }
    names: dict[int, set[Fact]] = {}
    for key, pid in _grouped(_rows(session, "nm"), groups["nm"]):
        sounds = key[3:].split("|")  # both names' sounds, sorted: so are their initials
        found = names.setdefault(pid, set())
        found.update(("s", hash(sound)) for sound in sounds)
        found.add(("i", "".join(sound[:1] for sound in sounds)))
    for key, pid in _grouped(_rows(session, "db"), groups["db"]):
        facts.births[pid] = int(key[3:].replace("-", ""))  # day and month sorted: fine
    households: dict[int, set[Fact]] = {}
    for kind in _HOUSEHOLD:
        for key, pid in _grouped(_rows(session, kind), groups[kind]):
            households.setdefault(pid, set()).add(_household(key))
    facts.names = {pid: tuple(found) for pid, found in names.items()}
    facts.households = {pid: tuple(found) for pid, found in households.items()}
    return facts, groups


def _seconds(kind: str, key: str, pid: int, facts: _Facts) -> Iterable[Fact]:
    """The facts a pair from this key's group must share one of."""
    if kind == "nm":
        born = facts.births[pid]
        if not born:
            return ()
        year, low, high = born // 10_000, born // 100 % 100, born % 100
        return (("yl", year * 100 + low), ("yh", year * 100 + high))
    households = facts.households.get(pid, ())
    if kind == "db":  # a typo rarely touches a name's first letter
        return [*(f for f in facts.names.get(pid, ()) if f[0] == "i"), *households]
    sounds = [f for f in facts.names.get(pid, ()) if f[0] == "s"]
    own = _household(key)  # every member has it: another one is the second fact
    return [*sounds, *facts.birth(pid), *(f for f in households if f != own)]


def _groups(session: Session, kind: str) -> Iterator[tuple[str, list[int]]]:
    group: list[int] = []
    current = ""
    for key, pid in _rows(session, kind):
        if key != current:
            if len(group) > 1:
                yield current, group
            group, current = [], key
        group.append(pid)
    if len(group) > 1:
        yield current, group


def candidate_pairs(session: Session, *, max_group: int = MAX_GROUP) -> list[tuple[int, int]]:
    """Distinct (lower id, higher id) pairs worth scoring (see the module docstring)."""
    facts, read = _facts(session)
    small = SMALL_GROUP if facts.size < WHOLESALE_BELOW else 1
    found: set[tuple[int, int]] = set()
    for kind in ("nm", "db", *_HOUSEHOLD, *_ALONE):
        groups = read.pop(kind) if kind in read else _groups(session, kind)
        for key, group in groups:
            members = sorted(set(group))
            if kind in _ALONE or len(members) <= small:
                if len(members) <= max_group:
                    found.update(_all_pairs(members))
                continue
            parts: dict[Fact, list[int]] = {}
            unknown: list[int] = []  # of the date of birth, in a names group
            for pid in members:
                seconds = list(_seconds(kind, key, pid, facts))
                if kind == "nm" and not seconds:
                    unknown.append(pid)
                for fact in seconds:
                    parts.setdefault(fact, []).append(pid)
            for part in parts.values():
                if 1 < len(part) <= max_group:
                    found.update(_all_pairs(part))
            if unknown and len(members) <= max_group:  # a birth unknown on one side
                found.update((min(a, b), max(a, b)) for a in unknown for b in members if a != b)
    return sorted(found)


def _all_pairs(members: list[int]) -> Iterator[tuple[int, int]]:
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            yield a, b
