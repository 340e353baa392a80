"""Registering a person proposes their likely duplicates for staff; nothing is merged."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify import domain
from reunify.domain import IdentifierKind, NameUse, Sex
from reunify.linkage import dedupe
from reunify.linkage.service import prepare_run, propose_duplicates
from reunify.store import incidents
from reunify.store import tables as t
from reunify.store.match_tables import MatchDecision, MatchModel
from reunify.tracking.service import register_person


def _incident(session: Session) -> int:
    incident = incidents.get_by_slug(session, "sgmw-shooting")
    assert incident is not None
    return incident.id


def _register(session: Session, mrn: str, issuer: str, **facts: object) -> int:
    person = domain.Person(
        identifiers=[domain.Identifier(IdentifierKind.MRN, mrn, issuer)],
        **facts,  # type: ignore[arg-type]
    )
    return register_person(session, _incident(session), person, actor="staff/test").id


def _proposals(session: Session, person_id: int) -> list[MatchDecision]:
    stmt = select(MatchDecision).where(
        (MatchDecision.person_id == person_id) | (MatchDecision.other_id == person_id)
    )
    return list(session.scalars(stmt))


DEREK = {
    "names": [domain.PersonName("Derek", "Shepherd")],
    "sex": Sex.MALE,
    "birth_date": domain.BirthDate.parse("1966-09-10"),
    "phone": "206 555 0101",
}


def test_a_second_record_of_one_person_is_proposed_at_registration(
    session: Session, demo: int, app_client: TestClient, admin_headers: dict[str, str]
) -> None:
    first = _register(session, "SG-1", "SGMW", **DEREK)
    second = _register(
        session, "SP-2", "SPH", **{**DEREK, "names": [domain.PersonName("Derek", "Shepard")]}
    )
    (proposal,) = _proposals(session, second)
    assert (proposal.person_id, proposal.other_id) == (min(first, second), max(first, second))
    assert (proposal.state, proposal.band, proposal.proposed_by) == (
        "proposed",
        "confident",
        "staff/test",
    )
    assert proposal.incident_id == _incident(session)
    assert any("family name" in line for line in proposal.why["lines"])
    # the version the decision quotes resolves to stored parameters
    assert session.scalar(select(MatchModel.id).where(MatchModel.version == proposal.model_version))
    # nothing was merged: both records live on
    assert session.get_one(t.Person, first).merged_into_id is None
    assert session.get_one(t.Person, second).merged_into_id is None
    # officers see it in the same queue as `reunify dedupe` fills
    session.commit()
    listed = app_client.get("/api/v1/match/duplicates", headers=admin_headers).json()
    assert proposal.id in [d["id"] for d in listed["data"]]
    # the batch run finds it already proposed, and a second call proposes nothing new
    summary = dedupe.run(session, prepare_run(session), actor="test")
    assert summary.already >= 1
    assert propose_duplicates(session, second, actor="staff/test") == []
    assert len(_proposals(session, second)) == 1


def test_a_different_person_is_not_proposed(session: Session, demo: int) -> None:
    _register(session, "SG-1", "SGMW", **DEREK)
    other = _register(
        session, "SP-3", "SPH", names=[domain.PersonName("Ottoline", "Vasquez-Brennan")],
        sex=Sex.FEMALE,
        birth_date=domain.BirthDate.parse("1970-02-14"),
    )  # fmt: skip
    assert _proposals(session, other) == []


def test_a_namesake_is_proposed_for_a_look_but_never_confidently(
    session: Session, demo: int
) -> None:
    _register(session, "SG-1", "SGMW", **DEREK)
    namesake = _register(
        session, "SP-4", "SPH", names=[domain.PersonName("Derek", "Shepherd")], sex=Sex.MALE,
        birth_date=domain.BirthDate.parse("1990-01-30"),
    )  # fmt: skip
    assert all(p.band != "confident" for p in _proposals(session, namesake))


def test_a_trauma_alias_is_weighed_against_the_incidents_unidentified_patients(
    session: Session, demo: int
) -> None:
    named = _register(
        session, "SP-9", "SPH", names=[domain.PersonName("Isobel", "Stevens")], sex=Sex.FEMALE,
        age=domain.AgeRange(28, 32),
        description="blonde, bird tattoo on left wrist, green scrubs",
    )  # fmt: skip
    alias = _register(
        session, "SIERRA-7", "SGMW",
        names=[domain.PersonName("Trauma", "Sierra", use=NameUse.TRAUMA_ALIAS)], sex=Sex.FEMALE,
        age=domain.AgeRange(25, 35), unidentified=True,
        description="blonde hair, green scrubs, tattoo of a bird on the left wrist",
    )  # fmt: skip
    proposals = _proposals(session, alias)
    assert [(p.person_id, p.other_id) for p in proposals] == [(named, alias)]
    assert proposals[0].band == "uncertain"  # an alias is never matched confidently
