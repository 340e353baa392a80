"""Seekers' data is forgotten on request and after the incident closes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reunify.families.retention import purge
from reunify.store import families_tables as ft
from reunify.store import tables as t

SEEKER = {"name": "Isobel Stevens", "email": "izzie@example.org", "phone": "+1 503 555 0177"}


def _ask(client: TestClient, name: str) -> str:
    response = client.post(
        "/api/v1/inquiries", json={"sought": {"name": name, "age": 31}, "seeker": SEEKER}
    )
    inquiry_id: str = response.json()["inquiry_id"]
    return inquiry_id


def _token(client: TestClient, session: Session) -> str:
    client.post("/api/v1/verifications", json={"email": "izzie@example.org"})
    body = session.scalars(
        select(ft.OutboxMessage.body).order_by(ft.OutboxMessage.id.desc())
    ).first()
    code = re.search(r"\b(\d{6})\b", body or "").group(1)  # type: ignore[union-attr]
    response = client.post(
        "/api/v1/verifications/confirm", json={"email": "izzie@example.org", "code": code}
    )
    token: str = response.json()["seeker_token"]
    return token


def _row(session: Session, public_id: str) -> ft.Inquiry:
    return session.scalars(select(ft.Inquiry).where(ft.Inquiry.public_id == public_id)).one()


def test_a_seeker_deletes_their_inquiry_and_its_subscription(
    app_client: TestClient, demo: int, session: Session
) -> None:
    inquiry = _ask(app_client, "Alex Karev")
    token = _token(app_client, session)
    headers = {"X-Seeker-Token": token}
    app_client.post(f"/api/v1/inquiries/{inquiry}/subscription", json={}, headers=headers)
    assert app_client.delete(f"/api/v1/inquiries/{inquiry}").status_code == 403
    assert app_client.delete(f"/api/v1/inquiries/{inquiry}", headers=headers).status_code == 204
    row = _row(session, inquiry)
    session.refresh(row)
    assert (row.state, row.seeker_email, row.seeker_name, row.sought) == ("deleted", "", "", {})
    assert session.scalar(select(func.count()).select_from(ft.Subscription)) == 0
    assert app_client.delete(f"/api/v1/inquiries/{inquiry}", headers=headers).status_code == 404


def test_inquiries_are_purged_days_after_their_incident_closes(
    app_client: TestClient, demo: int, session: Session
) -> None:
    located = _ask(app_client, "Alex Karev")
    unmatched = _ask(app_client, "Zelda Quartermaine")
    incident = session.get(t.Incident, demo)
    assert incident is not None
    incident.closed_at = datetime.now(UTC) - timedelta(days=10)
    session.commit()
    assert purge(session, days=30) == 0
    assert purge(session, days=7) == 1  # the unmatched one is younger than 7 days
    session.commit()
    assert _row(session, located).state == "deleted"
    assert _row(session, located).seeker_phone == ""
    assert _row(session, unmatched).seeker_email == "izzie@example.org"
    later = datetime.now(UTC) + timedelta(days=8)
    assert purge(session, days=7, now=later) == 1
