"""In-person death notifications: who is still to be told, and the record that a family was.

The system never announces a death (``domain.disclosure``): a trained team tells each family
in person, and only once the dead person is identified. This module keeps the list of
identified dead whose family has not been told (or about whom a relative has asked since)
and the stored fact that a family was told: who, their relationship, when, by whom.
``families.disclose`` reads that fact as ``next_of_kin_notified`` and, when the family
agreed, ``death_released`` (which lets a registry export say "believed dead").
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reunify.domain import Status
from reunify.domain.disclosure import StaffTask
from reunify.domain.errors import Conflict, DomainError, NotFound
from reunify.families import tasks
from reunify.families.centre_views import PersonCard, card
from reunify.store import audit, people
from reunify.store import families_tables as ft
from reunify.store import tables as t
from reunify.store.centre_tables import DeathNotice

CLOCK_SKEW = timedelta(minutes=5)  # a form filled in on a device whose clock runs fast
_NOTIFY = StaffTask.NOTIFY_NEXT_OF_KIN_IN_PERSON.value


class NoticeView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    told_name: str
    relationship: str
    told_at: datetime
    told_by: str
    place: str
    note: str
    release: bool
    recorded_by: str
    recorded_at: datetime


class PendingDeath(BaseModel):
    person: PersonCard
    died_at: datetime | None
    relatives_asking: int  # open in-person notification tasks
    notices: list[NoticeView]


def _died_at(session: Session, person_id: int) -> datetime | None:
    stmt = select(func.min(t.Movement.occurred_at)).where(
        t.Movement.person_id == person_id,
        t.Movement.status == Status.DECEASED.value,
        t.Movement.cancels_id.is_(None),
    )
    return session.scalar(stmt)


def notices(session: Session, person_id: int) -> list[DeathNotice]:
    stmt = select(DeathNotice).where(DeathNotice.person_id == person_id)
    return list(session.scalars(stmt.order_by(DeathNotice.told_at, DeathNotice.id)))


def _open_notify_tasks(session: Session, person_id: int) -> list[ft.Task]:
    stmt = select(ft.Task).where(
        ft.Task.person_id == person_id, ft.Task.kind == _NOTIFY, ft.Task.state == "open"
    )
    return list(session.scalars(stmt.order_by(ft.Task.id)))


def pending(session: Session, incident_id: int | None = None) -> list[PendingDeath]:
    """Identified dead whose family has not been told, or about whom a relative asked since
    the last notification; earliest death first."""
    stmt = (
        select(t.Person.id)
        .join(t.Whereabouts, t.Whereabouts.person_id == t.Person.id)
        .where(
            t.Whereabouts.status == Status.DECEASED.value,
            t.Person.unidentified.is_(False),
            t.Person.merged_into_id.is_(None),
        )
        .order_by(t.Whereabouts.since, t.Person.id)
    )
    if incident_id is not None:
        stmt = stmt.where(t.Person.incident_id == incident_id)
    out: list[PendingDeath] = []
    for person_id in session.scalars(stmt).all():
        told = notices(session, person_id)
        asking = _open_notify_tasks(session, person_id)
        if told and not asking:
            continue
        row = people.get(session, person_id)
        assert row is not None
        out.append(
            PendingDeath(
                person=card(session, row),
                died_at=_died_at(session, person_id),
                relatives_asking=len(asking),
                notices=[NoticeView.model_validate(n) for n in told],
            )
        )
    out.sort(key=lambda p: (p.died_at is None, p.died_at or datetime.max.replace(tzinfo=UTC)))
    return out


def record_told(
    session: Session,
    person_id: int,
    *,
    told_name: str,
    relationship: str,
    told_at: datetime,
    told_by: str,
    place: str = "",
    note: str = "",
    release: bool = False,
    actor: str,
    now: datetime | None = None,
) -> DeathNotice:
    """Record that a family was told in person (caller commits). Closes the open
    notification tasks for this person, as the family was told."""
    person = people.get(session, person_id)
    if person is None or person.merged_into_id is not None:
        raise NotFound("person_id", f"no person {person_id}")
    where = session.get(t.Whereabouts, person_id)
    if where is None or where.status != Status.DECEASED.value:
        raise Conflict("person_id", f"person {person_id} is not recorded as deceased")
    if person.unidentified:
        raise Conflict("person_id", "identify this person before any family is told")
    told_name, relationship, told_by = (
        " ".join(v.split()) for v in (told_name, relationship, told_by)
    )
    for field, value in (
        ("told_name", told_name),
        ("relationship", relationship),
        ("told_by", told_by),
    ):
        if not value:
            raise DomainError(field, "is required")
    if told_at.tzinfo is None:
        raise DomainError("told_at", "needs a time zone")
    now = now or datetime.now(UTC)
    if told_at > now + CLOCK_SKEW:
        raise DomainError("told_at", "is in the future")
    incident = session.get(t.Incident, person.incident_id)
    if incident is not None and told_at < incident.started_at:
        raise DomainError("told_at", "is before the incident began")
    notice = DeathNotice(
        incident_id=person.incident_id,
        person_id=person.id,
        told_name=told_name,
        relationship=relationship,
        told_at=told_at.astimezone(UTC),
        told_by=told_by,
        place=place.strip(),
        note=note.strip(),
        release=release,
        recorded_by=actor,
        recorded_at=now,
    )
    session.add(notice)
    session.flush()
    closed = []
    for task in _open_notify_tasks(session, person.id):
        tasks.complete(
            session,
            task.id,
            outcome=f"Told in person: {relationship} {told_name}, by {told_by}",
            family_told=True,
            actor=actor,
        )
        closed.append(task.id)
    audit.record_event(
        session,
        "staff:person:death-notified",
        actor=actor,
        subject_type="person",
        subject_id=person.id,
        incident_id=person.incident_id,
        data={
            "notice_id": notice.id,
            "relationship": relationship,
            "told_at": told_at.isoformat(),
            "release": release,
            "tasks_closed": closed,
        },
    )
    return notice
