"""Staff tasks and the admin audit export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from fastapi.testclient import TestClient

from reunify.domain import Role


def _bearer(make_staff: Callable[..., str], role: Role, *facilities: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_staff(role, facilities)}"}


def _ask_about_reed(client: TestClient) -> None:
    response = client.post(
        "/api/v1/inquiries", json={"sought": {"name": "Reed Adamson", "sex": "female", "age": 30}}
    )
    assert response.json()["answer"]["kind"] == "contact_family_assistance_centre"


def test_an_officer_sees_the_death_notification_task_and_records_the_family_was_told(
    app_client: TestClient, demo: int, make_staff: Callable[..., str]
) -> None:
    _ask_about_reed(app_client)
    officer = _bearer(make_staff, Role.REUNIFICATION_OFFICER)
    listed = app_client.get("/api/v1/tasks", headers=officer).json()
    [task] = [x for x in listed["data"] if x["kind"] == "notify_next_of_kin_in_person"]
    done = app_client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"outcome": "Told her parents in person at the centre", "family_told": True},
        headers=officer,
    )
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "done"
    assert done.json()["family_told"] is True
    again = app_client.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"family_told": True}, headers=officer
    )
    assert again.status_code == 409
    # Even after the family was told, the public answer does not change.
    _ask_about_reed(app_client)


def test_an_officer_can_open_a_task_by_hand(
    app_client: TestClient, demo: int, make_staff: Callable[..., str]
) -> None:
    officer = _bearer(make_staff, Role.REUNIFICATION_OFFICER)
    created = app_client.post(
        "/api/v1/tasks", json={"kind": "minor", "summary": "Unaccompanied child"}, headers=officer
    )
    assert created.status_code == 201
    bad = app_client.post("/api/v1/tasks", json={"kind": "lunch"}, headers=officer)
    assert bad.status_code == 422


def test_facility_staff_cannot_see_the_review_queue(
    app_client: TestClient, demo: int, make_staff: Callable[..., str]
) -> None:
    desk = _bearer(make_staff, Role.FACILITY_STAFF, "SPH")
    assert app_client.get("/api/v1/tasks", headers=desk).status_code == 403
    assert app_client.get("/api/v1/audit", headers=desk).status_code == 403


def test_admins_export_the_audit_log_as_json_lines_and_csv(
    app_client: TestClient, demo: int, admin_headers: dict[str, str]
) -> None:
    _ask_about_reed(app_client)
    lines = app_client.get("/api/v1/audit?format=jsonl&tag=public:inquiry", headers=admin_headers)
    assert lines.status_code == 200
    records = [json.loads(line) for line in lines.text.splitlines()]
    assert records
    assert records[-1]["data"]["rule"] == "deceased:public"
    assert records[-1]["data"]["staff_tasks"] == ["notify_next_of_kin_in_person"]
    table = app_client.get("/api/v1/audit?format=csv", headers=admin_headers)
    assert table.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert {"public:inquiry:answer", "staff:audit:export"} <= {r["tag"] for r in rows}


def test_staff_see_the_delivery_state_of_notifications(
    app_client: TestClient, demo: int, admin_headers: dict[str, str]
) -> None:
    app_client.post("/api/v1/verifications", json={"email": "izzie@example.org"})
    counts = app_client.get("/api/v1/outbox", headers=admin_headers).json()["counts"]
    assert counts == {"pending": 1}
