"""The audit log: every disclosure, staff view and change writes one event row."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from reunify.store import tables as t


def record_event(
    session: Session,
    tag: str,
    *,
    actor: str,
    subject_type: str,
    subject_id: object,
    incident_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> t.Event:
    """Add an event in the caller's transaction: it commits or rolls back with the change."""
    event = t.Event(
        tag=tag,
        actor=actor,
        subject_type=subject_type,
        subject_id=str(subject_id),
        incident_id=incident_id,
        data=data or {},
        created_at=datetime.now(UTC),
    )
    session.add(event)
    return event
