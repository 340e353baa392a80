"""``GET /api/v1/audit``: the append-only audit log, exported for admins as JSON lines or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.store import audit as audit_store
from reunify.store import tables as t
from reunify.web.deps import AdminDep, SessionDep

router = APIRouter(prefix="/audit", tags=["audit"])

_COLUMNS = ("id", "created_at", "tag", "actor", "incident_id", "subject_type", "subject_id")


def _rows(session: Session, since: datetime | None, tag: str | None) -> Iterator[t.Event]:
    stmt = select(t.Event).order_by(t.Event.id)
    if since is not None:
        stmt = stmt.where(t.Event.created_at >= since)
    if tag:
        stmt = stmt.where(t.Event.tag.like(f"{tag}%"))
    yield from session.scalars(stmt.execution_options(yield_per=500))


def _record(event: t.Event) -> dict[str, object]:
    return {
        "id": event.id,
        "created_at": event.created_at.isoformat(),
        "tag": event.tag,
        "actor": event.actor,
        "incident_id": event.incident_id,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "data": event.data,
    }


@router.get("", operation_id="export_audit", response_class=StreamingResponse)
def export_audit(
    session: SessionDep,
    admin: AdminDep,
    format: Annotated[Literal["jsonl", "csv"], Query()] = "jsonl",
    since: Annotated[datetime | None, Query(description="Only events at or after this")] = None,
    tag: Annotated[str | None, Query(description="Tag prefix, e.g. public:inquiry")] = None,
) -> StreamingResponse:
    """Every event, oldest first. The export itself is audited."""
    audit_store.record_event(
        session,
        "staff:audit:export",
        actor=admin.actor,
        subject_type="audit",
        subject_id="events",
        data={"format": format, "since": since.isoformat() if since else None, "tag": tag},
    )
    session.commit()
    events = [_record(e) for e in _rows(session, since, tag)]
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([*_COLUMNS, "data"])
        for record in events:
            writer.writerow([*(record[c] for c in _COLUMNS), json.dumps(record["data"])])
        return StreamingResponse(
            iter([buffer.getvalue()]),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
        )
    lines = (json.dumps(r, ensure_ascii=False) + "\n" for r in events)
    return StreamingResponse(lines, media_type="application/x-ndjson")
