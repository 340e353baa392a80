"""Keeping the blocking-key index (``match_keys``) current.

Every write that changes a person's names or identifying facts calls ``reindex_person`` in
the same transaction, so a look-up made after the commit finds them. ``rebuild`` computes
keys for everyone in batches (after an upgrade that changed how keys are made); imports
write theirs through ``linkage.bulk``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.orm import Session

from reunify.linkage.bulk import ensure_key_index
from reunify.linkage.records import chunks, load_records
from reunify.matching import MatchRecord, blocking_keys
from reunify.store import tables as t
from reunify.store.match_tables import MatchKey

_KEYS = cast(Table, MatchKey.__table__)
_PEOPLE = cast(Table, t.Person.__table__)
BATCH = 5000


def key_rows(records: Mapping[int, MatchRecord]) -> list[dict[str, object]]:
    return [
        {"person_id": pid, "key": key}
        for pid, record in records.items()
        for key in blocking_keys(record)
    ]


def insert_keys(session: Session, rows: Sequence[dict[str, object]]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(insert(_KEYS), list(rows[start : start + BATCH]))


def remove(session: Session, person_ids: Iterable[int]) -> None:
    for ids in chunks(list(person_ids)):
        session.execute(delete(_KEYS).where(_KEYS.c.person_id.in_(ids)))


def reindex_people(session: Session, person_ids: Sequence[int]) -> int:
    """Rewrite the keys of these people (merged-away people lose theirs). Returns key rows."""
    session.flush()  # the names just written by the ORM must be visible to the Core reads
    remove(session, person_ids)
    rows = key_rows(load_records(session, person_ids))
    insert_keys(session, rows)
    return len(rows)


def reindex_person(session: Session, person_id: int) -> None:
    """Call after creating a person or changing their names, identifiers or facts."""
    reindex_people(session, [person_id])


def rebuild(session: Session, *, batch: int = BATCH) -> int:
    """Recompute the whole index (after an upgrade from a database without one, or one
    whose keys were made differently)."""
    ensure_key_index(session)  # an interrupted bulk load may have left it out
    session.execute(delete(_KEYS))
    total, last = 0, 0
    while True:
        ids = list(
            session.scalars(
                select(_PEOPLE.c.id).where(_PEOPLE.c.id > last).order_by(_PEOPLE.c.id).limit(batch)
            )
        )
        if not ids:
            return total
        total += reindex_people(session, ids)
        last = ids[-1]


def is_stale(session: Session) -> bool:
    """People exist but the index is empty: a database that predates the index."""
    has_people = session.scalar(select(_PEOPLE.c.id).limit(1)) is not None
    has_keys = session.scalar(select(_KEYS.c.person_id).limit(1)) is not None
    return has_people and not has_keys


def count_keys(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(_KEYS)) or 0)
