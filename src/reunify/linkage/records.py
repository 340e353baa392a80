"""Loading registered people as the matcher sees them, many at a time.

Look-ups and batch jobs load candidates in one query per few hundred ids (people with their
names and addresses), never one query per person, and build the same ``MatchRecord`` that
``matching.from_person`` makes of a domain ``Person`` (tests hold the two to it), without
building the domain objects in between.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeAlias, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from reunify import domain
from reunify.domain.types import IdentifierKind
from reunify.matching import MatchRecord
from reunify.store import tables as t
from reunify.store.match_tables import PersonAddress

# Well under SQLite's bound-parameter limit, and a sensible batch for PostgreSQL.
CHUNK = 500

_PEOPLE = cast(Table, t.Person.__table__)
_NAMES = cast(Table, t.PersonName.__table__)
_IDS = cast(Table, t.Identifier.__table__)
_ADDRESSES = cast(Table, PersonAddress.__table__)


def chunks(items: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


Names = tuple[tuple[tuple[str, str], ...], tuple[str, ...]]  # (given, family) pairs, full


def _name(given: str, family: str, full: str) -> tuple[str, str] | str | None:
    """One name row as ``from_person`` reads it: given/family, else the full name."""
    if given.strip() or family.strip():
        return (given, family)
    return full if full.strip() else None  # an empty row says nothing to match on


_SEXES = {sex.value: sex for sex in domain.Sex}  # ``Sex(text)`` costs microseconds a row


@lru_cache(maxsize=65536)
def _birth(text: str) -> domain.BirthDate:
    return domain.BirthDate.parse(text)


def build_record(
    person_id: int,
    sex: str,
    birth_date: str | None,
    age_low: int | None,
    age_high: int | None,
    names: Names,
    *,
    unidentified: bool = False,
    description: str = "",
    city: str = "",
    postcode: str = "",
    phone: str = "",
    email: str = "",
    created_at: datetime | None = None,
    address: tuple[str, str, str] = ("", "", ""),
) -> MatchRecord | None:
    """A registered person's ``MatchRecord`` (record id = person id); None without a name.

    The same record ``matching.from_person`` makes of the domain ``Person``, built straight
    from the rows (batch jobs load hundreds of thousands). ``address`` is (street, second
    line, state) from ``person_addresses``.
    """
    pairs, full = names
    if not pairs and not full:
        return None
    row = (
        person_id, sex, birth_date, age_low, age_high, unidentified, description, city,
        postcode, phone, email, created_at, *address,
    )  # fmt: skip
    return _record(row, pairs, full, None, None)


Processor: TypeAlias = Callable[[Any], Any] | None


def _record(
    row: Sequence[Any],
    pairs: Sequence[tuple[str, str]],
    full: Sequence[str],
    boolean: Processor,
    created: Processor,
) -> MatchRecord:
    """``build_record`` of a named person from a row of ``_RECORD_ROWS`` (its first 15
    columns) and the processors of its boolean and ``created_at`` values, if any."""
    (pid, sex, birth, low, high, unidentified, description, city, postcode, phone, email,
     created_at, street, address_2, state) = row[:15]  # fmt: skip
    # Positional: keyword arguments cost a third of the record's construction.
    return MatchRecord(
        str(pid),  # record_id
        tuple(pairs),  # names
        tuple(full),  # full_names
        _SEXES[sex] if sex in _SEXES else domain.Sex(sex),
        _birth(birth) if birth else None,
        _age(low, high) if low is not None and high is not None else None,
        phone,
        email,
        city,
        postcode,
        street or "",  # no ``person_addresses`` row: the outer join gives NULLs
        address_2 or "",
        state or "",
        description,
        # An age is true on the day it was reported, not today.
        _reported(created, created_at),  # reference_date
        boolean(unidentified) if boolean is not None else unidentified,
    )


@lru_cache(maxsize=16384)
def _age(low: int, high: int) -> domain.AgeRange:
    return domain.AgeRange(low, high)


_A, _N, _P = _ADDRESSES.c, _NAMES.c, _PEOPLE.c
# One row per name of each person (one row if it has none), with its address: a person's
# rows are adjacent and its names in the order ``Person.names`` has them.
_RECORD_ROWS = (
    select(
        _P.id, _P.sex, _P.birth_date, _P.age_low, _P.age_high, _P.unidentified,
        _P.description, _P.home_city, _P.home_postcode, _P.phone, _P.email, _P.created_at,
        _A.street, _A.address_2, _A.state, _N.given, _N.family, _N.full,
    )
    .select_from(
        _PEOPLE.outerjoin(_ADDRESSES, _A.person_id == _P.id)
        .outerjoin(_NAMES, _N.person_id == _P.id)
    )
    .where(_P.id.in_(bindparam("ids", expanding=True)))
    .order_by(_P.id, _N.id)
)  # fmt: skip
_STATEMENTS = {True: _RECORD_ROWS, False: _RECORD_ROWS.where(_P.merged_into_id.is_(None))}


@lru_cache(maxsize=32)
def _driver_sql(include_merged: bool, dialect: Dialect, count: int) -> tuple[str, list[str]]:
    """The statement for ``count`` ids as the driver takes it, and its parameter names.

    Expanding the ids' placeholders is most of SQLAlchemy's cost per query; all chunks but
    the last have the same length, so the expanded text is kept. The ids stay parameters.
    """
    compiled = _STATEMENTS[include_merged].compile(dialect=dialect)
    state = compiled.construct_expanded_state({"ids": list(range(count))})
    return state.statement, list(state.parameters)


@lru_cache(maxsize=8)
def _processors(dialect: Dialect) -> tuple[Processor, Processor]:
    """What SQLAlchemy does to driver values of ``unidentified`` and ``created_at``."""
    boolean, created = (
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in (_P.unidentified, _P.created_at)
    )
    return boolean, created


@lru_cache(maxsize=4096)
def _reported(process: Processor, value: Any) -> date | None:
    """The UTC day of a stored ``created_at`` (a few distinct values per import)."""
    if value is None:
        return None
    created = process(value) if process is not None else value
    return cast(datetime, created).date()


def load_records(
    session: Session, person_ids: Sequence[int], *, include_merged: bool = False
) -> dict[int, MatchRecord]:
    """Records for the given people (merged-away people skipped unless asked).

    Rows are read as the driver's tuples: SQLAlchemy's result rows cost more than the
    reading, and batch jobs load hundreds of thousands of people.
    """
    out: dict[int, MatchRecord] = {}
    connection = session.connection()
    dialect = connection.dialect
    boolean, created = _processors(dialect)
    for ids in chunks(list(person_ids)):
        sql, keys = _driver_sql(include_merged, dialect, len(ids))
        params = tuple(ids) if dialect.positional else dict(zip(keys, ids, strict=True))
        result = connection.exec_driver_sql(sql, params)
        try:
            rows = result.cursor.fetchall()
        finally:
            result.close()
        person: Any = None  # the row of the person whose names are being gathered
        pairs: list[tuple[str, str]] = []
        full: list[str] = []
        for row in rows:
            if person is None or row[0] != person[0]:
                if person is not None and (pairs or full):
                    out[person[0]] = _record(person, pairs, full, boolean, created)
                person, pairs, full = row, [], []
            given, family, text = row[15:]
            if given is None:  # no name row (the columns are NOT NULL)
                continue
            name = _name(given, family, text)
            if isinstance(name, tuple):
                pairs.append(name)
            elif name is not None:
                full.append(name)
        if person is not None and (pairs or full):
            out[person[0]] = _record(person, pairs, full, boolean, created)
    return out


def external_ids(session: Session, person_ids: Sequence[int]) -> dict[int, str]:
    """The import record id of each person that has one (the lowest if several)."""
    out: dict[int, str] = {}
    for ids in chunks(list(person_ids)):
        stmt = (
            select(_IDS.c.person_id, _IDS.c.value)
            .where(_IDS.c.person_id.in_(ids), _IDS.c.kind == IdentifierKind.EXTERNAL.value)
            .order_by(_IDS.c.person_id, _IDS.c.id)
        )
        for pid, value in session.execute(stmt):
            out.setdefault(pid, value)
    return out


def record_ids(session: Session, person_ids: Sequence[int]) -> dict[int, str]:
    """What a match result calls each person: the external record id, else the person id."""
    found = external_ids(session, person_ids)
    return {pid: found.get(pid, str(pid)) for pid in person_ids}


def incident_ids(session: Session, person_ids: Sequence[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for ids in chunks(list(person_ids)):
        stmt = select(_PEOPLE.c.id, _PEOPLE.c.incident_id).where(_PEOPLE.c.id.in_(ids))
        out.update((pid, incident) for pid, incident in session.execute(stmt))
    return out
