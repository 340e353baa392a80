"""Training the model on the registry, term frequencies, addresses, and corrected names."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reunify.cli import cli
from reunify.domain import AgeRange
from reunify.linkage import find, terms
from reunify.linkage.importer import import_people
from reunify.linkage.models import base_params, current_params
from reunify.matching import Band, MatchRecord, default_params
from reunify.store import Database
from reunify.store import tables as t
from reunify.store.match_tables import MatchModel, MatchTerm, PersonAddress
from tests_linkage_support import HOUSEHOLD_CSV


def _registry(session: Session) -> dict[str, int]:
    """The household registry imported in the caller's transaction; record id -> person."""
    now = datetime.now(UTC)
    incident = t.Incident(slug="hh", name="Households", started_at=now, settings={}, created_at=now)
    session.add(incident)
    session.flush()
    report = import_people(
        session, io.StringIO(HOUSEHOLD_CSV), incident_id=incident.id, issuer="hh", commit=False
    )
    assert (report.created, report.problems) == (7, [])
    rows = session.execute(select(t.Identifier.value, t.Identifier.person_id))
    return {value: pid for value, pid in rows if value.startswith("H-")}


def test_an_import_keeps_the_address_and_counts_the_names(session: Session) -> None:
    people = _registry(session)
    joel = session.get_one(PersonAddress, people["H-1"])
    assert (joel.street, joel.address_2, joel.state) == ("12 Coane Street", "Mountview", "NSW")
    assert session.get(PersonAddress, people["H-6"]) is not None  # a street, no second line
    params = base_params(session)
    assert params.tf_table  # the import counted the registry's names
    table = terms.for_params(session, params)
    assert table is not None
    assert table.frequency("family_name", "green") == 3 / 7
    assert table.frequency("family_name", "coane") == 1 / 7
    assert session.scalar(select(func.count()).select_from(MatchTerm))


def test_a_common_surname_counts_for_less_in_a_look_up(session: Session) -> None:
    people = _registry(session)
    weights = {}
    for record_id, name in (("H-2", "Mitchell Green"), ("H-1", "Joel Coane")):
        (best, *_) = find(session, MatchRecord("q", full_names=(name,)))
        assert int(best.record_id) == people[record_id]
        weights[record_id] = {c.field: c.weight for c in best.contributions}["family_name"]
    assert weights["H-2"] < weights["H-1"]


def test_a_household_and_a_date_of_birth_find_a_person_whose_names_were_garbled(
    session: Session,
) -> None:
    people = _registry(session)
    seeker = MatchRecord(
        "q", names=(("Charlee", ""),), street="12 coane st", address_2="mount view",
        postcode="2548", city="Thornlands",
    )  # fmt: skip
    (best, *_) = find(session, seeker)
    assert int(best.record_id) == people["H-1"]
    assert {c.field: c.level for c in best.contributions}["street"] == "exact"


def test_both_names_misspelt_are_found_through_known_names(session: Session) -> None:
    people = _registry(session)
    found = find(session, MatchRecord("q", full_names=("Hudon Lwory",)))
    assert people["H-6"] in [int(s.record_id) for s in found]
    assert all(s.band is not Band.CONFIDENT for s in found)  # a name alone never is


def _registry_file(tmp_path: Path) -> Path:
    path = tmp_path / "households.csv"
    path.write_text(HOUSEHOLD_CSV)
    return path


def test_dedupe_train_stores_the_model_every_look_up_then_uses(
    linkage_db: Database, tmp_path: Path
) -> None:
    runner = CliRunner()
    imported = runner.invoke(
        cli, ["import", "people", "--db", linkage_db.url, str(_registry_file(tmp_path))]
    )
    assert imported.exit_code == 0, imported.output
    result = runner.invoke(cli, ["dedupe", "--train", "--db", linkage_db.url])
    assert result.exit_code == 0, result.output
    assert "trained in" in result.stderr
    with linkage_db.session() as session:
        trained = session.scalars(
            select(MatchModel).where(MatchModel.trained_at.is_not(None)).order_by(MatchModel.id)
        ).all()
        latest = base_params(session)
        assert latest.version == trained[-1].version
        assert latest.version != default_params().version
        assert "Trained on" in latest.note
        assert current_params(session).tf_table == latest.tf_table


def test_match_train_learns_from_the_inquiries_then_answers_them(
    linkage_db: Database, tmp_path: Path
) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["import", "people", "--db", linkage_db.url, str(_registry_file(tmp_path))])
    lines = "\n".join(
        json.dumps({"id": f"q{i}", "name": name, "date_of_birth": dob})
        for i, (name, dob) in enumerate(
            [("Joel Coane", "1915-04-12"), ("Toby Web", "1994-05-03"), ("Lydia McCarthy", "")]
        )
    )
    result = runner.invoke(cli, ["match", "--train", "--db", linkage_db.url], input=lines)
    assert result.exit_code == 0, result.output
    assert "trained on 3 inquiries" in result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["id"] for a in answers] == ["q0", "q1", "q2"]
    assert answers[0]["candidates"][0]["record_id"] == "H-1"


def test_among_many_namesakes_the_age_and_the_exact_name_decide_who_is_scored(
    session: Session,
) -> None:
    """More James Clarkes than a look-up scores: the one of about 55 must still be among
    them, and so must the one registered under exactly the name asked for."""
    now = datetime.now(UTC)
    incident = t.Incident(slug="many", name="Many", started_at=now, settings={}, created_at=now)
    session.add(incident)
    session.flush()
    rows = ["record_id,given_name,family_name,date_of_birth"]
    rows += [f"J-{i},James,Clarke,{1930 + i % 20}-01-{1 + i % 28:02d}" for i in range(70)]
    rows += [f"K-{i},Jamie,Clark,{1990 + i % 9}-02-{1 + i % 28:02d}" for i in range(70)]
    rows += ["OLD,James,Clarke,1971-06-30", "SPELT,Jamesy,Clarkee,1999-03-03"]
    import_people(
        session, io.StringIO("\n".join(rows) + "\n"), incident_id=incident.id, issuer="many",
        commit=False,
    )  # fmt: skip
    chosen = select(t.Identifier.value, t.Identifier.person_id).where(
        t.Identifier.value.in_(["OLD", "SPELT"])
    )
    ids = {row[0]: row[1] for row in session.execute(chosen)}
    about_55 = MatchRecord(
        "q", full_names=("James Clarke",), age=AgeRange.parse("about 55"),
        reference_date=date(2026, 11, 23),
    )  # fmt: skip
    assert ids["OLD"] in [int(s.record_id) for s in find(session, about_55)[:5]]
    spelt = find(session, MatchRecord("q", full_names=("Jamesy Clarkee",)))
    assert ids["SPELT"] == int(spelt[0].record_id)
