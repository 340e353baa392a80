"""Term-frequency tables: counted from the registry when a model is trained, stored under
their digest, loaded once per process by the look-ups that use them.

Counting groups the name and city columns in SQL and normalises each distinct value once
(``matching.term_frequencies``), so a million people cost a few grouped scans.
"""

from __future__ import annotations

from datetime import UTC, datetime
from threading import Lock
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from reunify.linkage import models
from reunify.matching import ModelParams, TermFrequencies, Vocabulary
from reunify.store import tables as t
from reunify.store.match_tables import MatchTerm, MatchTermTable

TERMS_NOTE = " Term frequencies: "
_MAX_TERM = 200  # a longer "name" is noise, not a name to weigh
_BATCH = 5_000
_cache: dict[str, TermFrequencies] = {}
_vocabularies: dict[str, Vocabulary] = {}
_lock = Lock()


def count(session: Session) -> TermFrequencies:
    """How common each given name, family name and city is among registered people."""
    names = t.PersonName
    people = int(session.scalar(select(func.count()).select_from(t.Person)) or 0)

    def counts(column: Any, table: Any = names) -> dict[str, int]:
        stmt = select(column, func.count()).select_from(table).group_by(column)
        return {text: n for text, n in session.execute(stmt) if text and len(text) <= _MAX_TERM}

    return TermFrequencies.from_counts(
        counts(names.given),
        counts(names.family),
        full=counts(names.full),
        city=counts(t.Person.home_city, t.Person),
        total=max(1, people),
    )


def store(session: Session, table: TermFrequencies, people: int) -> int:
    """Store the table under its digest (once); returns its id."""
    found = session.scalar(select(MatchTermTable.id).where(MatchTermTable.digest == table.digest))
    if found is not None:
        return int(found)
    row = MatchTermTable(
        digest=table.digest,
        people=people,
        unseen=table.unseen or 0.0,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    rows = [
        {"table_id": row.id, "field": field, "term": term, "frequency": frequency}
        for field, term, frequency in table.rows()
    ]
    session.execute(delete(MatchTerm).where(MatchTerm.table_id == row.id))
    for start in range(0, len(rows), _BATCH):
        session.execute(insert(MatchTerm), rows[start : start + _BATCH])
    return row.id


def snapshot(session: Session) -> TermFrequencies:
    """Count, store and return the registry's table."""
    return adopt(session, count(session))


def adopt(session: Session, table: TermFrequencies) -> TermFrequencies:
    """Store (once) and keep a table counted from this registry, here or elsewhere."""
    people = int(session.scalar(select(func.count()).select_from(t.Person)) or 0)
    store(session, table, people)
    with _lock:
        _cache[table.digest] = table
    return table


def for_params(session: Session, params: ModelParams) -> TermFrequencies | None:
    """The table these parameters were trained with (None for untrained parameters)."""
    digest = params.tf_table
    if not digest:
        return None
    with _lock:
        cached = _cache.get(digest)
    if cached is not None:
        return cached
    head = session.execute(
        select(MatchTermTable.id, MatchTermTable.unseen).where(MatchTermTable.digest == digest)
    ).first()
    if head is None:
        return None  # parameters from another database: score without the adjustment
    rows = session.execute(
        select(MatchTerm.field, MatchTerm.term, MatchTerm.frequency).where(
            MatchTerm.table_id == head.id
        )
    )
    table = TermFrequencies.from_rows(((f, term, q) for f, term, q in rows), unseen=head.unseen)
    with _lock:
        _cache[digest] = table
    return table


def vocabulary_for(session: Session, params: ModelParams) -> Vocabulary | None:
    """The names the registry knows (from the parameters' term-frequency table)."""
    table = for_params(session, params)
    if table is None:
        return None
    with _lock:
        found = _vocabularies.get(params.tf_table)
    if found is None:
        found = Vocabulary(table.given.keys(), table.family.keys())
        with _lock:
            _vocabularies[params.tf_table] = found
    return found


def refresh(session: Session) -> ModelParams:
    """Count the registry's names again (after an import) and make the current base model
    use the new table: the same m and u, so the same model but for the term frequencies,
    under a new version."""
    table = snapshot(session)
    base = models.base_params(session)
    if base.tf_table == table.digest:
        return base
    head, _, _ = base.note.partition(TERMS_NOTE)
    note = (
        f"{head.rstrip()}{TERMS_NOTE}{table.digest}, counted {datetime.now(UTC):%Y-%m-%d %H:%M}Z."
    )
    params = base.trained(note=note, tf_table=table.digest)
    models.store_trained(session, params, datetime.now(UTC))
    return params
