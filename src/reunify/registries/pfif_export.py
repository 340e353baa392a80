"""Export what the disclosure policy allows another registry to know, as PFIF 1.4.

Only our own records go out (imported ones belong to their originating repository). Each
person who may be mentioned gets a person record with names, sex and home city only, and one
note whose status and neutral text come from ``domain.disclosure`` (audience: external
registry). A note's id names the movement it reflects, so a new state is a new note (PFIF
notes are immutable) and an unchanged one is the same note.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.domain import NameUse, Sex
from reunify.domain.disclosure import AnswerKind, Audience, Band, MatchBand, decide
from reunify.families.disclose import settings_for, subject_state
from reunify.interop.pfif import NoteStatus, PfifNote, PfifPerson
from reunify.store import audit
from reunify.store import tables as t

SOURCE_NAME = "Reunify"


def _person_record(person: t.Person, record_id: str, entry: datetime) -> PfifPerson:
    legal = next((n for n in person.names if n.use == NameUse.LEGAL.value), person.names[0])
    display = (legal.full or f"{legal.given} {legal.family}").strip()
    others = [
        (n.full or f"{n.given} {n.family}").strip()
        for n in person.names
        if n is not legal and n.use != NameUse.TRAUMA_ALIAS.value
    ]
    return PfifPerson(
        person_record_id=record_id,
        entry_date=entry,
        source_name=SOURCE_NAME,
        source_date=entry,
        full_name=display,
        given_name=legal.given,
        family_name=legal.family,
        alternate_names="\n".join(o for o in others if o and o != display),
        sex=Sex(person.sex) if person.sex in ("female", "male", "other") else None,
        home_city=person.home_city,
    )


def export(
    session: Session,
    incident: t.Incident,
    *,
    home_domain: str,
    since: datetime | None = None,
    skip: int = 0,
    limit: int = 100,
    actor: str = "pfif/export",
) -> tuple[list[PfifPerson], list[PfifNote]]:
    """Persons and notes whose state changed after ``since``, oldest change first."""
    settings = settings_for(session, incident.id)
    imported = select(t.Identifier.person_id).where(t.Identifier.issuer.like("pfif:%"))
    stmt = (
        select(t.Whereabouts, t.Person)
        .join(t.Person, t.Person.id == t.Whereabouts.person_id)
        .where(t.Person.incident_id == incident.id, t.Person.merged_into_id.is_(None))
        .where(t.Person.id.not_in(imported))
        .order_by(t.Whereabouts.updated_at, t.Whereabouts.person_id)
    )
    if since is not None:
        stmt = stmt.where(t.Whereabouts.updated_at > since)
    persons: list[PfifPerson] = []
    notes: list[PfifNote] = []
    for where, person in session.execute(stmt.offset(skip).limit(limit)):
        said = decide(
            subject_state(session, person),
            Audience.external_registry(),
            MatchBand(Band.NO_MATCH),
            settings,
        )
        if said.kind is not AnswerKind.REGISTRY_NOTE or said.pfif_status is None:
            continue
        record_id = f"{home_domain}/person.{person.id}"
        persons.append(_person_record(person, record_id, where.updated_at))
        text = said.message or ""
        if said.facility:
            text = f"{text} ({said.facility})".strip()
        notes.append(
            PfifNote(
                note_record_id=f"{home_domain}/note.{person.id}.{where.last_movement_id}",
                person_record_id=record_id,
                entry_date=where.updated_at,
                author_name=SOURCE_NAME,
                source_date=said.since or where.since or where.updated_at,
                status=NoteStatus(said.pfif_status.value),
                author_made_contact=said.pfif_status.value == NoteStatus.IS_NOTE_AUTHOR.value,
                text=text,
            )
        )
        audit.record_event(
            session,
            "pfif:person:export",
            actor=actor,
            subject_type="person",
            subject_id=person.id,
            incident_id=incident.id,
            data={"rule": said.rule},
        )
    return persons, notes
