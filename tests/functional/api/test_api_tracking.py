"""The staff API's main flows: incidents, facilities, people, movements, whereabouts."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests_support import karev_id


def test_health(app_client: TestClient) -> None:
    body = app_client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["schema"] == "0001" or body["schema"].isdigit()


def test_openapi_lists_every_resource(app_client: TestClient) -> None:
    paths = app_client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/incidents",
        "/api/v1/facilities",
        "/api/v1/facilities/{code}/locations",
        "/api/v1/people",
        "/api/v1/people/{person_id}",
        "/api/v1/movements",
        "/api/v1/people/{person_id}/history",
        "/healthz",
    ):
        assert path in paths


def test_register_admit_move_and_read(
    app_client: TestClient, demo: int, admin_headers: dict[str, str]
) -> None:
    created = app_client.post(
        "/api/v1/people",
        headers=admin_headers,
        json={
            "incident": "sgmw-shooting",
            "names": [{"given": "Jane", "family": "Roe", "use": "legal"}],
            "sex": "female",
            "age": "about 40",
            "identifiers": [{"kind": "triage_tag", "value": "T-0042", "issuer": "KCFD"}],
        },
    )
    assert created.status_code == 201, created.text
    pid = created.json()["person_id"]
    assert created.json()["status"] == "unknown"
    assert created.json()["age"] == "36-44"

    def move(when: str, room: str, ref: str) -> int:
        response = app_client.post(
            "/api/v1/movements",
            headers=admin_headers,
            json={
                "person_id": pid,
                "status": "admitted",
                "occurred_at": when,
                "facility": "SPH",
                "location": {"unit": "4E", "room": room},
                "condition": "serious",
                "source_ref": ref,
            },
        )
        return response.status_code

    assert move("2026-11-21T06:00:00-08:00", "410", "r1") == 201
    assert move("2026-11-21T05:00:00-08:00", "401", "r2") == 201  # late, earlier
    assert move("2026-11-21T06:00:00-08:00", "410", "r1") == 200  # repeat: stored once
    person = app_client.get(f"/api/v1/people/{pid}", headers=admin_headers).json()
    assert person["location"] == "4E, room 410"
    assert person["facility"] == "Seattle Presbyterian Hospital"
    history = app_client.get(f"/api/v1/people/{pid}/history", headers=admin_headers).json()
    assert history["count"] == 2
    assert [m["location"] for m in history["data"]] == ["4E, room 401", "4E, room 410"]


def test_update_names_and_add_identifier(
    app_client: TestClient, session: Session, demo: int, admin_headers: dict[str, str]
) -> None:
    pid = karev_id(session)
    response = app_client.patch(
        f"/api/v1/people/{pid}",
        headers=admin_headers,
        json={
            "names": [
                {"given": "Alexander", "family": "Karev"},
                {"given": "Alex", "family": "Karev", "use": "nickname"},
            ],
            "add_identifiers": [{"kind": "mrn", "value": "UW-5", "issuer": "UWMC"}],
        },
    )
    assert response.status_code == 200, response.text
    issuers = {i["issuer"] for i in response.json()["identifiers"]}
    assert {"SGMW", "SPH", "UWMC"} <= issuers


def test_find_people_by_name(
    app_client: TestClient, demo: int, admin_headers: dict[str, str]
) -> None:
    found = app_client.get(
        "/api/v1/people", params={"name": "derek shepherd"}, headers=admin_headers
    ).json()
    assert found["count"] == 1
    assert found["data"][0]["facility_code"] == "SPH"


def test_facilities_locations_and_beds(
    app_client: TestClient, demo: int, admin_headers: dict[str, str]
) -> None:
    created = app_client.post(
        "/api/v1/facilities",
        headers=admin_headers,
        json={"code": "UWMC", "name": "UW Medical Center", "city": "Seattle"},
    )
    assert created.status_code == 201
    loc = app_client.post(
        "/api/v1/facilities/UWMC/locations",
        headers=admin_headers,
        json={"unit": "5N", "room": "501"},
    )
    assert loc.json()["display"] == "5N, room 501"
    beds = app_client.put(
        "/api/v1/facilities/UWMC/beds",
        headers=admin_headers,
        json=[{"bed_type": "adult_icu", "total": 10, "available": 4}],
    )
    assert beds.json()["data"][0]["available"] == 4
    too_many = app_client.put(
        "/api/v1/facilities/UWMC/beds",
        headers=admin_headers,
        json=[{"bed_type": "burn", "total": 2, "available": 3}],
    )
    assert too_many.status_code == 422
    assert "available" in too_many.json()["detail"]
    assert (
        app_client.get("/api/v1/facilities/UWMC/beds", headers=admin_headers).json()["count"] == 1
    )


def test_whereabouts_of_alex(
    app_client: TestClient, session: Session, demo: int, admin_headers: dict[str, str]
) -> None:
    body = app_client.get(
        f"/api/v1/people/{karev_id(session)}/whereabouts", headers=admin_headers
    ).json()
    assert body["facility_code"] == "SPH"
    assert body["location"] == "7W, room 778"
    assert body["condition"] == "fair"
    assert "history" not in body


def test_staff_name_a_designated_contact(
    app_client: TestClient, session: Session, demo: int, admin_headers: dict[str, str]
) -> None:
    pid = karev_id(session)
    response = app_client.patch(
        f"/api/v1/people/{pid}",
        headers=admin_headers,
        json={
            "add_contacts": [
                {
                    "name": "Isobel Stevens",
                    "relationship": "former spouse",
                    "email": "izzie@example.org",
                }
            ],
        },
    )
    assert response.status_code == 200, response.text
    (contact,) = response.json()["contacts"]
    assert (contact["name"], contact["designated"]) == ("Isobel Stevens", True)
