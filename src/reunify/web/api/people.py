from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Query

from reunify import domain
from reunify.domain.errors import Conflict, DomainError, NotFound
from reunify.linkage.index import reindex_person
from reunify.store import audit, incidents, people
from reunify.store import tables as t
from reunify.tracking.service import locate, person_view, register_person
from reunify.tracking.views import MovementView, PersonView, WhereaboutsView
from reunify.web.deps import SessionDep, StaffDep, check_person_visible
from reunify.web.schemas.common import ListOf, RowIdPath
from reunify.web.schemas.people import NameIn, PersonCreate, PersonUpdate

router = APIRouter(prefix="/people", tags=["people"])


def _names(items: list[NameIn], field: str) -> list[domain.PersonName]:
    names = []
    for index, item in enumerate(items):
        try:
            names.append(domain.PersonName(item.given, item.family, item.use, item.full))
        except DomainError as exc:
            raise DomainError(f"{field}.{index}", exc.problem) from None
    return names


def _to_domain(body: PersonCreate) -> domain.Person:
    return domain.Person(
        names=_names(body.names, "body.names"),
        sex=body.sex,
        birth_date=domain.BirthDate.parse(body.date_of_birth, "body.date_of_birth")
        if body.date_of_birth
        else None,
        age=domain.AgeRange.parse(body.age, "body.age") if body.age else None,
        identifiers=[domain.Identifier(i.kind, i.value, i.issuer) for i in body.identifiers],
        contacts=[
            domain.Contact(c.name, c.relationship, c.phone, c.email, c.designated)
            for c in body.contacts
        ],
        directory_opt_out=body.directory_opt_out,
        unidentified=body.unidentified,
        description=body.description,
        home_city=body.home_city,
        home_postcode=body.home_postcode,
        phone=body.phone,
        email=body.email,
    )


@router.post("", operation_id="create_person", status_code=201, response_model=PersonView)
def create_person(body: PersonCreate, session: SessionDep, staff: StaffDep) -> PersonView:
    incident = incidents.get_by_slug(session, body.incident)
    if incident is None:
        raise NotFound("body.incident", f"no incident {body.incident!r}")
    row = register_person(session, incident.id, _to_domain(body), actor=staff.actor)
    view = person_view(session, row.id)
    session.commit()
    return view


@router.get("", operation_id="find_people", response_model=ListOf[PersonView])
def find_people(
    session: SessionDep,
    staff: StaffDep,
    name: str = Query(min_length=3, description="A full name (exact, case and accents folded)"),
) -> ListOf[PersonView]:
    views = locate(session, name, actor=staff.actor)
    visible = []
    for view in views:
        try:
            check_person_visible(session, staff, view.person_id)
        except NotFound:
            continue
        visible.append(view)
    session.commit()
    return ListOf(data=visible, count=len(visible))


@router.get("/{person_id}", operation_id="get_person", response_model=PersonView)
def get_person(person_id: RowIdPath, session: SessionDep, staff: StaffDep) -> PersonView:
    check_person_visible(session, staff, person_id)
    view = person_view(session, person_id)
    audit.record_event(
        session,
        "staff:person:view",
        actor=staff.actor,
        subject_type="person",
        subject_id=person_id,
    )
    session.commit()
    return view


@router.get("/{person_id}/history", operation_id="get_history", response_model=ListOf[MovementView])
def get_history(person_id: RowIdPath, session: SessionDep, staff: StaffDep) -> ListOf[MovementView]:
    view = get_person(person_id, session, staff)
    return ListOf(data=view.history, count=len(view.history))


@router.get(
    "/{person_id}/whereabouts", operation_id="get_whereabouts", response_model=WhereaboutsView
)
def get_whereabouts(person_id: RowIdPath, session: SessionDep, staff: StaffDep) -> WhereaboutsView:
    return WhereaboutsView.of(get_person(person_id, session, staff))


@router.patch("/{person_id}", operation_id="update_person", response_model=PersonView)
def update_person(
    person_id: RowIdPath, body: PersonUpdate, session: SessionDep, staff: StaffDep
) -> PersonView:
    check_person_visible(session, staff, person_id)
    row = people.get(session, person_id)
    if row is None:
        raise NotFound("person_id", f"no person {person_id}")
    changed = []
    if body.names is not None:
        people.replace_names(session, row, _names(body.names, "body.names"))
        changed.append("names")
    if body.add_identifiers:
        identifiers = [domain.Identifier(i.kind, i.value, i.issuer) for i in body.add_identifiers]
        try:
            people.add_identifiers(session, row, identifiers)
        except people.DuplicateIdentifier as exc:
            raise Conflict(
                "body.add_identifiers",
                f"{exc.identifier.issuer} {exc.identifier.value} belongs to person {exc.person_id}",
            ) from None
        changed.append("identifiers")
    for contact in body.add_contacts:
        row.contacts.append(
            t.Contact(
                name=contact.name,
                relationship_=contact.relationship,
                phone=contact.phone,
                email=contact.email,
                designated=contact.designated,
            )
        )
    if body.add_contacts:
        changed.append("contacts")
    if body.directory_opt_out is not None:
        row.directory_opt_out = body.directory_opt_out
        row.updated_at = datetime.now(UTC)
        changed.append("directory_opt_out")
    if body.names is not None or body.add_identifiers:
        reindex_person(session, person_id)
    audit.record_event(
        session,
        "staff:person:update",
        actor=staff.actor,
        subject_type="person",
        subject_id=person_id,
        incident_id=row.incident_id,
        data={"changed": changed},
    )
    view = person_view(session, person_id)
    session.commit()
    return view
