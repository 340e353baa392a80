""" "Stop these emails": the link in every notification, its page, and one-click (RFC 8058)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from families_support import Mailbox
from reunify import domain
from reunify.families import subscriptions
from reunify.families.inquiries import Seeker, ask, parse_sought
from reunify.notify.notifier import Notifier
from reunify.notify.senders import SmtpSender
from reunify.store import families_tables as ft
from reunify.store import tables as t
from reunify.tracking.service import MovementDraft, record_movement

PUBLIC = "https://reunify.example.org"


def _follow_karev(session: Session, language: str = "en") -> ft.Subscription:
    answer = ask(
        session,
        parse_sought(name="Alex Karev", age=31),
        Seeker(name="Izzie", email="izzie@example.org", language=language),
        raw_sought={"name": "Alex Karev", "age": 31},
    )
    now = datetime.now(UTC)
    proof = ft.Verification(
        address="email:izzie@example.org", code_hash="-", expires_at=now, verified_at=now,
        created_at=now,
    )  # fmt: skip
    session.add(proof)
    session.flush()
    sub = subscriptions.subscribe(session, answer.inquiry, proof)
    session.commit()
    return sub


def _move(session: Session, person_id: int, ref: str, status: domain.Status) -> None:
    draft = MovementDraft(
        person_id=person_id, status=status, occurred_at=datetime.now(UTC), facility_code="SPH",
        condition=domain.Condition.GOOD, source="test", source_ref=ref,
    )  # fmt: skip
    record_movement(session, draft, actor="staff/test")
    session.commit()


def _queued(session: Session, sub: ft.Subscription) -> int:
    rows = select(ft.OutboxMessage).where(ft.OutboxMessage.subscription_id == sub.id)
    return len(list(session.scalars(rows)))


def test_each_email_carries_a_stop_link_that_asks_then_stops(
    session: Session,
    session_factory: sessionmaker[Session],
    smtp_server: Mailbox,
    app_client: TestClient,
    demo: int,
) -> None:
    sub = _follow_karev(session, language="es")
    assert sub.stop_token
    assert sub.person_id is not None
    _move(session, sub.person_id, "good-1", domain.Status.ADMITTED)
    smtp = SmtpSender(smtp_server.host, smtp_server.port, "reunify@example.org")
    assert Notifier(session_factory, {"email": smtp}, public_url=PUBLIC + "/").run_once() == 1
    [message] = smtp_server.wait_for(1)
    url = f"{PUBLIC}/stop/{sub.stop_token}"
    text = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert text.rstrip().endswith(f"Para dejar de recibir estos correos, abra {url}")
    assert message["List-Unsubscribe"].strip() == f"<{url}>"  # a long header is folded
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    path = f"/stop/{sub.stop_token}"
    page = app_client.get(path, headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "Stop the emails about this search?" in page.text
    session.refresh(sub)
    assert sub.active  # opening the link (as a mail scanner does) stops nothing

    done = app_client.post(path, headers={"Accept-Language": "en"})
    assert done.status_code == 200
    assert "You will get no more emails about this search" in done.text
    session.refresh(sub)
    assert not sub.active
    event = session.scalars(select(t.Event).where(t.Event.tag == "public:subscription:stop")).one()
    assert event.subject_id == str(sub.id)
    assert event.data == {"via": "page"}

    before = _queued(session, sub)
    _move(session, sub.person_id, "out-1", domain.Status.DISCHARGED)
    assert _queued(session, sub) == before  # stopped: the discharge is not emailed
    again = app_client.get(path, headers={"Accept-Language": "en"})
    assert "You will get no more emails about this search" in again.text


def test_a_mail_clients_one_click_post_stops_and_is_audited_as_such(
    session: Session, app_client: TestClient, demo: int
) -> None:
    sub = _follow_karev(session)
    response = app_client.post(
        f"/stop/{sub.stop_token}",
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    session.refresh(sub)
    assert not sub.active
    event = session.scalars(select(t.Event).where(t.Event.tag == "public:subscription:stop")).one()
    assert event.data == {"via": "one-click"}


def test_a_wrong_link_says_so_and_stops_nothing(
    session: Session, app_client: TestClient, demo: int
) -> None:
    sub = _follow_karev(session)
    wrong = f"/stop/{sub.stop_token}x"
    page = app_client.get(wrong, headers={"Accept-Language": "es"})
    assert page.status_code == 404
    assert "Este enlace no funciona" in page.text
    assert app_client.post(wrong).status_code == 404
    session.refresh(sub)
    assert sub.active


def test_a_token_is_looked_up_only_when_it_could_be_one(
    session: Session, app_client: TestClient, demo: int
) -> None:
    sub = _follow_karev(session)
    assert subscriptions.by_stop_token(session, sub.stop_token or "") is sub
    assert subscriptions.by_stop_token(session, "") is None
    assert subscriptions.by_stop_token(session, "x" * 65) is None
