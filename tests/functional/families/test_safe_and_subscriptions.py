"""'I'm safe', verification, subscriptions and the outbox rows changes write (SCENARIO 1, 3, 7)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify import domain
from reunify.domain.errors import DomainError
from reunify.families.notes import NoteStatus, add_note
from reunify.store import families_tables as ft
from reunify.store import tables as t
from reunify.tracking.service import MovementDraft, record_movement

IZZIE = {"name": "Isobel Stevens", "relationship": "friend", "email": "izzie@example.org"}


def _verify(client: TestClient, session: Session, **contact: str) -> str:
    assert client.post("/api/v1/verifications", json=contact).status_code == 202
    row = session.scalars(
        select(ft.OutboxMessage)
        .where(ft.OutboxMessage.dedup_key.like("verify.%"))
        .order_by(ft.OutboxMessage.id.desc())
    ).first()
    assert row is not None
    code = re.search(r"\b(\d{6})\b", row.body).group(1)  # type: ignore[union-attr]
    response = client.post("/api/v1/verifications/confirm", json={**contact, "code": code})
    assert response.status_code == 200, response.text
    token: str = response.json()["seeker_token"]
    return token


def _inquire(client: TestClient, sought: dict[str, object], seeker: dict[str, str] = IZZIE) -> str:
    response = client.post("/api/v1/inquiries", json={"sought": sought, "seeker": seeker})
    assert response.status_code == 201
    inquiry_id: str = response.json()["inquiry_id"]
    return inquiry_id


def _notifications(session: Session) -> list[ft.OutboxMessage]:
    stmt = select(ft.OutboxMessage).where(ft.OutboxMessage.subscription_id.is_not(None))
    return list(session.scalars(stmt.order_by(ft.OutboxMessage.id)))


def test_a_safe_report_answers_later_inquiries(app_client: TestClient, demo: int) -> None:
    response = app_client.post(
        "/api/v1/safe",
        json={"name": "April Kepner", "age": 29, "city": "Seattle", "message": "Fine, at home."},
    )
    assert response.status_code == 201, response.text
    answer = app_client.post(
        "/api/v1/inquiries", json={"sought": {"name": "April Kepner", "city": "Seattle"}}
    ).json()["answer"]
    assert answer["kind"] == "reported_safe"
    assert answer["message"] == "Fine, at home."


def test_a_safe_report_needs_a_full_name(app_client: TestClient, demo: int) -> None:
    response = app_client.post("/api/v1/safe", json={"name": "April", "message": "ok"})
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "body.name"


def test_a_followed_open_inquiry_is_told_when_a_safe_report_matches_it(
    app_client: TestClient, demo: int, session: Session
) -> None:
    inquiry = _inquire(app_client, {"name": "Callie Torres", "age": 35, "sex": "female"})
    token = _verify(app_client, session, email="izzie@example.org")
    sub = app_client.post(
        f"/api/v1/inquiries/{inquiry}/subscription", json={}, headers={"X-Seeker-Token": token}
    )
    assert sub.status_code == 201, sub.text
    report = app_client.post(
        "/api/v1/safe",
        json={"name": "Callie Torres", "age": 35, "sex": "female", "message": "I'm OK."},
    )
    assert report.json()["matched_inquiries"] == 1
    [message] = _notifications(session)
    assert message.recipient == "izzie@example.org"
    assert "Callie Torres reported themself safe" in message.body
    assert "I'm OK." in message.body


def test_following_alex_tells_of_a_disclosed_change_only(
    app_client: TestClient, demo: int, session: Session
) -> None:
    inquiry = _inquire(app_client, {"name": "Alex Karev", "age": 31, "sex": "male"})
    token = _verify(app_client, session, email="izzie@example.org")
    headers = {"X-Seeker-Token": token}
    sub = app_client.post(f"/api/v1/inquiries/{inquiry}/subscription", json={}, headers=headers)
    assert sub.status_code == 201, sub.text
    karev = session.scalars(
        select(t.PersonName.person_id).where(t.PersonName.folded == "alex karev")
    ).one()

    def move(ref: str, status: domain.Status, **kw: object) -> None:
        draft = MovementDraft(
            person_id=karev,
            status=status,
            occurred_at=datetime(2026, 11, 22, 12, tzinfo=UTC),
            source="test",
            source_ref=ref,
            **kw,  # type: ignore[arg-type]
        )
        record_movement(session, draft, actor="staff/test")
        session.commit()

    # Another room, same facility and condition: the public answer is unchanged; no message.
    move(
        "r1",
        domain.Status.ADMITTED,
        facility_code="SPH",
        location=domain.Location(unit="7W", room="779"),
        condition=domain.Condition.FAIR,
    )
    assert _notifications(session) == []
    move("r2", domain.Status.DISCHARGED, facility_code="SPH")
    [message] = _notifications(session)
    assert "has been discharged" in message.body
    assert "779" not in message.body
    # The same change recorded again (same source_ref) queues nothing more.
    move("r2", domain.Status.DISCHARGED, facility_code="SPH")
    assert len(_notifications(session)) == 1


def test_only_the_verified_seeker_who_asked_can_follow(
    app_client: TestClient, demo: int, session: Session
) -> None:
    inquiry = _inquire(app_client, {"name": "Alex Karev", "age": 31})
    stranger = _verify(app_client, session, email="stranger@example.org")
    response = app_client.post(
        f"/api/v1/inquiries/{inquiry}/subscription", json={}, headers={"X-Seeker-Token": stranger}
    )
    assert response.status_code == 403
    no_token = app_client.post(f"/api/v1/inquiries/{inquiry}/subscription", json={})
    assert no_token.status_code == 403


def test_a_wrong_code_is_refused(app_client: TestClient, demo: int) -> None:
    app_client.post("/api/v1/verifications", json={"email": "izzie@example.org"})
    response = app_client.post(
        "/api/v1/verifications/confirm", json={"email": "izzie@example.org", "code": "0000000"}
    )
    assert response.status_code == 403


def test_a_verified_designated_contact_learns_the_unit(
    app_client: TestClient, demo: int, session: Session
) -> None:
    meredith = {"name": "Meredith Grey", "phone": "+1 206 555 0141"}
    token = _verify(app_client, session, phone="+1 206 555 0141")
    sought = {"name": "Derek Shepherd", "age": 45}
    plain = app_client.post("/api/v1/inquiries", json={"sought": sought, "seeker": meredith})
    assert "unit" not in plain.json()["answer"]
    verified = app_client.post(
        "/api/v1/inquiries",
        json={"sought": sought, "seeker": meredith},
        headers={"X-Seeker-Token": token},
    )
    assert verified.json()["answer"]["unit"] == "ICU"


def test_believed_dead_is_for_staff_only(demo: int, session: Session) -> None:
    person_id = session.scalars(select(t.Person.id)).first()
    assert person_id is not None
    with pytest.raises(DomainError, match="only be recorded by staff"):
        add_note(session, person_id, NoteStatus.BELIEVED_DEAD, source="seeker")
    note = add_note(session, person_id, NoteStatus.BELIEVED_DEAD, source="staff/x", by_staff=True)
    assert note.status == "believed_dead"


def test_following_says_nothing_of_whether_anyone_matched(
    app_client: TestClient, demo: int, session: Session
) -> None:
    karev = session.scalars(
        select(t.PersonName.person_id).where(t.PersonName.folded == "alex karev")
    ).one()
    session.get(t.Person, karev).directory_opt_out = True  # type: ignore[union-attr]
    session.commit()
    token = _verify(app_client, session, email="izzie@example.org")
    bodies = []
    for sought in (
        {"name": "Alex Karev", "age": 31, "sex": "male"},  # protected: matched, not disclosed
        {"name": "Nobody Atall", "age": 31, "sex": "male"},  # not found
    ):
        inquiry = _inquire(app_client, sought)
        answer = app_client.post(
            f"/api/v1/inquiries/{inquiry}/subscription",
            json={},
            headers={"X-Seeker-Token": token},
        )
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert body.pop("inquiry_id") == inquiry
        bodies.append(body)
    assert bodies[0] == bodies[1]
