"""PFIF XML output: round trip of every field, schema validity, older versions, refusals.

All people here are synthetic.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reunify.domain.dates import AgeRange, BirthDate
from reunify.domain.types import Sex
from reunify.interop.pfif import (
    NoteStatus,
    PfifError,
    PfifNote,
    PfifPerson,
    parse,
    schema_errors,
    serialize,
)

DATA = Path(__file__).parents[3] / "data" / "pfif" / "personfinder"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
T0 = datetime(2025, 11, 2, 8, 30, tzinfo=UTC)


# --- serialize: round trip and schema -------------------------------------------------------

FULL_PERSON = PfifPerson(
    person_record_id="example.org/person.1",
    entry_date=datetime(2025, 11, 2, 9, 0, 0, 250000, tzinfo=UTC),
    expiry_date=datetime(2026, 6, 1, tzinfo=UTC),
    author_name="Registro Çalışanı",
    author_email="desk@example.org",
    author_phone="+1 555 0100",
    source_name="Example Registry",
    source_date=T0,
    source_url="https://example.org/p/1",
    full_name="José Ángel Exemplo Núñez\nJosé Exemplo",
    given_name="José Ángel",
    family_name="Exemplo Núñez",
    alternate_names="Pepe\nΙωσήφ Δοκιμή\nיוסף בדיקה",
    description='Tall, "red coat" & <blue> scarf;\nlast seen near the bridge.',
    sex=Sex.MALE,
    date_of_birth=BirthDate(1971, 4),
    age=AgeRange(50, 55),
    home_street="Rua Exemplo",
    home_neighborhood="Centro",
    home_city="Springfield",
    home_state="US-IL",
    home_postal_code="62701",
    home_country="US",
    photo_url="https://example.org/p/1.jpg",
    profile_urls="https://example.org/u/1\nhttps://example.net/u/2",
)
NESTED_NOTE = PfifNote(
    note_record_id="example.org/note.1",
    person_record_id="example.org/person.1",
    linked_person_record_id="other.example/person.9",
    entry_date=T0,
    author_name="Maria Testa",
    author_email="maria@example.org",
    author_phone="+1 555 0101",
    source_date=T0,
    author_made_contact=True,
    status=NoteStatus.BELIEVED_ALIVE,
    email_of_found_person="jose@example.org",
    phone_of_found_person="+1 555 0102",
    last_known_location="39.7817,-89.6501",
    text="Spoke to him by phone.\n  He is at the school gym.",
    photo_url="https://example.org/n/1.jpg",
)
TOP_NOTE = PfifNote(
    note_record_id="example.org/note.2",
    person_record_id="other.example/person.9",
    author_name="",
    source_date=T0,
    status=NoteStatus.INFORMATION_SOUGHT,
    text="家族を探しています",
)


def test_round_trip_of_every_field() -> None:
    data = serialize([FULL_PERSON], [NESTED_NOTE, TOP_NOTE])
    assert schema_errors(data) == []
    result = parse(data, now=NOW)
    assert result.errors == ()
    assert result.persons == (FULL_PERSON,)
    assert result.notes == (NESTED_NOTE, TOP_NOTE)
    assert b"<pfif:note>" in data.split(b"</pfif:person>")[0]  # nested in its person


def test_serialized_placeholder_is_valid() -> None:
    placeholder = PfifPerson("example.org/p1", expiry_date=T0, source_date=T0, entry_date=T0)
    data = serialize([placeholder])
    assert schema_errors(data) == []
    assert b"<pfif:full_name></pfif:full_name>" in data
    assert parse(data, now=NOW).persons == (placeholder,)


def test_schema_check_is_not_vacuous() -> None:
    """Person Finder's own 1.4 sample omits a note author_name, which the schema requires."""
    errors = schema_errors((DATA / "test.pfif-1.4.xml").read_bytes())
    assert any("author_name" in e for e in errors)
    bad = serialize([FULL_PERSON]).replace(b">male<", b">m<")
    assert schema_errors(bad) != []


@pytest.mark.parametrize("version", ["1.1", "1.2", "1.3"])
def test_older_versions_keep_the_fields_they_have(version: str) -> None:
    data = serialize([FULL_PERSON], [NESTED_NOTE], version=version)
    result = parse(data, now=NOW)
    assert result.errors == ()
    assert result.version == version
    (person,), (note,) = result.persons, result.notes
    assert (person.given_name, person.family_name) == ("José Ángel", "Exemplo Núñez")
    assert person.description == FULL_PERSON.description  # through `other: description:`
    assert person.home_postal_code == "62701"  # `home_zip` in 1.1
    assert person.alternate_names == ""  # new in 1.4
    assert note.photo_url == ""  # new in 1.4
    assert note.author_made_contact is True  # `found` before 1.4
    assert note.text == NESTED_NOTE.text


def test_a_person_known_only_by_full_name_survives_pfif_1_2() -> None:
    person = PfifPerson("example.org/p1", source_date=T0, full_name="Ana Exemplo")
    data = serialize([person], version="1.2")
    assert b"<pfif:author_name>" not in data  # optional for a person: not written empty
    back = parse(data, now=NOW)
    assert back.errors == ()
    assert back.persons == (replace(person, given_name="Ana Exemplo"),)


def test_serialize_refuses_what_it_cannot_write() -> None:
    with pytest.raises(PfifError, match=r"person example\.org/p1: source_date: required"):
        serialize([PfifPerson("example.org/p1", full_name="Ana Exemplo")])
    with pytest.raises(PfifError, match=r"appears twice"):
        serialize([FULL_PERSON, FULL_PERSON])
    with pytest.raises(PfifError, match=r"PFIF 1\.1 has no top-level notes"):
        serialize([], [TOP_NOTE], version="1.1")
    with pytest.raises(PfifError, match="unknown PFIF version"):
        serialize([], [], version="2.0")


def test_characters_xml_cannot_carry_are_removed() -> None:
    person = replace(FULL_PERSON, description="bell\x07 and null\x00 gone")
    (back,) = parse(serialize([person]), now=NOW).persons
    assert back.description == "bell and null gone"
