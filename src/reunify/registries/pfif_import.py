"""Import PFIF persons and notes into the registry.

Imported persons become people of the incident (identifier ``external`` issued by
``pfif:<domain>``) so that they are matched like anyone else; notes are kept, and a note the
person wrote themself (``is_note_author``) is a safe report. Nothing is merged silently: a
``linked_person_record_id`` is recorded as a proposed duplicate for staff.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify import domain
from reunify.domain import Identifier, IdentifierKind, NameUse, PersonName, Sex, Status
from reunify.families.changes import match_open_inquiries
from reunify.interop import pfif
from reunify.interop.pfif import NoteStatus, PfifNote, PfifPerson
from reunify.store import audit, people
from reunify.store import pfif_tables as pt
from reunify.store import tables as t
from reunify.tracking.service import MovementDraft, record_movement, register_person


@dataclass
class ImportSummary:
    persons_added: int = 0
    persons_updated: int = 0
    notes_added: int = 0
    safe_reports: int = 0
    proposed_links: int = 0
    inquiries_matched: int = 0
    problems: list[str] = field(default_factory=list)


def identifier_for(record_id: str) -> Identifier:
    return Identifier(IdentifierKind.EXTERNAL, record_id, f"pfif:{pfif.domain_of(record_id)}")


def _names(record: PfifPerson) -> list[PersonName]:
    names: list[PersonName] = []
    if record.given_name or record.family_name:
        names.append(PersonName(record.given_name, record.family_name, NameUse.LEGAL))
    fulls = [n.strip() for n in record.full_name.splitlines() if n.strip()]
    for index, full in enumerate(fulls):
        if index == 0 and names:
            continue
        names.append(PersonName(full=full, use=NameUse.LEGAL if not names else NameUse.ALIAS))
    for alternate in record.alternate_names.splitlines():
        if alternate.strip():
            names.append(PersonName(full=alternate.strip(), use=NameUse.ALIAS))
    return names


def _person(record: PfifPerson) -> domain.Person:
    return domain.Person(
        names=_names(record),
        sex=record.sex or Sex.UNKNOWN,
        birth_date=record.date_of_birth,
        age=record.age,
        description=record.description,
        home_city=record.home_city,
        home_postcode=record.home_postal_code,
        identifiers=[identifier_for(record.person_record_id)],
    )


def _stored(session: Session, kind: str, record_id: str) -> pt.PfifRecord | None:
    stmt = select(pt.PfifRecord).where(
        pt.PfifRecord.kind == kind, pt.PfifRecord.record_id == record_id
    )
    return session.scalars(stmt).one_or_none()


def _keep(
    session: Session,
    kind: str,
    record: PfifPerson | PfifNote,
    person_id: int | None,
    row: pt.PfifRecord | None,
) -> None:
    if record.source_date is None:
        # PFIF 1.4 requires a source_date that 1.1/1.2 did not: date the record by its
        # entry_date, else by its arrival here, so it can be exported again as 1.4.
        record = dataclasses.replace(record, source_date=record.entry_date or datetime.now(UTC))
    document = (
        pfif.serialize([record], [])
        if isinstance(record, PfifPerson)
        else pfif.serialize([], [record])
    ).decode()
    record_id = record.person_record_id if isinstance(record, PfifPerson) else record.note_record_id
    if row is None:
        row = pt.PfifRecord(kind=kind, record_id=record_id)
        session.add(row)
    row.person_record_id = record.person_record_id
    row.person_id = person_id
    row.source_domain = pfif.domain_of(record_id)
    row.status = record.status.value if isinstance(record, PfifNote) and record.status else ""
    row.source_date = record.source_date
    row.expiry_date = record.expiry_date if isinstance(record, PfifPerson) else None
    row.entry_date = datetime.now(UTC)
    row.document = document
    session.flush()


def import_records(
    session: Session,
    incident: t.Incident,
    result: pfif.ParseResult,
    *,
    actor: str,
    home_domain: str,
) -> ImportSummary:
    """Apply a parsed PFIF document. Each record has its own savepoint: a bad one stops nothing."""
    summary = ImportSummary(problems=[str(issue) for issue in result.errors])
    person_ids: dict[str, int] = {}
    for record in result.persons:
        if pfif.domain_of(record.person_record_id) == home_domain.lower():
            summary.problems.append(f"person {record.person_record_id}: is our own record; skipped")
            continue
        try:
            with session.begin_nested():
                person_ids[record.person_record_id] = _import_person(
                    session, incident, record, actor, summary
                )
        except (domain.DomainError, pfif.PfifError) as exc:
            summary.problems.append(f"person {record.person_record_id}: {exc}")
    for note in result.notes:
        try:
            with session.begin_nested():
                _import_note(session, note, person_ids, actor, summary)
        except (domain.DomainError, pfif.PfifError) as exc:
            summary.problems.append(f"note {note.note_record_id}: {exc}")
    return summary


def _import_person(
    session: Session, incident: t.Incident, record: PfifPerson, actor: str, summary: ImportSummary
) -> int:
    stored = _stored(session, "person", record.person_record_id)
    existing = people.find_by_identifier(session, identifier_for(record.person_record_id))
    if existing is not None and stored is not None:
        previous = pfif.parse(stored.document.encode()).persons
        # Only a newer version from the originating repository may change a record.
        if previous and not pfif.supersedes(record, previous[0]):
            return existing.id
        if record.full_name or record.given_name or record.family_name:
            people.replace_names(session, existing, _names(record))
        _keep(session, "person", record, existing.id, stored)
        summary.persons_updated += 1
        return existing.id
    if not _names(record):  # an expired placeholder of a record we never had
        raise domain.DomainError("full_name", "no name to register (expired placeholder)")
    row = register_person(session, incident.id, _person(record), actor=actor)
    _keep(session, "person", record, row.id, None)
    # Someone filed elsewhere may be who an open inquiry here is looking for.
    summary.inquiries_matched += match_open_inquiries(session, row.id)
    summary.persons_added += 1
    return row.id


def _import_note(
    session: Session, note: PfifNote, person_ids: dict[str, int], actor: str, summary: ImportSummary
) -> None:
    if _stored(session, "note", note.note_record_id) is not None:
        return  # notes are immutable in PFIF: the same id is the same note
    person_id = person_ids.get(note.person_record_id)
    if person_id is None:
        owner = people.find_by_identifier(session, identifier_for(note.person_record_id))
        person_id = owner.id if owner else None
    _keep(session, "note", note, person_id, None)
    summary.notes_added += 1
    if person_id is None:
        return
    if note.linked_person_record_id:
        audit.record_event(
            session,
            "pfif:person:link_proposed",
            actor=actor,
            subject_type="person",
            subject_id=person_id,
            data={
                "linked_person_record_id": note.linked_person_record_id,
                "note_record_id": note.note_record_id,
            },
        )
        summary.proposed_links += 1
    if note.status is NoteStatus.IS_NOTE_AUTHOR and note.source_date is not None:
        _, created = record_movement(
            session,
            MovementDraft(
                person_id=person_id,
                status=Status.REPORTED_SAFE,
                occurred_at=note.source_date,
                source="pfif",
                source_ref=note.note_record_id,
                note=note.text[:2000],
            ),
            actor=actor,
        )
        summary.safe_reports += int(created)
    elif note.status is NoteStatus.BELIEVED_DEAD:
        # Never a movement: a death reported by another registry is for staff to confirm.
        audit.record_event(
            session,
            "pfif:person:believed_dead",
            actor=actor,
            subject_type="person",
            subject_id=person_id,
            data={"note_record_id": note.note_record_id},
        )
