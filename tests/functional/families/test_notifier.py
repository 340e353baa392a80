"""The notifier against a real SMTP server and a real webhook receiver."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from families_support import Hook, Mailbox, free_port
from reunify.notify import outbox
from reunify.notify.notifier import Notifier
from reunify.notify.senders import SmtpSender, Unconfigured, WebhookSender
from reunify.store import Database
from reunify.store import families_tables as ft


def _queue(session: Session, n: int, channel: str = "email") -> None:
    for i in range(n):
        outbox.enqueue(
            session,
            dedup_key=f"sub{i}.m{i}",
            channel=channel,
            recipient=f"seeker{i}@example.org" if channel == "email" else "+12065550199",
            subject=f"News {i}",
            body=f"Message {i}\n",
        )
    session.commit()


def _smtp(box: Mailbox) -> SmtpSender:
    return SmtpSender(box.host, box.port, "reunify@example.org")


def test_pending_messages_reach_the_smtp_server_once_with_stable_message_ids(
    session: Session, session_factory: sessionmaker[Session], smtp_server: Mailbox
) -> None:
    _queue(session, 3)
    notifier = Notifier(session_factory, {"email": _smtp(smtp_server)})
    assert notifier.run_once() == 3
    assert notifier.run_once() == 0
    got = smtp_server.wait_for(3)
    assert sorted(m["Message-ID"] for m in got) == sorted(
        outbox.message_id_for(f"sub{i}.m{i}") for i in range(3)
    )
    assert got[0]["Subject"].startswith("News")
    assert outbox.counts(session) == {"sent": 3}


def test_the_same_change_is_queued_once(session: Session) -> None:
    _queue(session, 1)
    assert outbox.enqueue(session, dedup_key="sub0.m0", channel="email", recipient="x@y.z") is None


def test_a_claimed_row_is_skipped_by_other_notifiers_until_its_lease_expires(
    session: Session, session_factory: sessionmaker[Session], smtp_server: Mailbox
) -> None:
    _queue(session, 1)
    assert len(outbox.claim(session, "crashed-worker", lease_seconds=60)) == 1
    other = Notifier(session_factory, {"email": _smtp(smtp_server)}, worker="other")
    assert other.run_once() == 0  # leased: not sent twice
    # The first worker "dies" after the SMTP server accepted; its lease runs out.
    session.execute(
        update(ft.OutboxMessage).values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
    )
    session.commit()
    assert other.run_once() == 1
    [message] = smtp_server.wait_for(1)
    assert message["Message-ID"] == outbox.message_id_for("sub0.m0")


def test_a_failed_send_is_retried_later_with_backoff(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    _queue(session, 1)
    dead = SmtpSender("127.0.0.1", free_port(), "reunify@example.org", timeout=2)
    assert Notifier(session_factory, {"email": dead}).run_once() == 0
    row = session.scalars(select(ft.OutboxMessage)).one()
    session.refresh(row)
    assert (row.state, row.attempts) == ("pending", 1)
    assert row.next_attempt_at > datetime.now(UTC)
    assert "smtp" in row.last_error


def test_sms_goes_to_the_webhook_gateway(
    session: Session, session_factory: sessionmaker[Session], webhook: Hook
) -> None:
    _queue(session, 1, channel="sms")
    assert Notifier(session_factory, {"sms": WebhookSender(webhook.url)}).run_once() == 1
    [payload] = webhook.received
    assert payload["to"] == "+12065550199"
    assert payload["message_id"] == outbox.message_id_for("sub0.m0")


def test_a_gateway_error_keeps_the_message(
    session: Session, session_factory: sessionmaker[Session], webhook: Hook
) -> None:
    webhook.status = 503
    _queue(session, 1, channel="sms")
    assert Notifier(session_factory, {"sms": WebhookSender(webhook.url)}).run_once() == 0
    assert Notifier(session_factory, {"sms": Unconfigured("sms")}).run_once() == 0
    assert outbox.counts(session) == {"pending": 1}


def test_several_notifiers_at_once_send_each_message_exactly_once(
    engine: Engine, smtp_server: Mailbox
) -> None:
    # Notifiers share only the database: commit for real (on either backend), then clean up.
    database = Database(str(engine.url.render_as_string(hide_password=False)), engine=engine)
    prefix = f"conc{uuid.uuid4().hex[:8]}"
    with database.session() as session:
        for i in range(40):
            outbox.enqueue(
                session, dedup_key=f"{prefix}.{i}", channel="email", recipient="a@example.org"
            )
    workers = [
        Notifier(database.sessions, {"email": _smtp(smtp_server)}, worker=f"w{i}", batch=5)
        for i in range(4)
    ]

    def drain(notifier: Notifier) -> None:
        while notifier.run_once():
            pass

    threads = [threading.Thread(target=drain, args=(w,)) for w in workers]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        ids = [m["Message-ID"] for m in smtp_server.wait_for(40)]
        assert len(ids) == 40
        assert set(ids) == {outbox.message_id_for(f"{prefix}.{i}") for i in range(40)}
    finally:
        with database.session() as session:
            session.execute(
                delete(ft.OutboxMessage).where(ft.OutboxMessage.dedup_key.like(f"{prefix}.%"))
            )


def test_a_change_to_a_followed_person_reaches_the_seeker_by_email(
    session: Session,
    session_factory: sessionmaker[Session],
    smtp_server: Mailbox,
    demo: int,
) -> None:
    from reunify import domain
    from reunify.families import subscriptions
    from reunify.families.inquiries import Seeker, ask, parse_sought
    from reunify.tracking.service import MovementDraft, record_movement

    answer = ask(
        session,
        parse_sought(name="Alex Karev", age=31),
        Seeker(name="Izzie", email="izzie@example.org", language="es"),
        raw_sought={"name": "Alex Karev", "age": 31},
    )
    now = datetime.now(UTC)
    proof = ft.Verification(
        address="email:izzie@example.org",
        code_hash="-",
        expires_at=now,
        verified_at=now,
        created_at=now,
    )
    session.add(proof)
    session.flush()
    subscriptions.subscribe(session, answer.inquiry, proof)
    session.commit()
    assert answer.inquiry.person_id is not None
    draft = MovementDraft(
        person_id=answer.inquiry.person_id,
        status=domain.Status.ADMITTED,
        occurred_at=now,
        facility_code="SPH",
        condition=domain.Condition.GOOD,
        source="test",
        source_ref="good-1",
    )
    record_movement(session, draft, actor="staff/test")
    session.commit()
    assert Notifier(session_factory, {"email": _smtp(smtp_server)}).run_once() == 1
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "izzie@example.org"
    text = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Alex Karev está siendo atendido/a en Seattle Presbyterian Hospital" in text
    assert "Estado general: bueno" in text  # the condition in her language too
    assert "778" not in text
