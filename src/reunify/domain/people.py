"""People: anyone the incident touched, with every name and identifier they are known by."""

from __future__ import annotations

from dataclasses import dataclass, field

from reunify.domain.dates import AgeRange, BirthDate
from reunify.domain.errors import DomainError
from reunify.domain.types import IdentifierKind, NameUse, Sex


@dataclass(frozen=True, slots=True)
class PersonName:
    """One name of a person. ``given`` holds given and middle names; ``family`` the family names."""

    given: str = ""
    family: str = ""
    use: NameUse = NameUse.LEGAL
    full: str = ""

    def __post_init__(self) -> None:
        if not (self.given.strip() or self.family.strip() or self.full.strip()):
            raise DomainError("names", "a name needs a given name, a family name or a full name")

    @property
    def display(self) -> str:
        if self.full.strip():
            return " ".join(self.full.split())
        return " ".join(f"{self.given} {self.family}".split())


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifier scoped to whoever issued it: an MRN means nothing without its hospital."""

    kind: IdentifierKind
    value: str
    issuer: str

    def __post_init__(self) -> None:
        if not self.value.strip():
            raise DomainError("identifiers.value", "must not be empty")
        if not self.issuer.strip():
            raise DomainError("identifiers.issuer", "must name who issued the identifier")


@dataclass(frozen=True, slots=True)
class Contact:
    """A next of kin or other designated contact, as the hospital or the patient gave it."""

    name: str
    relationship: str = ""
    phone: str = ""
    email: str = ""
    designated: bool = True


@dataclass(slots=True)
class Person:
    names: list[PersonName]
    sex: Sex = Sex.UNKNOWN
    birth_date: BirthDate | None = None
    age: AgeRange | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    directory_opt_out: bool = False
    unidentified: bool = False
    description: str = ""
    home_city: str = ""
    home_postcode: str = ""
    phone: str = ""
    email: str = ""

    def __post_init__(self) -> None:
        if not self.names:
            raise DomainError("names", "a person needs at least one name")

    @property
    def primary_name(self) -> PersonName:
        """The legal name if there is one; else the first name given."""
        for name in self.names:
            if name.use is NameUse.LEGAL:
                return name
        return self.names[0]
