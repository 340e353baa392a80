"""Read models of a person and their movements: built here, rendered by the API, CLI and pages."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class NameView(BaseModel):
    use: str
    given: str
    family: str
    display: str


class IdentifierView(BaseModel):
    kind: str
    value: str
    issuer: str


class ContactView(BaseModel):
    name: str
    relationship: str
    phone: str
    email: str
    designated: bool


class MovementView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    recorded_at: datetime
    status: str
    condition: str | None
    facility_code: str | None
    facility: str | None
    location: str
    destination: str | None
    source: str
    source_ref: str | None
    note: str
    cancelled: bool


class PersonView(BaseModel):
    """The reunification officer's full view of one person: nothing is filtered here."""

    person_id: int
    incident: str
    names: list[NameView]
    sex: str
    birth_date: str | None
    age: str | None
    identifiers: list[IdentifierView]
    contacts: list[ContactView]
    directory_opt_out: bool
    unidentified: bool
    description: str
    status: str
    facility_code: str | None
    facility: str | None
    location: str
    condition: str | None
    destination: str | None
    since: datetime | None
    history: list[MovementView]


class WhereaboutsView(BaseModel):
    """Where a person is now: the projection of their movements, without the history."""

    person_id: int
    status: str
    facility_code: str | None
    facility: str | None
    location: str
    condition: str | None
    destination: str | None
    since: datetime | None

    @classmethod
    def of(cls, view: PersonView) -> WhereaboutsView:
        return cls(**view.model_dump(include=set(cls.model_fields)))
