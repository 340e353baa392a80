"""Register people and record movements; every change is audited in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from reunify import domain
from reunify.domain.errors import Conflict, NotFound
from reunify.families.changes import on_whereabouts_changed
from reunify.linkage.index import reindex_person
from reunify.linkage.service import propose_duplicates, tolerant_ids
from reunify.store import audit, facilities, movements, people
from reunify.store import tables as t
from reunify.tracking.views import (
    ContactView,
    IdentifierView,
    MovementView,
    NameView,
    PersonView,
)


@dataclass(frozen=True, slots=True)
class MovementDraft:
    """A movement as a caller states it: facilities by code, times possibly missing."""

    person_id: int
    status: domain.Status
    occurred_at: datetime
    facility_code: str | None = None
    location: domain.Location = field(default_factory=domain.Location)
    condition: domain.Condition | None = None
    destination_code: str | None = None
    source: str = "staff"
    source_ref: str | None = None
    note: str = ""
    cancels: int | None = None
    recorded_at: datetime | None = None


def register_person(
    session: Session, incident_id: int, person: domain.Person, *, actor: str, reindex: bool = True
) -> t.Person:
    """Create the person, audited. ``reindex=False``: the caller re-indexes them for the
    matcher before anything reads the index and before its transaction commits (a bulk
    writer does it once for many people)."""
    if session.get(t.Incident, incident_id) is None:
        raise NotFound("incident_id", f"no incident {incident_id}")
    try:
        row = people.create(session, incident_id, person)
    except people.DuplicateIdentifier as exc:
        raise Conflict(
            "identifiers",
            f"{exc.identifier.issuer} {exc.identifier.kind.value} {exc.identifier.value} "
            f"already belongs to person {exc.person_id}",
        ) from None
    audit.record_event(
        session,
        f"{actor_source(actor)}:person:create",
        actor=actor,
        subject_type="person",
        subject_id=row.id,
        incident_id=incident_id,
    )
    if reindex:
        reindex_person(session, row.id)  # findable by the matcher from this transaction on
        propose_duplicates(session, row.id, actor=actor)  # for staff to confirm, never merged
    return row


def actor_source(actor: str) -> str:
    """The first part of an audit tag: ``hl7``, ``demo`` or ``staff``."""
    return actor.split("/", 1)[0] if "/" in actor else "staff"


def _facility_id(session: Session, code: str | None, field_name: str) -> int | None:
    if code is None:
        return None
    row = facilities.get_by_code(session, code)
    if row is None:
        raise NotFound(field_name, f"no facility with code {code!r}")
    return row.id


def record_movement(
    session: Session,
    draft: MovementDraft,
    *,
    actor: str,
    on_change: Callable[[Session, int], None] = on_whereabouts_changed,
) -> tuple[t.Movement, bool]:
    """Append a movement and re-project whereabouts. Returns (row, created).

    Idempotent on (source, source_ref): the same fact sent twice is stored once.
    ``on_change`` is the families hook; a bulk writer passes one that skips it cheaply
    when it cannot concern anyone (``families.changes.may_concern``).
    """
    person = session.get(t.Person, draft.person_id)
    if person is None:
        raise NotFound("person_id", f"no person {draft.person_id}")
    if draft.source_ref is not None:
        existing = movements.by_source(session, draft.source, draft.source_ref)
        if existing is not None and existing.person_id != draft.person_id:
            # Not a repeat: the sender reused its reference for someone else.
            raise Conflict(
                "source_ref",
                f"{draft.source_ref!r} from {draft.source} already names a movement of "
                f"person {existing.person_id}",
            )
        if existing is not None:
            return existing, False
    if draft.cancels is not None:
        cancelled = session.get(t.Movement, draft.cancels)
        if cancelled is None or cancelled.person_id != draft.person_id:
            raise NotFound("cancels", f"no movement {draft.cancels} for this person")
    facility_id = _facility_id(session, draft.facility_code, "facility")
    destination_id = _facility_id(session, draft.destination_code, "destination")
    movement = domain.Movement(
        person_id=draft.person_id,
        status=draft.status,
        occurred_at=draft.occurred_at,
        recorded_at=draft.recorded_at or datetime.now(UTC),
        facility_code=draft.facility_code,
        location=draft.location,
        condition=draft.condition,
        destination_code=draft.destination_code,
        source=draft.source,
        source_ref=draft.source_ref,
        note=draft.note,
        cancels=draft.cancels,
    )
    row = movements.insert(
        session,
        movement,
        facility_id=facility_id,
        destination_id=destination_id,
        recorded_by=actor,
    )
    where = movements.reproject(session, draft.person_id)
    audit.record_event(
        session,
        f"{actor_source(actor)}:person:movement",
        actor=actor,
        subject_type="person",
        subject_id=draft.person_id,
        incident_id=person.incident_id,
        data={"movement_id": row.id, "status": where.status.value},
    )
    # Seekers following this person are told, and open inquiries matched, in this transaction.
    on_change(session, draft.person_id)
    return row, True


def person_view(session: Session, person_id: int) -> PersonView:
    row = people.get(session, person_id)
    if row is None:
        raise NotFound("person_id", f"no person {person_id}")
    incident = session.get(t.Incident, row.incident_id)
    assert incident is not None
    names_by_id = {f.id: f for f in facilities.list_all(session)}
    codes = {fid: f.code for fid, f in names_by_id.items()}
    rows = movements.for_person(session, person_id)
    where = domain.project_whereabouts(person_id, [movements.to_domain(r, codes) for r in rows])
    effective = {m.id for m in where.history}

    def facility_name(fid: int | None) -> str | None:
        return names_by_id[fid].name if fid is not None else None

    history = [
        MovementView(
            id=r.id,
            occurred_at=r.occurred_at,
            recorded_at=r.recorded_at,
            status=r.status,
            condition=r.condition,
            facility_code=codes.get(r.facility_id) if r.facility_id else None,
            facility=facility_name(r.facility_id),
            location=facilities.to_location(r.location).display,
            destination=facility_name(r.destination_id),
            source=r.source,
            source_ref=r.source_ref,
            note=r.note,
            cancelled=r.id not in effective,
        )
        for r in rows
    ]
    by_code = {f.code: f for f in names_by_id.values()}
    facility = by_code.get(where.facility_code or "")
    destination = by_code.get(where.destination_code or "")
    person = people.to_domain(row)
    return PersonView(
        person_id=row.id,
        incident=incident.slug,
        names=[
            NameView(use=n.use.value, given=n.given, family=n.family, display=n.display)
            for n in person.names
        ],
        sex=person.sex.value,
        birth_date=str(person.birth_date) if person.birth_date else None,
        age=str(person.age) if person.age else None,
        identifiers=[
            IdentifierView(kind=i.kind.value, value=i.value, issuer=i.issuer)
            for i in person.identifiers
        ],
        contacts=[
            ContactView(
                name=c.name,
                relationship=c.relationship,
                phone=c.phone,
                email=c.email,
                designated=c.designated,
            )
            for c in person.contacts
        ],
        directory_opt_out=person.directory_opt_out,
        unidentified=person.unidentified,
        description=person.description,
        status=where.status.value,
        facility_code=where.facility_code,
        facility=facility.name if facility else None,
        location=where.location.display,
        condition=where.condition.value if where.condition else None,
        destination=destination.name if destination else None,
        since=where.since,
        history=sorted(history, key=lambda m: (m.occurred_at, m.recorded_at, m.id)),
    )


def locate(
    session: Session, name: str, *, actor: str, incident_id: int | None = None
) -> list[PersonView]:
    """The officer's look-up by name: exact (case and accents folded) first, then the
    matching engine's candidates (typos, nicknames): confident ones always, uncertain ones
    only when no name matched exactly. Audited."""
    ids = people.ids_by_folded_name(session, name, incident_id)
    tolerant = tolerant_ids(session, name, incident_id=incident_id, confident_only=bool(ids))
    ids += [i for i in tolerant if i not in ids]
    views = [person_view(session, pid) for pid in ids]
    for view in views:
        audit.record_event(
            session,
            f"{actor_source(actor)}:person:view",
            actor=actor,
            subject_type="person",
            subject_id=view.person_id,
            data={"query": name},
        )
    return views
