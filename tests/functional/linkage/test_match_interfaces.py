"""``reunify match``, ``POST /api/v1/match`` and ``reunify import people`` from the outside."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reunify.cli import cli
from reunify.domain.types import Role
from reunify.linkage.importer import import_people
from reunify.store import Database
from reunify.store import tables as t
from reunify.store.match_tables import MatchKey, MatchModel
from tests_linkage_support import PEOPLE_CSV


def _import(db: Database, path: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["import", "people", "--db", db.url, str(path)])
    return result.exit_code, result.stdout, result.stderr


def test_import_reports_bad_rows_and_is_idempotent(linkage_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text(PEOPLE_CSV)
    code, out, err = _import(linkage_db, path)
    assert code == 0, err
    assert "4 rows read: 3 people added, 0 already imported, 1 bad rows" in out
    assert "registry.csv line 4: date_of_birth:" in err
    with linkage_db.session() as session:
        people = session.scalar(select(func.count()).select_from(t.Person))
        keys = session.scalar(select(func.count()).select_from(MatchKey))
        issuers = set(session.scalars(select(t.Identifier.issuer)))
    assert (people, issuers) == (3, {"import:registry"})
    assert keys
    assert keys > 3 * 5
    code, out, _ = _import(linkage_db, path)
    assert "3 already imported" in out
    with linkage_db.session() as session:
        assert session.scalar(select(func.count()).select_from(t.Person)) == 3
        assert session.scalar(select(func.count()).select_from(MatchKey)) == keys


def test_match_cli_answers_good_lines_and_reports_bad_ones(
    linkage_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "registry.csv"
    path.write_text(PEOPLE_CSV)
    assert _import(linkage_db, path)[0] == 0
    lines = [
        json.dumps({"id": "q1", "name": "Derek Shepard"}),
        "{not json",
        json.dumps(
            {
                "id": "q2",
                "given_name": "Izzie",
                "family_name": "Stevens",
                "date_of_birth": "1994-05-17",
                "phone": "206 555 0199",
            }
        ),
        json.dumps({"id": "q3", "colour": "red", "name": "x"}),
        json.dumps({"id": "q4", "name": "Alex"}),
    ]
    result = CliRunner().invoke(cli, ["match", "--db", linkage_db.url], input="\n".join(lines))
    assert result.exit_code == 0, result.stderr
    assert "line 2: not JSON" in result.stderr
    assert "line 4: colour: is not an inquiry field" in result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["id"] for a in answers] == ["q1", "q2", "q4"]
    for answer in answers:
        assert set(answer) == {"id", "candidates"}
        assert len(answer["candidates"]) <= 10
        for c in answer["candidates"]:
            assert set(c) == {"record_id", "probability", "band", "why"}
        probabilities = [c["probability"] for c in answer["candidates"]]
        assert probabilities == sorted(probabilities, reverse=True)
    assert answers[0]["candidates"][0]["record_id"] == "R-1"
    assert answers[1]["candidates"][0] | {"why": ""} == {
        "record_id": "R-3", "probability": answers[1]["candidates"][0]["probability"],
        "band": "confident", "why": "",
    }  # fmt: skip
    assert all(c["band"] != "confident" for c in answers[2]["candidates"])
    with linkage_db.session() as session:
        versions = set(session.scalars(select(MatchModel.version)))
        event = session.scalars(select(t.Event).where(t.Event.tag == "cli:match:batch")).one()
    assert event.data["model_version"] in versions


def test_match_api_shape_and_staff_only(
    session: Session,
    demo: int,
    app_client: TestClient,
    make_staff: Callable[..., str],
    admin_headers: dict[str, str],
) -> None:
    response = app_client.post(
        "/api/v1/match", json={"id": "q1", "name": "Derek Shepard"}, headers=admin_headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == "q1"
    best = body["candidates"][0]
    assert set(best) == {"record_id", "probability", "band", "why"}
    assert best["record_id"] == "derek-shepherd"  # the demo's external record id
    assert best["band"] == "uncertain"
    bad = app_client.post("/api/v1/match", json={"id": "q2"}, headers=admin_headers)
    assert bad.status_code == 422
    assert bad.json()["fields"][0]["field"] == "name"
    anonymous = app_client.post("/api/v1/match", json={"id": "q1", "name": "Derek"})
    assert anonymous.status_code == 401
    nurse = make_staff(Role.FACILITY_STAFF, ("SGMW",))
    forbidden = app_client.post(
        "/api/v1/match", json={"id": "q1", "name": "Derek"},
        headers={"Authorization": f"Bearer {nurse}"},
    )  # fmt: skip
    assert forbidden.status_code == 403


def test_keys_computed_in_worker_processes_equal_the_serial_index(session: Session) -> None:
    now = datetime.now(UTC)
    incident = t.Incident(slug="par", name="Par", started_at=now, settings={}, created_at=now)
    session.add(incident)
    session.flush()
    for workers, issuer in ((1, "serial"), (2, "parallel")):
        report = import_people(
            session, io.StringIO(PEOPLE_CSV), incident_id=incident.id, issuer=issuer,
            commit=False, workers=workers,
        )  # fmt: skip
        assert (report.created, len(report.problems)) == (3, 1)
    rows = session.execute(
        select(t.Identifier.issuer, t.Identifier.value, MatchKey.key).join(
            MatchKey, MatchKey.person_id == t.Identifier.person_id
        )
    ).all()
    serial = sorted((value, key) for issuer, value, key in rows if issuer == "serial")
    parallel = sorted((value, key) for issuer, value, key in rows if issuer == "parallel")
    assert serial == parallel
    assert serial
