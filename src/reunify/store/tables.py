"""The ORM tables. API schemas live in ``reunify.web.schemas``, never here.

Enums are stored by their value as plain strings (no database enum types), so adding a
value needs no migration on either backend and the stored text reads the same everywhere.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from reunify.store.types import BigIntPK, UTCDateTime

# Named constraints make Alembic batch migrations on SQLite possible and keep names stable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Family assistance centre contact details, given to seekers instead of bad news.
    fac_name: Mapped[str] = mapped_column(String(200), default="")
    fac_phone: Mapped[str] = mapped_column(String(64), default="")
    fac_address: Mapped[str] = mapped_column(String(300), default="")
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class Facility(Base):
    __tablename__ = "facilities"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    city: Mapped[str] = mapped_column(String(120), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    phone: Mapped[str] = mapped_column(String(64), default="")

    locations: Mapped[list[Location]] = relationship(back_populates="facility")


class Location(Base):
    __tablename__ = "locations"
    __table_args__ = (
        UniqueConstraint("facility_id", "building", "floor", "unit", "room", "bed", "description"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    building: Mapped[str] = mapped_column(String(80), default="")
    floor: Mapped[str] = mapped_column(String(40), default="")
    unit: Mapped[str] = mapped_column(String(80), default="")
    room: Mapped[str] = mapped_column(String(40), default="")
    bed: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(String(200), default="")

    facility: Mapped[Facility] = relationship(back_populates="locations")


class BedCount(Base):
    __tablename__ = "bed_counts"

    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), primary_key=True)
    bed_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    total: Mapped[int] = mapped_column(Integer)
    available: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime]


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    sex: Mapped[str] = mapped_column(String(16), default="unknown")
    birth_date: Mapped[str | None] = mapped_column(String(10))
    age_low: Mapped[int | None]
    age_high: Mapped[int | None]
    directory_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    unidentified: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    home_city: Mapped[str] = mapped_column(String(120), default="")
    home_postcode: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    # A confirmed merge points the retired record at the survivor; nothing is deleted.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    names: Mapped[list[PersonName]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PersonName.id"
    )
    identifiers: Mapped[list[Identifier]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Identifier.id"
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Contact.id"
    )


class PersonName(Base):
    __tablename__ = "person_names"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    use: Mapped[str] = mapped_column(String(20))
    given: Mapped[str] = mapped_column(String(200), default="")
    family: Mapped[str] = mapped_column(String(200), default="")
    full: Mapped[str] = mapped_column(String(300), default="")
    # Case- and accent-folded "given family" for exact look-ups.
    folded: Mapped[str] = mapped_column(String(300), index=True)

    person: Mapped[Person] = relationship(back_populates="names")


class Identifier(Base):
    __tablename__ = "identifiers"
    __table_args__ = (UniqueConstraint("issuer", "kind", "value"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(100))
    issuer: Mapped[str] = mapped_column(String(100))

    person: Mapped[Person] = relationship(back_populates="identifiers")


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relationship_: Mapped[str] = mapped_column("relationship", String(80), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    designated: Mapped[bool] = mapped_column(Boolean, default=True)

    person: Mapped[Person] = relationship(back_populates="contacts")


class Movement(Base):
    """Append-only: rows are inserted, never updated or deleted."""

    __tablename__ = "movements"
    __table_args__ = (
        UniqueConstraint("source", "source_ref"),
        Index("ix_movements_person_order", "person_id", "occurred_at", "recorded_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    status: Mapped[str] = mapped_column(String(32))
    condition: Mapped[str | None] = mapped_column(String(16))
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    destination_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"))
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(64))
    source_ref: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    cancels_id: Mapped[int | None] = mapped_column(ForeignKey("movements.id"))
    recorded_by: Mapped[str] = mapped_column(String(120), default="")

    location: Mapped[Location | None] = relationship()


class Whereabouts(Base):
    """A projection of movements, rebuilt for a person whenever one of their movements lands."""

    __tablename__ = "whereabouts"
    __table_args__ = (Index("ix_whereabouts_facility_status", "facility_id", "status"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    condition: Mapped[str | None] = mapped_column(String(16))
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    destination_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"))
    since: Mapped[datetime | None]
    last_movement_id: Mapped[int | None] = mapped_column(ForeignKey("movements.id"))
    updated_at: Mapped[datetime]


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]

    facilities: Mapped[list[UserFacility]] = relationship(cascade="all, delete-orphan")


class UserFacility(Base):
    __tablename__ = "user_facilities"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), primary_key=True)


class ApiToken(Base):
    """Bearer tokens for machine clients; only a SHA-256 of the token is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class Event(Base):
    """The append-only audit log. Tags read ``source:subject:action``."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    tag: Mapped[str] = mapped_column(String(80), index=True)
    actor: Mapped[str] = mapped_column(String(120), default="")
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(index=True)
