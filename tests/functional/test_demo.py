"""The reference scenario as loaded by `reunify demo`."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reunify.demo.load import load
from reunify.store import tables as t
from reunify.tracking.service import locate


def one(session: Session, name: str) -> dict[str, object]:
    found = locate(session, name, actor="test")
    assert len(found) == 1, name
    return found[0].model_dump()


def test_alex_karev_ends_in_room_778_with_his_history(session: Session, demo: int) -> None:
    alex = one(session, "Alex Karev")
    assert alex["facility"] == "Seattle Presbyterian Hospital"
    assert alex["location"] == "7W, room 778"
    history = alex["history"]
    assert isinstance(history, list)
    places = [(m["status"], m["facility_code"], m["location"]) for m in history]
    assert places == [
        ("at_scene", "SGMW", ""),
        ("emergency_department", "SGMW", "ED"),
        ("in_transit", None, ""),
        ("admitted", "SPH", "ICU, room 12, bed A"),
        ("admitted", "SPH", "7W, room 778"),
    ]
    assert history[2]["destination"] == "Seattle Presbyterian Hospital"


def test_owen_hunt_is_discharged_and_the_dead_are_deceased(session: Session, demo: int) -> None:
    assert one(session, "Owen Hunt")["status"] == "discharged"
    assert one(session, "Reed Adamson")["status"] == "deceased"
    assert one(session, "Charles Percy")["status"] == "deceased"


def test_every_critical_patient_reached_seattle_pres(session: Session, demo: int) -> None:
    for name in ("Alex Karev", "Derek Shepherd"):
        person = one(session, name)
        assert person["facility_code"] == "SPH"
        statuses = [m["status"] for m in person["history"]]  # type: ignore[attr-defined]
        assert "in_transit" in statuses


def test_unidentified_decedents_exist_under_aliases(session: Session, demo: int) -> None:
    rows = session.scalars(select(t.Person).where(t.Person.unidentified.is_(True))).all()
    assert len(rows) == 2
    for row in rows:
        assert row.names[0].use == "trauma_alias"
        assert any(i.kind == "trauma_alias" for i in row.identifiers)
    assert one(session, "Juniper Doe")["status"] == "deceased"


def test_staff_are_reported_safe(session: Session, demo: int) -> None:
    for name in (
        "Meredith Grey",
        "Cristina Yang",
        "Lexie Grey",
        "Miranda Bailey",
        "Richard Webber",
        "Mark Sloan",
        "Jackson Avery",
        "Teddy Altman",
    ):
        assert one(session, name)["status"] == "reported_safe", name


def test_loading_twice_changes_nothing(session: Session, demo: int) -> None:
    before = session.scalar(select(func.count()).select_from(t.Movement))
    again = load(session)
    assert (again.people_created, again.movements_created) == (0, 0)
    assert session.scalar(select(func.count()).select_from(t.Movement)) == before
