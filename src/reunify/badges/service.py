"""Issue badges and read the visitor log. The caller has already asked the disclosure policy."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.domain.errors import DomainError
from reunify.store import audit
from reunify.store import tables as t
from reunify.store.pages_tables import VisitorBadge

BADGE_HOURS = 12  # one visiting day; a visitor who comes back tomorrow gets a new badge
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread at a desk


class Badge(BaseModel):
    """A badge as the pages, the PDF and the JSON twin see it."""

    code: str
    facility_code: str
    facility: str
    facility_timezone: str
    person_id: int
    patient: str
    visitor_name: str
    unit: str
    room: str
    issued_by: str
    issued_at: datetime
    expires_at: datetime


def new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def issue_badge(
    session: Session,
    *,
    incident_id: int,
    facility: t.Facility,
    person_id: int,
    patient: str,
    visitor_name: str,
    unit: str,
    room: str,
    actor: str,
    now: datetime | None = None,
) -> Badge:
    visitor = " ".join(visitor_name.split())
    if not visitor:
        raise DomainError("visitor_name", "the visitor's name is needed on the badge")
    if len(visitor) > 200:
        raise DomainError("visitor_name", "must be at most 200 characters")
    issued = now or datetime.now(UTC)
    row = VisitorBadge(
        code=new_code(),
        incident_id=incident_id,
        facility_id=facility.id,
        person_id=person_id,
        visitor_name=visitor,
        unit=unit,
        room=room,
        issued_by=actor,
        issued_at=issued,
        expires_at=issued + timedelta(hours=BADGE_HOURS),
    )
    session.add(row)
    session.flush()
    audit.record_event(
        session,
        "staff:badge:issue",
        actor=actor,
        subject_type="person",
        subject_id=person_id,
        incident_id=incident_id,
        data={"badge": row.code, "facility": facility.code, "visitor": visitor},
    )
    return _badge(row, facility, patient)


def _badge(row: VisitorBadge, facility: t.Facility, patient: str) -> Badge:
    return Badge(
        code=row.code,
        facility_code=facility.code,
        facility=facility.name,
        facility_timezone=facility.timezone,
        person_id=row.person_id,
        patient=patient,
        visitor_name=row.visitor_name,
        unit=row.unit,
        room=row.room,
        issued_by=row.issued_by,
        issued_at=row.issued_at,
        expires_at=row.expires_at,
    )


def _patient_name(session: Session, person_id: int) -> str:
    names = session.scalars(
        select(t.PersonName).where(t.PersonName.person_id == person_id).order_by(t.PersonName.id)
    ).all()
    legal = next((n for n in names if n.use == "legal"), names[0] if names else None)
    if legal is None:
        return ""
    return legal.full or " ".join(f"{legal.given} {legal.family}".split())


def get_badge(session: Session, code: str) -> Badge | None:
    row = session.scalars(select(VisitorBadge).where(VisitorBadge.code == code)).one_or_none()
    if row is None:
        return None
    facility = session.get(t.Facility, row.facility_id)
    assert facility is not None
    return _badge(row, facility, _patient_name(session, row.person_id))


def visitor_log(session: Session, facility: t.Facility, *, limit: int = 200) -> list[Badge]:
    """The facility's badges, newest first."""
    rows = session.scalars(
        select(VisitorBadge)
        .where(VisitorBadge.facility_id == facility.id)
        .order_by(VisitorBadge.issued_at.desc(), VisitorBadge.id.desc())
        .limit(limit)
    ).all()
    return [_badge(r, facility, _patient_name(session, r.person_id)) for r in rows]
