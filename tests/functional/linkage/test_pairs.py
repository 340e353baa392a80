"""Candidate pairs for the batch dedupe: a shared key and a second fact in common."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.linkage import pairs
from reunify.linkage.importer import import_people
from reunify.store import tables as t

ROWS = (
    "record_id,given_name,family_name,date_of_birth,phone,street,postcode\n"
    "A,Derek,Shepherd,1966-09-10,,,\n"
    "B,Derek,Shepard,1966-09-10,,,\n"  # the same man: names sound alike, same birth
    "C,Derek,Shepherd,1990-01-30,,,\n"  # a namesake born another year
    "D,Callie,Torres,1966-09-10,,,\n"  # born the same day, nothing else in common
    "E,Miranda,Bailey,1970-02-14,206 555 0101,,\n"
    "F,Randi,Baylee,,206 555 0101,,\n"  # the same phone: paired on it alone
    "G,Lexie,Grey,1996-11-21,,24 Gleadow Street,3501\n"
    "H,Alexandra,Grey,,,24 Gleadow St,3501\n"  # one household, a name sound in common
)


@pytest.fixture
def people(session: Session) -> dict[str, int]:
    now = datetime.now(UTC)
    incident = t.Incident(slug="pairs", name="Pairs", started_at=now, settings={}, created_at=now)
    session.add(incident)
    session.flush()
    import_people(session, io.StringIO(ROWS), incident_id=incident.id, issuer="p", commit=False)
    stmt = select(t.Identifier.value, t.Identifier.person_id).where(t.Identifier.issuer == "p")
    return {row[0]: row[1] for row in session.execute(stmt)}


def _named(people: dict[str, int], found: list[tuple[int, int]]) -> set[str]:
    names = {pid: value for value, pid in people.items()}
    return {"".join(sorted((names[a], names[b]))) for a, b in found if a in names and b in names}


def test_small_groups_are_paired_whole(session: Session, people: dict[str, int]) -> None:
    found = _named(people, pairs.candidate_pairs(session))
    assert {"AB", "EF", "GH"} <= found
    assert "AC" in found  # among so few, a shared name is worth scoring


def test_large_groups_need_a_second_fact(
    session: Session, people: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pairs, "SMALL_GROUP", 1)  # as if every key were shared by crowds
    found = _named(people, pairs.candidate_pairs(session))
    assert {"AB", "EF", "GH"} <= found
    assert "AC" not in found  # names alike, born years apart
    assert "AD" not in found  # born the same day, nothing else alike
