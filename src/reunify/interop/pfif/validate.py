"""Raw field values (already mapped to PFIF 1.4 names) to checked records, with issues.

Shared by the XML and CSV readers. Errors reject a record; warnings keep it (a dropped value is
said so in the message). A bad record never stops the others.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from reunify.domain.dates import AgeRange, BirthDate
from reunify.domain.errors import DomainError
from reunify.domain.types import Sex
from reunify.interop.pfif.policy import domain_of, is_expired, is_record_id
from reunify.interop.pfif.records import (
    PLACEHOLDER_FIELDS,
    REQUIRED_FIELDS,
    NoteStatus,
    ParseResult,
    PfifIssue,
    PfifNote,
    PfifPerson,
    Severity,
    parse_datetime,
    version_name,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE = re.compile(r"^\+?[0-9()\-./\s]+(?:\s*(?:x|ext\.?)\s*\d+)?$", re.I)
_AGE = re.compile(r"^\d{1,3}(?:-\d{1,3})?$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_STATE = re.compile(r"^(?:[A-Z]{2}-)?[A-Z0-9]{1,3}$")
_SEXES = {"female": Sex.FEMALE, "male": Sex.MALE, "other": Sex.OTHER}
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
_DOB_FORMAT = "is not YYYY, YYYY-MM or YYYY-MM-DD"


@dataclass
class RawRecord:
    """One record as read: 1.4 field names to stripped text, plus where it came from."""

    kind: str  # "person" or "note"
    fields: dict[str, str]
    line: int | None = None
    parent: RawRecord | None = None  # the enclosing person of a nested note
    problems: list[tuple[str | None, str, Severity]] = field(default_factory=list)  # as written
    index: int = 0  # 1-based among records of this kind in the document; set by assemble

    @property
    def record_id(self) -> str:
        return self.fields.get(f"{self.kind}_record_id", "")


@dataclass(frozen=True, slots=True)
class Options:
    now: datetime
    authorized_domain: str | None = None
    allow_believed_dead: bool = False


class _Check:
    """Collects the issues of one record while its fields are converted."""

    def __init__(
        self, raw: RawRecord, version: str, errors: list[PfifIssue], warnings: list[PfifIssue]
    ):
        self.raw = raw
        self.version = version
        self.failed = False
        self._errors = errors
        self._warnings = warnings
        for name, message, severity in raw.problems:  # fields already named as written
            self.issue(name, message, severity, as_written=True)

    def issue(
        self,
        name: str | None,
        message: str,
        severity: Severity = Severity.ERROR,
        as_written: bool = False,
    ) -> None:
        """Record a problem; a 1.4 field name is given as the document's version names it."""
        raw = self.raw
        if name is not None and not as_written:
            name = version_name(self.version, raw.kind, name) or name
        found = PfifIssue(
            raw.kind, raw.record_id or None, name, message, severity, raw.line, raw.index
        )
        if severity is Severity.ERROR:
            self.failed = True
            self._errors.append(found)
        else:
            self._warnings.append(found)

    def text(self, name: str) -> str:
        return self.raw.fields.get(name, "")

    def require(self, *names: str) -> None:
        for name in names:
            if not self.text(name):
                self.issue(name, "required field is missing or empty")

    def record_id(self, name: str) -> str:
        value = self.text(name)
        if value and not is_record_id(value):
            self.issue(name, f"{value!r} is not a record id of the form domain/local-id")
        return value

    def date(self, name: str) -> datetime | None:
        value = self.text(name)
        if not value:
            return None
        try:
            return parse_datetime(value)
        except ValueError as exc:
            self.issue(name, str(exc))
            return None

    def choice(self, name: str, values: dict[str, Any]) -> Any:
        value = self.text(name)
        if value and value.lower() not in values:
            self.issue(name, f"{value!r} is not one of {', '.join(values)}")
        return values.get(value.lower()) if value else None

    def birth_date(self) -> BirthDate | None:
        value = self.text("date_of_birth")
        if not value:
            return None
        try:
            return BirthDate.parse(value)
        except DomainError as exc:
            base = f"{value!r} {_DOB_FORMAT}"
            self.issue(
                "date_of_birth", base if _DOB_FORMAT in exc.problem else f"{base}: {exc.problem}"
            )
            return None

    def age(self) -> AgeRange | None:
        value = self.text("age").replace(" ", "")
        if not value:
            return None
        try:
            if not _AGE.match(value):
                raise DomainError("age", "")
            return AgeRange.parse(value)
        except DomainError:
            self.issue("age", f"{self.text('age')!r} is not an age N or a range N-M (0 to 130)")
            return None

    def email(self, name: str) -> str:
        value = self.text(name)
        if value and not _EMAIL.match(value):
            self.issue(name, f"{value!r} does not look like an e-mail address", Severity.WARNING)
        return value

    def phone(self, name: str) -> str:
        value = self.text(name)
        digits = sum(ch.isdigit() for ch in value)
        if value and not (_PHONE.match(value) and 3 <= digits <= 20):
            self.issue(name, f"{value!r} does not look like a phone number", Severity.WARNING)
        return value

    def url(self, name: str, value: str | None = None) -> str:
        value = self.text(name) if value is None else value
        parts = urlsplit(value)
        if value and not (parts.scheme.lower() in ("http", "https") and parts.netloc):
            self.issue(name, f"{value!r} is not an http(s) URL; dropped", Severity.WARNING)
            return ""
        return value

    def urls(self, name: str) -> str:
        """Newline-separated URLs; each bad one is dropped with a warning."""
        kept = (self.url(name, line.strip()) for line in self.text(name).splitlines())
        return "\n".join(url for url in kept if url)

    def country(self) -> str:
        value = self.text("home_country").upper()
        if value and not _COUNTRY.match(value):
            message = f"{self.text('home_country')!r} is not an ISO 3166-1 alpha-2 code; dropped"
            self.issue("home_country", message, Severity.WARNING)
            return ""
        return value

    def state(self) -> str:
        value = self.text("home_state")
        if value and not _STATE.match(value):
            message = f"{value!r} is not an ISO 3166-2 code (preferred); kept as text"
            self.issue("home_state", message, Severity.WARNING)
        return value


def other_to_description(other: str) -> str:
    """PFIF 1.1-1.3 ``other`` to 1.4 ``description``: a ``description:`` label is removed."""
    if not other.startswith("description:"):
        return other.strip()
    first, _, rest = other[len("description:") :].partition("\n")
    return (first.strip() + "\n" + textwrap.dedent(rest)).strip()


def description_to_other(description: str) -> str:
    """The reverse of ``other_to_description`` (how Person Finder writes it)."""
    if not description:
        return ""
    return "description:\n" + "\n".join("    " + line for line in description.split("\n"))


def _person(raw: RawRecord, version: str, now: datetime, check: _Check) -> PfifPerson | None:
    check.require("person_record_id")
    record_id = check.record_id("person_record_id")
    dates: dict[str, Any] = {
        n: check.date(n) for n in PLACEHOLDER_FIELDS if n != "person_record_id"
    }
    expiry = dates["expiry_date"]
    if expiry is not None and expiry <= now:
        if version in ("1.3", "1.4"):
            check.require("source_date")
        data = [n for n, v in raw.fields.items() if v and n not in PLACEHOLDER_FIELDS]
        if data:
            message = f"expired on {raw.fields['expiry_date']}; its data must be deleted, so "
            message += f"only the placeholder was kept (discarded: {', '.join(data)})"
            check.issue("expiry_date", message, Severity.WARNING)
        return None if check.failed else PfifPerson(record_id, **dates)
    if version in ("1.1", "1.2"):
        _old_names(check, version)
    else:
        check.require(*REQUIRED_FIELDS[version]["person"])
    values: dict[str, Any] = {name: check.text(name) for name in _PERSON_TEXT}
    values.update(dates)
    if version in ("1.1", "1.2", "1.3"):
        values["description"] = other_to_description(values["description"])
    if not values["full_name"]:
        values["full_name"] = " ".join(filter(None, [values["given_name"], values["family_name"]]))
    values.update(
        author_email=check.email("author_email"),
        author_phone=check.phone("author_phone"),
        source_url=check.url("source_url"),
        photo_url=check.url("photo_url"),
        profile_urls=check.urls("profile_urls"),
        home_state=check.state(),
        home_country=check.country(),
        sex=check.choice("sex", _SEXES),
        date_of_birth=check.birth_date(),
        age=check.age(),
    )
    return None if check.failed else PfifPerson(record_id, **values)


def _old_names(check: _Check, version: str) -> None:
    """PFIF 1.1/1.2 require first_name and last_name; one of them is enough to keep a record."""
    given, family = check.text("given_name"), check.text("family_name")
    if not (given or family):
        check.issue("given_name", f"a PFIF {version} person needs a first_name or a last_name")
    elif not (given and family):
        present, missing = ("first_name", "family_name") if given else ("last_name", "given_name")
        message = f"missing (required by PFIF {version}); kept, as {present} is present"
        check.issue(missing, message, Severity.WARNING)


_PERSON_TEXT = (
    "author_name", "source_name", "full_name", "given_name", "family_name", "alternate_names",
    "description", "home_street", "home_neighborhood", "home_city", "home_postal_code",
    "profile_urls",
)  # fmt: skip
_NOTE_TEXT = ("author_name", "last_known_location", "text")


def _note(raw: RawRecord, version: str, opts: Options, check: _Check) -> PfifNote | None:
    check.require("note_record_id", *REQUIRED_FIELDS[version]["note"])
    record_id = check.record_id("note_record_id")
    own = check.text("person_record_id")
    parent_id = raw.parent.record_id if raw.parent is not None else ""
    if own and parent_id and own != parent_id:
        check.issue("person_record_id", f"{own!r} differs from its person {parent_id!r}")
    person_id = own or parent_id
    if not person_id:
        where = "its person has no id" if raw.parent else "a top-level note must name its person"
        check.issue("person_record_id", f"required field is missing ({where})")
    elif not is_record_id(person_id):
        message = f"{person_id!r} is not a record id of the form domain/local-id"
        check.issue("person_record_id", message)
    if not check.text("author_name"):
        message = "missing (required by PFIF); the note was kept with no author name"
        check.issue("author_name", message, Severity.WARNING)
    linked = check.text("linked_person_record_id")
    if linked and (not is_record_id(linked) or linked == person_id):
        why = "is the note's own person" if linked == person_id else "is not domain/local-id"
        check.issue("linked_person_record_id", f"{linked!r} {why}; dropped", Severity.WARNING)
        linked = ""
    status = check.choice("status", {s.value: s for s in NoteStatus})
    if status is NoteStatus.BELIEVED_DEAD and not opts.allow_believed_dead:
        message = "'believed_dead' is accepted only with the believed_dead permission"
        check.issue("status", message)
    values: dict[str, Any] = {name: check.text(name) for name in _NOTE_TEXT}
    values.update(
        linked_person_record_id=linked,
        entry_date=check.date("entry_date"),
        source_date=check.date("source_date"),
        author_email=check.email("author_email"),
        author_phone=check.phone("author_phone"),
        author_made_contact=check.choice("author_made_contact", _BOOLEANS),
        status=status,
        email_of_found_person=check.email("email_of_found_person"),
        phone_of_found_person=check.phone("phone_of_found_person"),
        photo_url=check.url("photo_url"),
    )
    return None if check.failed else PfifNote(record_id, person_id, **values)


def assemble(
    raws: list[RawRecord],
    version: str,
    opts: Options,
    document_issues: tuple[list[PfifIssue], list[PfifIssue]] = ([], []),
) -> ParseResult:
    """Check every record, then the document rules: duplicates, domain, expired persons."""
    errors, warnings = list(document_issues[0]), list(document_issues[1])
    counts = {"person": 0, "note": 0}
    for raw in raws:
        counts[raw.kind] += 1
        raw.index = counts[raw.kind]
    persons: dict[str, PfifPerson] = {}
    notes: dict[str, PfifNote] = {}
    for raw in sorted(raws, key=lambda r: r.kind != "person"):  # persons first, stable order
        check = _Check(raw, version, errors, warnings)
        record: PfifPerson | PfifNote | None
        if raw.kind == "person":
            record = _person(raw, version, opts.now, check)
        else:
            record = _note(raw, version, opts, check)
        if record is None:
            continue
        seen: dict[str, Any] = persons if isinstance(record, PfifPerson) else notes
        id_field = f"{raw.kind}_record_id"
        if raw.record_id in seen:
            check.issue(id_field, f"duplicate {id_field}: only the first {raw.kind} was kept")
        elif opts.authorized_domain and domain_of(raw.record_id) != opts.authorized_domain.lower():
            message = f"domain {domain_of(raw.record_id)!r} is not the authorized source domain "
            check.issue(id_field, message + repr(opts.authorized_domain.lower()))
        elif isinstance(record, PfifNote) and _expired(persons.get(record.person_record_id), opts):
            message = f"person {record.person_record_id} has expired, so its notes were dropped"
            check.issue("person_record_id", message, Severity.WARNING)
        else:
            seen[raw.record_id] = record
    return ParseResult(
        tuple(persons.values()), tuple(notes.values()), tuple(errors), tuple(warnings), version
    )


def _expired(person: PfifPerson | None, opts: Options) -> bool:
    return person is not None and is_expired(person, opts.now)
