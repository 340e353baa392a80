"""What the matcher knows about one person, or what a seeker remembers of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from reunify.domain.dates import AgeRange, BirthDate
from reunify.domain.types import Sex

if TYPE_CHECKING:
    from reunify.domain.people import Person


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """One side of a comparison: a registered person or a seeker's inquiry.

    ``names`` holds every ``(given, family)`` pair the person is known by (legal, alias,
    maiden, nickname); ``full_names`` holds names typed as one string, whose order is not
    known. The home address is ``street`` (with its number), ``address_2``, ``city``,
    ``postcode`` and ``state``. ``age`` applies on ``reference_date`` (the day it was
    reported; today if unset). Empty strings and ``None`` mean "not known", never "known
    to be empty". ``unidentified`` marks a patient whose names are placeholders (trauma
    aliases), findable by description.
    """

    record_id: str
    names: tuple[tuple[str, str], ...] = ()
    full_names: tuple[str, ...] = ()
    sex: Sex | None = None
    birth_date: BirthDate | None = None
    age: AgeRange | None = None
    phone: str = ""
    email: str = ""
    city: str = ""
    postcode: str = ""
    street: str = ""  # number and street, as written ("12 Pinkerton Circuit")
    address_2: str = ""  # the second address line: building, estate, locality
    state: str = ""
    description: str = ""
    reference_date: date | None = None
    unidentified: bool = False

    def __post_init__(self) -> None:
        # Lists would make the record unhashable, and prepared records are cached by it.
        if not isinstance(self.names, tuple):
            object.__setattr__(self, "names", tuple(tuple(n) for n in self.names))
        if not isinstance(self.full_names, tuple):
            object.__setattr__(self, "full_names", tuple(self.full_names))


def from_person(
    record_id: str,
    person: Person,
    reference_date: date | None = None,
    *,
    street: str = "",
    address_2: str = "",
    state: str = "",
) -> MatchRecord:
    """The matcher's view of a domain ``Person``: every name, structured or free text.

    A ``Person`` carries only a city and postcode of its address; the store passes the rest.
    """
    names: list[tuple[str, str]] = []
    full_names: list[str] = []
    for name in person.names:
        if name.given.strip() or name.family.strip():
            names.append((name.given, name.family))
        elif name.full.strip():
            full_names.append(name.full)
    return MatchRecord(
        record_id=record_id,
        names=tuple(names),
        full_names=tuple(full_names),
        sex=person.sex,
        birth_date=person.birth_date,
        age=person.age,
        phone=person.phone,
        email=person.email,
        city=person.home_city,
        postcode=person.home_postcode,
        street=street,
        address_2=address_2,
        state=state,
        description=person.description,
        reference_date=reference_date,
        unidentified=person.unidentified,
    )
