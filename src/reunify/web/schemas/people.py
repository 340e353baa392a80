from __future__ import annotations

from pydantic import Field

from reunify.domain import IdentifierKind, NameUse, Sex
from reunify.web.schemas.common import Input


class NameIn(Input):
    given: str = Field("", max_length=200)
    family: str = Field("", max_length=200)
    full: str = Field("", max_length=300)
    use: NameUse = NameUse.LEGAL


class IdentifierIn(Input):
    kind: IdentifierKind
    value: str = Field(min_length=1, max_length=100)
    issuer: str = Field(min_length=1, max_length=100)


class ContactIn(Input):
    name: str = Field(min_length=1, max_length=200)
    relationship: str = ""
    phone: str = ""
    email: str = ""
    designated: bool = True


class PersonCreate(Input):
    incident: str = Field(description="Incident slug")
    names: list[NameIn] = Field(min_length=1)
    sex: Sex = Sex.UNKNOWN
    date_of_birth: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    age: str | None = Field(None, description="31, 30-35 or 'about 30'")
    identifiers: list[IdentifierIn] = Field(default_factory=list)
    contacts: list[ContactIn] = Field(default_factory=list)
    directory_opt_out: bool = False
    unidentified: bool = False
    description: str = ""
    home_city: str = ""
    home_postcode: str = ""
    phone: str = ""
    email: str = ""


class PersonUpdate(Input):
    """Replace the names, add identifiers or contacts (nothing is silently dropped)."""

    names: list[NameIn] | None = Field(None, min_length=1)
    add_identifiers: list[IdentifierIn] = Field(default_factory=list)
    add_contacts: list[ContactIn] = Field(
        default_factory=list,
        description="Contacts the patient names (designated contacts get what the policy allows)",
    )
    directory_opt_out: bool | None = None
