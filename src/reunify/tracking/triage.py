"""Apply field-triage records: one unidentified person per tag, one movement per report."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from reunify import domain
from reunify.domain import Identifier, IdentifierKind, NameUse, PersonName, Status
from reunify.domain.errors import NotFound
from reunify.interop.triage import RowError, TriageRecord
from reunify.store import facilities, people
from reunify.store import tables as t
from reunify.tracking.service import MovementDraft, record_movement, register_person


@dataclass
class TriageResult:
    people_created: int = 0
    movements_created: int = 0
    errors: list[RowError] = field(default_factory=list)


def apply(
    session: Session,
    incident: t.Incident,
    records: list[TriageRecord],
    *,
    actor: str = "triage/import",
) -> TriageResult:
    """Each record is applied in its own savepoint, so a bad one does not undo the good ones."""
    result = TriageResult()
    issuer = f"triage:{incident.slug}"
    for record in records:
        try:
            with session.begin_nested():
                created, moved = _apply_one(session, incident, issuer, record, actor)
        except domain.DomainError as exc:
            result.errors.append(RowError(record.line, exc.field, exc.problem))
            continue
        result.people_created += created
        result.movements_created += moved
    return result


def _apply_one(
    session: Session, incident: t.Incident, issuer: str, record: TriageRecord, actor: str
) -> tuple[int, int]:
    destination = None
    if record.destination:
        row = facilities.get_by_code(session, record.destination)
        if row is None:
            raise NotFound("destination", f"no facility with code {record.destination!r}")
        destination = row.code
    tag = Identifier(IdentifierKind.TRIAGE_TAG, record.tag, issuer)
    person = people.find_by_identifier(session, tag)
    created = 0
    if person is None:
        person = register_person(
            session,
            incident.id,
            domain.Person(
                names=[PersonName(full=f"Triage tag {record.tag}", use=NameUse.TRAUMA_ALIAS)],
                sex=record.sex,
                age=record.age,
                unidentified=True,
                description=record.description,
                identifiers=[tag],
            ),
            actor=actor,
        )
        created = 1
    if record.category == "dead":
        status, target = Status.DECEASED, None
    elif destination:
        status, target = Status.IN_TRANSIT, destination
    else:
        status, target = Status.AT_SCENE, None
    _, moved = record_movement(
        session,
        MovementDraft(
            person_id=person.id,
            status=status,
            occurred_at=record.time,
            condition=record.condition if status is not Status.DECEASED else None,
            destination_code=target,
            source="triage",
            source_ref=f"{issuer}|{record.tag}|{record.time.isoformat()}|{record.category}",
            note=f"Triage {record.category}" + (f" at {record.scene}" if record.scene else ""),
        ),
        actor=actor,
    )
    return created, int(moved)
