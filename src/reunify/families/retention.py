"""Retention of seekers' personal data (PFIF-style expiry).

``days`` after an incident closes, every inquiry about it loses the seeker's name, contact,
address and what they wrote, and its subscriptions and unsent messages go; a seeker can do
the same to their own inquiry at any time. Audit events keep only the inquiry id, the
relationship and a one-way hash of the contact, so the audit log needs no purge.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from reunify.store import audit
from reunify.store import families_tables as ft
from reunify.store import tables as t


def forget(session: Session, inquiry: ft.Inquiry, *, actor: str) -> None:
    """Erase the seeker's data from one inquiry and stop everything that would contact them."""
    sub_ids = list(
        session.scalars(select(ft.Subscription.id).where(ft.Subscription.inquiry_id == inquiry.id))
    )
    if sub_ids:
        session.execute(
            delete(ft.OutboxMessage).where(
                ft.OutboxMessage.subscription_id.in_(sub_ids),
                ft.OutboxMessage.state != "sending",  # a message in flight finishes first
            )
        )
        session.execute(
            update(ft.OutboxMessage)
            .where(ft.OutboxMessage.subscription_id.in_(sub_ids))
            .values(subscription_id=None)
        )
        session.execute(delete(ft.Subscription).where(ft.Subscription.id.in_(sub_ids)))
    inquiry.sought = {}
    inquiry.seeker_name = inquiry.seeker_relationship = ""
    inquiry.seeker_email = inquiry.seeker_phone = inquiry.client_address = ""
    inquiry.state = "deleted"
    inquiry.updated_at = datetime.now(UTC)
    audit.record_event(
        session,
        "families:inquiry:forget",
        actor=actor,
        subject_type="inquiry",
        subject_id=inquiry.id,
        incident_id=inquiry.incident_id,
    )


def purge(session: Session, *, days: int, now: datetime | None = None) -> int:
    """Forget inquiries of incidents closed more than ``days`` ago; unlinked inquiries go
    ``days`` after they were made once no incident is open. Returns how many."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=days)
    closed = select(t.Incident.id).where(
        t.Incident.closed_at.is_not(None), t.Incident.closed_at <= cutoff
    )
    any_open = session.scalars(select(t.Incident.id).where(t.Incident.closed_at.is_(None))).first()
    stmt = select(ft.Inquiry).where(ft.Inquiry.state != "deleted")
    linked = ft.Inquiry.incident_id.in_(closed)
    if any_open is None:
        stmt = stmt.where(
            linked | (ft.Inquiry.incident_id.is_(None) & (ft.Inquiry.created_at <= cutoff))
        )
    else:
        stmt = stmt.where(linked)
    inquiries = list(session.scalars(stmt))
    for inquiry in inquiries:
        forget(session, inquiry, actor="system/retention")
    session.execute(delete(ft.Verification).where(ft.Verification.created_at <= cutoff))
    return len(inquiries)
