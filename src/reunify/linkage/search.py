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

from reunify.linkage import terms
from reunify.linkage.models import current_params
from reunify.linkage.records import load_records
from reunify.matching import (
    MatchRecord,
    ModelParams,
    Scored,
    Vocabulary,
    blocking_keys,
    corrected,
    is_broad,
    rank,
)
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
    session: Session,
    inquiry: MatchRecord,
    *,
    incident_id: int | None = None,
    vocabulary: Vocabulary | None = None,
) -> list[int]:
    """Candidates by the selective keys; if they find few, by the keys of the inquiry with
    its unknown names corrected to known ones (``vocabulary``), then by the broad keys too.
    The candidates found first always stay: a shared phone number must not be pushed out by
    namesakes who share only the sound of a name."""
    selective, broad = lookup_keys(inquiry)
    ids = candidate_ids(session, selective, incident_id=incident_id)
    if len(ids) < FEW and vocabulary is not None:
        asked = set(selective)
        fixed = [
            k
            for record in corrected(inquiry, vocabulary)
            for k in lookup_keys(record)[0]
            if k not in asked
        ]
        _extend(ids, candidate_ids(session, list(dict.fromkeys(fixed)), incident_id=incident_id))
    if len(ids) < FEW and broad:
        _extend(ids, candidate_ids(session, selective + broad, incident_id=incident_id))
    return ids


def _extend(ids: list[int], more: list[int]) -> None:
    have = set(ids)
    ids.extend(i for i in more if i not in have)
    del ids[CANDIDATES:]


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

    Names and cities are weighed by how common they are, with the term-frequency table the
    parameters were trained with. ``exclude`` leaves one person out (a record looking for
    its own duplicates).
    """
    params = params or current_params(session)
    vocabulary = terms.vocabulary_for(session, params)
    found = find_ids(session, inquiry, incident_id=incident_id, vocabulary=vocabulary)
    records = load_records(session, [i for i in found if i != exclude])
    tf = terms.for_params(session, params)
    return rank(inquiry, list(records.values()), params, tf, limit=limit)
