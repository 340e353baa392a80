"""Tables the staff pages own: visitor badges, which are also the front desk's visitor log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from reunify.store.tables import Base
from reunify.store.types import BigIntPK


class VisitorBadge(Base):
    """One badge handed to one visitor for one patient; the rows read as the visitor log.

    The unit and room are copied as printed: the log must say where the visitor was sent,
    even after the patient moves.
    """

    __tablename__ = "visitor_badges"
    __table_args__ = (Index("ix_visitor_badges_facility_issued", "facility_id", "issued_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    # Random, printed in the QR code: a badge id must not let anyone count or guess badges.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    visitor_name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(120), default="")
    room: Mapped[str] = mapped_column(String(120), default="")
    issued_by: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class StaffSession(Base):
    """A signed-in page session. The cookie carries a random id; only its SHA-256 is kept here,
    so that signing out (or an administrator) can end a session before its cookie expires."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
