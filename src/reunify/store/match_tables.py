"""Tables of the matching engine: the blocking-key index, stored model parameters and the
term-frequency tables they were trained with, the address parts it compares, and proposed
duplicates awaiting a staff decision.

``match_keys`` is what keeps one inquiry from scanning ``people``: a look-up is an indexed
``key IN (...)`` over it. Rows are derived data (``linkage.index`` rewrites a person's keys
whenever their names or identifying facts change) and can be rebuilt at any time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from reunify.store.tables import Base
from reunify.store.types import BigIntPK

KEY_INDEX = "ix_match_keys_key_person"


class MatchKey(Base):
    __tablename__ = "match_keys"
    # Key first, person second: the look-up reads this index alone, never the table.
    # Without a rowid on SQLite the table is its primary-key B-tree alone: a million people
    # are some fifteen million rows, and one B-tree fewer to write is a third of an import.
    __table_args__ = (
        Index(KEY_INDEX, "key", "person_id"),
        {"sqlite_with_rowid": False},
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)


class PersonAddress(Base):
    """The parts of a home address compared beyond the city and postcode kept on ``people``:
    one row per person who has any of them (an import with street and state columns)."""

    __tablename__ = "person_addresses"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    street: Mapped[str] = mapped_column(String(200), default="")
    address_2: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(60), default="")


class MatchModel(Base):
    """One version of the Fellegi-Sunter parameters, as ``ModelParams.to_json`` wrote it.

    ``trained_at`` is set on parameters estimated from this registry (``linkage.train``):
    the latest of them is the model look-ups use, scaled to the registry's size.
    """

    __tablename__ = "match_models"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    params: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    trained_at: Mapped[datetime | None] = mapped_column(index=True)


class MatchTermTable(Base):
    """A snapshot of how common names and cities are, named by its content digest
    (``TermFrequencies.digest``), which trained parameters quote as ``tf_table``."""

    __tablename__ = "match_term_tables"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    digest: Mapped[str] = mapped_column(String(40), unique=True)
    people: Mapped[int] = mapped_column(Integer)
    unseen: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime]


class MatchTerm(Base):
    __tablename__ = "match_terms"

    table_id: Mapped[int] = mapped_column(ForeignKey("match_term_tables.id"), primary_key=True)
    field: Mapped[str] = mapped_column(String(16), primary_key=True)
    term: Mapped[str] = mapped_column(String(200), primary_key=True)
    frequency: Mapped[float] = mapped_column(Float)


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
