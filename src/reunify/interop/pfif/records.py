"""PFIF person and note records, the field lists of PFIF 1.1 to 1.4, and the result of a parse.

Records always use PFIF 1.4 field names; older names (``first_name``, ``home_zip``, ``other``,
``found``...) are mapped on the way in and out (see ``RENAMED_FIELDS``). Text fields hold ``""``
when absent, as PFIF treats an empty element as an absent one. Times are timezone-aware UTC.
Field list: http://zesty.ca/pfif/1.4 (summarised in the research notes, section (b)).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from reunify.domain.dates import AgeRange, BirthDate
from reunify.domain.types import Sex

VERSIONS = ("1.1", "1.2", "1.3", "1.4")
NAMESPACE_PREFIX = "http://zesty.ca/pfif/"
NAMESPACES = {v: NAMESPACE_PREFIX + v for v in VERSIONS}

_PERSON_1_4 = (
    "person_record_id", "entry_date", "expiry_date", "author_name", "author_email",
    "author_phone", "source_name", "source_date", "source_url", "full_name", "given_name",
    "family_name", "alternate_names", "description", "sex", "date_of_birth", "age",
    "home_street", "home_neighborhood", "home_city", "home_state", "home_postal_code",
    "home_country", "photo_url", "profile_urls",
)  # fmt: skip
_NOTE_1_4 = (
    "note_record_id", "person_record_id", "linked_person_record_id", "entry_date",
    "author_name", "author_email", "author_phone", "source_date", "author_made_contact",
    "status", "email_of_found_person", "phone_of_found_person", "last_known_location", "text",
    "photo_url",
)  # fmt: skip
_PERSON_1_3 = (
    "person_record_id", "entry_date", "expiry_date", "author_name", "author_email",
    "author_phone", "source_name", "source_date", "source_url", "full_name", "first_name",
    "last_name", "sex", "date_of_birth", "age", "home_street", "home_neighborhood", "home_city",
    "home_state", "home_postal_code", "home_country", "photo_url", "other",
)  # fmt: skip
_NOTE_1_2 = (
    "note_record_id", "person_record_id", "linked_person_record_id", "entry_date",
    "author_name", "author_email", "author_phone", "source_date", "found", "status",
    "email_of_found_person", "phone_of_found_person", "last_known_location", "text",
)  # fmt: skip
_PERSON_1_1 = (
    "person_record_id", "entry_date", "author_name", "author_email", "author_phone",
    "source_name", "source_date", "source_url", "first_name", "last_name", "home_city",
    "home_state", "home_neighborhood", "home_street", "home_zip", "photo_url", "other",
)  # fmt: skip
_NOTE_1_1 = (
    "note_record_id", "entry_date", "author_name", "author_email", "author_phone",
    "source_date", "found", "email_of_found_person", "phone_of_found_person",
    "last_known_location", "text",
)  # fmt: skip

#: Field names of each version, in that version's canonical order.
PERSON_FIELDS: dict[str, tuple[str, ...]] = {
    "1.1": _PERSON_1_1,
    "1.2": tuple(f for f in _PERSON_1_3 if f not in ("expiry_date", "full_name")),
    "1.3": _PERSON_1_3,
    "1.4": _PERSON_1_4,
}
NOTE_FIELDS: dict[str, tuple[str, ...]] = {
    "1.1": _NOTE_1_1,
    "1.2": _NOTE_1_2,
    "1.3": _NOTE_1_2,
    "1.4": _NOTE_1_4,
}

#: Old field name -> PFIF 1.4 name (1.4 renamed the first four; 1.2 renamed ``home_zip``).
RENAMED_FIELDS = {
    "first_name": "given_name",
    "last_name": "family_name",
    "home_zip": "home_postal_code",
    "other": "description",
    "found": "author_made_contact",
}
_OLD_NAMES = {new: old for old, new in RENAMED_FIELDS.items()}

#: Fields (1.4 names) whose absence rejects a record, per version. A note's ``person_record_id``
#: is checked separately: a nested note inherits it from its person.
REQUIRED_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "1.1": {"person": ("given_name", "family_name"), "note": ("source_date", "text")},
    "1.2": {"person": ("given_name", "family_name"), "note": ("source_date", "text")},
    "1.3": {"person": ("full_name", "source_date"), "note": ("source_date", "text")},
    "1.4": {"person": ("full_name", "source_date"), "note": ("source_date", "text")},
}

#: What an expired person keeps: PFIF 1.3+ says every other field must be gone.
PLACEHOLDER_FIELDS = ("person_record_id", "entry_date", "expiry_date", "source_date")


def current_name(version: str, kind: str, name: str) -> str | None:
    """The 1.4 name of field ``name`` of a ``kind`` record in ``version``; None if not a field."""
    fields = PERSON_FIELDS[version] if kind == "person" else NOTE_FIELDS[version]
    if name not in fields:
        return None
    return RENAMED_FIELDS.get(name, name)


def version_name(version: str, kind: str, name: str) -> str | None:
    """The name field ``name`` (1.4) has in ``version``; None if that version lacks it."""
    fields = PERSON_FIELDS[version] if kind == "person" else NOTE_FIELDS[version]
    if name in fields:
        return name
    old = _OLD_NAMES.get(name)
    return old if old in fields else None


class NoteStatus(StrEnum):
    """PFIF note ``status`` values; an empty status means unspecified (``None`` here)."""

    INFORMATION_SOUGHT = "information_sought"
    IS_NOTE_AUTHOR = "is_note_author"
    BELIEVED_ALIVE = "believed_alive"
    BELIEVED_MISSING = "believed_missing"
    BELIEVED_DEAD = "believed_dead"


class PfifError(ValueError):
    """The document as a whole cannot be read (too large, not XML, DTD/entities, wrong format)."""


class Severity(StrEnum):
    ERROR = "error"  # the record was rejected
    WARNING = "warning"  # the record was kept (a value may have been dropped; the message says)


@dataclass(frozen=True, slots=True)
class PfifIssue:
    """One problem, naming the record and the field: ``person example.org/p1: sex: ...``."""

    kind: str | None  # "person", "note", or None for the document
    record_id: str | None
    field: str | None
    message: str
    severity: Severity = Severity.ERROR
    line: int | None = None  # CSV line where the record starts
    index: int | None = None  # 1-based position among records of this kind (when id is unknown)

    def __str__(self) -> str:
        parts = [f"line {self.line}"] if self.line is not None else []
        if self.kind is not None:
            ref = self.record_id or (f"#{self.index}" if self.index is not None else "?")
            parts.append(f"{self.kind} {ref}")
        if self.field:
            parts.append(self.field)
        return ": ".join([*parts, self.message])


@dataclass(frozen=True, slots=True)
class PfifPerson:
    """A PFIF 1.4 person record: all 25 fields."""

    person_record_id: str
    entry_date: datetime | None = None
    expiry_date: datetime | None = None
    author_name: str = ""
    author_email: str = ""
    author_phone: str = ""
    source_name: str = ""
    source_date: datetime | None = None
    source_url: str = ""
    full_name: str = ""  # several names separated by newlines, most common first
    given_name: str = ""
    family_name: str = ""
    alternate_names: str = ""  # newline-separated
    description: str = ""
    sex: Sex | None = None
    date_of_birth: BirthDate | None = None
    age: AgeRange | None = None
    home_street: str = ""
    home_neighborhood: str = ""
    home_city: str = ""
    home_state: str = ""
    home_postal_code: str = ""
    home_country: str = ""
    photo_url: str = ""
    profile_urls: str = ""  # newline-separated

    @property
    def domain(self) -> str:
        return self.person_record_id.split("/", 1)[0].lower()

    @property
    def names(self) -> tuple[str, ...]:
        """Every full name and alternate name, most common first."""
        return _lines(self.full_name) + _lines(self.alternate_names)

    @property
    def profile_url_list(self) -> tuple[str, ...]:
        return _lines(self.profile_urls)

    @property
    def is_placeholder(self) -> bool:
        """True when only the fields an expired record keeps are set."""
        return all(
            getattr(self, name) in ("", None)
            for name in _PERSON_1_4
            if name not in PLACEHOLDER_FIELDS
        )


@dataclass(frozen=True, slots=True)
class PfifNote:
    """A PFIF 1.4 note record: all 15 fields. ``person_record_id`` is always set (nested notes
    inherit it from their person)."""

    note_record_id: str
    person_record_id: str
    linked_person_record_id: str = ""  # a proposed duplicate, never a merge
    entry_date: datetime | None = None
    author_name: str = ""
    author_email: str = ""
    author_phone: str = ""
    source_date: datetime | None = None
    author_made_contact: bool | None = None
    status: NoteStatus | None = None
    email_of_found_person: str = ""
    phone_of_found_person: str = ""
    last_known_location: str = ""  # free text; coordinates as "lat,lon" (or "lat lon")
    text: str = ""
    photo_url: str = ""

    @property
    def domain(self) -> str:
        return self.note_record_id.split("/", 1)[0].lower()


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What a PFIF document or CSV file held: the good records, and why the others were not."""

    persons: tuple[PfifPerson, ...] = ()
    notes: tuple[PfifNote, ...] = ()
    errors: tuple[PfifIssue, ...] = ()  # rejected records (and document-level problems)
    warnings: tuple[PfifIssue, ...] = ()  # kept records with a dropped or doubtful value
    version: str = "1.4"

    @property
    def believed_dead(self) -> tuple[PfifNote, ...]:
        """Notes reporting a death: accepted only with ``allow_believed_dead=True``."""
        return tuple(n for n in self.notes if n.status is NoteStatus.BELIEVED_DEAD)

    @property
    def linked(self) -> tuple[PfifNote, ...]:
        """Notes proposing that two person records are the same person."""
        return tuple(n for n in self.notes if n.linked_person_record_id)

    @property
    def expired(self) -> tuple[PfifPerson, ...]:
        """Expired records (placeholders): their data must be deleted locally, not imported."""
        return tuple(p for p in self.persons if p.expiry_date is not None and p.is_placeholder)


_DATETIME = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?Z$")


def parse_datetime(text: str) -> datetime:
    """``yyyy-mm-ddThh:mm:ss(.ffffff)Z`` to an aware UTC datetime; ValueError otherwise."""
    m = _DATETIME.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a UTC time yyyy-mm-ddThh:mm:ssZ")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    micro = int((m.group(7) or "0").ljust(6, "0"))
    try:
        return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real time ({exc})") from None


def format_datetime(value: datetime) -> str:
    """An aware datetime as PFIF writes it (naive datetimes are taken to be UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{value.microsecond:06d}Z" if value.microsecond else f"{text}Z"


def to_text(value: object) -> str:
    """A field value as PFIF text: ``""`` for absent (and for ``Sex.UNKNOWN``, which PFIF omits)."""
    if value is None or value is Sex.UNKNOWN:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, BirthDate):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return str(value)  # str, AgeRange ("31" or "30-35")


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())
