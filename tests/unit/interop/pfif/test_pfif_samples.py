"""Every public sample file in tests/data/pfif/ parses, or is refused for the reason it tests.

The files are Person Finder's own test inputs (see the SOURCE.md files next to them). Each file
has one expectation below, stated per file; a file without one fails ``test_every_file_...``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from reunify.interop.pfif import ParseResult, parse, read_csv, schema_errors, serialize

DATA = Path(__file__).parents[3] / "data" / "pfif" / "personfinder"
EXTRACTED = "extracted-from-test_pfif/"
NOW = datetime(2026, 1, 1, tzinfo=UTC)  # after every expiry_date in the samples
BEFORE_EXPIRY = datetime(2010, 1, 20, tzinfo=UTC)  # the 1.3/1.4 samples expire 2010-02-16


@dataclass(frozen=True)
class Expect:
    persons: int
    notes: int
    errors: tuple[str, ...] = ()  # one substring per expected error, nothing else allowed
    warnings: tuple[str, ...] = ()  # substrings that must appear among the warnings
    options: dict[str, Any] = field(default_factory=dict)
    expired: int = 0


_EXPIRED_WITH_DATA = Expect(
    1,
    0,
    warnings=(
        "person test.google.com/person.21009: expiry_date: expired on 2010-02-16T02:07:57Z",
        "note test.google.com/note.27009: person_record_id: person test.google.com/person.21009 "
        "has expired, so its notes were dropped",
    ),
    expired=1,
)
_NO_AUTHOR = (
    "note test.google.com/note.40121: author_name: missing",
    "note test.google.com/note.50121: author_name: missing",
)

EXPECTED: dict[str, Expect] = {
    # --- real files under tests/ of google/personfinder -------------------------------------
    "global-test.pfif-1.2-source.xml": Expect(1, 0),
    "test.pfif-1.1.xml": Expect(1, 2),
    # a person from a domain other than the importing key's is refused; the good one is kept
    "test.pfif-1.2-badrecord.xml": Expect(
        1,
        4,
        errors=(
            "person foo.google.com/person.666: person_record_id: domain 'foo.google.com' "
            "is not the authorized source domain 'test.google.com'",
        ),
        warnings=_NO_AUTHOR,
        options={"authorized_domain": "test.google.com"},
    ),
    # a death report is refused without the believed_dead permission
    "test.pfif-1.2-believed-dead.xml": Expect(
        0,
        0,
        errors=(
            "note test.google.com/note.218: status: 'believed_dead' is accepted only with the "
            "believed_dead permission",
        ),
    ),
    "test.pfif-1.2-note.xml": Expect(0, 2),
    "test.pfif-1.2-notification.xml": Expect(0, 1),
    "test.pfif-1.2-source.xml": Expect(1, 0),
    "test.pfif-1.2.xml": Expect(1, 4, warnings=_NO_AUTHOR),
    "test.pfif-1.4.xml": Expect(1, 4, warnings=_NO_AUTHOR),
    # Person Finder's sample CSV: its data row has one cell more than its header, so no value
    # can be trusted to sit in its column (Person Finder itself would shift the note's values
    # and silently lose the note). Refused with the line and the reason.
    "sample-import.csv": Expect(
        0,
        0,
        errors=("line 2: the row has 30 cells but the header has 29 columns",),
        options={"domain": "example.org"},
    ),
    # --- documents extracted from tests/test_pfif.py ----------------------------------------
    EXTRACTED + "pfif-1.1-xml-document-with-tag-prefixes.xml": Expect(1, 1),
    EXTRACTED + "pfif-1.2-with-non-ascii-characters.xml": Expect(1, 0),
    EXTRACTED + "pfif-1.2-with-tag-prefixes-with-the-person-record-id-after-the-note.xml": Expect(
        1, 1
    ),
    EXTRACTED + "pfif-1.2-xml-document-with-notes-only.xml": Expect(0, 1),
    EXTRACTED + "pfif-1.2-xml-document-with-tag-prefixes.xml": Expect(1, 1),
    EXTRACTED + "pfif-1.2-xml-document-without-tag-prefixes.xml": Expect(1, 1),
    EXTRACTED + "pfif-1.3-for-an-expired-record-with-data-that-has-been-wiped.xml": Expect(
        1, 0, expired=1
    ),
    EXTRACTED + "pfif-1.3-with-notes-only.xml": Expect(0, 1),
    # these carry full data and an expiry_date of 2010-02-16: today they are expired, so only
    # the placeholder is kept (see test_expiring_samples_before_expiry for the full record)
    EXTRACTED + "pfif-1.3-with-tag-prefixes-with-the-person-record-id-after-the-note.xml": (
        _EXPIRED_WITH_DATA
    ),
    EXTRACTED + "pfif-1.3-with-tag-prefixes.xml": _EXPIRED_WITH_DATA,
    EXTRACTED + "pfif-1.4-for-an-expired-record-with-data-that-has-been-wiped.xml": Expect(
        1, 0, expired=1
    ),
    EXTRACTED + "pfif-1.4-with-notes-only.xml": Expect(0, 1),
    EXTRACTED + "pfif-1.4-with-tag-prefixes-with-the-person-record-id-after-the-note.xml": (
        _EXPIRED_WITH_DATA
    ),
    EXTRACTED + "pfif-1.4-with-tag-prefixes.xml": _EXPIRED_WITH_DATA,
}


def _read(name: str, **options: Any) -> ParseResult:
    data = (DATA / name).read_bytes()
    if name.endswith(".csv"):
        return read_csv(data, now=NOW, **options)
    return parse(data, now=NOW, **options)


def test_every_file_has_an_expectation() -> None:
    files = {
        p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.suffix in (".xml", ".csv")
    }
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_file(name: str) -> None:
    expect = EXPECTED[name]
    result = _read(name, **expect.options)

    assert (len(result.persons), len(result.notes)) == (expect.persons, expect.notes)
    errors = [str(e) for e in result.errors]
    assert len(errors) == len(expect.errors), errors
    for wanted, got in zip(expect.errors, errors, strict=True):
        assert wanted in got
    warnings = [str(w) for w in result.warnings]
    for wanted in expect.warnings:
        assert any(wanted in w for w in warnings), (wanted, warnings)
    assert len(result.expired) == expect.expired


@pytest.mark.parametrize(
    "name",
    [
        EXTRACTED + "pfif-1.3-with-tag-prefixes.xml",
        EXTRACTED + "pfif-1.3-with-tag-prefixes-with-the-person-record-id-after-the-note.xml",
        EXTRACTED + "pfif-1.4-with-tag-prefixes.xml",
        EXTRACTED + "pfif-1.4-with-tag-prefixes-with-the-person-record-id-after-the-note.xml",
    ],
)
def test_expiring_samples_before_expiry(name: str) -> None:
    result = parse((DATA / name).read_bytes(), now=BEFORE_EXPIRY)
    assert result.errors == ()
    (person,) = result.persons
    (note,) = result.notes
    assert person.full_name == "_test_given_name_dot_family_name"
    assert person.description == '_test_description & < > "'
    assert note.person_record_id == person.person_record_id
    assert note.linked_person_record_id == "test.google.com/person.777"
    assert note.author_made_contact is True
    assert result.expired == ()


def test_bad_record_file_without_a_domain_check_keeps_both_persons() -> None:
    result = _read("test.pfif-1.2-badrecord.xml")
    assert [p.person_record_id for p in result.persons] == [
        "test.google.com/person.21009",
        "foo.google.com/person.666",
    ]
    assert result.errors == ()


def test_believed_dead_file_with_the_permission_is_flagged() -> None:
    result = _read("test.pfif-1.2-believed-dead.xml", allow_believed_dead=True)
    assert [n.note_record_id for n in result.believed_dead] == ["test.google.com/note.218"]


def test_variants_of_one_document_give_the_same_records() -> None:
    """Prefixed, unprefixed, and person_record_id after the note: one and the same record."""
    names = [
        "pfif-1.2-xml-document-with-tag-prefixes.xml",
        "pfif-1.2-xml-document-without-tag-prefixes.xml",
        "pfif-1.2-with-tag-prefixes-with-the-person-record-id-after-the-note.xml",
    ]
    results = [_read(EXTRACTED + n) for n in names]
    assert results[0].persons == results[1].persons == results[2].persons
    assert results[0].notes == results[1].notes == results[2].notes
    notes_only = _read(EXTRACTED + "pfif-1.2-xml-document-with-notes-only.xml")
    assert notes_only.notes == results[0].notes


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.endswith(".xml")))
def test_sample_records_survive_export(name: str) -> None:
    """What was imported re-exports as valid PFIF 1.4 and re-imports unchanged."""
    first = _read(name, **EXPECTED[name].options)
    if any(p.source_date is None for p in first.persons):
        # PFIF 1.2 made source_date optional; 1.4 requires it, so such a record cannot be
        # exported as it stands (the storage side stamps it first).
        assert name.endswith("pfif-1.2-with-non-ascii-characters.xml")
        return
    exported = serialize(first.persons, first.notes)
    assert schema_errors(exported) == []
    again = parse(exported, now=NOW, allow_believed_dead=True)
    assert again.errors == ()
    assert again.persons == first.persons
    assert sorted(again.notes, key=_note_id) == sorted(first.notes, key=_note_id)


def _note_id(note: Any) -> str:
    return str(note.note_record_id)
