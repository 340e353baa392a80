"""Candidate search through the key index: typos, nicknames, and nobody on a bare given name."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify import domain
from reunify.domain import NameUse, Sex
from reunify.linkage import find, rebuild
from reunify.matching import Band, MatchRecord
from reunify.store import incidents
from reunify.store import tables as t
from reunify.store.match_tables import MatchKey
from reunify.tracking.service import locate, register_person


def _incident(session: Session) -> int:
    incident = incidents.get_by_slug(session, "sgmw-shooting")
    assert incident is not None
    return incident.id


def _register(session: Session, given: str, family: str, **facts: Any) -> int:
    person = domain.Person(names=[domain.PersonName(given, family)], **facts)
    return register_person(session, _incident(session), person, actor="test").id


def _top(session: Session, name: str) -> list[tuple[int, Band]]:
    found = find(session, MatchRecord("q", full_names=(name,)))
    return [(int(s.record_id), s.band) for s in found]


def test_a_misspelt_family_name_finds_the_person(session: Session, demo: int) -> None:
    derek = session.scalar(
        select(t.PersonName.person_id).where(t.PersonName.folded == "derek shepherd")
    )
    top = _top(session, "Derek Shepard")
    assert top[0] == (derek, Band.UNCERTAIN)  # a name alone is never confident


def test_a_nickname_finds_a_person_registered_only_under_the_full_name(
    session: Session, demo: int
) -> None:
    karev = _register(session, "Alexander", "Karev", sex=Sex.MALE)  # no "Alex" name row
    names = session.scalars(select(t.PersonName.given).where(t.PersonName.person_id == karev))
    assert list(names) == ["Alexander"]
    assert karev in [pid for pid, _ in _top(session, "Alex Karev")[:2]]
    izzie = _register(session, "Isobel", "Stevens", sex=Sex.FEMALE)
    assert _top(session, "Izzie Stevens")[0][0] == izzie


def test_a_given_name_alone_finds_nobody_confidently(session: Session, demo: int) -> None:
    _register(session, "Alexander", "Karev")
    found = _top(session, "Alex")
    assert found  # the broad keys are asked when nothing selective is known
    assert all(band is not Band.CONFIDENT for _, band in found)


def test_agreeing_facts_make_a_match_confident(session: Session, demo: int) -> None:
    izzie = _register(
        session, "Isobel", "Stevens", sex=Sex.FEMALE,
        birth_date=domain.BirthDate.parse("1994-05-17"), phone="+1 206 555 0199",
    )  # fmt: skip
    inquiry = MatchRecord(
        "q", names=(("Izzie", "Stevens"),), birth_date=domain.BirthDate.parse("1994-05-17"),
        phone="206-555-0199",
    )  # fmt: skip
    (best, *_) = find(session, inquiry)
    assert (int(best.record_id), best.band) == (izzie, Band.CONFIDENT)


def test_the_index_follows_a_rename(
    session: Session, demo: int, app_client: TestClient, admin_headers: dict[str, str]
) -> None:
    pid = _register(session, "Callie", "Torres")
    assert _top(session, "Callie Torres")[0][0] == pid
    response = app_client.patch(
        f"/api/v1/people/{pid}",
        json={"names": [{"given": "Calliope", "family": "Robbins", "use": NameUse.LEGAL.value}]},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    assert pid not in [p for p, _ in _top(session, "Callie Torres")]
    assert _top(session, "Calliope Robins")[0][0] == pid


def test_rebuild_recreates_the_same_index(session: Session, demo: int) -> None:
    before = sorted(session.execute(select(MatchKey.person_id, MatchKey.key)).all())
    assert before
    rebuild(session)
    after = sorted(session.execute(select(MatchKey.person_id, MatchKey.key)).all())
    assert after == before


def test_locate_is_tolerant_and_keeps_exact_names_first(session: Session, demo: int) -> None:
    (derek,) = locate(session, "Derek Shepard", actor="test")
    assert derek.names[0].family == "Shepherd"
    exact = locate(session, "alex karev", actor="test")
    assert [n.display for n in exact[0].names][-1] == "Alex Karev"
    assert locate(session, "Alex", actor="test") == []
