"""Everything in the staff API needs a staff role; facility staff are scoped to their facilities."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from reunify.accounts.passwords import hash_password
from reunify.domain import Role
from reunify.store import users
from tests_support import karev_id


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/incidents"),
        ("get", "/api/v1/facilities"),
        ("get", "/api/v1/people/1"),
        ("post", "/api/v1/movements"),
        ("get", "/api/v1/people?name=Alex+Karev"),
    ],
)
def test_anonymous_callers_are_refused(app_client: TestClient, method: str, path: str) -> None:
    response = getattr(app_client, method)(path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"] == "unauthorized"


def test_a_bad_token_is_refused(app_client: TestClient) -> None:
    response = app_client.get("/api/v1/incidents", headers={"Authorization": "Bearer rfy_nope"})
    assert response.status_code == 401


def test_password_login_issues_a_working_token(
    app_client: TestClient, session: Session, make_staff: object
) -> None:
    from datetime import UTC, datetime

    from reunify.store import tables as t

    session.add(
        t.User(
            username="desk1",
            role="admin",
            password_hash=hash_password("correct horse"),
            created_at=datetime.now(UTC),
        )
    )
    session.commit()
    bad = app_client.post("/api/v1/auth/token", json={"username": "desk1", "password": "wrong"})
    assert bad.status_code == 401
    good = app_client.post(
        "/api/v1/auth/token", json={"username": "desk1", "password": "correct horse"}
    )
    assert good.status_code == 200
    token = good.json()["access_token"]
    assert users.user_for_token(session, token) is not None
    listed = app_client.get("/api/v1/incidents", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200


def test_only_admins_create_incidents(app_client: TestClient, make_staff: object) -> None:
    token = make_staff(Role.REUNIFICATION_OFFICER)  # type: ignore[operator]
    response = app_client.post(
        "/api/v1/incidents",
        json={"slug": "bus-crash", "name": "Bus crash", "started_at": "2026-11-22T08:00:00Z"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403


def test_facility_staff_see_only_their_patients(
    app_client: TestClient, session: Session, demo: int, make_staff: object
) -> None:
    sph = {"Authorization": f"Bearer {make_staff(Role.FACILITY_STAFF, ('SPH',))}"}  # type: ignore[operator]
    kcme = {"Authorization": f"Bearer {make_staff(Role.FACILITY_STAFF, ('KCME',))}"}  # type: ignore[operator]
    alex = karev_id(session)
    assert app_client.get(f"/api/v1/people/{alex}", headers=sph).status_code == 200
    hidden = app_client.get(f"/api/v1/people/{alex}", headers=kcme)
    missing = app_client.get("/api/v1/people/99999999", headers=kcme)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].startswith("person_id: no person")


def test_facility_staff_record_only_at_their_facility(
    app_client: TestClient, session: Session, demo: int, make_staff: object
) -> None:
    sph = {"Authorization": f"Bearer {make_staff(Role.FACILITY_STAFF, ('SPH',))}"}  # type: ignore[operator]
    body = {
        "person_id": karev_id(session),
        "status": "admitted",
        "occurred_at": "2026-11-21T20:00:00Z",
        "facility": "SGMW",
    }
    response = app_client.post("/api/v1/movements", json=body, headers=sph)
    assert response.status_code == 403
    assert "facility" in response.json()["detail"]
