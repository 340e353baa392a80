"""PFIF import into the registry and export of what the policy allows, through API and CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reunify.demo.load import load
from reunify.domain import Role
from reunify.interop import pfif
from reunify.registries.pfif_export import export
from reunify.registries.pfif_import import import_records
from reunify.store import Database, incidents, migrate
from reunify.store import pfif_tables as pt
from reunify.store import tables as t
from reunify.tracking.service import locate

SAMPLES = Path(__file__).parents[2] / "data" / "pfif" / "personfinder"
HOME = "reunify.example.org"

SAFE_ELSEWHERE = b"""<?xml version="1.0" encoding="UTF-8"?>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">
  <pfif:person>
    <pfif:person_record_id>finder.example.net/person.77</pfif:person_record_id>
    <pfif:source_date>2026-11-21T06:00:00Z</pfif:source_date>
    <pfif:full_name>Nadia Quintero</pfif:full_name>
    <pfif:given_name>Nadia</pfif:given_name>
    <pfif:family_name>Quintero</pfif:family_name>
    <pfif:sex>female</pfif:sex>
    <pfif:age>34</pfif:age>
    <pfif:home_city>Tacoma</pfif:home_city>
    <pfif:note>
      <pfif:note_record_id>finder.example.net/note.91</pfif:note_record_id>
      <pfif:source_date>2026-11-21T06:05:00Z</pfif:source_date>
      <pfif:author_name>Nadia Quintero</pfif:author_name>
      <pfif:status>is_note_author</pfif:status>
      <pfif:text>I am fine, staying with my sister.</pfif:text>
    </pfif:note>
    <pfif:note>
      <pfif:note_record_id>finder.example.net/note.92</pfif:note_record_id>
      <pfif:source_date>2026-11-21T07:00:00Z</pfif:source_date>
      <pfif:author_name>A neighbour</pfif:author_name>
      <pfif:linked_person_record_id>other.example.com/person.5</pfif:linked_person_record_id>
      <pfif:text>Same person as the other record.</pfif:text>
    </pfif:note>
  </pfif:person>
</pfif:pfif>
"""


def _incident(session: Session) -> t.Incident:
    incident = incidents.get_by_slug(session, "sgmw-shooting")
    assert incident is not None
    return incident


def test_a_safe_report_from_another_registry_reaches_the_registry(
    session: Session, demo: int
) -> None:
    parsed = pfif.parse(SAFE_ELSEWHERE)
    summary = import_records(session, _incident(session), parsed, actor="t", home_domain=HOME)
    assert (summary.persons_added, summary.notes_added, summary.safe_reports) == (1, 2, 1)
    assert summary.proposed_links == 1
    (nadia,) = locate(session, "Nadia Quintero", actor="t")
    assert nadia.status == "reported_safe"
    assert nadia.history[-1].note == "I am fine, staying with my sister."
    again = import_records(session, _incident(session), parsed, actor="t", home_domain=HOME)
    assert (again.persons_added, again.notes_added, again.safe_reports) == (0, 0, 0)
    links = session.scalar(
        select(func.count()).select_from(t.Event).where(t.Event.tag == "pfif:person:link_proposed")
    )
    assert links == 1


@pytest.mark.parametrize(
    "name",
    sorted(p.relative_to(SAMPLES).as_posix() for p in SAMPLES.rglob("*") if p.suffix == ".xml"),
)
def test_every_sample_imports_or_is_refused_with_reasons(
    session: Session, demo: int, name: str
) -> None:
    parsed = pfif.parse((SAMPLES / name).read_bytes(), authorized_domain=None)
    summary = import_records(session, _incident(session), parsed, actor="t", home_domain=HOME)
    stored = session.scalar(select(func.count()).select_from(pt.PfifRecord))
    assert stored == summary.notes_added + summary.persons_added + summary.persons_updated
    for problem in summary.problems:
        assert ":" in problem  # every problem names the record and the field


def test_export_says_only_what_the_policy_allows(session: Session, demo: int) -> None:
    persons, notes = export(session, _incident(session), home_domain=HOME)
    names = {p.full_name for p in persons}
    assert {"Alexander Karev", "Meredith Grey", "Owen Hunt"} <= names
    # The dead are never exported unless released; unidentified people never.
    assert not names & {"Reed Adamson", "Charles Percy", "Juniper Doe", "Cedar Doe"}
    document = pfif.serialize(persons, notes)
    assert pfif.schema_errors(document) == []
    # Times and record ids are dropped first: "778" (a room) may well be a run of digits
    # in a timestamp or a database id ("person.21778").
    text = re.sub(r"\d{4}-\d\d-\d\dT[0-9:.]+Z", "", document.decode())
    text = re.sub(r"<pfif:(\w+_record_id)>[^<]*</pfif:\1>", "", text)
    for secret in ("778", "ICU", "7W", "critical", "Seattle Presbyterian", "SP778001"):
        assert secret not in text
    by_person = {n.person_record_id: n for n in notes}
    alex = next(p for p in persons if p.full_name == "Alexander Karev")
    assert by_person[alex.person_record_id].status is pfif.NoteStatus.BELIEVED_ALIVE
    assert "Alex Karev" in alex.alternate_names
    meredith = next(p for p in persons if p.full_name == "Meredith Grey")
    assert by_person[meredith.person_record_id].status is pfif.NoteStatus.IS_NOTE_AUTHOR
    # What we export reads back without loss.
    again = pfif.parse(document)
    assert not again.errors
    assert list(again.persons) == persons
    assert sorted(again.notes, key=lambda n: n.note_record_id) == sorted(
        notes, key=lambda n: n.note_record_id
    )


def test_export_is_incremental(session: Session, demo: int) -> None:
    persons, _ = export(session, _incident(session), home_domain=HOME)
    latest = max(p.entry_date for p in persons if p.entry_date)
    later, _ = export(session, _incident(session), home_domain=HOME, since=latest)
    assert later == []
    page1, _ = export(session, _incident(session), home_domain=HOME, limit=2)
    page2, _ = export(session, _incident(session), home_domain=HOME, skip=2, limit=2)
    assert len(page1) <= 2
    assert not {p.person_record_id for p in page1} & {p.person_record_id for p in page2}


def test_api_import_and_feeds(app_client: TestClient, demo: int, make_staff: object) -> None:
    admin = {"Authorization": f"Bearer {make_staff(Role.ADMIN)}"}  # type: ignore[operator]
    officer = {"Authorization": f"Bearer {make_staff(Role.REUNIFICATION_OFFICER)}"}  # type: ignore[operator]
    refused = app_client.post("/api/v1/pfif", content=SAFE_ELSEWHERE, headers=officer)
    assert refused.status_code == 403
    posted = app_client.post(
        "/api/v1/pfif", content=SAFE_ELSEWHERE, headers={**admin, "Content-Type": "application/xml"}
    )
    assert posted.status_code == 200, posted.text
    assert posted.json()["safe_reports"] == 1
    bomb = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><l>&b;</l>'
    bad = app_client.post("/api/v1/pfif", content=bomb, headers=admin)
    assert bad.status_code == 422
    assert bad.json()["fields"][0]["field"] == "body"
    feed = app_client.get("/api/v1/pfif/persons", headers=officer)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("application/xml")
    assert pfif.schema_errors(feed.content) == []
    assert b"Alexander Karev" in feed.content
    assert b"Nadia Quintero" not in feed.content  # imported records belong to their origin
    notes = app_client.get("/api/v1/pfif/notes", params={"max_results": 3}, headers=officer)
    parsed = pfif.parse(notes.content)
    assert parsed.persons == ()
    assert 0 < len(parsed.notes) <= 3
    naive = app_client.get(
        "/api/v1/pfif/notes", params={"since": "2026-11-20T00:00:00"}, headers=officer
    )
    assert naive.status_code == 422


def test_cli_import_and_export(tmp_path: Path) -> None:
    from reunify.cli.pfif import export_group, import_pfif

    url = f"sqlite:///{tmp_path / 'pfif.db'}"
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.session() as session:
        load(session)
    source = tmp_path / "safe.xml"
    source.write_bytes(SAFE_ELSEWHERE)
    result = CliRunner().invoke(import_pfif, [str(source), "--db", url])
    assert result.exit_code == 0, result.output
    assert "1 persons added" in result.stdout
    out = tmp_path / "out.xml"
    result = CliRunner().invoke(export_group, ["pfif", "--db", url, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert pfif.schema_errors(out.read_bytes()) == []
    result = CliRunner().invoke(export_group, ["pfif", "--db", url, "--format", "csv"])
    assert result.exit_code == 0
    assert "Alexander Karev" in result.stdout
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<not-pfif/>")
    result = CliRunner().invoke(import_pfif, [str(broken), "--db", url])
    assert result.exit_code != 0


def test_an_imported_person_answers_an_open_inquiry(
    app_client: TestClient, session: Session, demo: int
) -> None:
    from reunify.store import families_tables as ft

    asked = app_client.post(
        "/api/v1/inquiries",
        json={
            "sought": {"name": "Nadia Quintero", "age": 34, "city": "Tacoma"},
            "seeker": {"name": "Rosa Quintero", "email": "rosa@example.org"},
        },
    )
    assert asked.json()["answer"]["kind"] == "no_information"
    summary = import_records(
        session, _incident(session), pfif.parse(SAFE_ELSEWHERE), actor="t", home_domain=HOME
    )
    assert summary.inquiries_matched == 1
    inquiry = session.scalars(
        select(ft.Inquiry).where(ft.Inquiry.seeker_email == "rosa@example.org")
    ).one()
    assert inquiry.state == "matched"
