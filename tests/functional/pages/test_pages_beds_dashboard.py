"""The bed board writes bed counts; the dashboard shows them with the incident's numbers."""

from __future__ import annotations

from fastapi.testclient import TestClient
from pages_support import add_user, csrf, sign_in
from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.domain import Role
from reunify.store import tables as t


def _beds(client: TestClient, **fields: str) -> object:
    data = {"csrf_token": csrf(client, "/beds?facility=SPH"), "facility": "SPH", **fields}
    return client.post("/beds", data=data, follow_redirects=False)


def _dashboard(client: TestClient) -> dict:  # type: ignore[type-arg]
    response = client.get("/dashboard", params={"format": "json"})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_facility_staff_update_beds_and_the_dashboard_shows_them(
    app_client: TestClient, session: Session, demo: int
) -> None:
    add_user(session, "sph-desk", Role.FACILITY_STAFF, ("SPH",))
    add_user(session, "commander", Role.ADMIN)
    sign_in(app_client, "sph-desk")
    page = app_client.get("/beds", params={"format": "json"}).json()
    burn = next(r for r in page["rows"] if r["bed_type"] == "burn")
    assert (burn["available"], burn["total"]) == (2, 6)
    response = _beds(app_client, available_burn="1", total_burn="6")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/beds?facility=SPH&saved=true"  # type: ignore[attr-defined]
    assert "Saved" in app_client.get("/beds?facility=SPH&saved=true").text
    event = session.scalars(select(t.Event).where(t.Event.tag == "staff:facility:beds")).one()
    assert event.data == {"burn": 1}

    app_client.cookies.clear()
    sign_in(app_client, "commander")
    sph = next(f for f in _dashboard(app_client)["beds"] if f["code"] == "SPH")
    assert {b["bed_type"]: (b["available"], b["total"]) for b in sph["beds"]}["burn"] == (1, 6)


def test_impossible_counts_are_refused_and_nothing_changes(
    app_client: TestClient, session: Session, demo: int
) -> None:
    add_user(session, "sph-desk", Role.FACILITY_STAFF, ("SPH",))
    sign_in(app_client, "sph-desk")
    response = _beds(app_client, available_burn="9", total_burn="6", available_isolation="x")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "Whole numbers only." in response.text  # type: ignore[attr-defined]
    assert 'aria-invalid="true"' in response.text  # type: ignore[attr-defined]
    rows = app_client.get("/beds", params={"format": "json"}).json()["rows"]
    assert next(r for r in rows if r["bed_type"] == "burn")["available"] == 2
    forged = app_client.post(
        "/beds", data={"csrf_token": "forged", "facility": "SPH", "available_burn": "0"}
    )
    assert forged.status_code == 400


def test_the_dashboard_counts_the_scenario(
    app_client: TestClient, session: Session, demo: int
) -> None:
    add_user(session, "officer", Role.REUNIFICATION_OFFICER)
    sign_in(app_client, "officer")
    page = _dashboard(app_client)
    assert page["incident"] == "sgmw-shooting"
    assert {s["status"]: s["count"] for s in page["by_status"]} == {
        "admitted": 2,
        "discharged": 1,
        "deceased": 4,
        "reported_safe": 8,
    }
    assert page["total"] == 15
    by_facility = {f["code"]: f["counts"] for f in page["by_facility"]}
    assert by_facility["SPH"] == {"admitted": 2}
    assert by_facility["KCME"] == {"deceased": 4}
    assert page["in_transit"] == []
    # Over time: the two critical patients leave SGMW and arrive at SPH.
    facility_series = {s["label"]: s["values"] for s in page["facility_chart"]["series"]}
    assert max(facility_series["Seattle Grace Mercy West Hospital"]) == 3
    assert facility_series["Seattle Presbyterian Hospital"][-1] == 2
    assert {s["label"]: s["values"][-1] for s in page["status_chart"]["series"]}["Admitted"] == 2
    html = app_client.get("/dashboard").text
    assert '<meta http-equiv="refresh" content="60">' in html
    assert html.count("<polyline") >= 2
    views = session.scalars(select(t.Event).where(t.Event.tag == "staff:dashboard:view")).all()
    assert len(views) == 2


def test_the_dashboard_lists_people_in_transit(
    app_client: TestClient, session: Session, demo: int
) -> None:
    from datetime import UTC, datetime

    from reunify.domain import Condition, Status
    from reunify.tracking.service import MovementDraft, locate, record_movement

    derek = locate(session, "Derek Shepherd", actor="test")[0].person_id
    record_movement(
        session,
        MovementDraft(
            person_id=derek,
            status=Status.IN_TRANSIT,
            occurred_at=datetime(2026, 11, 22, 9, 0, tzinfo=UTC),
            condition=Condition.SERIOUS,
            destination_code="SGMW",
        ),
        actor="staff/test",
    )
    session.commit()
    add_user(session, "officer", Role.REUNIFICATION_OFFICER)
    sign_in(app_client, "officer")
    [moving] = _dashboard(app_client)["in_transit"]
    assert moving["name"] == "Derek Christopher Shepherd"
    assert moving["destination"] == "Seattle Grace Mercy West Hospital"
    assert moving["condition"] == "serious"
