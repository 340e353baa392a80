"""``load_records`` reads driver rows in one query per chunk: the records must stay exactly
those of the former SQLAlchemy-row loader and of ``from_person`` on the stored people."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import cast

import pytest
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from reunify import domain
from reunify.linkage.records import CHUNK, chunks, load_records
from reunify.matching import MatchRecord, from_person
from reunify.store import people
from reunify.store import tables as t
from reunify.store.match_tables import PersonAddress

_NAME_SETS: list[list[tuple[str, str, str]]] = [
    [("Isobel", "Stevens", "")],
    [("", "", "Izzie Stevens")],
    [("  ", "", "  ")],  # nothing to match on: no record
    [("José", "de la Cruz", ""), ("", "", "Dr. María-José O'Brien"), ("Ann", "", "")],
    [("", "Doe", ""), (" ", " ", "Shepherd, Derek"), ("Mary Ann", "van der Berg", "")],
    [("", "", "王小明")],
    [("Alex", "Karev", ""), ("Alex", "Karev", "")],  # the same name twice stays twice
    [
        ("Meredith", "Grey", ""),
        ("Mer", "Grey", ""),
        ("", "", "Meredith Grey Shepherd"),
        ("Meredith", "Shepherd", ""),
    ],
    [],  # no name rows at all
]
_SEXES = ["female", "male", "unknown", "other"]
_ZONES = [UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9, minutes=30))]


def _add_people(session: Session, count: int) -> list[int]:
    now = datetime.now(UTC)
    incident = t.Incident(
        slug="records", name="Records", started_at=now, settings={}, created_at=now
    )
    session.add(incident)
    session.flush()
    rng = random.Random(7)
    rows: list[t.Person] = []
    for i in range(count):
        # Late evening in a western zone is the next day in UTC: the record's day is UTC's.
        created = datetime(2026, 3, 1 + i % 20, 23, 30, i % 60, i, tzinfo=_ZONES[i % 3])
        low = rng.choice([None, 0, 30, 45])
        row = t.Person(
            incident_id=incident.id,
            sex=_SEXES[i % len(_SEXES)],
            birth_date=rng.choice([None, "1994-05", "1980", "2001-02-03", "1954-11-19"]),
            age_low=low,
            age_high=None if low is None else low + i % 3,
            unidentified=i % 11 == 0,
            description=rng.choice(["", "blonde, tattoo on left arm"]),
            home_city=rng.choice(["", "Seattle", "Perth"]),
            home_postcode=rng.choice(["", "98101", "6000"]),
            phone=rng.choice(["", "206 555 0199"]),
            email=rng.choice(["", f"p{i}@example.org"]),
            created_at=created,
            updated_at=created,
        )
        row.names = [
            t.PersonName(use="legal", given=g, family=f, full=full, folded="")
            for g, f, full in _NAME_SETS[i % len(_NAME_SETS)]
        ]
        rows.append(row)
    session.add_all(rows)
    session.flush()
    ids = [row.id for row in rows]
    for i, pid in enumerate(ids):
        if i % 3 == 0:
            session.add(PersonAddress(person_id=pid, street=f"{pid} Coane St", state="WA"))
        elif i % 4 == 1:
            session.add(PersonAddress(person_id=pid, address_2="Unit 4"))
    for merged, survivor in zip(ids[5::13], ids[6::13], strict=False):
        session.get_one(t.Person, merged).merged_into_id = survivor
    session.flush()
    session.expire_all()
    return ids


_PEOPLE = cast(Table, t.Person.__table__)
_NAMES = cast(Table, t.PersonName.__table__)
_ADDRESSES = cast(Table, PersonAddress.__table__)


def _reference(
    session: Session, person_ids: Sequence[int], *, include_merged: bool = False
) -> dict[int, MatchRecord]:
    """The loader as it was: three queries a chunk, read as SQLAlchemy rows."""
    out: dict[int, MatchRecord] = {}
    for ids in chunks(list(person_ids)):
        names: dict[int, tuple[list[tuple[str, str]], list[str]]] = defaultdict(lambda: ([], []))
        stmt = (
            select(_NAMES.c.person_id, _NAMES.c.given, _NAMES.c.family, _NAMES.c.full)
            .where(_NAMES.c.person_id.in_(ids))
            .order_by(_NAMES.c.person_id, _NAMES.c.id)
        )
        for pid, given, family, full in session.execute(stmt):
            if given.strip() or family.strip():
                names[pid][0].append((given, family))
            elif full.strip():
                names[pid][1].append(full)
        a = _ADDRESSES.c
        addresses = {
            pid: (street, line, state)
            for pid, street, line, state in session.execute(
                select(a.person_id, a.street, a.address_2, a.state).where(a.person_id.in_(ids))
            )
        }
        for row in session.execute(select(_PEOPLE).where(_PEOPLE.c.id.in_(ids))):
            if row.merged_into_id is not None and not include_merged:
                continue
            pairs, full_names = names.get(row.id, ([], []))
            if not pairs and not full_names:
                continue
            street, address_2, state = addresses.get(row.id, ("", "", ""))
            out[row.id] = MatchRecord(
                record_id=str(row.id),
                names=tuple(pairs),
                full_names=tuple(full_names),
                sex=domain.Sex(row.sex),
                birth_date=domain.BirthDate.parse(row.birth_date) if row.birth_date else None,
                age=domain.AgeRange(row.age_low, row.age_high)
                if row.age_low is not None and row.age_high is not None
                else None,
                phone=row.phone,
                email=row.email,
                city=row.home_city,
                postcode=row.home_postcode,
                street=street,
                address_2=address_2,
                state=state,
                description=row.description,
                reference_date=row.created_at.date(),
                unidentified=row.unidentified,
            )
    return out


@pytest.mark.parametrize("include_merged", [False, True])
def test_records_are_those_of_the_row_by_row_loader(session: Session, include_merged: bool) -> None:
    ids = _add_people(session, 2 * CHUNK + 137)  # full chunks and a shorter last one
    loaded = load_records(session, ids, include_merged=include_merged)
    expected = _reference(session, ids, include_merged=include_merged)
    assert loaded == expected
    assert list(loaded) == sorted(loaded)  # in id order, as SQLite gave them before
    assert all(type(r.unidentified) is bool for r in loaded.values())
    assert any(r.unidentified for r in loaded.values())
    # Everything the fixtures vary shows up, so a column read wrongly could not hide.
    assert {len(r.names) for r in loaded.values()} >= {0, 1, 2, 3}
    assert {r.street for r in loaded.values()} > {""}
    assert {r.address_2 for r in loaded.values()} > {""}
    assert len({r.reference_date for r in loaded.values()}) > 10
    shuffled = random.Random(3).sample(ids, len(ids)) + ids[:40]  # any order, repeats
    assert load_records(session, shuffled, include_merged=include_merged) == expected
    assert load_records(session, []) == {}


def test_records_are_what_from_person_makes_of_the_stored_people(session: Session) -> None:
    ids = _add_people(session, 260)
    loaded = load_records(session, [*ids, 10**9])  # an unknown id is left out
    merged = {pid for pid in ids if session.get_one(t.Person, pid).merged_into_id is not None}
    assert merged
    for pid in ids:
        row = people.get(session, pid)
        assert row is not None
        named = any(n.given.strip() or n.family.strip() or n.full.strip() for n in row.names)
        if pid in merged or not named:
            assert pid not in loaded
            continue
        address = session.get(PersonAddress, pid)
        person = people.to_domain(row)
        assert loaded[pid] == from_person(
            str(pid), person, row.created_at.astimezone(UTC).date(),
            street=address.street if address else "",
            address_2=address.address_2 if address else "",
            state=address.state if address else "",
        )  # fmt: skip
