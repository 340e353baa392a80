"""The FHIR R4 interface, exercised by a real FHIR client library (fhirpy) over real HTTP."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.patient import Patient
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import AuthorizationError, OperationOutcome, ResourceNotFound
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from reunify.config import Settings
from reunify.domain import Role
from reunify.store import Database
from reunify.web.app import create_app
from tests_support import karev_id


class _OneRequestAtATime:
    """Serialise requests, including the dependency teardown that closes each session.

    The test binds every request's session to one shared connection (so the test's transaction
    can roll everything back). A DB-API connection is not for concurrent use, and FastAPI may
    close a request's session after the response has gone out, while the client's next request
    is already running on the same connection; PostgreSQL then loses a savepoint. A real
    deployment has a connection per session, so this is only a property of the test harness.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock: asyncio.Lock | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.lock is None:
            self.lock = asyncio.Lock()
        async with self.lock:
            await self.app(scope, receive, send)


@pytest.fixture
def server(
    settings: Settings, engine: Engine, session_factory: sessionmaker[Session], demo: int
) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 bound to the test's rolled-back transaction."""
    app = create_app(
        settings,
        database=Database(settings.database_url, engine=engine),
        session_factory=session_factory,
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        _OneRequestAtATime(app), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30  # a loaded 2-core CI machine can be slow to start it
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the test HTTP server did not start"
    yield f"http://127.0.0.1:{port}/fhir"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def client(server: str, make_staff: object) -> SyncFHIRClient:
    token = make_staff(Role.REUNIFICATION_OFFICER)  # type: ignore[operator]
    return SyncFHIRClient(server, authorization=f"Bearer {token}")


def test_patient_search_and_read(client: SyncFHIRClient, session: Session) -> None:
    found = client.resources("Patient").search(family="karev").fetch()
    assert len(found) == 1
    patient = Patient.model_validate(found[0].serialize())
    assert {n.use for n in patient.name or []} == {"official", "nickname"}
    assert patient.birthDate is not None
    systems = {i.system for i in patient.identifier or []}
    assert {"urn:reunify:issuer:SGMW", "urn:reunify:issuer:SPH"} <= systems
    read = client.reference("Patient", str(karev_id(session))).to_resource()
    assert read["id"] == str(karev_id(session))


def test_patient_search_by_identifier(client: SyncFHIRClient) -> None:
    found = client.resources("Patient").search(identifier="urn:reunify:issuer:SPH|SP778001").fetch()
    assert [p["name"][0]["family"] for p in found] == ["Karev"]
    assert client.resources("Patient").search(identifier="SGMW|SP778001").fetch() == []


def test_encounters_carry_the_location_history(client: SyncFHIRClient, session: Session) -> None:
    pid = karev_id(session)
    bundle = client.resources("Encounter").search(patient=f"Patient/{pid}").fetch_raw()
    raw = bundle.serialize() if hasattr(bundle, "serialize") else dict(bundle)
    Bundle.model_validate(raw)
    encounters = [Encounter.model_validate(dict(e["resource"])) for e in raw["entry"]]
    assert [e.status for e in encounters] == ["finished", "in-progress"]
    sgmw, sph = encounters
    assert sgmw.hospitalization is not None
    assert sgmw.hospitalization.destination.display == "Seattle Presbyterian Hospital"
    places = [(loc.location.display, loc.status) for loc in sph.location or []]
    assert places == [("ICU, room 12, bed A", "completed"), ("7W, room 778", "active")]
    icu, room = sph.location or []
    assert icu.period.end == room.period.start
    in_progress = client.resources("Encounter").search(patient=pid, status="in-progress").fetch()
    assert len(in_progress) == 1


def test_location_part_of_chain(client: SyncFHIRClient, session: Session) -> None:
    pid = karev_id(session)
    encounter = client.resources("Encounter").search(patient=pid, status="in-progress").get()
    room_ref = encounter["location"][-1]["location"]["reference"]
    room = Location.model_validate(client.reference(reference=room_ref).to_resource().serialize())
    assert room.partOf is not None
    site = client.reference(reference=room.partOf.reference).to_resource()
    assert site["name"] == "Seattle Presbyterian Hospital"
    children = client.resources("Location").search(partof=room.partOf.reference).fetch()
    assert room_ref.split("/")[1] in {c["id"] for c in children}


def test_related_person_from_next_of_kin(client: SyncFHIRClient) -> None:
    derek = client.resources("Patient").search(family="shepherd").get()
    related = client.resources("RelatedPerson").search(patient=derek["id"]).fetch()
    assert [r["name"][0]["text"] for r in related] == ["Meredith Grey"]


def test_encounter_as_a_feed(client: SyncFHIRClient, session: Session) -> None:
    pid = karev_id(session)
    room = client.resources("Encounter").search(patient=pid, status="in-progress").get()
    site_ref = client.reference(reference=room["location"][-1]["location"]["reference"])
    body = {
        "resourceType": "Encounter",
        "id": "sph-visit-9",
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
        "subject": {"reference": f"Patient/{pid}"},
        "period": {"start": "2026-11-21T04:05:00Z", "end": "2026-11-22T20:00:00Z"},
        "location": [{"location": {"reference": f"Location/{site_ref.id}"}, "status": "completed"}],
    }
    saved = client.resource("Encounter", **body)
    saved.save()
    after = client.resources("Encounter").search(patient=pid).fetch()
    assert [e["status"] for e in after] == ["finished", "finished"]


@pytest.mark.parametrize(
    ("change", "expression"),
    [
        ({"status": "planned"}, "Encounter.status"),
        ({"subject": {"reference": "Group/1"}}, "Encounter.subject"),
        ({"location": [{"location": {"reference": "Location/l999999"}}]}, "Encounter.location"),
        ({"status": "not-a-status"}, "Encounter.status"),
    ],
)
def test_bad_encounters_get_an_operation_outcome(
    client: SyncFHIRClient, session: Session, change: dict[str, object], expression: str
) -> None:
    body = {
        "resourceType": "Encounter",
        "status": "in-progress",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
        "subject": {"reference": f"Patient/{karev_id(session)}"},
        "period": {"start": "2026-11-22T20:00:00Z"},
        "location": [{"location": {"reference": "Location/f1"}}],
        **change,
    }
    with pytest.raises(OperationOutcome) as caught:
        client.resource("Encounter", **body).save()
    issue = caught.value.resource["issue"][0]
    assert issue["severity"] == "error"
    assert issue["expression"][0].startswith(expression)


def test_unknown_patient_and_no_token(client: SyncFHIRClient, server: str) -> None:
    with pytest.raises(ResourceNotFound):
        client.reference("Patient", "99999999").to_resource()
    anonymous = SyncFHIRClient(server)
    with pytest.raises(AuthorizationError, match="login"):
        anonymous.resources("Patient").search(name="karev").fetch()


def test_facility_staff_see_only_their_patients(server: str, make_staff: object) -> None:
    token = make_staff(Role.FACILITY_STAFF, ("KCME",))  # type: ignore[operator]
    morgue = SyncFHIRClient(server, authorization=f"Bearer {token}")
    assert morgue.resources("Patient").search(family="karev").fetch() == []
    assert len(morgue.resources("Patient").search(family="adamson").fetch()) == 1
