"""Registry clients: each speaks for one PFIF domain, and only that domain changes its records.

Also the Person Finder CSV format through the API and the CLI, both directions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reunify.cli import cli
from reunify.demo.load import load
from reunify.domain import Role
from reunify.interop import pfif
from reunify.store import Database, migrate, users
from reunify.store import pfif_tables as pt
from reunify.store import tables as t
from reunify.tracking.service import locate

SAMPLES = Path(__file__).parents[2] / "data" / "pfif" / "personfinder"


def _person(record_id: str, full_name: str, *, source_date: str = "2026-11-21T06:00:00Z") -> str:
    given, family = full_name.split(" ", 1)
    return f"""
  <pfif:person>
    <pfif:person_record_id>{record_id}</pfif:person_record_id>
    <pfif:source_date>{source_date}</pfif:source_date>
    <pfif:full_name>{full_name}</pfif:full_name>
    <pfif:given_name>{given}</pfif:given_name>
    <pfif:family_name>{family}</pfif:family_name>
    <pfif:age>41</pfif:age>
  </pfif:person>"""


def _document(*records: str) -> bytes:
    body = "".join(records)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">{body}\n</pfif:pfif>\n'
    ).encode()


DEAD_NOTE = """
  <pfif:note>
    <pfif:note_record_id>finder.example.net/note.5</pfif:note_record_id>
    <pfif:person_record_id>finder.example.net/person.1</pfif:person_record_id>
    <pfif:source_date>2026-11-21T09:00:00Z</pfif:source_date>
    <pfif:author_name>A caller</pfif:author_name>
    <pfif:status>believed_dead</pfif:status>
    <pfif:text>Heard it from a neighbour.</pfif:text>
  </pfif:note>"""


def _client(session: Session, domain: str, *, allow_believed_dead: bool = False) -> dict[str, str]:
    user = t.User(
        username=f"registry-{domain}",
        role=Role.REGISTRY.value,
        password_hash=None,
        created_at=datetime.now(UTC),
    )
    session.add(user)
    session.flush()
    session.add(
        pt.RegistryClient(
            user_id=user.id, pfif_domain=domain, allow_believed_dead=allow_believed_dead
        )
    )
    token = users.issue_token(session, user, "pfif", ttl=None)
    session.commit()
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/xml"}


def _found(session: Session, name: str) -> list[str]:
    return [p.names[0].display for p in locate(session, name, actor="t")]


def _stored(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(pt.PfifRecord)) or 0


def test_a_client_sends_its_own_records_and_no_one_elses(
    app_client: TestClient, session: Session, demo: int
) -> None:
    finder = _client(session, "finder.example.net")
    document = _document(
        _person("finder.example.net/person.1", "Oriana Velasco"),
        _person("redcross.example.org/person.9", "Tobias Lindqvist"),
    )
    answer = app_client.post("/api/v1/pfif", content=document, headers=finder)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["persons_added"] == 1
    (problem,) = body["problems"]
    assert problem.startswith("person redcross.example.org/person.9: person_record_id:")
    assert "finder.example.net" in problem
    assert _found(session, "Oriana Velasco") == ["Oriana Velasco"]
    assert _found(session, "Tobias Lindqvist") == []


def test_another_domain_cannot_change_a_record(
    app_client: TestClient, session: Session, demo: int
) -> None:
    finder = _client(session, "finder.example.net")
    other = _client(session, "other.example.com")
    first = _document(_person("finder.example.net/person.1", "Oriana Velasco"))
    assert app_client.post("/api/v1/pfif", content=first, headers=finder).status_code == 200
    before = _stored(session)
    forged = _document(
        _person("finder.example.net/person.1", "Someone Else", source_date="2026-11-22T06:00:00Z")
    )
    answer = app_client.post("/api/v1/pfif", content=forged, headers=other)
    assert answer.status_code == 200
    assert answer.json()["persons_updated"] == 0
    assert "is not the authorized source domain 'other.example.com'" in answer.json()["problems"][0]
    assert _stored(session) == before
    assert _found(session, "Someone Else") == []
    # the originating domain itself may publish a newer version
    again = app_client.post("/api/v1/pfif", content=forged, headers=finder)
    assert again.json()["persons_updated"] == 1


def test_death_reports_need_the_clients_permission(
    app_client: TestClient, session: Session, demo: int
) -> None:
    plain = _client(session, "finder.example.net")
    document = _document(_person("finder.example.net/person.1", "Oriana Velasco") + DEAD_NOTE)
    answer = app_client.post("/api/v1/pfif", content=document, headers=plain).json()
    assert answer["notes_added"] == 0
    assert any("status: 'believed_dead'" in p for p in answer["problems"])


def test_a_registry_token_opens_the_exchange_and_nothing_else(
    app_client: TestClient, session: Session, demo: int, make_staff: object
) -> None:
    finder = _client(session, "finder.example.net")
    assert app_client.get("/api/v1/pfif/persons", headers=finder).status_code == 200
    for path in ("/api/v1/facilities", "/api/v1/audit", "/api/v1/tasks"):
        refused = app_client.get(path, headers=finder)
        assert refused.status_code == 403, path
        assert refused.json()["fields"][0]["field"] == "role"
    desk = {"Authorization": f"Bearer {make_staff(Role.FACILITY_STAFF, ('SPH',))}"}  # type: ignore[operator]
    assert app_client.get("/api/v1/pfif/persons", headers=desk).status_code == 403
    assert app_client.post("/api/v1/pfif", content=b"<x/>", headers=desk).status_code == 403


def test_csv_both_ways_through_the_api(
    app_client: TestClient, session: Session, demo: int, make_staff: object
) -> None:
    officer = {"Authorization": f"Bearer {make_staff(Role.REUNIFICATION_OFFICER)}"}  # type: ignore[operator]
    feed = app_client.get("/api/v1/pfif/persons", headers=officer)
    persons = pfif.parse(feed.content).persons
    exported = pfif.write_csv(persons, [])
    assert b"Alexander Karev" in exported
    # what we wrote reads back as the same records
    assert {p.person_record_id for p in pfif.read_csv(exported).persons} == {
        p.person_record_id for p in persons
    }
    finder = _client(session, "finder.example.net")
    rows = (
        "person_record_id,full_name,given_name,family_name,age,source_date\n"
        "person.31,Marisol Etxeberria,Marisol,Etxeberria,29,2026-11-21T06:00:00Z\n"
        "person.32,,,,,2026-11-21T06:00:00Z\n"
    )
    answer = app_client.post(
        "/api/v1/pfif", content=rows.encode(), headers={**finder, "Content-Type": "text/csv"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["persons_added"] == 1
    assert any(
        "person finder.example.net/person.32: full_name" in p for p in answer.json()["problems"]
    )
    assert _found(session, "Marisol Etxeberria") == ["Marisol Etxeberria"]


def test_cli_registry_client_and_csv_import(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'pfif.db'}"
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.session() as session:
        load(session)
    runner = CliRunner()
    made = runner.invoke(
        cli,
        [
            *["user", "add", "finder", "--role", "registry", "--pfif-domain", "Finder.Example.net"],
            "--db",
            url,
        ],
    )
    assert made.exit_code == 0, made.output
    missing = runner.invoke(cli, ["user", "add", "nodomain", "--role", "registry", "--db", url])
    assert missing.exit_code != 0
    assert "--pfif-domain" in missing.output
    with database.session() as session:
        client = session.scalars(select(pt.RegistryClient)).one()
        assert client.pfif_domain == "finder.example.net"
        assert session.get(t.User, client.user_id).password_hash is None  # type: ignore[union-attr]
    source = tmp_path / "people.csv"
    source.write_text(
        "person_record_id,full_name,given_name,family_name,age,source_date\n"
        "person.41,Ilse Vandermeer,Ilse,Vandermeer,52,2026-11-21T06:00:00Z\n"
    )
    imported = runner.invoke(
        cli, ["import", "pfif", str(source), "--domain", "finder.example.net", "--db", url]
    )
    assert imported.exit_code == 0, imported.output
    assert "1 persons added" in imported.stdout
    exported = runner.invoke(cli, ["export", "pfif", "--format", "csv", "--db", url])
    assert exported.exit_code == 0
    assert "Alexander Karev" in exported.stdout
    sample = runner.invoke(
        cli,
        [
            "import",
            "pfif",
            str(SAMPLES / "sample-import.csv"),
            "--domain",
            "example.org",
            "--db",
            url,
        ],
    )
    assert "line 2: the row has 30 cells but the header has 29 columns" in sample.output
    assert "0 persons added" in sample.stdout
