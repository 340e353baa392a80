"""``reunify dedupe`` with worker processes (each loading its own batches from the
committed database) proposes exactly what the run in one process proposes."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from reunify import domain
from reunify.domain import IdentifierKind, Sex
from reunify.linkage import dedupe, pool
from reunify.linkage.service import prepare_run
from reunify.store import Database
from reunify.store import tables as t
from reunify.store.match_tables import MatchDecision
from reunify.tracking.service import register_person

PEOPLE = [
    ("Derek", "Shepherd", "1966-09-10", "206 555 0101"),
    ("Derek", "Shepard", "1966-09-10", ""),  # a slip in the family name
    ("Meredith", "Grey", "1978-11-02", "206 555 0102"),
    ("Meredith", "Gray", "", "206 555 0102"),  # no date of birth, the same phone
    ("Miranda", "Bailey", "1970-03-14", ""),
    ("Bailey", "Miranda", "1970-03-14", ""),  # given and family swapped
    ("Alex", "Karev", "1980-05-05", ""),
    ("Alexander", "Karev", "1980-05-05", "206 555 0104"),  # a nickname
    ("Cristina", "Yang", "1975-01-21", ""),
    ("Callie", "Torres", "1975-01-21", ""),  # a stranger born the same day
]


def _register(db: Database) -> None:
    with db.session() as session:
        incident = session.scalars(select(t.Incident.id)).one()
        for i, (given, family, born, phone) in enumerate(PEOPLE):
            register_person(
                session, incident,
                domain.Person(
                    names=[domain.PersonName(given, family)], sex=Sex.FEMALE, phone=phone,
                    birth_date=domain.BirthDate.parse(born) if born else None,
                    identifiers=[domain.Identifier(IdentifierKind.MRN, f"W{i}", "SGMW")],
                ),
                actor="test",
            )  # fmt: skip
        session.execute(delete(MatchDecision))  # proposed at registration: start afresh


Proposal = tuple[int, int, str, float, str]


def _proposals(db: Database, workers: int) -> tuple[dedupe.Summary, set[Proposal]]:
    with db.session() as session:
        summary = dedupe.run(session, prepare_run(session), actor="test", workers=workers)
        rows = session.execute(
            select(
                MatchDecision.person_id, MatchDecision.other_id, MatchDecision.band,
                MatchDecision.probability, MatchDecision.why,
            )
        )  # fmt: skip
        found: set[Proposal] = {(a, b, band, p, str(why)) for a, b, band, p, why in rows}
    return summary, found


def test_workers_propose_what_one_process_proposes(
    linkage_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _register(linkage_db)
    monkeypatch.setattr(dedupe, "SCORE_BATCH", 2)  # several batches in flight
    one_summary, one = _proposals(linkage_db, workers=1)
    assert one_summary.proposed >= 3
    with linkage_db.session() as session:
        session.execute(delete(MatchDecision))
    monkeypatch.setattr(pool, "PARALLEL_FROM", 0)
    two_summary, two = _proposals(linkage_db, workers=2)
    assert two == one
    assert (two_summary.pairs, two_summary.proposed, two_summary.bands) == (
        one_summary.pairs, one_summary.proposed, one_summary.bands,
    )  # fmt: skip
    again, _ = _proposals(linkage_db, workers=2)  # decided before: counted, not proposed
    assert (again.proposed, again.already) == (0, two_summary.proposed)
