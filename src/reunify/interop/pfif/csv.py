"""Person Finder's CSV import format, read and written.

The format (Person Finder's ``sample-import.csv`` and its ImportCSV wiki page): a header row of
PFIF 1.4 field names in any order, then one row per person, per note, or a person and a note
combined. In a combined row the shared columns (``person_record_id``, ``author_*``,
``source_date``, ``entry_date``) belong to both records and ``photo_url`` to the person only. Ids
without a slash are prefixed with the source domain. Rows before the header row are a preamble.
Times are ``yyyy-mm-ddThh:mm:ssZ``; ``yyyy-mm-dd hh:mm[:ss]`` (as spreadsheets write) is read
as UTC. Errors carry the line where the record starts.

The writer puts each record on its own row (lossless) with the sample's 29 columns, then
``home_street``, ``expiry_date``, ``linked_person_record_id`` and ``entry_date``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from reunify.interop.pfif.records import (
    RENAMED_FIELDS,
    ParseResult,
    PfifError,
    PfifIssue,
    PfifNote,
    PfifPerson,
    Severity,
    format_datetime,
    to_text,
)
from reunify.interop.pfif.validate import Options, RawRecord, assemble
from reunify.interop.pfif.xml import DEFAULT_MAX_BYTES

#: Person Finder's sample-import.csv header, in its order, then the columns it lacks.
CSV_COLUMNS = (
    "person_record_id", "author_name", "author_email", "author_phone", "source_name",
    "source_date", "source_url", "full_name", "given_name", "family_name", "alternate_names",
    "description", "sex", "date_of_birth", "age", "home_neighborhood", "home_city", "home_state",
    "home_postal_code", "home_country", "photo_url", "profile_urls", "note_record_id",
    "author_made_contact", "status", "email_of_found_person", "phone_of_found_person",
    "last_known_location", "text",
    "home_street", "expiry_date", "linked_person_record_id", "entry_date",
)  # fmt: skip
_SHARED = ("person_record_id", "author_name", "author_email", "author_phone", "source_date",
           "entry_date")  # fmt: skip
_PERSON_ONLY = {f.name for f in dataclasses.fields(PfifPerson)} - set(_SHARED) - {"photo_url"}
_NOTE_ONLY = {f.name for f in dataclasses.fields(PfifNote)} - set(_SHARED) - {"photo_url"}
_PERSON_OWN = _PERSON_ONLY - {"source_name", "source_url"}  # columns that make a row a person
_ID_COLUMNS = ("person_record_id", "note_record_id", "linked_person_record_id")
_TIME_COLUMNS = ("source_date", "entry_date", "expiry_date")
_SPREADSHEET_TIME = re.compile(
    r"^(\d{4})[/-](\d{1,2})[/-](\d{1,2})[ T](\d{1,2}):(\d\d)(?::(\d\d))?$"
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PHONE_LIKE = re.compile(r"^\+[\d\s().\-]+$")


def read_csv(
    data: bytes,
    *,
    domain: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    now: datetime | None = None,
    authorized_domain: str | None = None,
    allow_believed_dead: bool = False,
) -> ParseResult:
    """Read a Person Finder CSV file into PFIF 1.4 records.

    ``domain`` prefixes ids written without a slash (as Person Finder does with the domain of
    the importing key). The other options are those of ``xml.parse``. Raises ``PfifError`` when
    the file as a whole cannot be read (too large, not UTF-8, no header row, broken quoting).
    """
    if len(data) > max_bytes:
        raise PfifError(f"the file is {len(data)} bytes; the limit is {max_bytes} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PfifError(f"the file is not UTF-8 text ({exc})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    raws: list[RawRecord] = []
    errors: list[PfifIssue] = []
    warnings: list[PfifIssue] = []
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if header is None:
                if "person_record_id" in (cell.strip().lower() for cell in row):
                    header = _header(row, line, warnings)
                continue
            if any(cell.strip() for cell in row[len(header) :]):
                message = (
                    f"the row has {len(row)} cells but the header has {len(header)} columns; "
                    "the row was refused, as its values cannot be matched to columns"
                )
                errors.append(PfifIssue(None, None, None, message, Severity.ERROR, line))
            elif any(cell.strip() for cell in row):
                _row(row, header, line, domain, raws)
    except csv.Error as exc:
        raise PfifError(f"line {reader.line_num}: the CSV is malformed ({exc})") from None
    if header is None:
        raise PfifError("no header row: no row names a person_record_id column")
    opts = Options(now or datetime.now(UTC), authorized_domain, allow_believed_dead)
    return assemble(raws, "1.4", opts, (errors, warnings))


def _header(row: list[str], line: int, warnings: list[PfifIssue]) -> list[str]:
    names = [RENAMED_FIELDS.get(n, n) for n in (cell.strip().lower() for cell in row)]
    for name in names:
        if names.count(name) > 1 and name:
            raise PfifError(f"line {line}: the header names column {name!r} twice")
        if name and name not in CSV_COLUMNS:
            message = "not a PFIF 1.4 field; the column is ignored"
            warnings.append(PfifIssue(None, None, name, message, Severity.WARNING, line))
    return names


def _row(
    row: list[str], header: list[str], line: int, domain: str | None, raws: list[RawRecord]
) -> None:
    cells = {name: value.strip() for name, value in zip(header, row, strict=False) if name}
    for name in _ID_COLUMNS:
        if domain and cells.get(name) and "/" not in cells[name]:
            cells[name] = f"{domain}/{cells[name]}"
    for name in _TIME_COLUMNS:
        if cells.get(name):
            cells[name] = _normalize_time(cells[name])
    has_note = bool(cells.get("note_record_id")) or any(cells.get(n) for n in _NOTE_ONLY)
    has_person = any(cells.get(n) for n in _PERSON_OWN) or not has_note
    photo = cells.get("photo_url", "")
    if has_person:
        fields = {n: v for n, v in cells.items() if n in _PERSON_ONLY or n in _SHARED}
        raws.append(_raw("person", {**fields, "photo_url": photo}, line))
    if has_note:
        fields = {n: v for n, v in cells.items() if n in _NOTE_ONLY or n in _SHARED}
        note_photo = "" if has_person else photo
        raws.append(_raw("note", {**fields, "photo_url": note_photo}, line))


def _raw(kind: str, fields: dict[str, str], line: int) -> RawRecord:
    return RawRecord(kind, {n: v for n, v in fields.items() if v}, line=line)


def _normalize_time(value: str) -> str:
    m = _SPREADSHEET_TIME.match(value)
    if not m:
        return value  # validated (and reported) as a PFIF time later
    year, month, day, hour, minute = (int(g) for g in m.groups()[:5])
    try:
        moment = datetime(year, month, day, hour, minute, int(m.group(6) or 0), tzinfo=UTC)
    except ValueError:
        return value
    return format_datetime(moment)


def write_csv(
    persons: Iterable[PfifPerson],
    notes: Iterable[PfifNote] = (),
    *,
    spreadsheet_safe: bool = False,
) -> bytes:
    """Write records in Person Finder's CSV import format (UTF-8, LF line ends).

    ``spreadsheet_safe``: prefix cells a spreadsheet would run as a formula (``=``, ``+``, ``-``,
    ``@`` first; phone numbers excepted) with ``'``. Use it for files people open in Excel or
    LibreOffice; leave it off for files another registry imports, since it changes the values.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for person in persons:
        writer.writerow(_cells(person, spreadsheet_safe))
    for note in notes:
        writer.writerow(_cells(note, spreadsheet_safe))
    return out.getvalue().encode("utf-8")


def _cells(record: PfifPerson | PfifNote, spreadsheet_safe: bool) -> list[str]:
    values = {f.name: to_text(getattr(record, f.name)) for f in dataclasses.fields(record)}
    cells = [values.get(name, "") for name in CSV_COLUMNS]
    if spreadsheet_safe:
        cells = [
            "'" + c if c.startswith(_FORMULA_START) and not _PHONE_LIKE.match(c) else c
            for c in cells
        ]
    return cells
