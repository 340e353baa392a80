"""Corrections a hospital sends after the fact: cancels (A11, A12, A13), merges (A40) and
identifier changes (A47).

A cancel never deletes: it appends a movement whose ``cancels`` names the movement it undoes.
What cannot be undone safely (an A12 after a newer move, an A13 after the patient moved on, a
merge of two people whose birth dates differ) raises ``NeedsReview`` for a person to decide.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from reunify import domain
from reunify.domain.movements import order_movements
from reunify.domain.types import Status
from reunify.feeds import people as feed_people
from reunify.feeds.people import NeedsReview
from reunify.feeds.run import ENDED, Run
from reunify.interop.hl7v2 import (
    CancelAdmit,
    CancelDischarge,
    CancelTransfer,
    ChangeIdentifier,
    Effect,
    MergePatients,
    PatientRef,
    cancel_conflict,
)
from reunify.store import audit, movements, people
from reunify.store import tables as t


def _cancel(run: Run, row: t.Person, target: domain.Movement, e: Effect, what: str) -> None:
    assert target.id is not None
    note = f"{e.trigger}: cancels {what} (movement {target.id})"
    run.move(row, target.status, e.occurred_at, facility=target.facility_code,
             location=target.location, destination=target.destination_code,
             note=note, cancels=target.id)  # fmt: skip


def _pick(
    moves: list[domain.Movement], at: datetime, statuses: set[Status]
) -> domain.Movement | None:
    """What a cancel means: the movement at the cancelled event's time, else the latest kind."""
    kind = [m for m in moves if m.status in statuses]
    exact = [m for m in kind if m.occurred_at == at]
    found = exact or kind
    return found[-1] if found else None


def cancel_admit(run: Run, e: CancelAdmit) -> None:
    row = run.existing(e.patient)
    if row is None:
        return
    moves = order_movements(run.history(row))
    target = _pick(moves, e.occurred_at, {Status.EMERGENCY_DEPARTMENT, Status.ADMITTED})
    if target is None:
        raise NeedsReview("A11: no admission or registration to cancel")
    _cancel(run, row, target, e, "the admission")


def cancel_transfer(run: Run, e: CancelTransfer) -> None:
    run.facility(e.facility, e.restore_to)
    row = run.existing(e.patient)
    if row is None:
        return
    history = run.history(row)
    reason = cancel_conflict(e, history)
    if reason is not None:
        raise NeedsReview(f"A12 not applied: {reason}")
    moves = order_movements(history)
    target = None
    if e.cancelled_event_time is not None:
        target = next((m for m in moves if m.occurred_at == e.cancelled_event_time), None)
    if target is None and e.cancelled is not None and not e.cancelled.location.is_empty:
        target = next((m for m in reversed(moves) if m.location == e.cancelled.location), None)
    target = target or moves[-1]
    _cancel(run, row, target, e, "the transfer")


def cancel_discharge(run: Run, e: CancelDischarge) -> None:
    run.facility(e.facility, e.location)
    row = run.existing(e.patient)
    if row is None:
        return
    moves = order_movements(run.history(row))
    target = _pick(moves, e.occurred_at, set(ENDED))
    if target is None:
        raise NeedsReview("A13: no discharge to cancel")
    if moves[-1] is not target:
        raise NeedsReview("A13 not applied: the patient has moved since the discharge")
    _cancel(run, row, target, e, "the discharge")


def merge(run: Run, e: MergePatients) -> None:
    s = run.session
    keep = feed_people.find(s, e.patient or PatientRef(()))
    owners = feed_people.owners(s, e.retired)
    if len(owners) > 1:
        raise NeedsReview("A40: the retired identifiers belong to different people")
    if not owners:
        run.notes.append("A40: the retired identifier is not known; nothing to merge")
        return
    old = s.get(t.Person, owners.pop())
    assert old is not None
    old = feed_people.survivor(s, old)
    assert e.patient is not None
    if keep is None:  # the same patient, now known by the surviving identifier
        people.add_identifiers(s, old, list(e.patient.identifiers))
        run.changed, run.person_id = True, old.id
        return
    if keep.id == old.id:
        run.notes.append("A40: already merged")
        return
    for a, b, what in (
        (keep.birth_date, old.birth_date, "birth dates"),
        (keep.sex, old.sex, "sexes"),
    ):
        if a and b and a != b and "unknown" not in (a, b):
            raise NeedsReview(f"A40 not applied: the {what} differ ({a} vs {b})")
    s.execute(
        update(t.Identifier).where(t.Identifier.person_id == old.id).values(person_id=keep.id)
    )
    s.execute(update(t.Movement).where(t.Movement.person_id == old.id).values(person_id=keep.id))
    old.merged_into_id = keep.id
    s.flush()
    s.expire(keep)
    s.expire(old)
    movements.reproject(s, keep.id)
    movements.reproject(s, old.id)
    run.feed.reindex(s, keep.id)
    run.feed.reindex(s, old.id)
    audit.record_event(
        s, "hl7:person:merge", actor=run.feed.actor, subject_type="person", subject_id=keep.id,
        incident_id=keep.incident_id, data={"retired": old.id, "message_id": run.feed.message_id},
    )  # fmt: skip
    run.changed, run.person_id = True, keep.id


def change_identifier(run: Run, e: ChangeIdentifier) -> None:
    s = run.session
    owners = feed_people.owners(s, e.old)
    if not owners:
        run.notes.append(f"{e.trigger}: the old identifier is not known")
        return
    if len(owners) > 1:
        raise NeedsReview(f"{e.trigger}: the old identifiers belong to different people")
    row = s.get(t.Person, owners.pop())
    assert row is not None
    assert e.patient is not None
    taken = feed_people.owners(s, e.patient.identifiers) - {row.id}
    if taken:
        raise NeedsReview(
            f"{e.trigger}: the new identifier already belongs to person {taken.pop()}"
        )
    people.add_identifiers(s, row, list(e.patient.identifiers))
    olds = {(i.issuer, i.kind.value, i.value) for i in e.old}
    row.identifiers = [i for i in row.identifiers if (i.issuer, i.kind, i.value) not in olds]
    s.flush()
    run.changed, run.person_id = True, row.id
