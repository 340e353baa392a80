"""Pure rules and types: people, facilities, movements and whereabouts. No I/O here."""

from reunify.domain.dates import AgeRange, BirthDate, DatePrecision
from reunify.domain.errors import DomainError
from reunify.domain.facilities import BedCount, Facility, Location
from reunify.domain.movements import Movement, Whereabouts, project_whereabouts
from reunify.domain.people import Contact, Identifier, Person, PersonName
from reunify.domain.types import (
    BedType,
    Condition,
    FacilityKind,
    IdentifierKind,
    NameUse,
    Role,
    Sex,
    Status,
)

__all__ = [
    "AgeRange",
    "BedCount",
    "BedType",
    "BirthDate",
    "Condition",
    "Contact",
    "DatePrecision",
    "DomainError",
    "Facility",
    "FacilityKind",
    "Identifier",
    "IdentifierKind",
    "Location",
    "Movement",
    "NameUse",
    "Person",
    "PersonName",
    "Role",
    "Sex",
    "Status",
    "Whereabouts",
    "project_whereabouts",
]
