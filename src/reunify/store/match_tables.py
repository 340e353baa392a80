"""Tables of the matching engine: the blocking-key index, stored model parameters, and
proposed duplicates awaiting a staff decision.

``match_keys`` is what keeps one inquiry from scanning ``people``: a look-up is an indexed
``key IN (...)`` over it. Rows are derived data (``linkage.index`` rewrites a person's keys
whenever their names or identifying facts change) and can be rebuilt at any time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from reunify.store.tables import Base
from reunify.store.types import BigIntPK


class MatchKey(Base):
    __tablename__ = "match_keys"
    # Key first, person second: the look-up reads this index alone, never the table.
    __table_args__ = (Index("ix_match_keys_key_person", "key", "person_id"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)


class MatchModel(Base):
    """One version of the Fellegi-Sunter parameters, as ``ModelParams.to_json`` wrote it."""

    __tablename__ = "match_models"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    params: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class MatchDecision(Base):
    """A proposed duplicate pair (``person_id`` < ``other_id``), never merged until staff
    confirm it. ``state``: proposed, confirmed or rejected."""

    __tablename__ = "match_decisions"
    __table_args__ = (
        UniqueConstraint("person_id", "other_id"),
        Index("ix_match_decisions_state", "state", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    other_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    probability: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(16))
    model_version: Mapped[str] = mapped_column(String(40))
    why: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(String(16), default="proposed")
    proposed_by: Mapped[str] = mapped_column(String(120), default="")
    decided_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
