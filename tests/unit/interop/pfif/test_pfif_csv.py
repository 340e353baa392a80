"""Person Finder's CSV import format in both directions. All people here are synthetic."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reunify.domain.dates import AgeRange, BirthDate
from reunify.domain.types import Sex
from reunify.interop.pfif import (
    CSV_COLUMNS,
    NoteStatus,
    PfifError,
    PfifNote,
    PfifPerson,
    read_csv,
    schema_errors,
    serialize,
    write_csv,
)

DATA = Path(__file__).parents[3] / "data" / "pfif" / "personfinder"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
T0 = datetime(2025, 11, 2, 8, 30, tzinfo=UTC)


def sample() -> bytes:
    return (DATA / "sample-import.csv").read_bytes()


def aligned_sample() -> bytes:
    """The sample with the one surplus empty cell of its data row removed (before the note
    columns, where every cell is empty), so that its values meet their header columns."""
    header, row, *rest = sample().decode().split("\n")
    cells = row.split(",")
    assert len(cells) == 30
    assert cells[21] == cells[22] == ""
    del cells[22]
    return "\n".join([header, ",".join(cells), *rest]).encode()


def table(*rows: dict[str, str]) -> bytes:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_writer_starts_with_person_finder_sample_header() -> None:
    sample_header = sample().decode().split("\n")[0].split(",")
    assert list(CSV_COLUMNS[: len(sample_header)]) == sample_header
    assert write_csv([]).decode().split("\n")[0].split(",") == list(CSV_COLUMNS)


def test_person_finder_sample_is_refused_with_line_and_reason() -> None:
    result = read_csv(sample(), domain="example.org", now=NOW)
    assert (result.persons, result.notes) == ((), ())
    assert [str(e) for e in result.errors] == [
        "line 2: the row has 30 cells but the header has 29 columns; the row was refused, "
        "as its values cannot be matched to columns"
    ]


def test_aligned_sample_gives_a_person_and_a_note_from_one_row() -> None:
    result = read_csv(aligned_sample(), domain="example.org", now=NOW)
    assert result.errors == ()
    assert result.warnings == ()
    (person,), (note,) = result.persons, result.notes
    assert person == PfifPerson(
        "example.org/1",
        author_name="Test Author",
        source_name="Test source",
        source_date=datetime(2013, 2, 14, tzinfo=UTC),
        full_name="Test Person",
        description="This is a test entry",
        sex=Sex.MALE,
    )
    assert note == PfifNote(
        "example.org/1",
        "example.org/1",
        author_name="Test Author",  # shared columns belong to both records
        source_date=datetime(2013, 2, 14, tzinfo=UTC),
        author_made_contact=False,  # written FALSE
        status=NoteStatus.BELIEVED_MISSING,
        text="He is missing",
    )


def test_bare_ids_need_a_domain() -> None:
    result = read_csv(aligned_sample(), now=NOW)
    assert [str(e) for e in result.errors] == [
        "line 2: person 1: person_record_id: '1' is not a record id of the form domain/local-id",
        "line 2: note 1: note_record_id: '1' is not a record id of the form domain/local-id",
        "line 2: note 1: person_record_id: '1' is not a record id of the form domain/local-id",
    ]


PERSON = PfifPerson(
    person_record_id="example.org/p1",
    entry_date=T0,
    expiry_date=datetime(2026, 6, 1, tzinfo=UTC),
    author_name="Desk, Hall B",
    author_email="desk@example.org",
    author_phone="+44 20 7946 0000",
    source_name="Example Registry",
    source_date=T0,
    source_url="https://example.org/p1",
    full_name='Ana "Nena" Exemplo\nAna Exemplo-Souza',
    given_name="Ana",
    family_name="Exemplo",
    alternate_names="Ἄννα Δοκιμή\nחנה בדיקה",
    description="Green jacket, 1.60 m;\nspeaks Portuguese, Français.",
    sex=Sex.FEMALE,
    date_of_birth=BirthDate(1988, 7, 14),
    age=AgeRange(36, 38),
    home_street="Rua das Flores",
    home_neighborhood="Çarşı",
    home_city="Springfield",
    home_state="US-IL",
    home_postal_code="62701",
    home_country="US",
    photo_url="https://example.org/p1.jpg",
    profile_urls="https://example.org/u/1\nhttps://example.net/u/2",
)
NOTE = PfifNote(
    note_record_id="example.org/n1",
    person_record_id="example.org/p1",
    linked_person_record_id="elsewhere.net/p7",
    entry_date=T0,
    author_name="Rafael Testa",
    author_email="rafael@example.org",
    author_phone="+44 20 7946 0001",
    source_date=T0,
    author_made_contact=True,
    status=NoteStatus.BELIEVED_ALIVE,
    email_of_found_person="ana@example.org",
    phone_of_found_person="+44 20 7946 0002",
    last_known_location="51.5072,-0.1276",
    text="Ana called: she is safe,\nstaying with her sister.",
    photo_url="https://example.org/n1.jpg",
)


def test_round_trip_through_csv_is_lossless() -> None:
    other = PfifNote("example.org/n2", "elsewhere.net/p7", source_date=T0, text="Looking for him.")
    data = write_csv([PERSON], [NOTE, other])
    result = read_csv(data, now=NOW)
    assert result.errors == ()
    assert result.persons == (PERSON,)
    assert result.notes == (NOTE, other)
    # and the same records make valid PFIF 1.4
    assert schema_errors(serialize(result.persons, result.notes)) == []


def test_errors_carry_the_line_where_the_record_starts() -> None:
    data = table(
        {"person_record_id": "example.org/p1", "full_name": "Ana Exemplo", "source_date": "",
         "description": "line one\nline two\nline three"},
        {"person_record_id": "example.org/p2", "full_name": "Bo Exemplo", "sex": "x"},
    )  # fmt: skip
    result = read_csv(data, now=NOW)
    assert [str(e) for e in result.errors] == [
        "line 2: person example.org/p1: source_date: required field is missing or empty",
        "line 5: person example.org/p2: source_date: required field is missing or empty",
        "line 5: person example.org/p2: sex: 'x' is not one of female, male, other",
    ]


def test_a_bad_row_does_not_stop_the_good_ones() -> None:
    good = {
        "person_record_id": "example.org/p1",
        "full_name": "Ana",
        "source_date": "2025-11-02T08:30:00Z",
    }
    bad = {**good, "person_record_id": "example.org/p2", "age": "ancient"}
    result = read_csv(table(good, bad, {**good, "person_record_id": "example.org/p3"}), now=NOW)
    assert [p.person_record_id for p in result.persons] == ["example.org/p1", "example.org/p3"]
    assert [str(e) for e in result.errors] == [
        "line 3: person example.org/p2: age: 'ancient' is not an age N or a range N-M (0 to 130)"
    ]


def test_note_only_rows_and_the_photo_url_rule() -> None:
    shared = {"person_record_id": "example.org/p1", "author_name": "Desk"}
    data = table(
        {**shared, "full_name": "Ana", "source_date": "2025-11-02T08:30:00Z",
         "photo_url": "https://example.org/person.jpg", "note_record_id": "example.org/n1",
         "text": "Found."},
        {**shared, "full_name": "", "source_date": "2025-11-03T08:30:00Z",
         "photo_url": "https://example.org/note.jpg", "note_record_id": "example.org/n2",
         "text": "Moved."},
    )  # fmt: skip
    result = read_csv(data, now=NOW)
    assert result.errors == ()
    assert result.persons[0].photo_url == "https://example.org/person.jpg"
    assert [n.photo_url for n in result.notes] == ["", "https://example.org/note.jpg"]


def test_preamble_spreadsheet_times_old_names_and_unknown_columns() -> None:
    data = (
        "Exported from a spreadsheet,,\n"
        "\n"
        "person_record_id,first_name,last_name,full_name,source_date,shoe_size\n"
        "p1,Ana,Exemplo,Ana Exemplo,2025-11-02 08:30,38\n"
    ).encode("utf-8-sig")
    result = read_csv(data, domain="example.org", now=NOW)
    assert result.errors == ()
    (person,) = result.persons
    assert (person.given_name, person.family_name) == ("Ana", "Exemplo")
    assert person.source_date == T0
    assert [str(w) for w in result.warnings] == [
        "line 3: shoe_size: not a PFIF 1.4 field; the column is ignored"
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"name,age\nAna,30\n", "no header row"),
        ("person_record_id\nNuñez\n".encode("latin-1"), "not UTF-8"),
        (b'person_record_id,full_name\n"unclosed,x\n', "the CSV is malformed"),
        (b"person_record_id,full_name,full_name\n", "names column 'full_name' twice"),
    ],
)
def test_unreadable_files_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(PfifError, match=reason):
        read_csv(data, now=NOW)


def test_size_limit() -> None:
    with pytest.raises(PfifError, match="the limit is 10 bytes"):
        read_csv(aligned_sample(), max_bytes=10)


def test_believed_dead_and_authorized_domain_apply_to_csv_too() -> None:
    note = {"person_record_id": "elsewhere.net/p1", "note_record_id": "example.org/n1",
            "source_date": "2025-11-02T08:30:00Z", "text": "x"}  # fmt: skip
    dead = {**note, "note_record_id": "example.org/n2", "status": "believed_dead"}
    foreign = {**note, "note_record_id": "elsewhere.net/n3"}
    result = read_csv(table(note, dead, foreign), now=NOW, authorized_domain="example.org")
    assert [n.note_record_id for n in result.notes] == ["example.org/n1"]
    assert [(e.line, e.field) for e in result.errors] == [(3, "status"), (4, "note_record_id")]


def test_spreadsheet_safe_output_defuses_formulas_but_not_phone_numbers() -> None:
    person = PfifPerson(
        "example.org/p1",
        source_date=T0,
        full_name='=HYPERLINK("http://x.invalid")',
        author_phone="+44 20 7946 0000",
    )
    rows = list(csv.DictReader(io.StringIO(write_csv([person], spreadsheet_safe=True).decode())))
    assert rows[0]["full_name"].startswith("'=HYPERLINK")
    assert rows[0]["author_phone"] == "+44 20 7946 0000"
    plain = list(csv.DictReader(io.StringIO(write_csv([person]).decode())))
    assert plain[0]["full_name"] == person.full_name
