"""Bad input: a 4xx in the one error shape naming the field, and nothing stored changes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reunify.store import tables as t
from tests_support import karev_id

SHAPE = {"status", "error", "detail", "fields"}


def assert_error(response: Any, status: int, field: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == SHAPE
    assert body["status"] == status
    assert field in body["detail"]
    assert any(field in f["field"] for f in body["fields"]), body


def counts(session: Session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count()).select_from(t.Person)) or 0,
        session.scalar(select(func.count()).select_from(t.Movement)) or 0,
        session.scalar(select(func.count()).select_from(t.Whereabouts)) or 0,
    )


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (
            {
                "person_id": "KAREV",
                "status": "admitted",
                "occurred_at": "2026-11-21T04:00:00Z",
                "facility": "NOWHERE",
            },
            404,
            "facility",
        ),
        (
            {
                "person_id": 999999,
                "status": "admitted",
                "occurred_at": "2026-11-21T04:00:00Z",
                "facility": "SPH",
            },
            404,
            "person_id",
        ),
        (
            {
                "person_id": "KAREV",
                "status": "admitted",
                "occurred_at": "2026-02-30T04:00:00Z",
                "facility": "SPH",
            },
            422,
            "occurred_at",
        ),
        (
            {
                "person_id": "KAREV",
                "status": "admitted",
                "occurred_at": "2026-11-21T04:00:00",
                "facility": "SPH",
            },
            422,
            "occurred_at",
        ),
        (
            {"person_id": "one", "status": "admitted", "occurred_at": "2026-11-21T04:00:00Z"},
            422,
            "person_id",
        ),
        (
            {"person_id": "KAREV", "status": "levitating", "occurred_at": "2026-11-21T04:00:00Z"},
            422,
            "status",
        ),
        (
            {
                "person_id": "KAREV",
                "status": "admitted",
                "occurred_at": "2026-11-21T04:00:00Z",
                "facility": "SPH",
                "colour": "red",
            },
            422,
            "colour",
        ),
        (
            {"person_id": "KAREV", "status": "admitted", "occurred_at": "2026-11-21T04:00:00Z"},
            422,
            "facility",
        ),
    ],
    ids=[
        "unknown-facility",
        "unknown-person",
        "impossible-date",
        "naive-time",
        "wrong-type",
        "unknown-status",
        "unknown-field",
        "admitted-nowhere",
    ],
)
def test_bad_movements_are_refused_and_change_nothing(
    app_client: TestClient,
    session: Session,
    demo: int,
    admin_headers: dict[str, str],
    body: dict[str, Any],
    status: int,
    field: str,
) -> None:
    if body.get("person_id") == "KAREV":
        body = {**body, "person_id": karev_id(session)}
    before = counts(session)
    response = app_client.post("/api/v1/movements", json=body, headers=admin_headers)
    assert_error(response, status, field)
    assert counts(session) == before


def test_malformed_json(app_client: TestClient, admin_headers: dict[str, str]) -> None:
    response = app_client.post(
        "/api/v1/movements",
        content=b'{"person_id": "KAREV",',
        headers={**admin_headers, "Content-Type": "application/json"},
    )
    assert_error(response, 422, "body")
    assert "malformed JSON" in response.json()["detail"]


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"date_of_birth": "1990-13-01"}, "date_of_birth"),
        ({"age": "ancient"}, "age"),
        ({"names": []}, "names"),
        ({"names": [{"given": "", "family": ""}]}, "names.0"),
        ({"incident": "no-such-incident"}, "incident"),
    ],
)
def test_bad_people_are_refused(
    app_client: TestClient,
    session: Session,
    demo: int,
    admin_headers: dict[str, str],
    patch: dict[str, Any],
    field: str,
) -> None:
    body = {"incident": "sgmw-shooting", "names": [{"given": "Sam", "family": "Case"}], **patch}
    before = counts(session)
    response = app_client.post("/api/v1/people", json=body, headers=admin_headers)
    assert response.status_code in (404, 422)
    assert_error(response, response.status_code, field)
    assert counts(session) == before


def test_unknown_route_and_method_use_the_shape(app_client: TestClient) -> None:
    assert set(app_client.get("/api/v1/nothing-here").json()) == SHAPE
    assert set(app_client.delete("/healthz").json()) == SHAPE


def test_duplicate_identifier_is_a_conflict(
    app_client: TestClient, demo: int, admin_headers: dict[str, str]
) -> None:
    body = {
        "incident": "sgmw-shooting",
        "names": [{"given": "Sam", "family": "Case"}],
        "identifiers": [{"kind": "mrn", "value": "SP778001", "issuer": "SPH"}],
    }
    assert_error(
        app_client.post("/api/v1/people", json=body, headers=admin_headers), 409, "identifiers"
    )


# Found by the schema fuzzer (test_api_fuzz.py); each was a 500 before.
def test_a_nul_character_is_refused_by_name(
    app_client: TestClient, session: Session, demo: int, admin_headers: dict[str, str]
) -> None:
    before = counts(session)
    body = {"incident": "sgmw-shooting", "names": [{"given": "Sam\x00", "family": "Case"}]}
    assert_error(app_client.post("/api/v1/people", json=body, headers=admin_headers), 422, "given")
    nul_query = app_client.get("/api/v1/people", params={"q": "Sam\x00"}, headers=admin_headers)
    assert_error(nul_query, 422, "query.q")
    assert counts(session) == before


@pytest.mark.parametrize("path", ["/api/v1/people/{}", "/api/v1/people/{}/history"])
def test_an_id_beyond_64_bits_is_invalid_not_a_crash(
    app_client: TestClient, admin_headers: dict[str, str], path: str
) -> None:
    assert_error(app_client.get(path.format(2**70), headers=admin_headers), 422, "person_id")


def test_a_reused_source_ref_for_another_person_is_a_conflict(
    app_client: TestClient, session: Session, demo: int, admin_headers: dict[str, str]
) -> None:
    people = session.scalars(select(t.Person.id).order_by(t.Person.id).limit(2)).all()
    fact = {"status": "unknown", "occurred_at": "2026-11-21T05:00:00Z", "source_ref": "ev-1"}
    first = app_client.post(
        "/api/v1/movements", json={**fact, "person_id": people[0]}, headers=admin_headers
    )
    assert first.status_code == 201, first.text
    before = counts(session)
    other = app_client.post(
        "/api/v1/movements", json={**fact, "person_id": people[1]}, headers=admin_headers
    )
    assert_error(other, 409, "source_ref")
    assert counts(session) == before
    # a blank reference is no reference: two facts with it are two facts
    blank = {**fact, "source_ref": ""}
    for person_id in people:
        made = app_client.post(
            "/api/v1/movements", json={**blank, "person_id": person_id}, headers=admin_headers
        )
        assert made.status_code == 201, made.text
        assert made.json()["source_ref"] is None


def test_a_feed_offset_beyond_64_bits_is_invalid(
    app_client: TestClient, admin_headers: dict[str, str]
) -> None:
    answer = app_client.get("/api/v1/pfif/persons", params={"skip": 2**70}, headers=admin_headers)
    assert_error(answer, 422, "skip")
