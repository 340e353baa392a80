"""PFIF records from other registries, kept as they came so they can go out again unchanged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from reunify.store.tables import Base
from reunify.store.types import BigIntPK


class PfifRecord(Base):
    """One imported PFIF person or note. ``document`` is the record as a one-record PFIF 1.4
    document, so what came in can go out again unchanged."""

    __tablename__ = "pfif_records"
    __table_args__ = (
        UniqueConstraint("kind", "record_id"),
        Index("ix_pfif_records_entry", "kind", "entry_date", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # person | note
    record_id: Mapped[str] = mapped_column(String(300))
    person_record_id: Mapped[str] = mapped_column(String(300), default="", index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    source_domain: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(32), default="")
    source_date: Mapped[datetime | None]
    expiry_date: Mapped[datetime | None]
    entry_date: Mapped[datetime]
    document: Mapped[str] = mapped_column(Text)


class RegistryClient(Base):
    """The PFIF domain a ``registry`` account speaks for: it may send (and so change) only
    records whose ids are in that domain, as PFIF requires of the originating repository."""

    __tablename__ = "registry_clients"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    pfif_domain: Mapped[str] = mapped_column(String(200))
    allow_believed_dead: Mapped[bool] = mapped_column(Boolean, default=False)
