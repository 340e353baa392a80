"""Tables of the reunification centre: staff-labelled pairs and in-person death notifications.

``match_labels`` keeps every confirm or reject an officer made, with the comparison levels
the engine saw at that moment (field and level *names*, not positions, so a label stays
readable after the comparisons change). The levels carry no personal data, so the labels
outlive the retention purge of the inquiries they came from and keep feeding estimation.

``death_notices`` is the stored fact that a family was told of a death in person: who was
told, when, and by whom. The disclosure policy reads it (``families.disclose``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from reunify.store.tables import Base
from reunify.store.types import BigIntPK


class MatchLabel(Base):
    """One staff decision on a pair: a proposed duplicate (two people) or an inquiry and a
    person. ``same`` is the label; ``levels`` maps each comparison to the level it had."""

    __tablename__ = "match_labels"
    __table_args__ = (Index("ix_match_labels_source_decided", "source", "decided_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    source: Mapped[str] = mapped_column(String(16))  # duplicate | inquiry
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("match_decisions.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("family_tasks.id"))
    inquiry_id: Mapped[int | None] = mapped_column(ForeignKey("inquiries.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    other_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    same: Mapped[bool]
    model_version: Mapped[str] = mapped_column(String(40))
    probability: Mapped[float] = mapped_column(Float)
    levels: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(120))
    decided_at: Mapped[datetime]


class DeathNotice(Base):
    """A family told in person of a death. Several rows per person when several relatives
    were told; ``release`` records that the family agreed the death may be shared with other
    registries (PFIF), which the policy allows only after someone was told."""

    __tablename__ = "death_notices"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    told_name: Mapped[str] = mapped_column(String(200))
    relationship: Mapped[str] = mapped_column(String(80))
    told_at: Mapped[datetime]
    told_by: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    release: Mapped[bool] = mapped_column(default=False)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime]
