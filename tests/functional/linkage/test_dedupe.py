"""``reunify dedupe`` proposes, staff decide; a confirmed merge keeps every identifier and
all history."""

from __future__ import annotations

from datetime import UTC, datetime

from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify import domain
from reunify.cli import cli
from reunify.domain import IdentifierKind, NameUse, Sex, Status
from reunify.linkage import dedupe
from reunify.linkage.service import prepare_run
from reunify.store import Database
from reunify.store import tables as t
from reunify.store.match_tables import MatchDecision
from reunify.tracking.service import MovementDraft, record_movement, register_person


def _person(session: Session, person_id: int) -> t.Person:
    return session.get_one(t.Person, person_id)


def _alias_and_named(session: Session, incident_id: int) -> tuple[int, int]:
    alias = register_person(
        session, incident_id,
        domain.Person(
            names=[domain.PersonName("Trauma", "Sierra", use=NameUse.TRAUMA_ALIAS)],
            sex=Sex.FEMALE, age=domain.AgeRange(25, 35), unidentified=True,
            description="blonde hair, green scrubs, tattoo of a bird on the left wrist",
            identifiers=[domain.Identifier(IdentifierKind.TRAUMA_ALIAS, "SIERRA-7", "SGMW")],
        ),
        actor="test",
    )  # fmt: skip
    named = register_person(
        session, incident_id,
        domain.Person(
            names=[domain.PersonName("Isobel", "Stevens")], sex=Sex.FEMALE,
            birth_date=domain.BirthDate.parse("1994-05-17"),
            description="blonde, bird tattoo on left wrist, scrubs",
            identifiers=[domain.Identifier(IdentifierKind.MRN, "SP-4410", "SPH")],
        ),
        actor="test",
    )  # fmt: skip
    at = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    record_movement(
        session, MovementDraft(alias.id, Status.ADMITTED, at, facility_code="SGMW"), actor="test"
    )
    return alias.id, named.id


def test_dedupe_proposes_a_trauma_alias_and_confirm_keeps_both_identifiers(
    session: Session, demo: int, app_client: TestClient, admin_headers: dict[str, str]
) -> None:
    alias, named = _alias_and_named(session, demo)
    pair = (
        MatchDecision.person_id == min(alias, named),
        MatchDecision.other_id == max(alias, named),
    )
    # proposed when the named record was registered; the batch run finds it and adds nothing
    proposal = session.scalars(select(MatchDecision).where(*pair)).one()
    session.delete(proposal)
    session.flush()
    summary = dedupe.run(session, prepare_run(session), actor="test")
    proposal = session.scalars(select(MatchDecision).where(*pair)).one()
    assert proposal.state == "proposed"
    assert proposal.band == "uncertain"  # an alias is never matched confidently: staff decide
    assert summary.proposed >= 1
    assert _person(session, alias).merged_into_id is None  # nothing merged silently
    again = dedupe.run(session, prepare_run(session), actor="test")
    assert again.proposed == 0
    assert again.already >= 1

    listed = app_client.get("/api/v1/match/duplicates", headers=admin_headers).json()
    assert proposal.id in [d["id"] for d in listed["data"]]
    response = app_client.post(
        f"/api/v1/match/duplicates/{proposal.id}", json={"decision": "confirm"},
        headers=admin_headers,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "confirmed"
    session.expire_all()
    assert _person(session, alias).merged_into_id == named  # the named record survives
    identifiers = set(
        session.scalars(select(t.Identifier.value).where(t.Identifier.person_id == named))
    )
    assert identifiers == {"SIERRA-7", "SP-4410"}
    moved = session.scalars(select(t.Movement).where(t.Movement.person_id == named)).all()
    assert [m.facility_id is not None for m in moved] == [True]
    assert session.get_one(t.Whereabouts, named).status == Status.ADMITTED.value
    alias_names = session.scalars(select(t.PersonName.given).where(t.PersonName.person_id == alias))
    assert list(alias_names) == ["Trauma"]  # history keeps the alias record and its name
    twice = app_client.post(
        f"/api/v1/match/duplicates/{proposal.id}", json={"decision": "reject"},
        headers=admin_headers,
    )  # fmt: skip
    assert twice.status_code == 409


def test_reject_merges_nothing(
    session: Session, demo: int, app_client: TestClient, admin_headers: dict[str, str]
) -> None:
    alias, named = _alias_and_named(session, demo)
    dedupe.run(session, prepare_run(session), actor="test")
    proposal = session.scalars(
        select(MatchDecision).where(MatchDecision.other_id == max(alias, named))
    ).one()
    response = app_client.post(
        f"/api/v1/match/duplicates/{proposal.id}", json={"decision": "reject"},
        headers=admin_headers,
    )  # fmt: skip
    assert response.json()["state"] == "rejected"
    assert response.json()["decided_by"].startswith("staff/")
    session.expire_all()
    assert _person(session, alias).merged_into_id is None


def test_dedupe_cli_pairs_two_records_of_one_person(linkage_db: Database) -> None:
    with linkage_db.session() as session:
        incident = session.scalars(select(t.Incident.id)).one()
        for mrn, issuer in (("A1", "SGMW"), ("B2", "SPH")):
            register_person(
                session, incident,
                domain.Person(
                    names=[domain.PersonName("Derek", "Shepherd")], sex=Sex.MALE,
                    birth_date=domain.BirthDate.parse("1966-09-10"), phone="206 555 0101",
                    identifiers=[domain.Identifier(IdentifierKind.MRN, mrn, issuer)],
                ),
                actor="test",
            )  # fmt: skip
    with linkage_db.session() as session:  # proposed when the second record was registered
        (decision,) = session.scalars(select(MatchDecision)).all()
        assert (decision.state, decision.band) == ("proposed", "confident")
        session.delete(decision)
    result = CliRunner().invoke(cli, ["dedupe", "--db", linkage_db.url])
    assert result.exit_code == 0, result.output
    assert "1 proposed (1 confident)" in result.output
    with linkage_db.session() as session:
        (decision,) = session.scalars(select(MatchDecision)).all()
        assert (decision.state, decision.band) == ("proposed", "confident")
    again = CliRunner().invoke(cli, ["dedupe", "--db", linkage_db.url])
    assert "0 proposed (0 confident), 1 already proposed" in again.output
