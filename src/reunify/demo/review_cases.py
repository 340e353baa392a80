"""Synthetic review cases for the reunification centre, loaded beside the reference scenario.

SCENARIO.md already gives the centre two pending death notifications (Reed Adamson and
Charles Percy) and two unidentified decedents. It has no child and no uncertain match, so
``reunify demo`` adds, idempotently (these are not part of the scenario's story):

- **Noah Castellan**, 15, a visitor's son cut by glass at SGMW and moved with the critical
  patients to Seattle Pres paediatrics, with no parent on record: an unaccompanied minor;
- **Amelia Shepherd** asking about her brother "Derek Shepherd, about 52" (he is 45): the
  age contradicts the record, so the answer is uncertain and waits for an officer;
- the duplicate proposals the engine makes over the demo (``reunify dedupe``).

The scenario itself (``demo.load``) stays exactly as SCENARIO.md tells it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify import domain
from reunify.demo import scenario as s
from reunify.domain import BirthDate, Condition, Identifier, IdentifierKind, Location, Sex, Status
from reunify.families.inquiries import Seeker, ask, parse_sought
from reunify.linkage import dedupe, index, service
from reunify.store import families_tables as ft
from reunify.store import incidents, people
from reunify.tracking.service import MovementDraft, record_movement, register_person

ACTOR = "demo/review-cases"

MINOR = s.DemoPerson(
    "noah-castellan",
    domain.Person(
        names=[domain.PersonName(given="Noah", family="Castellan")],
        sex=Sex.MALE,
        birth_date=BirthDate.parse("2011-06-03"),
        identifiers=[
            Identifier(IdentifierKind.EXTERNAL, "noah-castellan", s.DEMO_ISSUER),
            Identifier(IdentifierKind.MRN, "SP778050", "SPH"),
        ],
        home_city="Seattle",
    ),
    (
        s.Step(
            s.at(1, 14, 40),
            Status.EMERGENCY_DEPARTMENT,
            "SGMW",
            s.ED,
            Condition.FAIR,
            note="Visiting; cut by flying glass; came in alone",
        ),
        s.Step(s.at(1, 19, 50), Status.IN_TRANSIT, condition=Condition.FAIR, destination="SPH"),
        s.Step(
            s.at(1, 20, 40),
            Status.ADMITTED,
            "SPH",
            Location(unit="Paediatrics", room="512", floor="5"),
            Condition.GOOD,
        ),
    ),
)

UNCERTAIN_INQUIRY: dict[str, object] = {"name": "Derek Shepherd", "age": 52, "sex": "male"}
UNCERTAIN_SEEKER = Seeker(
    name="Amelia Shepherd", relationship="sister", email="amelia.shepherd@example.org"
)


@dataclass
class ReviewCases:
    people_created: int = 0
    inquiries_created: int = 0
    duplicates_proposed: int = 0


def load_review_cases(session: Session) -> ReviewCases:
    """Add the centre's review cases to a database holding the scenario (idempotent)."""
    incident = incidents.get_by_slug(session, s.INCIDENT_SLUG)
    if incident is None:
        raise domain.DomainError("incident", "load the scenario first (reunify demo)")
    result = ReviewCases()
    key = Identifier(IdentifierKind.EXTERNAL, MINOR.key, s.DEMO_ISSUER)
    row = people.find_by_identifier(session, key)
    if row is None:
        row = register_person(session, incident.id, MINOR.person, actor=ACTOR)
        result.people_created += 1
    for number, step in enumerate(MINOR.steps, start=1):
        record_movement(
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
                source="demo",
                source_ref=f"{MINOR.key}/{number}",
                note=step.note,
            ),
            actor=ACTOR,
        )
    asked = select(ft.Inquiry.id).where(ft.Inquiry.seeker_email == UNCERTAIN_SEEKER.email)
    if session.scalars(asked.limit(1)).first() is None:
        ask(
            session,
            parse_sought(name="Derek Shepherd", age=52, sex="male"),
            UNCERTAIN_SEEKER,
            raw_sought=dict(UNCERTAIN_INQUIRY),
        )
        result.inquiries_created += 1
    if index.is_stale(session):
        index.rebuild(session)
    summary = dedupe.run(session, service.prepare_run(session), actor=ACTOR)
    result.duplicates_proposed = summary.proposed
    return result
