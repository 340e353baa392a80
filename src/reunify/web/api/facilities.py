from __future__ import annotations

from fastapi import APIRouter

from reunify import domain
from reunify.domain.errors import Conflict, Forbidden, NotFound
from reunify.store import audit, facilities
from reunify.store import tables as t
from reunify.web.deps import AdminDep, SessionDep, StaffDep
from reunify.web.schemas.common import ListOf
from reunify.web.schemas.facilities import (
    BedCountIn,
    BedCountPublic,
    FacilityCreate,
    FacilityPublic,
    LocationIn,
    LocationPublic,
)

router = APIRouter(prefix="/facilities", tags=["facilities"])


def _get(session: SessionDep, code: str) -> t.Facility:
    row = facilities.get_by_code(session, code)
    if row is None:
        raise NotFound("code", f"no facility with code {code!r}")
    return row


def _location_public(row: t.Location) -> LocationPublic:
    return LocationPublic(
        id=row.id,
        unit=row.unit,
        room=row.room,
        bed=row.bed,
        building=row.building,
        floor=row.floor,
        description=row.description,
        display=facilities.to_location(row).display,
    )


@router.get("", operation_id="list_facilities", response_model=ListOf[FacilityPublic])
def list_facilities(session: SessionDep, _: StaffDep) -> ListOf[FacilityPublic]:
    rows = [FacilityPublic.model_validate(r) for r in facilities.list_all(session)]
    return ListOf(data=rows, count=len(rows))


@router.post("", operation_id="create_facility", status_code=201, response_model=FacilityPublic)
def create_facility(body: FacilityCreate, session: SessionDep, staff: AdminDep) -> FacilityPublic:
    if facilities.get_by_code(session, body.code) is not None:
        raise Conflict("code", f"a facility {body.code!r} already exists")
    row = facilities.upsert(session, domain.Facility(**body.model_dump()))
    audit.record_event(
        session,
        "staff:facility:create",
        actor=staff.actor,
        subject_type="facility",
        subject_id=row.id,
    )
    session.commit()
    return FacilityPublic.model_validate(row)


@router.get("/{code}", operation_id="get_facility", response_model=FacilityPublic)
def get_facility(code: str, session: SessionDep, _: StaffDep) -> FacilityPublic:
    return FacilityPublic.model_validate(_get(session, code))


@router.get(
    "/{code}/locations", operation_id="list_locations", response_model=ListOf[LocationPublic]
)
def list_locations(code: str, session: SessionDep, _: StaffDep) -> ListOf[LocationPublic]:
    rows = [_location_public(r) for r in facilities.locations(session, _get(session, code).id)]
    return ListOf(data=rows, count=len(rows))


@router.post(
    "/{code}/locations",
    operation_id="create_location",
    status_code=201,
    response_model=LocationPublic,
)
def create_location(
    code: str, body: LocationIn, session: SessionDep, staff: StaffDep
) -> LocationPublic:
    facility = _get(session, code)
    if not staff.may_act_at(facility.id):
        raise Forbidden("code", f"you are not staff of {code}")
    location = domain.Location(**body.model_dump())
    if location.is_empty:
        raise domain.DomainError("body", "a location needs a unit, room, bed or description")
    row = facilities.location_row(session, facility.id, location)
    assert row is not None
    session.commit()
    return _location_public(row)


@router.get("/{code}/beds", operation_id="list_beds", response_model=ListOf[BedCountPublic])
def list_beds(code: str, session: SessionDep, _: StaffDep) -> ListOf[BedCountPublic]:
    rows = [
        BedCountPublic.model_validate(r) for r in facilities.beds(session, _get(session, code).id)
    ]
    return ListOf(data=rows, count=len(rows))


@router.put("/{code}/beds", operation_id="set_beds", response_model=ListOf[BedCountPublic])
def set_beds(
    code: str, body: list[BedCountIn], session: SessionDep, staff: StaffDep
) -> ListOf[BedCountPublic]:
    facility = _get(session, code)
    if not staff.may_act_at(facility.id):
        raise Forbidden("code", f"you are not staff of {code}")
    counts = []
    for index, item in enumerate(body):
        try:
            counts.append(domain.BedCount(item.bed_type, item.total, item.available))
        except domain.DomainError as exc:
            raise domain.DomainError(
                f"body.{index}.{exc.field.split('.')[-1]}", exc.problem
            ) from None
    facilities.set_beds(session, facility.id, counts)
    audit.record_event(
        session,
        "staff:facility:beds",
        actor=staff.actor,
        subject_type="facility",
        subject_id=facility.id,
        data={c.bed_type.value: c.available for c in counts},
    )
    session.commit()
    rows = [BedCountPublic.model_validate(r) for r in facilities.beds(session, facility.id)]
    return ListOf(data=rows, count=len(rows))
