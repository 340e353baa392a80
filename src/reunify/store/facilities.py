"""Facilities, their locations and bed counts."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify import domain
from reunify.store import tables as t


def get_by_code(session: Session, code: str) -> t.Facility | None:
    return session.scalars(select(t.Facility).where(t.Facility.code == code)).one_or_none()


def list_all(session: Session) -> list[t.Facility]:
    return list(session.scalars(select(t.Facility).order_by(t.Facility.name)))


def upsert(session: Session, facility: domain.Facility) -> t.Facility:
    row = get_by_code(session, facility.code)
    if row is None:
        row = t.Facility(code=facility.code)
        session.add(row)
    row.name = facility.name
    row.kind = facility.kind.value
    row.city = facility.city
    row.timezone = facility.timezone
    row.phone = facility.phone
    session.flush()
    return row


def location_row(session: Session, facility_id: int, loc: domain.Location) -> t.Location | None:
    """The row for this place, created the first time it is named; None for 'somewhere here'."""
    if loc.is_empty:
        return None
    key = {
        "facility_id": facility_id,
        "building": loc.building,
        "floor": loc.floor,
        "unit": loc.unit,
        "room": loc.room,
        "bed": loc.bed,
        "description": loc.description,
    }
    row = session.scalars(select(t.Location).filter_by(**key)).one_or_none()
    if row is None:
        row = t.Location(**key)
        session.add(row)
        session.flush()
    return row


def to_location(row: t.Location | None) -> domain.Location:
    if row is None:
        return domain.Location()
    return domain.Location(
        unit=row.unit,
        room=row.room,
        bed=row.bed,
        building=row.building,
        floor=row.floor,
        description=row.description,
    )


def locations(session: Session, facility_id: int) -> list[t.Location]:
    stmt = select(t.Location).where(t.Location.facility_id == facility_id).order_by(t.Location.id)
    return list(session.scalars(stmt))


def set_beds(session: Session, facility_id: int, counts: list[domain.BedCount]) -> None:
    now = datetime.now(UTC)
    for count in counts:
        row = session.get(t.BedCount, (facility_id, count.bed_type.value))
        if row is None:
            row = t.BedCount(facility_id=facility_id, bed_type=count.bed_type.value)
            session.add(row)
        row.total = count.total
        row.available = count.available
        row.updated_at = now
    session.flush()


def beds(session: Session, facility_id: int) -> list[t.BedCount]:
    stmt = select(t.BedCount).where(t.BedCount.facility_id == facility_id)
    return list(session.scalars(stmt.order_by(t.BedCount.bed_type)))
