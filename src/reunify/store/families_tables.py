"""Tables of the families layer: inquiries, notes, verifications, subscriptions, tasks, outbox.

Seekers' personal data lives only in ``inquiries``, ``verifications`` and ``subscriptions``
(and in outbox rows until sent), so retention can purge it without touching patients.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from reunify.store.tables import Base
from reunify.store.types import BigIntPK


class Inquiry(Base):
    """A seeker's question. ``public_id`` is the only id a seeker ever sees."""

    __tablename__ = "inquiries"
    __table_args__ = (Index("ix_inquiries_state_family_key", "state", "family_key"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    sought: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Phonetic key of the sought family name: new records are matched to open inquiries by it.
    family_key: Mapped[str] = mapped_column(String(40), default="")
    seeker_name: Mapped[str] = mapped_column(String(200), default="")
    seeker_relationship: Mapped[str] = mapped_column(String(80), default="")
    seeker_email: Mapped[str] = mapped_column(String(254), default="", index=True)
    seeker_phone: Mapped[str] = mapped_column(String(40), default="")
    seeker_language: Mapped[str] = mapped_column(String(16), default="en")
    client_address: Mapped[str] = mapped_column(String(64), default="")
    # open: nobody confidently matched yet; matched; deleted (by the seeker or retention).
    state: Mapped[str] = mapped_column(String(16), default="open")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    band: Mapped[str] = mapped_column(String(16), default="no_match")
    delete_token_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Note(Base):
    """A Person Finder-style note about a person (PFIF 1.4 ``note.status``)."""

    __tablename__ = "person_notes"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    author_name: Mapped[str] = mapped_column(String(200), default="")
    author_email: Mapped[str] = mapped_column(String(254), default="")
    author_phone: Mapped[str] = mapped_column(String(40), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(40))  # self-report, seeker, staff/<username>
    created_at: Mapped[datetime]


class Verification(Base):
    """A one-time code sent to a seeker's email or phone; once confirmed, a seeker token is
    issued. ``address`` is the seeker's contact key: ``email:<address>`` or ``phone:<digits>``."""

    __tablename__ = "verifications"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    address: Mapped[str] = mapped_column(String(260), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime]
    verified_at: Mapped[datetime | None]
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]


class Subscription(Base):
    """A verified seeker following an inquiry and, once matched, the person it found."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("inquiry_id", "channel", "address"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # email | sms (through the webhook gateway)
    address: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(16), default="en")
    verification_id: Mapped[int] = mapped_column(ForeignKey("verifications.id"))
    # The last answer this seeker was told, so only a change of the *disclosed* state notifies.
    last_answer: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    # The secret in the "stop these emails" link of every notification: it can only end
    # this subscription, so it is kept as it is (each email must carry it).
    stop_token: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime]


class Task(Base):
    """A review task for reunification officers."""

    __tablename__ = "family_tasks"
    __table_args__ = (Index("ix_family_tasks_state_kind", "state", "kind"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    kind: Mapped[str] = mapped_column(String(40))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    inquiry_id: Mapped[int | None] = mapped_column(ForeignKey("inquiries.id"))
    summary: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | done
    outcome: Mapped[str] = mapped_column(Text, default="")
    family_told: Mapped[bool] = mapped_column(default=False)
    done_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """One message to send, written in the transaction of the change that caused it.

    ``dedup_key`` (subscription and change) is unique, so a change notifies each seeker once;
    ``message_id`` is derived from it, so a re-send after a crash carries the same Message-ID.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    message_id: Mapped[str] = mapped_column(String(250))
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscriptions.id"))
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # pending -> sending (claimed under a lease) -> sent | failed (gave up)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str] = mapped_column(String(80), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
