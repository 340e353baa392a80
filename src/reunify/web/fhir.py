"""The FHIR R4 interface under /fhir: reads for staff and machine clients, Encounter as a feed.

Errors here are OperationOutcome resources (see ``web.errors``), not the API's error body.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from reunify.domain import Location, Status, project_whereabouts
from reunify.domain.errors import DomainError, Forbidden, NotFound
from reunify.interop import fhir
from reunify.interop.fhir.resources import ISSUER_SYSTEM, MovementRow
from reunify.store import audit, facilities, movements
from reunify.store import tables as t
from reunify.tracking.service import MovementDraft, person_view, record_movement
from reunify.web.deps import SessionDep, Staff, StaffDep, check_person_visible

router = APIRouter(prefix="/fhir", tags=["fhir"])
FHIR_JSON = "application/fhir+json"


def _send(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=FHIR_JSON, headers=headers)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/fhir"


def _visible(session: Session, staff: Staff, person_id: int) -> bool:
    try:
        check_person_visible(session, staff, person_id)
    except NotFound:
        return False
    return session.get(t.Person, person_id) is not None


def _patient_ids(session: Session, params: dict[str, str]) -> list[int]:
    stmt = select(t.Person.id).where(t.Person.merged_into_id.is_(None))
    for key in ("name", "family", "given"):
        value = params.get(key, "").strip().lower()
        if not value:
            continue
        columns = {
            "name": (
                t.PersonName.given,
                t.PersonName.family,
                t.PersonName.full,
                t.PersonName.folded,
            ),
            "family": (t.PersonName.family,),
            "given": (t.PersonName.given,),
        }[key]
        # FHIR string search: case-insensitive match at the start of any part.
        conditions = [func.lower(c).like(f"{value}%") for c in columns]
        conditions += [func.lower(c).like(f"% {value}%") for c in columns]
        names = select(t.PersonName.person_id).where(or_(*conditions))
        stmt = stmt.where(t.Person.id.in_(names))
    if identifier := params.get("identifier"):
        system, _, value = identifier.rpartition("|")
        ids = select(t.Identifier.person_id).where(t.Identifier.value == value)
        if system:
            ids = ids.where(t.Identifier.issuer == system.removeprefix(ISSUER_SYSTEM))
        stmt = stmt.where(t.Person.id.in_(ids))
    if birthdate := params.get("birthdate"):
        stmt = stmt.where(t.Person.birth_date == birthdate)
    if params.get("_id"):
        stmt = stmt.where(t.Person.id == _int(params["_id"], "_id"))
    return list(session.scalars(stmt.order_by(t.Person.id).limit(_count(params))))


def _int(value: str, name: str) -> int:
    if not value.isdigit():
        raise DomainError(name, f"{value!r} is not an id of this server")
    return int(value)


def _count(params: dict[str, str]) -> int:
    raw = params.get("_count", "50")
    if not raw.isdigit() or not 0 < int(raw) <= 500:
        raise DomainError("_count", "must be a number from 1 to 500")
    return int(raw)


@router.get("/metadata", operation_id="fhir_capabilities")
def capabilities() -> JSONResponse:
    resources = [
        {
            "type": "Patient",
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [{"name": n, "type": "string"} for n in ("name", "family", "given")]
            + [{"name": "identifier", "type": "token"}, {"name": "birthdate", "type": "date"}],
        },
        {
            "type": "Encounter",
            "interaction": [
                {"code": "read"},
                {"code": "search-type"},
                {"code": "create"},
                {"code": "update"},
            ],
            "searchParam": [
                {"name": "patient", "type": "reference"},
                {"name": "status", "type": "token"},
            ],
        },
        {
            "type": "Location",
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [
                {"name": "name", "type": "string"},
                {"name": "partof", "type": "reference"},
            ],
        },
        {
            "type": "RelatedPerson",
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [{"name": "patient", "type": "reference"}],
        },
    ]
    return _send(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "kind": "instance",
            "date": "2026-11-23",
            "fhirVersion": "4.0.1",
            "format": ["json"],
            "rest": [{"mode": "server", "resource": resources}],
        }
    )


@router.get("/Patient", operation_id="fhir_search_patient")
def search_patients(request: Request, session: SessionDep, staff: StaffDep) -> JSONResponse:
    params = dict(request.query_params)
    found = [
        fhir.patient(person_view(session, pid))
        for pid in _patient_ids(session, params)
        if _visible(session, staff, pid)
    ]
    _audit(session, staff, "search", "Patient", params)
    return _send(fhir.searchset(_base(request), found))


@router.get("/Patient/{pid}", operation_id="fhir_read_patient")
def read_patient(pid: str, session: SessionDep, staff: StaffDep) -> JSONResponse:
    person_id = _int(pid, "Patient.id")
    if not _visible(session, staff, person_id):
        raise NotFound("Patient.id", f"no Patient/{pid}")
    _audit(session, staff, "read", f"Patient/{pid}")
    return _send(fhir.patient(person_view(session, person_id)))


def _stays(session: Session, person_id: int) -> list[fhir.Stay]:
    codes = movements.facility_codes(session)
    names = {f.id: f.name for f in facilities.list_all(session)}
    rows = movements.for_person(session, person_id)
    where = project_whereabouts(person_id, [movements.to_domain(r, codes) for r in rows])
    effective = {m.id for m in where.history}
    moves = [
        MovementRow(
            id=r.id,
            status=r.status,
            occurred_at=r.occurred_at,
            facility_id=r.facility_id,
            facility_name=names.get(r.facility_id) if r.facility_id else None,
            location_id=r.location_id,
            location_display=facilities.to_location(r.location).display,
            destination_name=names.get(r.destination_id) if r.destination_id else None,
        )
        for r in sorted(rows, key=lambda r: (r.occurred_at, r.recorded_at, r.id))
        if r.id in effective
    ]
    return fhir.split_stays(person_id, moves)


@router.get("/Encounter", operation_id="fhir_search_encounter")
def search_encounters(request: Request, session: SessionDep, staff: StaffDep) -> JSONResponse:
    params = dict(request.query_params)
    patient = params.get("patient", "").removeprefix("Patient/")
    if not patient:
        raise DomainError("patient", "Encounter searches need patient=<id>")
    person_id = _int(patient, "patient")
    found: list[dict[str, Any]] = []
    if _visible(session, staff, person_id):
        found = [fhir.encounter(s) for s in _stays(session, person_id)]
    if status := params.get("status"):
        found = [e for e in found if e["status"] in status.split(",")]
    _audit(session, staff, "search", "Encounter", params)
    return _send(fhir.searchset(_base(request), found))


@router.get("/Encounter/{eid}", operation_id="fhir_read_encounter")
def read_encounter(eid: str, session: SessionDep, staff: StaffDep) -> JSONResponse:
    person_part = eid.split("-", 1)[0]
    person_id = _int(person_part, "Encounter.id")
    if _visible(session, staff, person_id):
        for stay in _stays(session, person_id):
            if stay.id == eid:
                _audit(session, staff, "read", f"Encounter/{eid}")
                return _send(fhir.encounter(stay))
    raise NotFound("Encounter.id", f"no Encounter/{eid}")


@router.get("/Location", operation_id="fhir_search_location")
def search_locations(request: Request, session: SessionDep, _: StaffDep) -> JSONResponse:
    params = dict(request.query_params)
    name = params.get("name", "").lower()
    partof = params.get("partof", "").removeprefix("Location/")
    found: list[dict[str, Any]] = []
    for facility in facilities.list_all(session):
        if partof and partof != f"f{facility.id}":
            continue
        if not partof and (not name or facility.name.lower().startswith(name)):
            found.append(fhir.facility_location(facility))
        for row in facilities.locations(session, facility.id):
            display = facilities.to_location(row).display
            if not name or display.lower().startswith(name) or f" {name}" in display.lower():
                found.append(fhir.location(row, display))
    return _send(fhir.searchset(_base(request), found[: _count(params)]))


@router.get("/Location/{lid}", operation_id="fhir_read_location")
def read_location(lid: str, session: SessionDep, _: StaffDep) -> JSONResponse:
    kind, number = lid[:1], lid[1:]
    if kind == "f" and number.isdigit():
        facility = session.get(t.Facility, int(number))
        if facility is not None:
            return _send(fhir.facility_location(facility))
    if kind == "l" and number.isdigit():
        row = session.get(t.Location, int(number))
        if row is not None:
            return _send(fhir.location(row, facilities.to_location(row).display))
    raise NotFound("Location.id", f"no Location/{lid}")


@router.get("/RelatedPerson", operation_id="fhir_search_related_person")
def search_related(request: Request, session: SessionDep, staff: StaffDep) -> JSONResponse:
    patient = request.query_params.get("patient", "").removeprefix("Patient/")
    if not patient:
        raise DomainError("patient", "RelatedPerson searches need patient=<id>")
    person_id = _int(patient, "patient")
    found: list[dict[str, Any]] = []
    if _visible(session, staff, person_id):
        contacts = session.scalars(select(t.Contact).where(t.Contact.person_id == person_id))
        found = [fhir.related_person(person_id, c) for c in contacts]
    _audit(session, staff, "search", "RelatedPerson", {"patient": patient})
    return _send(fhir.searchset(_base(request), found))


@router.get("/RelatedPerson/{rid}", operation_id="fhir_read_related_person")
def read_related(rid: str, session: SessionDep, staff: StaffDep) -> JSONResponse:
    person_part, _, contact_part = rid.partition("-c")
    if person_part.isdigit() and contact_part.isdigit():
        contact = session.get(t.Contact, int(contact_part))
        person_id = int(person_part)
        if (
            contact is not None
            and contact.person_id == person_id
            and _visible(session, staff, person_id)
        ):
            return _send(fhir.related_person(person_id, contact))
    raise NotFound("RelatedPerson.id", f"no RelatedPerson/{rid}")


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise DomainError("body", "is not JSON") from None
    if not isinstance(body, dict) or body.get("resourceType") != "Encounter":
        raise DomainError("resourceType", "must be Encounter")
    return body


def _record_encounter(
    session: Session, staff: Staff, body: dict[str, Any], sender_id: str
) -> tuple[dict[str, Any], bool]:
    given = fhir.parse_encounter(body)
    ref = given.location_ref.removeprefix("Location/")
    location = Location()
    facility_row: t.Facility | None = None
    if ref.startswith("l") and ref[1:].isdigit():
        row = session.get(t.Location, int(ref[1:]))
        if row is not None:
            facility_row = session.get(t.Facility, row.facility_id)
            location = facilities.to_location(row)
    elif ref.startswith("f") and ref[1:].isdigit():
        facility_row = session.get(t.Facility, int(ref[1:]))
    if facility_row is None:
        # A dangling reference in a posted resource is a content error (422), not a 404.
        raise DomainError("Encounter.location", f"no Location/{ref} on this server")
    if not staff.may_act_at(facility_row.id):
        raise Forbidden("Encounter.location", f"you are not staff of {facility_row.code}")
    status = Status.EMERGENCY_DEPARTMENT if given.emergency else given.status
    draft = MovementDraft(
        person_id=given.person_id,
        status=status,
        occurred_at=given.occurred_at,
        facility_code=facility_row.code,
        location=location if status is not Status.DISCHARGED else Location(),
        source=f"fhir:{staff.username}",
        source_ref=f"{sender_id}|{status.value}|{ref}|{given.occurred_at.isoformat()}",
    )
    try:
        _, created = record_movement(session, draft, actor=staff.actor)
    except NotFound as exc:
        raise DomainError(f"Encounter.{exc.field}", exc.problem) from None
    except DomainError as exc:
        raise type(exc)(f"Encounter.{exc.field}", exc.problem) from None
    stays = _stays(session, given.person_id)
    session.commit()
    return fhir.encounter(stays[-1]) if stays else body, created


@router.post("/Encounter", operation_id="fhir_create_encounter")
async def create_encounter(request: Request, session: SessionDep, staff: StaffDep) -> JSONResponse:
    """Record an Encounter's current state as a movement (an alternative to HL7 ADT)."""
    body = await _json_body(request)
    resource, created = _record_encounter(session, staff, body, body.get("id") or "post")
    location = f"{_base(request)}/Encounter/{resource.get('id')}"
    return _send(resource, 201 if created else 200, {"Location": location})


@router.put("/Encounter/{eid}", operation_id="fhir_update_encounter")
async def update_encounter(
    eid: str, request: Request, session: SessionDep, staff: StaffDep
) -> JSONResponse:
    body = await _json_body(request)
    if body.get("id") not in (None, eid):
        raise DomainError("Encounter.id", "must match the id in the URL")
    resource, _ = _record_encounter(session, staff, {**body, "id": eid}, eid)
    return _send(resource)


def _audit(
    session: Session, staff: Staff, action: str, what: str, params: dict[str, str] | None = None
) -> None:
    audit.record_event(
        session,
        f"fhir:{what.split('/')[0].lower()}:{action}",
        actor=staff.actor,
        subject_type="fhir",
        subject_id=what,
        data={"params": params or {}},
    )
    session.commit()
