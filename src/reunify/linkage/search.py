"""Candidate search: one indexed query over ``match_keys``, one load, then ``rank``.

The query counts, per person, how many of the inquiry's keys they share and keeps the
best ``CANDIDATES``; nothing reads ``people`` except by primary key. Broad keys (a family
or given name's sound alone) are only asked when the selective keys find few people, as
when the seeker knows just "Alex".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from reunify.linkage.models import current_params
from reunify.linkage.records import load_records
from reunify.matching import MatchRecord, ModelParams, Scored, blocking_keys, is_broad, rank
from reunify.store import tables as t
from reunify.store.match_tables import MatchKey

CANDIDATES = 60  # people scored per inquiry; all of them go to rank (runner-up check)
FEW = 10  # fewer candidates than this from selective keys: ask the broad keys too

_KEYS = cast(Table, MatchKey.__table__)
_PEOPLE = cast(Table, t.Person.__table__)


def candidate_ids(
    session: Session,
    keys: Sequence[str],
    *,
    incident_id: int | None = None,
    cap: int = CANDIDATES,
) -> list[int]:
    """People sharing the most keys with the inquiry, most first."""
    if not keys:
        return []
    shared = func.count().label("shared")
    stmt = (
        select(_KEYS.c.person_id, shared)
        .where(_KEYS.c.key.in_(list(keys)))
        .group_by(_KEYS.c.person_id)
        .order_by(shared.desc(), _KEYS.c.person_id)
        .limit(cap)
    )
    if incident_id is not None:
        stmt = stmt.join(_PEOPLE, _PEOPLE.c.id == _KEYS.c.person_id).where(
            _PEOPLE.c.incident_id == incident_id
        )
    return [row.person_id for row in session.execute(stmt)]


def lookup_keys(inquiry: MatchRecord) -> tuple[list[str], list[str]]:
    """(selective, broad) keys of an inquiry."""
    keys = blocking_keys(inquiry, inquiry=True)
    return [k for k in keys if not is_broad(k)], [k for k in keys if is_broad(k)]


def find_ids(
    session: Session, inquiry: MatchRecord, *, incident_id: int | None = None
) -> list[int]:
    selective, broad = lookup_keys(inquiry)
    ids = candidate_ids(session, selective, incident_id=incident_id)
    if len(ids) < FEW and broad:
        ids = candidate_ids(session, selective + broad, incident_id=incident_id)
    return ids


def find(
    session: Session,
    inquiry: MatchRecord,
    *,
    incident_id: int | None = None,
    limit: int = 10,
    params: ModelParams | None = None,
    exclude: int | None = None,
) -> list[Scored]:
    """The best ``limit`` people for an inquiry, best first; ``record_id`` is the person id.

    ``exclude`` leaves one person out (a record looking for its own duplicates).
    """
    ids = [i for i in find_ids(session, inquiry, incident_id=incident_id) if i != exclude]
    records = load_records(session, ids)
    params = params or current_params(session)
    return rank(inquiry, list(records.values()), params, limit=limit)
