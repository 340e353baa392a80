"""'I'm safe': a person reports themself safe; open inquiries about them are answered from it.

The report becomes a person (self-reported, never merged automatically with a patient record:
that is a staff decision), a ``reported_safe`` movement from source ``self-report``, and an
``is_note_author`` note. Recording the movement runs the families change hook, which matches
the new person against open inquiries and notifies their followers.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reunify import domain
from reunify.domain.errors import DomainError, NotFound
from reunify.families.notes import NoteStatus, add_note
from reunify.store import families_tables as ft
from reunify.store import incidents
from reunify.tracking.service import MovementDraft, record_movement, register_person

SOURCE = "self-report"
ISSUER = "reunify-self-report"


@dataclass(frozen=True, slots=True)
class SafeReport:
    given: str
    family: str
    age: domain.AgeRange | None = None
    sex: domain.Sex = domain.Sex.UNKNOWN
    city: str = ""
    message: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class SafeResult:
    report_id: str
    person_id: int
    since: datetime
    matched_inquiries: int


def split_name(name: str, given: str, family: str) -> tuple[str, str]:
    given, family = given.strip(), family.strip()
    if not (given or family):
        tokens = name.split()
        if len(tokens) < 2:
            raise DomainError("body.name", "give your given and family name")
        given, family = " ".join(tokens[:-1]), tokens[-1]
    if not (given and family):
        raise DomainError("body.family_name", "give your given and family name")
    return given, family


def report_safe(
    session: Session, report: SafeReport, *, incident_slug: str = "", client_address: str = ""
) -> SafeResult:
    incident = (
        incidents.get_by_slug(session, incident_slug)
        if incident_slug
        else incidents.current(session)
    )
    if incident is None:
        raise NotFound("body.incident", "no open incident to report to")
    report_id = secrets.token_urlsafe(12)
    person = domain.Person(
        names=[domain.PersonName(given=report.given, family=report.family)],
        sex=report.sex,
        age=report.age,
        home_city=report.city,
        email=report.email,
        phone=report.phone,
        identifiers=[domain.Identifier(domain.IdentifierKind.EXTERNAL, report_id, ISSUER)],
    )
    actor = f"{SOURCE}/{client_address or 'public'}"
    row = register_person(session, incident.id, person, actor=actor)
    now = datetime.now(UTC)
    add_note(
        session,
        row.id,
        NoteStatus.IS_NOTE_AUTHOR,
        text=report.message,
        source=SOURCE,
        author_name=f"{report.given} {report.family}",
        author_email=report.email,
        author_phone=report.phone,
    )
    record_movement(
        session,
        MovementDraft(
            person_id=row.id,
            status=domain.Status.REPORTED_SAFE,
            occurred_at=now,
            recorded_at=now,
            source=SOURCE,
            source_ref=report_id,
            note=report.message,
        ),
        actor=actor,
    )
    matched = session.scalar(
        select(func.count()).select_from(ft.Inquiry).where(ft.Inquiry.person_id == row.id)
    )
    return SafeResult(report_id, row.id, now, int(matched or 0))
