"""Duplicates: pairs of registered people who may be one person, proposed for staff.

Pairs come from shared selective keys in the index (a key shared by more than
``MAX_GROUP`` people is too common to pair on), are scored by the engine, and the likely
ones are stored as proposals. Nothing is merged until a staff member confirms; a confirmed
merge re-points the retired record's identifiers and movements to the survivor (rows are
kept, never deleted), marks the retired record ``merged_into_id`` and re-projects both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from reunify.domain.errors import Conflict, DomainError, NotFound
from reunify.linkage.index import reindex_people
from reunify.linkage.models import ensure_stored
from reunify.linkage.records import incident_ids, load_records
from reunify.matching import Band, ModelParams, blocking_keys, explain, is_broad, score
from reunify.store import audit, movements
from reunify.store import tables as t
from reunify.store.match_tables import MatchDecision, MatchKey

MAX_GROUP = 40  # people sharing one key; more and the key says little about any pair
SCORE_BATCH = 20_000

_KEYS = cast(Table, MatchKey.__table__)


@dataclass
class Summary:
    pairs: int = 0
    proposed: int = 0
    confident: int = 0
    already: int = 0
    bands: dict[str, int] = field(default_factory=dict)


def candidate_pairs(session: Session, *, max_group: int = MAX_GROUP) -> list[tuple[int, int]]:
    """Distinct (lower id, higher id) pairs sharing a selective key, read in key order."""
    seen: set[tuple[int, int]] = set()
    group: list[int] = []
    current = None
    stmt = select(_KEYS.c.key, _KEYS.c.person_id).order_by(_KEYS.c.key, _KEYS.c.person_id)

    def flush() -> None:
        if 1 < len(group) <= max_group:
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    seen.add((a, b))

    for key, person_id in session.execute(stmt):
        if key != current:
            flush()
            group, current = [], key
        if not is_broad(key):
            group.append(person_id)
    flush()
    return sorted(seen)


def unidentified_pairs(session: Session) -> dict[int, list[tuple[int, int]]]:
    """(named, unidentified) pairs of a compatible sex and age in the same incident, by
    incident. Trauma aliases share no name key with anyone, so they are paired by reading
    the incident's named people, which only incidents with unidentified patients pay for."""
    stmt = select(_KEYS.c.key, _KEYS.c.person_id).where(_KEYS.c.key >= "ud:", _KEYS.c.key < "ud;")
    by_key: dict[str, list[int]] = {}
    for key, person_id in session.execute(stmt):
        by_key.setdefault(key, []).append(person_id)
    if not by_key:
        return {}
    aliases = sorted({i for ids in by_key.values() for i in ids})
    incidents = incident_ids(session, aliases)
    out: dict[int, list[tuple[int, int]]] = {}
    for incident_id in sorted(set(incidents.values())):
        named = list(
            session.scalars(
                select(t.Person.id).where(
                    t.Person.incident_id == incident_id,
                    t.Person.unidentified.is_(False),
                    t.Person.merged_into_id.is_(None),
                )
            )
        )
        pairs: set[tuple[int, int]] = set()
        for pid, record in load_records(session, named).items():
            for key in blocking_keys(record, inquiry=True):
                for alias in by_key.get(key, ()) if key.startswith("ud:") else ():
                    if incidents.get(alias) == incident_id:
                        pairs.add((min(pid, alias), max(pid, alias)))
        out[incident_id] = sorted(pairs)
    return out


def _batches(pairs: list[tuple[int, int]], size: int) -> Iterator[list[tuple[int, int]]]:
    for start in range(0, len(pairs), size):
        yield pairs[start : start + size]


def _existing(session: Session, pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    low = min(a for a, _ in pairs)
    high = max(a for a, _ in pairs)
    stmt = select(MatchDecision.person_id, MatchDecision.other_id).where(
        MatchDecision.person_id.between(low, high)
    )
    return {(a, b) for a, b in session.execute(stmt)}


def run(session: Session, params: ModelParams, *, actor: str) -> Summary:
    """Propose every likely duplicate pair in the registry (idempotent)."""
    summary = Summary()
    _propose(session, candidate_pairs(session), params, actor, summary)
    for incident_id, pairs in unidentified_pairs(session).items():
        # Which of the incident's few unidentified patients is this person: the prior is
        # one in their number, not one in the whole registry.
        count = session.scalar(
            select(func.count()).where(
                t.Person.incident_id == incident_id, t.Person.unidentified.is_(True)
            )
        )
        local = params.with_prior(min(0.5, 1 / max(2, count or 0)))
        ensure_stored(session, local)
        _propose(session, pairs, local, actor, summary)
    return summary


def _propose(
    session: Session,
    pairs: list[tuple[int, int]],
    params: ModelParams,
    actor: str,
    summary: Summary,
) -> None:
    summary.pairs += len(pairs)
    now = datetime.now(UTC)
    for batch in _batches(pairs, SCORE_BATCH):
        ids = sorted({i for pair in batch for i in pair})
        records = load_records(session, ids)
        incidents = incident_ids(session, ids)
        done = _existing(session, batch)
        rows = []
        for a, b in batch:
            left, right = records.get(a), records.get(b)
            if left is None or right is None:
                continue
            if (a, b) in done:
                summary.already += 1
                continue
            scored = score(left, right, params)
            summary.bands[scored.band.value] = summary.bands.get(scored.band.value, 0) + 1
            if scored.band is Band.NO_MATCH:
                continue
            summary.proposed += 1
            summary.confident += scored.band is Band.CONFIDENT
            rows.append(
                {
                    "incident_id": incidents.get(a),
                    "person_id": a, "other_id": b, "probability": scored.probability,
                    "band": scored.band.value, "model_version": scored.model_version,
                    "why": {"lines": explain(scored)}, "state": "proposed",
                    "proposed_by": actor, "decided_by": "", "created_at": now,
                    "decided_at": None,
                }
            )  # fmt: skip
        if rows:
            session.execute(insert(cast(Table, MatchDecision.__table__)), rows)


def _survivor(session: Session, decision: MatchDecision, keep: int | None) -> tuple[int, int]:
    pair = (decision.person_id, decision.other_id)
    if keep is not None:
        if keep not in pair:
            raise DomainError("keep", f"person {keep} is not one of the pair {pair}")
        return keep, pair[1] if keep == pair[0] else pair[0]
    a, b = (session.get(t.Person, i) for i in pair)
    assert a is not None
    assert b is not None
    # A named record outlives a trauma alias; otherwise the older record survives.
    if a.unidentified and not b.unidentified:
        return b.id, a.id
    return a.id, b.id


def decide(
    session: Session, decision_id: int, *, confirm: bool, actor: str, keep: int | None = None
) -> MatchDecision:
    decision = session.get(MatchDecision, decision_id)
    if decision is None:
        raise NotFound("decision_id", f"no proposed duplicate {decision_id}")
    if decision.state != "proposed":
        raise Conflict("decision_id", f"already {decision.state}")
    decision.state = "confirmed" if confirm else "rejected"
    decision.decided_by = actor
    decision.decided_at = datetime.now(UTC)
    data: dict[str, object] = {"decision_id": decision.id, "model_version": decision.model_version}
    subject = decision.person_id
    if confirm:
        survivor, retired = _survivor(session, decision, keep)
        merge(session, survivor, retired)
        data |= {"retired": retired}
        subject = survivor
    audit.record_event(
        session,
        f"staff:person:{'merge' if confirm else 'not-duplicate'}",
        actor=actor,
        subject_type="person",
        subject_id=subject,
        incident_id=decision.incident_id,
        data=data,
    )
    session.flush()
    return decision


def merge(session: Session, survivor_id: int, retired_id: int) -> None:
    """One person under two records becomes one: identifiers and movements follow the
    survivor, the retired record stays (``merged_into_id``) so history keeps its names."""
    survivor, retired = session.get(t.Person, survivor_id), session.get(t.Person, retired_id)
    if survivor is None or retired is None:
        raise NotFound("person_id", "one of the pair no longer exists")
    if survivor.merged_into_id is not None or retired.merged_into_id is not None:
        raise Conflict("person_id", "one of the pair was already merged into another record")
    session.execute(
        update(t.Identifier)
        .where(t.Identifier.person_id == retired_id)
        .values(person_id=survivor_id)
    )
    session.execute(
        update(t.Movement).where(t.Movement.person_id == retired_id).values(person_id=survivor_id)
    )
    retired.merged_into_id = survivor_id
    retired.updated_at = survivor.updated_at = datetime.now(UTC)
    session.flush()
    session.expire_all()
    movements.reproject(session, survivor_id)
    movements.reproject(session, retired_id)
    reindex_people(session, [survivor_id, retired_id])
