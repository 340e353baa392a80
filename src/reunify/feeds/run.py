"""One message being applied: its session, its context, and the movements it records."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from reunify import domain
from reunify.domain.types import Status
from reunify.feeds import fastmove
from reunify.feeds import people as feed_people
from reunify.feeds.facilities import FacilityMap, FacilityRef
from reunify.feeds.people import Feed
from reunify.interop.hl7v2 import AdtEvent, PatientLocation, PatientRef
from reunify.store import movements
from reunify.store import tables as t
from reunify.tracking.service import MovementDraft, record_movement

IN_CARE = frozenset({Status.EMERGENCY_DEPARTMENT.value, Status.ADMITTED.value})
ENDED = frozenset({Status.DISCHARGED, Status.DECEASED, Status.IN_TRANSIT})


@dataclass(frozen=True, slots=True)
class Applied:
    state: str  # applied | ignored
    person_id: int | None = None
    note: str = ""


@dataclass
class Run:
    """One message being applied: its session, context and movement counter."""

    session: Session
    feed: Feed
    facilities: FacilityMap
    event: AdtEvent
    source_key: str
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    changed: bool = False
    person_id: int | None = None
    notes: list[str] = field(default_factory=list)
    known: dict[PatientRef, t.Person] = field(default_factory=dict)

    def where(self, person: t.Person) -> t.Whereabouts | None:
        return self.session.get(t.Whereabouts, person.id)

    def care_status(self, person: t.Person) -> Status:
        """The status to keep for a move inside a facility: ED or admitted."""
        where = self.where(person)
        if where is not None and where.status in IN_CARE:
            return Status(where.status)
        return Status.ADMITTED

    def move(
        self, person: t.Person, status: Status, occurred_at: datetime, *,
        facility: str | None, location: domain.Location | None = None,
        destination: str | None = None, note: str = "", cancels: int | None = None,
    ) -> t.Movement:  # fmt: skip
        n = next(self.counter)
        ref = f"{self.source_key}|{n}"
        if len(ref) > 200:  # the column's width; the inbox id is as unique as the key
            ref = f"hl7-message-{self.feed.message_id}|{n}"
        draft = MovementDraft(
            person_id=person.id, status=status, occurred_at=occurred_at,
            facility_code=facility, location=location or domain.Location(),
            destination_code=destination, source="hl7", source_ref=ref,
            note=note, cancels=cancels, recorded_at=self.event_recorded,
        )  # fmt: skip
        chunk = self.feed.chunk
        if chunk is None:
            row, created = record_movement(self.session, draft, actor=self.feed.actor)
        elif chunk.fast:
            row, created = fastmove.record(
                self.session, chunk, person, draft, actor=self.feed.actor
            )
        else:
            row, created = record_movement(
                self.session, draft, actor=self.feed.actor, on_change=chunk.on_change
            )
        self.changed |= created
        self.person_id = person.id
        return row

    @property
    def event_recorded(self) -> datetime:
        e = self.event
        return e.recorded_time or e.message_time or e.event_time

    def person(self, ref: PatientRef | None, facility: FacilityRef | None) -> t.Person:
        assert ref is not None, "interpret gives every tracking effect a patient"
        row = self.known.get(ref)
        if row is None:
            row, created = feed_people.ensure(
                self.session, self.feed, ref, self.event.trigger,
                facility_id=facility.id if facility else None,
            )  # fmt: skip
            self.changed |= created
            self.remember(ref, row)
        self.person_id = row.id
        return row

    def remember(self, ref: PatientRef, row: t.Person) -> None:
        """This message's patient: another effect of it (an A04's registration and its
        admission) finds the same person without asking again."""
        self.known[ref] = row

    def existing(self, ref: PatientRef | None) -> t.Person | None:
        if ref is None:
            return None
        row = feed_people.find(self.session, ref)
        if row is None:
            self.notes.append("no such patient; nothing to cancel or change")
        else:
            self.person_id = row.id
        return row

    def facility(self, name: str, loc: PatientLocation | None) -> FacilityRef:
        """The facility the effect names: PV1-3.4 when the location gave it, else MSH-4."""
        if loc is not None and loc.facility and loc.facility == name:
            return self.facilities.resolve(name, "PV1", 3, 4)
        return self.facilities.resolve(name, "MSH", 4)

    def history(self, person: t.Person) -> list[domain.Movement]:
        codes = movements.facility_codes(self.session)
        return [
            movements.to_domain(r, codes) for r in movements.for_person(self.session, person.id)
        ]
