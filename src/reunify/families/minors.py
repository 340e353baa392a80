"""Unaccompanied minors: possible minors with no parent or guardian on record.

"Possible minor" is the one rule the disclosure policy uses (``disclose.possibly_minor``,
ages as of ``disclose.age_reference``), so the queue holds exactly the people the policy
refuses to announce. A child leaves the queue when an officer records a guardian, after
checking who they are in person; the guardian becomes a designated contact.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from reunify.domain import Status
from reunify.domain.disclosure import StaffTask
from reunify.domain.errors import Conflict, DomainError, NotFound
from reunify.domain.text import fold
from reunify.families import tasks
from reunify.families.candidates import person_age
from reunify.families.centre_views import PersonCard, card
from reunify.families.disclose import age_reference, possibly_minor
from reunify.store import audit, people
from reunify.store import tables as t

# What an officer picks when recording a guardian; ``is_guardian`` also reads what feeds and
# registration wrote in free text ("mother", "legal guardian", "foster father").
RELATIONSHIPS = ("parent", "legal guardian", "grandparent", "foster parent", "stepparent")
_GUARDIAN_WORDS = ("parent", "mother", "father", "guardian", "foster")


def is_guardian(relationship: str) -> bool:
    words = fold(relationship)
    return any(w in words for w in _GUARDIAN_WORDS)


class MinorRow(BaseModel):
    person: PersonCard
    open_inquiries: int  # relatives who asked: each waits for a verified guardian


def _candidates(session: Session, incident_id: int | None) -> list[t.Person]:
    """People who may be under 18, read by an index-friendly test: an age range starting
    under 18, or a birth date (any precision) in the last nineteen years."""
    year = datetime.now(UTC).year
    stmt = select(t.Person).where(
        t.Person.merged_into_id.is_(None),
        or_(t.Person.age_low < 18, t.Person.birth_date >= f"{year - 19:04d}"),
    )
    if incident_id is not None:
        stmt = stmt.where(t.Person.incident_id == incident_id)
    return list(session.scalars(stmt.order_by(t.Person.id)))


def unaccompanied(session: Session, incident_id: int | None = None) -> list[MinorRow]:
    """Living possible minors without a parent or guardian contact, oldest record first."""
    rows: list[MinorRow] = []
    found = []
    for row in _candidates(session, incident_id):
        if not possibly_minor(person_age(row, age_reference(session, row))):
            continue
        full = people.get(session, row.id)
        if full is None or any(is_guardian(c.relationship_) for c in full.contacts):
            continue
        where = session.get(t.Whereabouts, row.id)
        if where is not None and where.status == Status.DECEASED.value:
            continue  # the dead are the death notifications' queue
        found.append(full)
    asked = tasks.open_counts(session, [p.id for p in found], StaffTask.MINOR)
    for person in found:
        rows.append(MinorRow(person=card(session, person), open_inquiries=asked.get(person.id, 0)))
    return rows


def record_guardian(
    session: Session,
    person_id: int,
    *,
    name: str,
    relationship: str,
    phone: str = "",
    email: str = "",
    actor: str,
) -> t.Contact:
    """Add a verified parent or guardian as the child's designated contact (caller commits)."""
    person = people.get(session, person_id)
    if person is None or person.merged_into_id is not None:
        raise NotFound("person_id", f"no person {person_id}")
    if not possibly_minor(person_age(person, age_reference(session, person))):
        raise Conflict("person_id", f"person {person_id} is not a possible minor")
    name, relationship = " ".join(name.split()), relationship.strip()
    if not name:
        raise DomainError("name", "the guardian's name is required")
    if relationship not in RELATIONSHIPS:
        raise DomainError("relationship", f"must be one of {', '.join(RELATIONSHIPS)}")
    if not (phone.strip() or email.strip()):
        raise DomainError("phone", "a phone number or an email is required to reach them")
    contact = t.Contact(
        name=name,
        relationship_=relationship,
        phone=phone.strip(),
        email=email.strip(),
        designated=True,
    )
    person.contacts.append(contact)
    person.updated_at = datetime.now(UTC)
    session.flush()
    audit.record_event(
        session,
        "staff:person:guardian",
        actor=actor,
        subject_type="person",
        subject_id=person.id,
        incident_id=person.incident_id,
        data={"contact_id": contact.id, "relationship": relationship},
    )
    return contact
