"""Staff-labelled pairs: every confirm or reject an officer makes, kept for estimation.

A label stores the level each comparison had (by name) when the officer decided, so
``labelled_patterns`` can hand the engine's estimation (``estimate_m_from_labels``,
``expectation_maximisation``) the pairs staff settled, even after the inquiry behind one
was purged or a merge changed the records. Comparisons added later read as "missing" for
old labels (no evidence either way), and a level that no longer exists does too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.matching import COMPARISONS, Scored
from reunify.store import audit
from reunify.store.centre_tables import MatchLabel

Source = Literal["duplicate", "inquiry"]
Pattern = tuple[int, ...]


def levels_of(scored: Scored) -> dict[str, str]:
    """``{comparison: level}`` for one scored pair."""
    return {c.field: c.level for c in scored.contributions}


def record(
    session: Session,
    scored: Scored,
    *,
    same: bool,
    source: Source,
    person_id: int,
    actor: str,
    incident_id: int | None,
    other_id: int | None = None,
    inquiry_id: int | None = None,
    decision_id: int | None = None,
    task_id: int | None = None,
    note: str = "",
) -> MatchLabel:
    """Store one label in the caller's transaction, audited."""
    label = MatchLabel(
        incident_id=incident_id,
        source=source,
        decision_id=decision_id,
        task_id=task_id,
        inquiry_id=inquiry_id,
        person_id=person_id,
        other_id=other_id,
        same=same,
        model_version=scored.model_version,
        probability=scored.probability,
        levels=levels_of(scored),
        note=note,
        decided_by=actor,
        decided_at=datetime.now(UTC),
    )
    session.add(label)
    session.flush()
    audit.record_event(
        session,
        "staff:match:label",
        actor=actor,
        subject_type="match_label",
        subject_id=label.id,
        incident_id=incident_id,
        data={
            "source": source,
            "same": same,
            "person_id": person_id,
            "other_id": other_id,
            "inquiry_id": inquiry_id,
            "model_version": scored.model_version,
            "probability": round(scored.probability, 4),
        },
    )
    return label


def pattern_of(levels: dict[str, object]) -> Pattern:
    """The comparison pattern (level index per comparison) of stored level names."""
    out = []
    for comparison in COMPARISONS:
        name = levels.get(comparison.name)
        try:
            out.append(comparison.index(name) if isinstance(name, str) else 0)
        except KeyError:
            out.append(0)
    return tuple(out)


def labelled_patterns(
    session: Session, *, source: Source | None = None
) -> list[tuple[Pattern, bool]]:
    """Every label as ``(pattern, same)``, oldest first: the input of
    ``matching.estimate_m_from_labels`` and of EM's fixed pairs."""
    stmt = select(MatchLabel.levels, MatchLabel.same).order_by(MatchLabel.id)
    if source is not None:
        stmt = stmt.where(MatchLabel.source == source)
    return [(pattern_of(levels or {}), bool(same)) for levels, same in session.execute(stmt)]


def label_for(session: Session, *, inquiry_id: int, person_id: int) -> MatchLabel | None:
    """The latest label an officer gave this inquiry and person, if any."""
    stmt = (
        select(MatchLabel)
        .where(MatchLabel.inquiry_id == inquiry_id, MatchLabel.person_id == person_id)
        .order_by(MatchLabel.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()
