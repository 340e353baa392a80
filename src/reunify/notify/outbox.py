"""The outbox: messages written with the change that caused them, sent later by a notifier.

Claiming is one conditional UPDATE per row (``state='pending'`` or an expired lease), so any
number of notifiers on SQLite or PostgreSQL can run at once: exactly one wins each row. A
notifier killed after the server accepted a message but before it recorded ``sent`` leaves a
lease that expires; the row is sent again with the same Message-ID, which receivers use to
drop the duplicate. Nothing else can repeat a message.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from reunify.store import families_tables as ft

MAX_ATTEMPTS = 8
_DOMAIN = "reunify.invalid"


def message_id_for(dedup_key: str) -> str:
    """A stable RFC 5322 Message-ID per (subscription, change)."""
    safe = "".join(c if c.isalnum() or c in ".-" else "." for c in dedup_key)
    return f"<{safe}@{_DOMAIN}>"


def enqueue(
    session: Session,
    *,
    dedup_key: str,
    channel: str,
    recipient: str,
    subject: str = "",
    body: str = "",
    payload: dict[str, Any] | None = None,
    subscription_id: int | None = None,
) -> ft.OutboxMessage | None:
    """Add a message in the caller's transaction; None if this change was already queued."""
    existing = session.scalars(
        select(ft.OutboxMessage.id).where(ft.OutboxMessage.dedup_key == dedup_key)
    ).first()
    if existing is not None:
        return None
    now = datetime.now(UTC)
    row = ft.OutboxMessage(
        dedup_key=dedup_key,
        message_id=message_id_for(dedup_key),
        subscription_id=subscription_id,
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        payload=payload or {},
        next_attempt_at=now,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def _claimable(now: datetime) -> Any:
    return or_(
        and_(ft.OutboxMessage.state == "pending", ft.OutboxMessage.next_attempt_at <= now),
        and_(ft.OutboxMessage.state == "sending", ft.OutboxMessage.lease_until < now),
    )


def claim(
    session: Session, worker: str, *, limit: int = 20, lease_seconds: float = 30.0
) -> list[int]:
    """Claim up to ``limit`` due rows for ``worker`` and commit, so others skip them."""
    now = datetime.now(UTC)
    ids = list(
        session.scalars(
            select(ft.OutboxMessage.id)
            .where(_claimable(now))
            .order_by(ft.OutboxMessage.id)
            .limit(limit)
        )
    )
    session.rollback()  # end the read: on SQLite a write after a stale read fails at once
    won = []
    for row_id in ids:
        result = session.execute(
            update(ft.OutboxMessage)
            .where(ft.OutboxMessage.id == row_id, _claimable(now))
            .values(
                state="sending",
                lease_until=now + timedelta(seconds=lease_seconds),
                claimed_by=worker,
                attempts=ft.OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        session.commit()  # one short write per row: other notifiers wait only for this
        if getattr(result, "rowcount", 0) == 1:
            won.append(row_id)
    return won


def mark_sent(session: Session, row_id: int, worker: str) -> None:
    session.execute(
        update(ft.OutboxMessage)
        .where(ft.OutboxMessage.id == row_id, ft.OutboxMessage.claimed_by == worker)
        .values(state="sent", sent_at=datetime.now(UTC), lease_until=None, last_error="")
        .execution_options(synchronize_session=False)
    )
    session.commit()


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 ... seconds, capped at ten minutes."""
    return timedelta(seconds=min(600, 2**attempts))


def mark_failed(session: Session, row_id: int, worker: str, error: str) -> None:
    """Put the row back with backoff, or give up after ``MAX_ATTEMPTS`` (staff see ``failed``)."""
    row = session.get(ft.OutboxMessage, row_id)
    if row is None or row.claimed_by != worker:
        return
    row.last_error = error[:2000]
    row.lease_until = None
    if row.attempts >= MAX_ATTEMPTS:
        row.state = "failed"
    else:
        row.state = "pending"
        row.next_attempt_at = datetime.now(UTC) + backoff(row.attempts)
    session.commit()


def counts(session: Session) -> dict[str, int]:
    """Rows per delivery state, for staff."""
    rows = session.execute(
        select(ft.OutboxMessage.state, func.count()).group_by(ft.OutboxMessage.state)
    ).all()
    return {state: n for state, n in rows}  # noqa: C416 - Row is not a 2-tuple to dict()
