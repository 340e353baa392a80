"""Loading registered people as the matcher sees them, many at a time.

Look-ups and batch jobs load candidates in three queries (people, their names, their
addresses) for a whole list of ids, never one query per person, and build the same
``MatchRecord`` that ``matching.from_person`` makes of a domain ``Person`` (a test holds
the two to it), without building the domain objects in between.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from typing import cast

from sqlalchemy import Table, bindparam, select
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
    street, address_2, state = address
    return MatchRecord(
        record_id=str(person_id),
        names=pairs,
        full_names=full,
        sex=_SEXES[sex] if sex in _SEXES else domain.Sex(sex),
        birth_date=_birth(birth_date) if birth_date else None,
        age=domain.AgeRange(age_low, age_high)
        if age_low is not None and age_high is not None
        else None,
        phone=phone,
        email=email,
        city=city,
        postcode=postcode,
        street=street,
        address_2=address_2,
        state=state,
        description=description,
        # An age is true on the day it was reported, not today.
        reference_date=created_at.date() if created_at is not None else None,
        unidentified=unidentified,
    )


# Built once, with the ids bound at run time: a look-up loads records on every inquiry.
_NAME_ROWS = (
    select(_NAMES.c.person_id, _NAMES.c.given, _NAMES.c.family, _NAMES.c.full)
    .where(_NAMES.c.person_id.in_(bindparam("ids", expanding=True)))
    .order_by(_NAMES.c.person_id, _NAMES.c.id)
)
_ADDRESS_ROWS = select(
    _ADDRESSES.c.person_id, _ADDRESSES.c.street, _ADDRESSES.c.address_2, _ADDRESSES.c.state
).where(_ADDRESSES.c.person_id.in_(bindparam("ids", expanding=True)))
_PERSON_ROWS = select(
    _PEOPLE.c.id, _PEOPLE.c.sex, _PEOPLE.c.birth_date, _PEOPLE.c.age_low, _PEOPLE.c.age_high,
    _PEOPLE.c.unidentified, _PEOPLE.c.description, _PEOPLE.c.home_city,
    _PEOPLE.c.home_postcode, _PEOPLE.c.phone, _PEOPLE.c.email, _PEOPLE.c.created_at,
    _PEOPLE.c.merged_into_id,
).where(_PEOPLE.c.id.in_(bindparam("ids", expanding=True)))  # fmt: skip


def load_records(
    session: Session, person_ids: Sequence[int], *, include_merged: bool = False
) -> dict[int, MatchRecord]:
    """Records for the given people (merged-away people skipped unless asked)."""
    out: dict[int, MatchRecord] = {}
    for ids in chunks(list(person_ids)):
        bound = {"ids": list(ids)}
        names: dict[int, tuple[list[tuple[str, str]], list[str]]] = defaultdict(lambda: ([], []))
        for pid, given, family, full in session.execute(_NAME_ROWS, bound):
            name = _name(given, family, full)
            if isinstance(name, tuple):
                names[pid][0].append(name)
            elif name is not None:
                names[pid][1].append(name)
        addresses = {
            pid: (street, line, state)
            for pid, street, line, state in session.execute(_ADDRESS_ROWS, bound)
        }
        for row in session.execute(_PERSON_ROWS, bound):
            if row.merged_into_id is not None and not include_merged:
                continue
            pairs, full = names.get(row.id, ([], []))
            record = build_record(
                row.id, row.sex, row.birth_date, row.age_low, row.age_high,
                (tuple(pairs), tuple(full)), unidentified=row.unidentified,
                description=row.description, city=row.home_city, postcode=row.home_postcode,
                phone=row.phone, email=row.email, created_at=row.created_at,
                address=addresses.get(row.id, ("", "", "")),
            )  # fmt: skip
            if record is not None:
                out[row.id] = record
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
