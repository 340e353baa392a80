"""Turn the effects of one ADT event into people and movements, through the tracking service.

Every movement is recorded with ``source="hl7"`` and ``source_ref="MSH-3|MSH-4|MSH-10|n"``, so
applying a message twice cannot add a movement twice. Movements carry the event time (EVN-6,
EVN-2, MSH-7), and whereabouts are projected in that order, so a late message lands in the
history without overwriting a newer location. What cannot be applied safely raises
``NeedsReview``; an unknown facility raises ``Hl7Error`` (AE naming the field).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from reunify import domain
from reunify.domain.types import Status
from reunify.feeds import corrections
from reunify.feeds import people as feed_people
from reunify.feeds.facilities import FacilityMap
from reunify.feeds.people import Feed
from reunify.feeds.run import IN_CARE, Applied, Run
from reunify.interop.hl7v2 import (
    Admit,
    AdtEvent,
    CancelAdmit,
    CancelDischarge,
    CancelTransfer,
    ChangeIdentifier,
    ConfirmLocation,
    Discharge,
    Ignore,
    LeaveOfAbsence,
    MergePatients,
    PatientLocation,
    PatientRef,
    Swap,
    TemporaryMove,
    Transfer,
    UpdatePerson,
    interpret,
)
from reunify.store import facilities
from reunify.store import tables as t


def _update_person(run: Run, e: UpdatePerson) -> None:
    link = run.facilities.get(_visit_facility(run.event))
    row, created = feed_people.ensure(
        run.session, run.feed, e.patient or PatientRef(()), e.trigger,
        facility_id=link.id if link else None, demographics=e.demographics, privacy=e.privacy,
    )  # fmt: skip
    run.person_id = row.id
    if e.patient is not None:
        run.remember(e.patient, row)
    if created:  # registered with these demographics; remember their time
        feed_people.mark(run.session, row, e.occurred_at)
        run.changed = True
    else:
        run.changed |= feed_people.update(
            run.session, run.feed, row, e.demographics, e.privacy, e.occurred_at
        )
    d = e.demographics
    if d.deceased is True and e.trigger != "A03":  # an A03 says it with its own movement
        where = run.where(row)
        if where is None or where.status != Status.DECEASED.value:
            when = d.death_time if isinstance(d.death_time, datetime) else e.occurred_at
            code = _code(run, where.facility_id if where else None) or (link.code if link else None)
            run.move(
                row, Status.DECEASED, when, facility=code, note=f"{e.trigger}: death in PID-29/30"
            )


def _code(run: Run, facility_id: int | None) -> str | None:
    if facility_id is None:
        return None
    row = run.session.get(t.Facility, facility_id)
    return row.code if row else None


def _visit_facility(event: AdtEvent) -> str:
    visit = event.patient.visit if event.patients else None
    loc = visit.assigned if visit else None
    return (loc.facility if loc else "") or event.sending_facility


def _loc(p: PatientLocation | None) -> domain.Location:
    return p.location if p is not None else domain.Location()


def _admit(run: Run, e: Admit) -> None:
    fac = run.facility(e.facility, e.location)
    row = run.person(e.patient, fac)
    note = f"{e.trigger}: patient class {e.patient_class or '(none)'}"
    run.move(row, e.status, e.occurred_at, facility=fac.code, location=_loc(e.location), note=note)


def _transfer(run: Run, e: Transfer) -> None:
    fac = run.facility(e.facility, e.location)
    row = run.person(e.patient, fac)
    run.move(row, run.care_status(row), e.occurred_at, facility=fac.code,
             location=e.location.location, note=f"{e.trigger}: transfer")  # fmt: skip


def _confirm(run: Run, e: ConfirmLocation) -> None:
    fac = run.facility(e.facility, e.location)
    row = run.person(e.patient, fac)
    where = run.where(row)
    if where is not None and where.status not in IN_CARE and where.status != Status.UNKNOWN.value:
        run.notes.append(f"A08 location ignored: the patient is {where.status}")
        return
    if where is not None and where.facility_id == fac.id:
        current = run.session.get(t.Location, where.location_id) if where.location_id else None
        if facilities.to_location(current) == e.location.location:
            return
    run.move(row, run.care_status(row), e.occurred_at, facility=fac.code,
             location=e.location.location, note="A08: location changed")  # fmt: skip


def _discharge(run: Run, e: Discharge) -> None:
    fac = run.facility(e.facility, e.last_location)
    row = run.person(e.patient, fac)
    when = e.discharge_time or e.occurred_at
    note = f"A03 from {fac.code}" + (f", disposition {e.disposition}" if e.disposition else "")
    if e.status is Status.IN_TRANSIT:
        dest = run.facilities.get(e.destination)
        if dest is None and e.destination:
            note += f", to {e.destination} (not a known facility)"
        run.move(
            row, e.status, when, facility=None, destination=dest.code if dest else None, note=note
        )
    else:
        run.move(row, e.status, when, facility=fac.code, note=note)


def _temporary(run: Run, e: TemporaryMove) -> None:
    fac = run.facility(e.facility, e.location or e.census)
    row = run.person(e.patient, fac)
    kept = f" (bed {e.census.location.display} kept)" if e.census else ""
    note = f"{e.trigger}: {'arriving' if e.arriving else 'departing'}{kept}"
    run.move(
        row,
        run.care_status(row),
        e.occurred_at,
        facility=fac.code,
        location=_loc(e.location),
        note=note,
    )


def _leave(run: Run, e: LeaveOfAbsence) -> None:
    fac = run.facility(e.facility, e.location)
    row = run.person(e.patient, fac)
    if e.returning:
        run.move(row, run.care_status(row), e.occurred_at, facility=fac.code,
                 location=_loc(e.location), note="A22: back from leave of absence")  # fmt: skip
    else:
        held = f"; bed {e.location.location.display} held" if e.location else ""
        run.move(row, run.care_status(row), e.occurred_at, facility=fac.code,
                 note=f"A21: on leave of absence{held}")  # fmt: skip


def _swap(run: Run, e: Swap) -> None:
    fac = run.facility(e.facility, e.location)
    first, second = run.person(e.patient, fac), run.person(e.other, fac)
    run.move(first, run.care_status(first), e.occurred_at, facility=fac.code,
             location=e.location.location, note="A17: swapped beds")  # fmt: skip
    run.move(second, run.care_status(second), e.occurred_at, facility=fac.code,
             location=e.other_location.location, note="A17: swapped beds")  # fmt: skip


_HANDLERS = {
    UpdatePerson: _update_person, Admit: _admit, Transfer: _transfer, ConfirmLocation: _confirm,
    Discharge: _discharge, TemporaryMove: _temporary, LeaveOfAbsence: _leave,
    CancelAdmit: corrections.cancel_admit, CancelTransfer: corrections.cancel_transfer,
    CancelDischarge: corrections.cancel_discharge, Swap: _swap,
    MergePatients: corrections.merge, ChangeIdentifier: corrections.change_identifier,
}  # fmt: skip


# The effects whose writes all go through ``Run.move`` and ``people``, so the chunk's caches
# stay right; after any other one, the chunk forgets them (see ``chunk``).
_CACHED = (UpdatePerson, Admit, Transfer, ConfirmLocation, Discharge, TemporaryMove,
           LeaveOfAbsence, Swap)  # fmt: skip


def apply_event(
    session: Session, feed: Feed, facility_map: FacilityMap, event: AdtEvent
) -> Applied:
    """Apply every effect of ``event``; raises ``NeedsReview``, ``Hl7Error`` or ``NoIncident``."""
    run = Run(session, feed, facility_map, event, "|".join(event.source_key))
    for effect in interpret(event):
        if isinstance(effect, Ignore):
            run.notes.append(effect.reason)
            continue
        cached = feed.chunk is not None and isinstance(effect, _CACHED)
        if feed.chunk is not None and not cached:
            # It reads rows as the database returns them (not as remembered), and may
            # change movements the chunk remembers.
            feed.chunk.forget()
        _HANDLERS[type(effect)](run, effect)  # type: ignore[operator]
        if feed.chunk is not None and not cached:
            feed.chunk.forget()
    state = "applied" if run.changed else "ignored"
    return Applied(state, run.person_id, "; ".join(run.notes))
