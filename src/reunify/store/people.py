"""People with their names, identifiers and contacts."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from reunify import domain
from reunify.domain.text import fold
from reunify.store import tables as t


class DuplicateIdentifier(Exception):
    def __init__(self, identifier: domain.Identifier, person_id: int) -> None:
        super().__init__(f"{identifier.issuer} {identifier.kind.value} {identifier.value}")
        self.identifier = identifier
        self.person_id = person_id


def _name_row(name: domain.PersonName) -> t.PersonName:
    return t.PersonName(
        use=name.use.value,
        given=name.given,
        family=name.family,
        full=name.full,
        folded=fold(name.display),
    )


def _identifier_owner(session: Session, identifier: domain.Identifier) -> int | None:
    stmt = select(t.Identifier.person_id).where(
        t.Identifier.issuer == identifier.issuer,
        t.Identifier.kind == identifier.kind.value,
        t.Identifier.value == identifier.value,
    )
    return session.scalars(stmt).one_or_none()


def find_by_identifier(session: Session, identifier: domain.Identifier) -> t.Person | None:
    owner = _identifier_owner(session, identifier)
    return None if owner is None else get(session, owner)


def create(session: Session, incident_id: int, person: domain.Person) -> t.Person:
    now = datetime.now(UTC)
    for identifier in person.identifiers:
        owner = _identifier_owner(session, identifier)
        if owner is not None:
            raise DuplicateIdentifier(identifier, owner)
    row = t.Person(incident_id=incident_id, created_at=now, updated_at=now)
    _apply(row, person)
    row.names = [_name_row(n) for n in person.names]
    row.identifiers = [
        t.Identifier(kind=i.kind.value, value=i.value, issuer=i.issuer) for i in person.identifiers
    ]
    row.contacts = [
        t.Contact(
            name=c.name,
            relationship_=c.relationship,
            phone=c.phone,
            email=c.email,
            designated=c.designated,
        )
        for c in person.contacts
    ]
    session.add(row)
    session.flush()
    return row


def _apply(row: t.Person, person: domain.Person) -> None:
    row.sex = person.sex.value
    row.birth_date = person.birth_date.isoformat() if person.birth_date else None
    row.age_low = person.age.low if person.age else None
    row.age_high = person.age.high if person.age else None
    row.directory_opt_out = person.directory_opt_out
    row.unidentified = person.unidentified
    row.description = person.description
    row.home_city = person.home_city
    row.home_postcode = person.home_postcode
    row.phone = person.phone
    row.email = person.email


def replace_names(session: Session, row: t.Person, names: list[domain.PersonName]) -> None:
    if not names:
        raise domain.DomainError("names", "a person needs at least one name")
    row.names = [_name_row(n) for n in names]
    row.updated_at = datetime.now(UTC)
    session.flush()


def add_identifiers(session: Session, row: t.Person, identifiers: list[domain.Identifier]) -> None:
    for identifier in identifiers:
        owner = _identifier_owner(session, identifier)
        if owner == row.id:
            continue
        if owner is not None:
            raise DuplicateIdentifier(identifier, owner)
        row.identifiers.append(
            t.Identifier(
                kind=identifier.kind.value, value=identifier.value, issuer=identifier.issuer
            )
        )
    row.updated_at = datetime.now(UTC)
    session.flush()


def get(session: Session, person_id: int) -> t.Person | None:
    stmt = (
        select(t.Person)
        .where(t.Person.id == person_id)
        .options(
            selectinload(t.Person.names),
            selectinload(t.Person.identifiers),
            selectinload(t.Person.contacts),
        )
    )
    return session.scalars(stmt).one_or_none()


def ids_by_folded_name(session: Session, text: str, incident_id: int | None = None) -> list[int]:
    """People with a name equal to ``text`` once case and accents are folded."""
    stmt = select(t.PersonName.person_id).where(t.PersonName.folded == fold(text)).distinct()
    if incident_id is not None:
        stmt = stmt.join(t.Person, t.Person.id == t.PersonName.person_id).where(
            t.Person.incident_id == incident_id
        )
    return sorted(session.scalars(stmt))


def to_domain(row: t.Person) -> domain.Person:
    return domain.Person(
        names=[
            domain.PersonName(
                given=n.given, family=n.family, use=domain.NameUse(n.use), full=n.full
            )
            for n in row.names
        ],
        sex=domain.Sex(row.sex),
        birth_date=domain.BirthDate.parse(row.birth_date) if row.birth_date else None,
        age=domain.AgeRange(row.age_low, row.age_high)
        if row.age_low is not None and row.age_high is not None
        else None,
        identifiers=[
            domain.Identifier(kind=domain.IdentifierKind(i.kind), value=i.value, issuer=i.issuer)
            for i in row.identifiers
        ],
        contacts=[
            domain.Contact(
                name=c.name,
                relationship=c.relationship_,
                phone=c.phone,
                email=c.email,
                designated=c.designated,
            )
            for c in row.contacts
        ],
        directory_opt_out=row.directory_opt_out,
        unidentified=row.unidentified,
        description=row.description,
        home_city=row.home_city,
        home_postcode=row.home_postcode,
        phone=row.phone,
        email=row.email,
    )
