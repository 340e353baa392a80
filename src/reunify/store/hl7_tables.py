"""Tables of the HL7 v2 feed: the durable inbox, facility aliases, and per-person feed state.

The inbox is the receiver's promise: a row is committed before the sender gets an AA, and a
repeat of the same (MSH-3, MSH-4, MSH-10) gets the stored ACK back and changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from reunify.store.tables import Base
from reunify.store.types import BigIntPK


class Hl7Message(Base):
    """One received message, as sent, with the ACK we answered and what became of it.

    The key columns are NULL for messages we could not key or rejected with AR (the sender
    may resend those unchanged; NULLs never collide in a unique constraint).
    """

    __tablename__ = "hl7_messages"
    __table_args__ = (
        UniqueConstraint("sending_application", "sending_facility", "control_id"),
        Index("ix_hl7_messages_state_received", "state", "received_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    sending_application: Mapped[str | None] = mapped_column(String(180))
    sending_facility: Mapped[str | None] = mapped_column(String(180))
    control_id: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(16))  # mllp, file
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    trigger: Mapped[str] = mapped_column(String(8), default="")
    event_time: Mapped[datetime | None]
    ack_code: Mapped[str] = mapped_column(String(2))
    ack: Mapped[bytes] = mapped_column(LargeBinary)
    # pending, applied, ignored, needs_review, error
    state: Mapped[str] = mapped_column(String(16))
    error: Mapped[str] = mapped_column(Text, default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)


class Hl7FacilityAlias(Base):
    """A sending facility name (MSH-4 or PV1-3.4) that is not a Reunify facility code."""

    __tablename__ = "hl7_facility_aliases"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    # Stored case-folded; look-ups fold too.
    hl7_code: Mapped[str] = mapped_column(String(180), unique=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)


class Hl7PersonState(Base):
    """Event time of the demographics last applied, so a late, older update cannot win."""

    __tablename__ = "hl7_person_state"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    demographics_at: Mapped[datetime]
