"""Loading registered people as the matcher sees them, many at a time.

Look-ups and batch jobs load candidates in two queries (people, then their names) for a
whole list of ids, never one query per person, and build ``MatchRecord``s through
``matching.from_person`` so the store and the engine agree on what a person is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from reunify import domain
from reunify.domain.types import IdentifierKind
from reunify.matching import MatchRecord, from_person
from reunify.store import tables as t

# Well under SQLite's bound-parameter limit, and a sensible batch for PostgreSQL.
CHUNK = 500

_PEOPLE = cast(Table, t.Person.__table__)
_NAMES = cast(Table, t.PersonName.__table__)
_IDS = cast(Table, t.Identifier.__table__)


def chunks(items: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _names(given: str, family: str, use: str, full: str) -> domain.PersonName | None:
    try:
        return domain.PersonName(given=given, family=family, use=domain.NameUse(use), full=full)
    except domain.DomainError:  # an empty name row says nothing to match on
        return None


def build_record(
    person_id: int,
    sex: str,
    birth_date: str | None,
    age_low: int | None,
    age_high: int | None,
    names: Iterable[domain.PersonName],
    *,
    unidentified: bool = False,
    description: str = "",
    city: str = "",
    postcode: str = "",
    phone: str = "",
    email: str = "",
    created_at: datetime | None = None,
) -> MatchRecord | None:
    """A registered person's ``MatchRecord`` (record id = person id); None without a name."""
    name_list = list(names)
    if not name_list:
        return None
    person = domain.Person(
        names=name_list,
        sex=domain.Sex(sex),
        birth_date=domain.BirthDate.parse(birth_date) if birth_date else None,
        age=domain.AgeRange(age_low, age_high)
        if age_low is not None and age_high is not None
        else None,
        unidentified=unidentified,
        description=description,
        home_city=city,
        home_postcode=postcode,
        phone=phone,
        email=email,
    )
    # An age is true on the day it was reported, not today.
    reference = created_at.date() if created_at is not None else None
    return from_person(str(person_id), person, reference)


def load_records(
    session: Session, person_ids: Sequence[int], *, include_merged: bool = False
) -> dict[int, MatchRecord]:
    """Records for the given people (merged-away people skipped unless asked)."""
    out: dict[int, MatchRecord] = {}
    for ids in chunks(list(person_ids)):
        names: dict[int, list[domain.PersonName]] = defaultdict(list)
        stmt = (
            select(_NAMES.c.person_id, _NAMES.c.given, _NAMES.c.family, _NAMES.c.use, _NAMES.c.full)
            .where(_NAMES.c.person_id.in_(ids))
            .order_by(_NAMES.c.person_id, _NAMES.c.id)
        )
        for pid, given, family, use, full in session.execute(stmt):
            name = _names(given, family, use, full)
            if name is not None:
                names[pid].append(name)
        p = _PEOPLE.c
        rows = session.execute(
            select(
                p.id, p.sex, p.birth_date, p.age_low, p.age_high, p.unidentified, p.description,
                p.home_city, p.home_postcode, p.phone, p.email, p.created_at, p.merged_into_id,
            ).where(p.id.in_(ids))
        )  # fmt: skip
        for row in rows:
            if row.merged_into_id is not None and not include_merged:
                continue
            record = build_record(
                row.id, row.sex, row.birth_date, row.age_low, row.age_high, names.get(row.id, []),
                unidentified=row.unidentified, description=row.description, city=row.home_city,
                postcode=row.home_postcode, phone=row.phone, email=row.email,
                created_at=row.created_at,
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
