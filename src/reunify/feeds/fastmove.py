"""``record_movement`` for the messages of one chunk, reading what the chunk already knows.

``tracking.service.record_movement`` appends a movement and re-projects the person's
whereabouts from every movement they have: for each HL7 movement that is ten queries
(facility ids, the location, the person's movements and their locations, whereabouts, facility
codes). Here the same steps run in the same order with the same results, but facility codes
are read once per chunk, locations once per place, and a person's movements and whereabouts
row once per chunk (none for a person registered in it); the insert, the projection, the audit
event and the families hook are those of the service. ``test_feed_fastmove`` applies one
stream both ways and compares the resulting state.

A draft this path does not take (a cancel, an unknown facility code, a reference that is
already stored) goes to ``record_movement``, and the chunk then forgets the person's cache.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify import domain
from reunify.feeds.chunk import Chunk, PlaceKey
from reunify.store import audit, movements
from reunify.store import tables as t
from reunify.tracking.service import MovementDraft, actor_source, record_movement


def record(
    session: Session, chunk: Chunk, person: t.Person, draft: MovementDraft, *, actor: str
) -> tuple[t.Movement, bool]:
    """As ``record_movement(session, draft, actor=actor, on_change=chunk.on_change)``."""
    codes = _codes(session, chunk)
    ids = {code: fid for fid, code in codes.items()}
    facility_id = ids.get(draft.facility_code) if draft.facility_code is not None else None
    destination_id = ids.get(draft.destination_code) if draft.destination_code is not None else None
    slow = (
        draft.cancels is not None
        or (draft.facility_code is not None and facility_id is None)
        or (draft.destination_code is not None and destination_id is None)
        or (draft.source_ref is not None and _taken(session, chunk, draft.source, draft.source_ref))
    )
    if slow:  # the service decides (and raises) exactly as it always did
        chunk.histories.pop(person.id, None)
        chunk.held.pop((t.Whereabouts, person.id), None)
        chunk.fresh.discard(person.id)
        return record_movement(session, draft, actor=actor, on_change=chunk.on_change)
    history = _history(session, chunk, person.id)
    place = _place(session, chunk, facility_id, draft.location) if facility_id else None
    row = t.Movement(
        person_id=draft.person_id, status=draft.status.value, condition=(
            draft.condition.value if draft.condition else None
        ), facility_id=facility_id, location_id=place.id if place else None, location=place,
        destination_id=destination_id, occurred_at=draft.occurred_at,
        recorded_at=draft.recorded_at or datetime.now(UTC), source=draft.source,
        source_ref=draft.source_ref, note=draft.note, cancels_id=None, recorded_by=actor,
    )  # fmt: skip
    session.add(row)
    session.flush()
    if draft.source_ref is not None:
        chunk.taken.add(draft.source_ref)
    history.append(row)
    where = _reproject(session, chunk, person.id, history, codes, ids)
    audit.record_event(
        session, f"{actor_source(actor)}:person:movement", actor=actor, subject_type="person",
        subject_id=draft.person_id, incident_id=person.incident_id,
        data={"movement_id": row.id, "status": where.status.value},
    )  # fmt: skip
    chunk.on_change(session, draft.person_id)
    return row, True


def _codes(session: Session, chunk: Chunk) -> dict[int, str]:
    if chunk.codes is None:
        chunk.codes = movements.facility_codes(session)
    return chunk.codes


def _taken(session: Session, chunk: Chunk, source: str, source_ref: str) -> bool:
    """Whether a movement already has this reference (then the service answers)."""
    if source == "hl7" and source_ref in chunk.checked:
        return source_ref in chunk.taken
    stmt = select(t.Movement.id).where(
        t.Movement.source == source, t.Movement.source_ref == source_ref
    )
    return session.execute(stmt).first() is not None


def _history(session: Session, chunk: Chunk, person_id: int) -> list[t.Movement]:
    history = chunk.histories.get(person_id)
    if history is None:
        history = [] if person_id in chunk.fresh else movements.for_person(session, person_id)
        chunk.histories[person_id] = history
    return history


def _place(
    session: Session, chunk: Chunk, facility_id: int, loc: domain.Location
) -> t.Location | None:
    """``facilities.location_row``, remembered per place."""
    if loc.is_empty:
        return None
    key: PlaceKey = (
        facility_id, loc.building, loc.floor, loc.unit, loc.room, loc.bed, loc.description,
    )  # fmt: skip
    found = chunk.places.get(key)
    if found is None:
        names = ("facility_id", "building", "floor", "unit", "room", "bed", "description")
        values = dict(zip(names, key, strict=True))
        found = session.scalars(select(t.Location).filter_by(**values)).one_or_none()
        if found is None:
            found = t.Location(**values)
            session.add(found)
            session.flush()
        chunk.places[key] = found
    return found


def _reproject(
    session: Session,
    chunk: Chunk,
    person_id: int,
    rows: list[t.Movement],
    codes: dict[int, str],
    ids: dict[str, int],
) -> domain.Whereabouts:
    """``movements.reproject`` on the remembered movements (the same projection)."""
    where = domain.project_whereabouts(person_id, [movements.to_domain(r, codes) for r in rows])
    key = (t.Whereabouts, person_id)
    held = chunk.held.get(key)
    current = held if isinstance(held, t.Whereabouts) else None
    if current is None:
        current = None if person_id in chunk.fresh else session.get(t.Whereabouts, person_id)
        if current is None:
            current = t.Whereabouts(person_id=person_id)
            session.add(current)
        chunk.held[key] = current
    movements.write_whereabouts(current, where, rows, ids)
    session.flush()
    return where
