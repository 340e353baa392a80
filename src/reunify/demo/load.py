"""Load the scenario into a database, idempotently: a second run changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from reunify import domain
from reunify.demo import scenario as s
from reunify.store import facilities, incidents, people
from reunify.store import tables as t
from reunify.tracking.service import MovementDraft, record_movement, register_person

ACTOR = "demo/loader"


@dataclass
class LoadResult:
    incident_id: int
    people_created: int
    movements_created: int


def load(session: Session) -> LoadResult:
    incident = incidents.get_by_slug(session, s.INCIDENT_SLUG)
    if incident is None:
        incident = t.Incident(
            slug=s.INCIDENT_SLUG,
            name=s.INCIDENT_NAME,
            started_at=s.STARTED_AT,
            timezone="America/Los_Angeles",
            settings={},
            created_at=datetime.now(UTC),
            **s.FAMILY_ASSISTANCE_CENTRE,
        )
        session.add(incident)
        session.flush()
    for facility in s.FACILITIES:
        facility_row = facilities.upsert(session, facility)
        if facility.code in s.BEDS and not facilities.beds(session, facility_row.id):
            facilities.set_beds(session, facility_row.id, s.BEDS[facility.code])
    created_people = created_movements = 0
    for demo_person in s.PEOPLE:
        key = domain.Identifier(domain.IdentifierKind.EXTERNAL, demo_person.key, s.DEMO_ISSUER)
        row = people.find_by_identifier(session, key)
        if row is None:
            row = register_person(session, incident.id, demo_person.person, actor=ACTOR)
            created_people += 1
        for number, step in enumerate(demo_person.steps, start=1):
            _, created = record_movement(
                session,
                MovementDraft(
                    person_id=row.id,
                    status=step.status,
                    occurred_at=step.when,
                    recorded_at=step.when,
                    facility_code=step.facility,
                    location=step.location,
                    condition=step.condition,
                    destination_code=step.destination,
                    source=step.source,
                    source_ref=f"{demo_person.key}/{number}",
                    note=step.note,
                ),
                actor=ACTOR,
            )
            created_movements += created
    return LoadResult(incident.id, created_people, created_movements)
