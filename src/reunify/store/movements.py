"""Movements (append-only) and the whereabouts projection kept beside them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from reunify import domain
from reunify.store import facilities
from reunify.store import tables as t


def by_source(session: Session, source: str, source_ref: str) -> t.Movement | None:
    stmt = select(t.Movement).where(
        t.Movement.source == source, t.Movement.source_ref == source_ref
    )
    return session.scalars(stmt).one_or_none()


def insert(
    session: Session,
    movement: domain.Movement,
    *,
    facility_id: int | None,
    destination_id: int | None,
    recorded_by: str,
) -> t.Movement:
    location = (
        facilities.location_row(session, facility_id, movement.location) if facility_id else None
    )
    row = t.Movement(
        person_id=movement.person_id,
        status=movement.status.value,
        condition=movement.condition.value if movement.condition else None,
        facility_id=facility_id,
        location_id=location.id if location else None,
        destination_id=destination_id,
        occurred_at=movement.occurred_at,
        recorded_at=movement.recorded_at,
        source=movement.source,
        source_ref=movement.source_ref,
        note=movement.note,
        cancels_id=movement.cancels,
        recorded_by=recorded_by,
    )
    session.add(row)
    session.flush()
    return row


def for_person(session: Session, person_id: int) -> list[t.Movement]:
    stmt = (
        select(t.Movement)
        .where(t.Movement.person_id == person_id)
        .options(selectinload(t.Movement.location))
        .order_by(t.Movement.occurred_at, t.Movement.recorded_at, t.Movement.id)
    )
    return list(session.scalars(stmt))


def to_domain(row: t.Movement, codes: dict[int, str]) -> domain.Movement:
    return domain.Movement(
        id=row.id,
        person_id=row.person_id,
        status=domain.Status(row.status),
        condition=domain.Condition(row.condition) if row.condition else None,
        facility_code=codes.get(row.facility_id) if row.facility_id else None,
        location=facilities.to_location(row.location),
        destination_code=codes.get(row.destination_id) if row.destination_id else None,
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        source=row.source,
        source_ref=row.source_ref,
        note=row.note,
        cancels=row.cancels_id,
    )


def facility_codes(session: Session) -> dict[int, str]:
    rows = session.execute(select(t.Facility.id, t.Facility.code)).all()
    return {fid: code for fid, code in rows}  # noqa: C416 - Row is not a 2-tuple to dict()


def reproject(session: Session, person_id: int) -> domain.Whereabouts:
    """Rebuild one person's whereabouts from all their movements, in event-time order."""
    codes = facility_codes(session)
    ids = {code: fid for fid, code in codes.items()}
    rows = for_person(session, person_id)
    where = domain.project_whereabouts(person_id, [to_domain(r, codes) for r in rows])
    current = session.get(t.Whereabouts, person_id)
    if current is None:
        current = t.Whereabouts(person_id=person_id)
        session.add(current)
    write_whereabouts(current, where, rows, ids)
    session.flush()
    return where


def write_whereabouts(
    current: t.Whereabouts,
    where: domain.Whereabouts,
    rows: Sequence[t.Movement],
    ids: Mapping[str, int],
) -> None:
    """Set the stored projection to ``where`` (``rows``: the person's movements; ``ids``:
    facility id by code)."""
    last = next((r for r in rows if r.id == where.last_movement_id), None)
    current.status = where.status.value
    current.condition = where.condition.value if where.condition else None
    current.facility_id = ids.get(where.facility_code) if where.facility_code else None
    current.location_id = last.location_id if last else None
    current.destination_id = ids.get(where.destination_code) if where.destination_code else None
    current.since = where.since
    current.last_movement_id = where.last_movement_id
    current.updated_at = datetime.now(UTC)
