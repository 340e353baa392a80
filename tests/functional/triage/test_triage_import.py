from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy.orm import Session

from reunify.cli.import_triage import import_triage
from reunify.demo.load import load
from reunify.interop.triage import parse
from reunify.store import incidents
from reunify.tracking.service import person_view
from reunify.tracking.triage import apply

DATA = b"""tag,category,sex,age,description,scene,destination,time
T-100,red,M,about 40,leg wound,SGMW lobby,,2026-11-20T14:30:00-08:00
T-100,red,M,about 40,leg wound,SGMW lobby,SPH,2026-11-20T15:10:00-08:00
T-101,black,F,50,,SGMW corridor,,2026-11-20T14:20:00-08:00
T-102,green,F,,,SGMW lobby,NOWHERE,2026-11-20T14:40:00-08:00
"""


def test_tags_become_unidentified_people_with_movements(session: Session, demo: int) -> None:
    incident = incidents.get_by_slug(session, "sgmw-shooting")
    assert incident is not None
    records, errors = parse(DATA)
    assert errors == []
    result = apply(session, incident, records)
    assert (result.people_created, result.movements_created) == (2, 3)
    assert [(e.line, e.field) for e in result.errors] == [(5, "destination")]
    again = apply(session, incident, records)
    assert (again.people_created, again.movements_created) == (0, 0)
    from reunify.domain import Identifier, IdentifierKind
    from reunify.store import people

    tagged = people.find_by_identifier(
        session, Identifier(IdentifierKind.TRIAGE_TAG, "T-100", "triage:sgmw-shooting")
    )
    assert tagged is not None
    view = person_view(session, tagged.id)
    assert view.unidentified
    assert view.status == "in_transit"
    assert view.destination == "Seattle Presbyterian Hospital"
    assert view.condition == "critical"
    assert [m.status for m in view.history] == ["at_scene", "in_transit"]


def test_cli_reports_bad_rows_and_keeps_good_ones(tmp_path: Path) -> None:
    from reunify.store import Database, migrate

    url = f"sqlite:///{tmp_path / 'triage.db'}"
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.session() as session:
        load(session)
    path = tmp_path / "tags.csv"
    path.write_bytes(DATA)
    result = CliRunner().invoke(import_triage, [str(path), "--db", url])
    assert result.exit_code == 0, result.output
    assert "3 triage reports applied (2 new people, 3 movements); 1 rejected" in result.stdout
    assert "line 5: destination: no facility with code 'NOWHERE'" in result.stderr
