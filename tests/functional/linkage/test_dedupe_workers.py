"""``reunify dedupe`` with worker processes (each loading its own batches from the
committed database) proposes exactly what the run in one process proposes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from reunify import domain
from reunify.domain import IdentifierKind, Sex
from reunify.linkage import dedupe, pool
from reunify.linkage.pairs import candidate_pairs
from reunify.linkage.service import prepare_run
from reunify.store import Database
from reunify.store import tables as t
from reunify.store.match_tables import MatchDecision, MatchModel
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


def test_pairs_built_in_another_process_while_training(
    linkage_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``dedupe --train`` builds the candidate pairs and counts the term frequencies in
    another process while it trains, and starts its scoring workers meanwhile: the same
    model, pairs and proposals as doing each in turn in one process."""
    _register(linkage_db)
    built: list[bool] = []
    real = pool.elsewhere

    def spy(session: Session, function: Callable[[Session], Any]) -> Any:
        started = real(session, function)
        built.append(started is not None)
        return started

    monkeypatch.setattr(pool, "elsewhere", spy)
    with linkage_db.session() as session:
        here, _, inline = dedupe.train_and_run(session, actor="test", workers=1)
    assert built == []  # one worker: nothing in the background
    _, alone = _proposals(linkage_db, workers=1)  # decided just now: counted, not proposed
    with linkage_db.session() as session:
        session.execute(delete(MatchDecision))
        session.execute(delete(MatchModel))
    monkeypatch.setattr(dedupe, "LARGE_REGISTRY", 0)
    with linkage_db.session() as session:
        there, _, background = dedupe.train_and_run(session, actor="test", workers=2)
    assert built == [True]
    # The term frequencies counted by the other process are the ones counted here.
    assert there.params.tf_table == here.params.tf_table
    assert there.params.version == here.params.version
    assert (background.pairs, background.proposed, background.bands) == (
        inline.pairs, inline.proposed, inline.bands,
    )  # fmt: skip
    assert background.pairs >= 5
    _, again = _proposals(linkage_db, workers=1)
    assert again == alone


def test_a_job_elsewhere_reads_the_committed_database(linkage_db: Database) -> None:
    _register(linkage_db)
    with linkage_db.session() as session:
        here = candidate_pairs(session)
        there = pool.elsewhere(session, candidate_pairs)
        assert there is not None
        assert there.result() == here
        assert len(here) >= 5


def test_a_failed_training_stops_the_run(
    linkage_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The background pair builder and the started workers are let go, and nothing is
    proposed, when training fails."""
    _register(linkage_db)

    def broken(session: Session, **_: Any) -> Any:
        raise RuntimeError("training failed")

    monkeypatch.setattr(dedupe, "LARGE_REGISTRY", 0)
    monkeypatch.setattr(dedupe.train, "train", broken)
    with linkage_db.session() as session, pytest.raises(RuntimeError, match="training failed"):
        dedupe.train_and_run(session, actor="test", workers=2)
    with linkage_db.session() as session:
        assert session.scalar(select(func.count()).select_from(MatchDecision)) == 0
