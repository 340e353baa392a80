"""Duplicates: pairs of registered people who may be one person, proposed for staff.

Pairs come from the key index (``linkage.pairs``: a shared key and a second fact in
common), are scored by the engine, and the likely ones are stored as proposals. Nothing is
merged until a staff member confirms; a confirmed merge re-points the retired record's
identifiers and movements to the survivor (rows are kept, never deleted), marks the
retired record ``merged_into_id`` and re-projects both.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from reunify.domain.errors import Conflict, DomainError, NotFound
from reunify.linkage import pool, terms, train
from reunify.linkage.index import reindex_people
from reunify.linkage.models import current_params, ensure_stored, registry_size
from reunify.linkage.pairs import candidate_pairs
from reunify.linkage.records import incident_ids, load_records
from reunify.matching import (
    Band,
    ModelParams,
    Scored,
    TermFrequencies,
    blocking_keys,
)
from reunify.store import audit, movements
from reunify.store import tables as t
from reunify.store.match_tables import MatchDecision, MatchKey

SCORE_BATCH = 20_000
# People: from here the workers start before the pairs are known (and, when training,
# another process builds the pairs meanwhile); below, starting them costs more than it saves.
LARGE_REGISTRY = 100_000
WORKERS = min(2, os.cpu_count() or 1)

_KEYS = cast(Table, MatchKey.__table__)


@dataclass
class Summary:
    pairs: int = 0
    proposed: int = 0
    confident: int = 0
    already: int = 0
    bands: dict[str, int] = field(default_factory=dict)


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


def named_candidates(session: Session, alias_id: int, incident_id: int) -> list[int]:
    """The incident's named people of a sex and age compatible with one unidentified
    patient (whose look-up keys would reach the patient's stored ``ud`` keys)."""
    own = set(
        session.scalars(
            select(_KEYS.c.key).where(
                _KEYS.c.person_id == alias_id, _KEYS.c.key >= "ud:", _KEYS.c.key < "ud;"
            )
        )
    )
    if not own:
        return []
    named = session.scalars(
        select(t.Person.id).where(
            t.Person.incident_id == incident_id,
            t.Person.unidentified.is_(False),
            t.Person.merged_into_id.is_(None),
        )
    )
    records = load_records(session, list(named))
    return [
        pid
        for pid, record in records.items()
        if not own.isdisjoint(blocking_keys(record, inquiry=True))
    ]


def _batches(pairs: list[tuple[int, int]], workers: int) -> Iterator[list[tuple[int, int]]]:
    """Batches of at most ``SCORE_BATCH`` pairs, as many as a multiple of ``workers`` (so
    that no worker waits alone for the last one), of nearly equal sizes."""
    rounds = max(1, math.ceil(len(pairs) / (SCORE_BATCH * max(1, workers))))
    size = max(1, math.ceil(len(pairs) / (rounds * max(1, workers))))
    for start in range(0, len(pairs), size):
        yield pairs[start : start + size]


def _existing(session: Session, pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    low = min(a for a, _ in pairs)
    high = max(a for a, _ in pairs)
    stmt = select(MatchDecision.person_id, MatchDecision.other_id).where(
        MatchDecision.person_id.between(low, high)
    )
    return {(a, b) for a, b in session.execute(stmt)}


def run(
    session: Session,
    params: ModelParams,
    *,
    actor: str,
    workers: int = WORKERS,
    pairs: list[tuple[int, int]] | None = None,
    started: pool.Scorers | None = None,
) -> Summary:
    """Propose every likely duplicate pair in the registry (idempotent). ``workers``
    processes score the pairs when there are many; ``pairs`` are the registry's
    ``candidate_pairs`` and ``started`` its scoring workers if the caller has them."""
    summary = Summary()
    tf = terms.for_params(session, params)
    with ExitStack() as stack:
        if started is None and pairs is None and _large(session, workers):
            started = pool.scorers(session, workers)  # starting while the pairs are built
            if started is not None:
                stack.enter_context(started)
        if pairs is None:
            pairs = candidate_pairs(session)
        _propose(session, pairs, params, tf, actor, summary, workers, started)
        for incident_id, found in unidentified_pairs(session).items():
            local = unidentified_params(session, incident_id, params)
            ensure_stored(session, local)
            _propose(session, found, local, tf, actor, summary, workers, started)
    return summary


def _large(session: Session, workers: int) -> bool:
    return workers > 1 and registry_size(session) >= LARGE_REGISTRY


def _pairs_and_terms(session: Session) -> tuple[list[tuple[int, int]], TermFrequencies]:
    return candidate_pairs(session), terms.count(session)


def train_and_run(
    session: Session, *, actor: str, workers: int = WORKERS
) -> tuple[train.Training, ModelParams, Summary]:
    """``reunify dedupe --train``: estimate the model from the registry, then propose its
    likely duplicates. In a large registry the seconds of training are put to use: another
    process builds the candidate pairs and counts the term frequencies (from what is
    committed) and the scoring workers start meanwhile."""
    large = _large(session, workers)
    background = pool.elsewhere(session, _pairs_and_terms) if large else None
    with ExitStack() as stack:
        if background is not None:  # if training fails, the pairs are not waited for
            stack.callback(background.abandon)
        started = pool.scorers(session, workers) if large else None
        if started is not None:
            stack.enter_context(started)
        counted = None if background is None else (lambda: background.result()[1])
        trained = train.train(session, counted=counted)
        params = current_params(session)
        ensure_stored(session, params)
        pairs = None if background is None else background.result()[0]
        summary = run(session, params, actor=actor, workers=workers, pairs=pairs, started=started)
    return trained, params, summary


def unidentified_params(session: Session, incident_id: int, params: ModelParams) -> ModelParams:
    """Which of the incident's few unidentified patients is this person: the prior is one
    in their number, not one in the whole registry."""
    count = session.scalar(
        select(func.count()).where(
            t.Person.incident_id == incident_id, t.Person.unidentified.is_(True)
        )
    )
    return params.with_prior(min(0.5, 1 / max(2, count or 0)))


def _propose(
    session: Session,
    pairs: list[tuple[int, int]],
    params: ModelParams,
    tf: TermFrequencies | None,
    actor: str,
    summary: Summary,
    workers: int,
    started: pool.Scorers | None = None,
) -> None:
    summary.pairs += len(pairs)
    now = datetime.now(UTC)
    batches = ((batch, existing_pairs(session, batch)) for batch in _batches(pairs, workers))
    for result in pool.score_all(
        session, batches, params, tf, workers=workers, pairs=len(pairs), started=started
    ):
        summary.already += result.already
        for band, count in result.bands.items():
            summary.bands[band] = summary.bands.get(band, 0) + count
        kept = result.kept
        incidents = incident_ids(session, sorted({a for (a, _), _ in kept}))
        rows = [proposal(scored, a, b, incidents.get(a), actor, now) for (a, b), scored in kept]
        summary.proposed += len(rows)
        summary.confident += sum(p.band == Band.CONFIDENT.value for _, p in kept)
        if rows:
            session.execute(insert(cast(Table, MatchDecision.__table__)), rows)


def worth_proposing(scored: Scored, unidentified: bool) -> bool:
    """Likely enough to ask staff when a person is registered. A pair with an unidentified
    patient needs its description to agree: a compatible sex and age fits half the
    incident. (The batch run still proposes such pairs on sex and age alone.)"""
    if scored.band is Band.NO_MATCH:
        return False
    if not unidentified:
        return True
    return any(c.field == "description" and c.weight > 0 for c in scored.contributions)


def proposal(
    found: pool.Proposed, a: int, b: int, incident_id: int | None, actor: str, now: datetime
) -> dict[str, object]:
    """A ``match_decisions`` row proposing that people ``a`` < ``b`` are one person."""
    return {
        "incident_id": incident_id,
        "person_id": a, "other_id": b, "probability": found.probability,
        "band": found.band, "model_version": found.model_version,
        "why": {"lines": found.why}, "state": "proposed",
        "proposed_by": actor, "decided_by": "", "created_at": now, "decided_at": None,
    }  # fmt: skip


def existing_pairs(session: Session, pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of these (lower, higher) pairs were proposed (or decided) before."""
    if not pairs:
        return set()
    return _existing(session, pairs) & set(pairs)


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
