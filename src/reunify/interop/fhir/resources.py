"""Pure mappings between Reunify's records and FHIR R4 resources (as JSON-ready dicts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fhir.resources.R4B.encounter import Encounter as FhirEncounter
from pydantic import ValidationError

from reunify.domain import Status
from reunify.domain.errors import DomainError

V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PHYSICAL_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type"
ISSUER_SYSTEM = "urn:reunify:issuer:"

_NAME_USE = {
    "legal": "official",
    "nickname": "nickname",
    "alias": "usual",
    "maiden": "maiden",
    "trauma_alias": "temp",
}
_IDENTIFIER_TYPE = {"mrn": "MR", "visit": "VN", "triage_tag": "PLAC", "trauma_alias": "ANON"}
_IN_CARE = {Status.EMERGENCY_DEPARTMENT.value, Status.ADMITTED.value}


def _instant(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def patient(person: Any) -> dict[str, Any]:
    """A Patient from a ``PersonView``; identifiers keep their issuer as the system."""
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(person.person_id),
        "active": True,
        "identifier": [
            {
                "system": ISSUER_SYSTEM + i.issuer,
                "value": i.value,
                **(
                    {"type": {"coding": [{"system": V2_0203, "code": _IDENTIFIER_TYPE[i.kind]}]}}
                    if i.kind in _IDENTIFIER_TYPE
                    else {}
                ),
            }
            for i in person.identifiers
        ],
        "name": [
            {
                "use": _NAME_USE.get(n.use, "usual"),
                "text": n.display,
                **({"family": n.family} if n.family else {}),
                **({"given": n.given.split()} if n.given else {}),
            }
            for n in person.names
        ],
    }
    if person.sex in ("male", "female", "other", "unknown"):
        resource["gender"] = person.sex
    if person.birth_date:
        resource["birthDate"] = person.birth_date
    if person.status == Status.DECEASED.value:
        resource["deceasedBoolean"] = True
    return resource


@dataclass(frozen=True)
class StayPlace:
    location_id: int | None
    display: str
    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class Stay:
    """One contiguous period of care at one facility: what FHIR calls an Encounter."""

    id: str
    person_id: int
    facility_id: int
    facility_name: str
    start: datetime
    end: datetime | None
    emergency_only: bool
    places: tuple[StayPlace, ...]
    destination: str | None = None
    deceased: bool = False


@dataclass(frozen=True)
class MovementRow:
    """The few movement columns a stay needs (kept apart from the ORM so this stays pure)."""

    id: int
    status: str
    occurred_at: datetime
    facility_id: int | None
    facility_name: str | None
    location_id: int | None
    location_display: str
    destination_name: str | None = None


def split_stays(person_id: int, moves: Sequence[MovementRow]) -> list[Stay]:
    """Group effective movements (oldest first) into stays at one facility each."""
    stays: list[Stay] = []
    current: list[MovementRow] = []

    def close(end: MovementRow | None) -> None:
        if not current:
            return
        first = current[0]
        places = [
            StayPlace(
                m.location_id,
                m.location_display,
                m.occurred_at,
                current[i + 1].occurred_at
                if i + 1 < len(current)
                else (end.occurred_at if end else None),
            )
            for i, m in enumerate(current)
        ]
        assert first.facility_id is not None
        stays.append(
            Stay(
                id=f"{person_id}-{first.id}",
                person_id=person_id,
                facility_id=first.facility_id,
                facility_name=first.facility_name or "",
                start=first.occurred_at,
                end=end.occurred_at if end else None,
                emergency_only=all(m.status == Status.EMERGENCY_DEPARTMENT.value for m in current),
                places=tuple(places),
                destination=end.destination_name if end else None,
                deceased=bool(end and end.status == Status.DECEASED.value),
            )
        )
        current.clear()

    for move in moves:
        in_care = move.status in _IN_CARE and move.facility_id is not None
        if current and (not in_care or move.facility_id != current[0].facility_id):
            close(move)
        if in_care:
            current.append(move)
    close(None)
    return stays


def encounter(stay: Stay) -> dict[str, Any]:
    """An Encounter whose ``location`` list is the stay's history, each place with its period."""
    finished = stay.end is not None
    locations = []
    for index, place in enumerate(stay.places):
        if place.location_id is None:
            continue
        active = not finished and index == len(stay.places) - 1
        period: dict[str, str] = {"start": _instant(place.start)}
        if place.end is not None:
            period["end"] = _instant(place.end)
        locations.append(
            {
                "location": {
                    "reference": f"Location/l{place.location_id}",
                    "display": place.display,
                },
                "status": "active" if active else "completed",
                "period": period,
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": stay.id,
        "status": "finished" if finished else "in-progress",
        "class": {
            "system": ACT_CODE,
            "code": "EMER" if stay.emergency_only else "IMP",
            "display": "emergency" if stay.emergency_only else "inpatient encounter",
        },
        "subject": {"reference": f"Patient/{stay.person_id}"},
        "serviceProvider": {"display": stay.facility_name},
        "period": {"start": _instant(stay.start)}
        | ({"end": _instant(stay.end)} if stay.end else {}),
        "location": locations,
    }
    hospitalization: dict[str, Any] = {}
    if stay.destination:
        hospitalization["destination"] = {"display": stay.destination}
    if stay.deceased:
        hospitalization["dischargeDisposition"] = {"text": "expired"}
    if hospitalization:
        resource["hospitalization"] = hospitalization
    return resource


def facility_location(facility: Any) -> dict[str, Any]:
    return {
        "resourceType": "Location",
        "id": f"f{facility.id}",
        "status": "active",
        "name": facility.name,
        "mode": "instance",
        "identifier": [{"system": "urn:reunify:facility", "value": facility.code}],
        "physicalType": {"coding": [{"system": PHYSICAL_TYPE, "code": "si", "display": "Site"}]},
        **({"address": {"city": facility.city}} if facility.city else {}),
    }


def location(row: Any, display: str) -> dict[str, Any]:
    code, label = ("bd", "Bed") if row.bed else ("ro", "Room") if row.room else ("wa", "Ward")
    return {
        "resourceType": "Location",
        "id": f"l{row.id}",
        "status": "active",
        "name": display,
        "mode": "instance",
        "physicalType": {"coding": [{"system": PHYSICAL_TYPE, "code": code, "display": label}]},
        "partOf": {"reference": f"Location/f{row.facility_id}"},
    }


def related_person(person_id: int, contact: Any) -> dict[str, Any]:
    telecom = []
    if contact.phone:
        telecom.append({"system": "phone", "value": contact.phone})
    if contact.email:
        telecom.append({"system": "email", "value": contact.email})
    resource: dict[str, Any] = {
        "resourceType": "RelatedPerson",
        "id": f"{person_id}-c{contact.id}",
        "active": True,
        "patient": {"reference": f"Patient/{person_id}"},
        "name": [{"text": contact.name}],
    }
    if contact.relationship_:
        resource["relationship"] = [{"text": contact.relationship_}]
    if telecom:
        resource["telecom"] = telecom
    return resource


def searchset(base: str, resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [
            {
                "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ],
    }


def operation_outcome(code: str, diagnostics: str, expression: str | None = None) -> dict[str, Any]:
    issue: dict[str, Any] = {"severity": "error", "code": code, "diagnostics": diagnostics}
    if expression:
        issue["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "issue": [issue]}


# -- Encounter as a feed ------------------------------------------------------------------

_FEED_STATUS = {
    "arrived": Status.EMERGENCY_DEPARTMENT,
    "triaged": Status.EMERGENCY_DEPARTMENT,
    "in-progress": Status.ADMITTED,
    "onleave": Status.ADMITTED,
    "finished": Status.DISCHARGED,
}


@dataclass(frozen=True)
class EncounterInput:
    """What a posted Encounter asks us to record."""

    person_id: int
    status: Status
    location_ref: str
    occurred_at: datetime
    sender_id: str
    emergency: bool = False
    notes: list[str] = field(default_factory=list)


def parse_encounter(body: dict[str, Any]) -> EncounterInput:
    """Validate a posted Encounter with the R4B model and reduce it to one movement."""
    try:
        enc = FhirEncounter.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DomainError(f"Encounter.{where}" if where else "Encounter", first["msg"]) from None
    if enc.status not in _FEED_STATUS:
        raise DomainError("Encounter.status", f"{enc.status!r} cannot be recorded as a movement")
    subject = enc.subject.reference if enc.subject else None
    if not subject or not subject.startswith("Patient/") or not subject[8:].isdigit():
        raise DomainError("Encounter.subject", "must reference Patient/<id> of this server")
    active = [loc for loc in enc.location or [] if loc.status in (None, "active")]
    listed = active or list(enc.location or [])
    chosen = listed[-1] if listed else None
    if chosen is None or not chosen.location.reference:
        raise DomainError("Encounter.location", "needs a Location reference of this server")
    status = _FEED_STATUS[enc.status]
    when = None
    if status is Status.DISCHARGED and enc.period and enc.period.end:
        when = enc.period.end
    elif chosen.period and chosen.period.start:
        when = chosen.period.start
    elif enc.period and enc.period.start:
        when = enc.period.start
    if when is None:
        raise DomainError("Encounter.period", "needs a start (or an end when finished)")
    if when.tzinfo is None:
        raise DomainError("Encounter.period", "times need a time zone offset")
    code = enc.class_fhir.code if enc.class_fhir else None
    return EncounterInput(
        person_id=int(subject[8:]),
        status=status,
        location_ref=chosen.location.reference,
        occurred_at=when,
        sender_id=enc.id or "",
        emergency=code == "EMER" and status is Status.ADMITTED,
    )
