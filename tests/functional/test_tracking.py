"""Movements and whereabouts through the real store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reunify import domain
from reunify.domain import Condition, Location, NameUse, PersonName, Sex, Status
from reunify.domain.errors import Conflict, NotFound
from reunify.store import tables as t
from reunify.tracking.service import (
    MovementDraft,
    locate,
    person_view,
    record_movement,
    register_person,
)

T0 = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)


@pytest.fixture
def person_id(session: Session, demo: int) -> int:
    person = domain.Person(
        names=[PersonName("Jo", "Testperson", NameUse.LEGAL)],
        sex=Sex.FEMALE,
        identifiers=[domain.Identifier(domain.IdentifierKind.MRN, "X1", "SPH")],
    )
    return register_person(session, demo, person, actor="staff/test").id


def draft(pid: int, minutes: int, location: Location, **kw: object) -> MovementDraft:
    return MovementDraft(
        person_id=pid,
        status=Status.ADMITTED,
        facility_code="SPH",
        location=location,
        occurred_at=T0 + timedelta(minutes=minutes),
        **kw,  # type: ignore[arg-type]
    )


def test_a_late_earlier_movement_does_not_overwrite_a_newer_one(
    session: Session, person_id: int
) -> None:
    room = Location(unit="7W", room="778")
    icu = Location(unit="ICU", room="12")
    record_movement(session, draft(person_id, 60, room, condition=Condition.FAIR), actor="t")
    # Arrives later, but happened earlier: history gains it, the current place does not change.
    record_movement(session, draft(person_id, 5, icu, condition=Condition.CRITICAL), actor="t")
    session.commit()
    view = person_view(session, person_id)
    assert view.location == "7W, room 778"
    assert view.condition == "fair"
    assert [m.location for m in view.history] == ["ICU, room 12", "7W, room 778"]
    stored = session.get(t.Whereabouts, person_id)
    assert stored is not None
    assert stored.since == T0 + timedelta(minutes=60)


def test_the_same_source_ref_is_stored_once(session: Session, person_id: int) -> None:
    first, created = record_movement(
        session, draft(person_id, 1, Location(unit="ED"), source="hl7", source_ref="M1"), actor="t"
    )
    again, created_again = record_movement(
        session, draft(person_id, 1, Location(unit="ED"), source="hl7", source_ref="M1"), actor="t"
    )
    assert created
    assert not created_again
    assert first.id == again.id
    count = session.scalar(select(func.count()).where(t.Movement.person_id == person_id))
    assert count == 1


def test_every_movement_is_audited(session: Session, person_id: int) -> None:
    record_movement(session, draft(person_id, 1, Location(unit="ED")), actor="staff/desk")
    tags = session.scalars(
        select(t.Event.tag).where(t.Event.subject_id == str(person_id)).order_by(t.Event.id)
    ).all()
    assert tags == ["staff:person:create", "staff:person:movement"]


def test_unknown_facility_changes_nothing(session: Session, person_id: int) -> None:
    bad = MovementDraft(
        person_id=person_id, status=Status.ADMITTED, facility_code="NOPE", occurred_at=T0
    )
    with pytest.raises(NotFound) as caught:
        record_movement(session, bad, actor="t")
    assert caught.value.field == "facility"
    assert session.scalar(select(func.count()).where(t.Movement.person_id == person_id)) == 0


def test_movement_for_unknown_person(session: Session, demo: int) -> None:
    with pytest.raises(NotFound, match="person_id"):
        record_movement(session, draft(987654, 1, Location()), actor="t")


def test_identifiers_are_scoped_to_their_issuer(
    session: Session, demo: int, person_id: int
) -> None:
    same_value_other_issuer = domain.Person(
        names=[PersonName("Kim", "Other")],
        identifiers=[domain.Identifier(domain.IdentifierKind.MRN, "X1", "SGMW")],
    )
    register_person(session, demo, same_value_other_issuer, actor="t")
    clash = domain.Person(
        names=[PersonName("Lee", "Third")],
        identifiers=[domain.Identifier(domain.IdentifierKind.MRN, "X1", "SPH")],
    )
    with pytest.raises(Conflict, match="identifiers"):
        register_person(session, demo, clash, actor="t")


@pytest.mark.parametrize("query", ["Alex Karev", "ALEXANDER karev", "  alex   KAREV "])
def test_locate_is_case_and_space_insensitive(session: Session, demo: int, query: str) -> None:
    found = locate(session, query, actor="t")
    assert [v.names[0].display for v in found] == ["Alexander Karev"]


def test_locate_folds_accents(session: Session, demo: int) -> None:
    person = domain.Person(names=[PersonName("José", "Núñez")])
    register_person(session, demo, person, actor="t")
    assert len(locate(session, "jose nunez", actor="t")) == 1


def test_an_over_long_value_is_refused_on_every_backend(session: Session, demo: int) -> None:
    person = domain.Person(names=[PersonName("Ann", "Long")], home_postcode="9" * 41)
    with pytest.raises(domain.DomainError) as caught:
        register_person(session, demo, person, actor="t")
    assert caught.value.field == "people.home_postcode"
