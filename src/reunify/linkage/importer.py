"""Bulk import of people from CSV, fast enough for a million rows.

The main process reads the file and writes the database; worker processes validate rows
(a bad row is reported with its line number and skipped) and compute everything the
writes need, blocking keys included, a few chunks ahead. Each chunk is written with
``linkage.bulk`` (plain tuples, ``executemany`` on SQLite, ``COPY`` on PostgreSQL) and
committed, so an interrupted import keeps what it wrote and can simply be run again: the
import record id is stored as an identifier (kind ``external``, issuer ``import:<file
stem>`` unless given), so importing the same file again finds every row already there and
changes nothing.
"""

from __future__ import annotations

import csv
import gc
import itertools
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol, TextIO

from sqlalchemy import Column, String, select
from sqlalchemy.orm import Session

from reunify.domain import AgeRange, BirthDate, DomainError, NameUse, PersonName
from reunify.domain.text import fold
from reunify.domain.types import IdentifierKind, Sex
from reunify.linkage import bulk, terms
from reunify.linkage.service import parse_sex
from reunify.matching import MatchRecord, blocking_keys

COLUMNS = (
    "record_id", "given_name", "family_name", "full_name", "sex", "date_of_birth", "age",
    "phone", "email", "street", "city", "postcode", "state", "description",
)  # fmt: skip
# Read when present: the second address line, which the columns do not name.
OPTIONAL_COLUMNS = ("address_2",)
CHUNK = 10_000


def _length(column: Column[Any]) -> int:
    return column.type.length if isinstance(column.type, String) and column.type.length else 0


# Each column's limit, from the tables, so a row too long for PostgreSQL is reported as a
# bad row on both backends instead of failing its whole chunk.
_LIMITS = {
    column: _length(table.c[name])
    for column, table, name in (
        ("record_id", bulk.IDENTIFIERS, "value"),
        ("given_name", bulk.NAMES, "given"),
        ("family_name", bulk.NAMES, "family"),
        ("full_name", bulk.NAMES, "full"),
        ("phone", bulk.PEOPLE, "phone"),
        ("email", bulk.PEOPLE, "email"),
        ("city", bulk.PEOPLE, "home_city"),
        ("postcode", bulk.PEOPLE, "home_postcode"),
        ("street", bulk.ADDRESSES, "street"),
        ("address_2", bulk.ADDRESSES, "address_2"),
        ("state", bulk.ADDRESSES, "state"),
    )
    if _length(table.c[name])
}
_READ = COLUMNS + OPTIONAL_COLUMNS
_PERSON = ("id", "sex", "birth_date", "age_low", "age_high", "description", "home_city",
           "home_postcode", "phone", "email")  # fmt: skip
_NAME = ("person_id", "given", "family", "full", "folded")
_IDENTIFIER = ("person_id", "value")
_ADDRESS = ("person_id", "street", "address_2", "state")


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    record_id: str
    name: PersonName
    person: dict[str, object]
    address: tuple[str, str, str] = ("", "", "")  # street, second line, state
    birth: BirthDate | None = None
    age: AgeRange | None = None


@dataclass
class Report:
    read: int = 0
    created: int = 0
    unchanged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


def parse_row(line: int, raw: dict[str, str | None]) -> Row:
    get = {column: (raw.get(column) or "").strip() for column in _READ}
    record_id = get["record_id"]
    if not record_id:
        raise DomainError("record_id", "is required")
    for column, limit in _LIMITS.items():
        if len(get[column]) > limit:
            raise DomainError(column, f"is {len(get[column])} characters long; at most {limit}")
    given, family, full = get["given_name"], get["family_name"], get["full_name"]
    if not (given or family or full):
        raise DomainError("name", "a row needs given_name, family_name or full_name")
    name = PersonName(given=given, family=family, full="" if given or family else full)
    sex = parse_sex(get["sex"])
    birth = BirthDate.parse(get["date_of_birth"]) if get["date_of_birth"] else None
    age = AgeRange.parse(get["age"]) if get["age"] else None
    return Row(
        line,
        record_id,
        name,
        {
            "sex": (sex or Sex.UNKNOWN).value,
            "birth_date": birth.isoformat() if birth else None,
            "age_low": age.low if age else None,
            "age_high": age.high if age else None,
            "description": get["description"],
            "home_city": get["city"],
            "home_postcode": get["postcode"],
            "phone": get["phone"],
            "email": get["email"],
        },
        (get["street"], get["address_2"], get["state"]),
        birth,
        age,
    )


def _folded(text: str) -> str:
    """``domain.text.fold``, without its Unicode decomposition for plain ASCII names."""
    return " ".join(text.lower().split()) if text.isascii() else fold(text)


def match_record(row: Row) -> MatchRecord:
    """The matcher's view of an imported row, as ``linkage.records`` will load it."""
    p, name = row.person, row.name
    street, address_2, state = row.address
    return MatchRecord(
        record_id=row.record_id,
        names=((name.given, name.family),) if name.given or name.family else (),
        full_names=(name.full,) if name.full else (),
        sex=Sex(str(p["sex"])) if p["sex"] != Sex.UNKNOWN.value else None,
        birth_date=row.birth,
        age=row.age,
        phone=str(p["phone"]),
        email=str(p["email"]),
        city=str(p["home_city"]),
        postcode=str(p["home_postcode"]),
        street=street,
        address_2=address_2,
        state=state,
        description=str(p["description"]),
    )


class Planned(NamedTuple):
    """One good row, ready to write once it has a person id (a tuple: cheap to pickle)."""

    line: int
    record_id: str
    person: tuple[object, ...]  # the person columns after ``id``
    name: tuple[str, str, str, str]  # given, family, full, folded
    address: tuple[str, str, str] | None
    keys: tuple[str, ...]


Plan = tuple[list[Planned], list[tuple[int, str]]]
Lines = list[tuple[int, list[str]]]  # (line number, the row's values as read)


def plan_chunk(header: tuple[str, ...], lines: Lines) -> Plan:
    """Validate rows and compute their writes (run in a worker process)."""
    # Nothing here makes reference cycles, and the collector's passes over the matcher's
    # caches cost a third of the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _plan(header, lines)
    finally:
        if collecting:
            gc.enable()


def _plan(header: tuple[str, ...], lines: Lines) -> Plan:
    planned: list[Planned] = []
    problems: list[tuple[int, str]] = []
    for line, values in lines:
        raw: dict[str, str | None] = dict(zip(header, values, strict=False))
        try:
            row = parse_row(line, raw)
        except DomainError as exc:
            problems.append((line, f"{exc.field}: {exc.problem}"))
            continue
        p, n = row.person, row.name
        planned.append(
            Planned(
                line,
                row.record_id,
                tuple(p[c] for c in _PERSON[1:]),
                (n.given, n.family, n.full, _folded(n.display)),
                row.address if any(row.address) else None,
                tuple(sorted(blocking_keys(match_record(row)))),
            )
        )
    return planned, problems


class _Reader(Protocol):
    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...


def read_header(handle: TextIO) -> tuple[_Reader, tuple[str, ...]]:
    reader = csv.reader(handle)
    header = tuple(column.strip() for column in next(reader, []))
    if "record_id" not in header:
        raise DomainError("columns", "the file has no record_id column")
    return reader, header


def _chunks(reader: _Reader, size: int, report: Report) -> Iterator[Lines]:
    """The rows as lists, as the file holds them (dicts are made where they are read)."""
    chunk: Lines = []
    for values in reader:
        report.read += 1
        chunk.append((reader.line_num, values))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def read_rows(handle: TextIO, report: Report) -> Iterator[Row]:
    """Good rows, one by one (bad ones go to ``report.problems``)."""
    reader, header = read_header(handle)
    for chunk in _chunks(reader, CHUNK, report):
        for line, values in chunk:
            try:
                yield parse_row(line, dict(zip(header, values, strict=False)))
            except DomainError as exc:
                report.problems.append((line, f"{exc.field}: {exc.problem}"))


def _planned(
    header: tuple[str, ...], chunks: Iterator[Lines], workers: int
) -> Iterator[tuple[int, Plan]]:
    """(rows read, plan) per chunk, planned ``workers`` chunks ahead in other processes
    (only for a file of more than one chunk: a small one is done before they would start)."""
    first = next(chunks, None)
    second = next(chunks, None) if first is not None else None
    if workers <= 1 or second is None:
        for chunk in (first, second, *chunks):
            if chunk is not None:
                yield len(chunk), plan_chunk(header, chunk)
        return
    # Spawned, not forked: a fork of a process holding threads or sockets is not safe.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        pending: deque[tuple[int, Future[Plan]]] = deque()
        assert first is not None  # there is a second chunk
        for chunk in itertools.chain((first, second), chunks):
            pending.append((len(chunk), pool.submit(plan_chunk, header, chunk)))
            if len(pending) > workers:
                count, future = pending.popleft()
                yield count, future.result()
        while pending:
            count, future = pending.popleft()
            yield count, future.result()
    finally:
        # Workers take seconds to tear down their caches; the import need not wait.
        pool.shutdown(wait=False, cancel_futures=True)


class _Writer:
    """Writes planned rows for one import: which rows are new, their ids, their rows."""

    def __init__(self, session: Session, incident_id: int, issuer: str) -> None:
        now = datetime.now(UTC)
        self.session = session
        self.issuer = issuer
        self.people = bulk.Columns(
            session, bulk.PEOPLE, _PERSON,
            {"incident_id": incident_id, "created_at": now, "updated_at": now},
        )  # fmt: skip
        self.names = bulk.Columns(session, bulk.NAMES, _NAME, {"use": NameUse.LEGAL.value})
        self.identifiers = bulk.Columns(
            session, bulk.IDENTIFIERS, _IDENTIFIER,
            {"kind": IdentifierKind.EXTERNAL.value, "issuer": issuer},
        )  # fmt: skip
        self.addresses = bulk.Columns(session, bulk.ADDRESSES, _ADDRESS)
        self.keys = bulk.Columns(session, bulk.KEYS, ("person_id", "key"))
        # A first import under this issuer cannot meet its own rows in the table: the rows
        # it writes are caught by ``seen``, so the look-up per chunk is skipped.
        self.fresh = not self._existing([], probe=True)
        self.seen: set[str] = set()

    def _existing(self, values: list[str], *, probe: bool = False) -> set[str]:
        ids = bulk.IDENTIFIERS.c
        base = select(ids.value).where(
            ids.issuer == self.issuer, ids.kind == IdentifierKind.EXTERNAL.value
        )
        if probe:
            return set(self.session.scalars(base.limit(1)))
        found: set[str] = set()
        for start in range(0, len(values), 500):
            found.update(
                self.session.scalars(base.where(ids.value.in_(values[start : start + 500])))
            )
        return found

    def write(self, planned: list[Planned], report: Report) -> None:
        existing = set() if self.fresh else self._existing([p.record_id for p in planned])
        fresh: list[Planned] = []
        for row in planned:
            if row.record_id in existing:
                report.unchanged += 1
            elif row.record_id in self.seen:
                report.problems.append(
                    (row.line, f"record_id: {row.record_id!r} repeats an earlier row")
                )
            else:
                self.seen.add(row.record_id)
                fresh.append(row)
        if not fresh:
            return
        ids = bulk.allocate_ids(self.session, len(fresh))
        pairs = list(zip(ids, fresh, strict=True))
        bulk.write(self.session, self.people, [(pid, *r.person) for pid, r in pairs])
        bulk.write(self.session, self.names, [(pid, *r.name) for pid, r in pairs])
        bulk.write(self.session, self.identifiers, [(pid, r.record_id) for pid, r in pairs])
        bulk.write(
            self.session,
            self.addresses,
            [(pid, *r.address) for pid, r in pairs if r.address is not None],
        )
        bulk.write(self.session, self.keys, [(pid, k) for pid, r in pairs for k in r.keys])
        report.created += len(fresh)


def import_people(
    session: Session,
    handle: TextIO,
    *,
    incident_id: int,
    issuer: str,
    commit: bool = True,
    workers: int = 1,
    advance: Callable[[int], None] = lambda n: None,
) -> Report:
    """Import every good row; ``workers`` > 1 plans rows in that many processes.

    With ``commit`` each chunk is committed as it is written, and everything is synced to
    disk at the end (see ``bulk.BulkLoad``); without it the caller's transaction holds them
    all.
    """
    report = Report()
    reader, header = read_header(handle)
    planned = _planned(header, _chunks(reader, CHUNK, report), workers)
    with bulk.BulkLoad(session, commit=commit) as load:
        writer = _Writer(load.session, incident_id, issuer)
        for count, (rows, problems) in planned:
            report.problems.extend(problems)
            writer.write(rows, report)
            load.commit()
            advance(count)
        if report.created:
            terms.refresh(load.session)  # how common each name is now
    report.problems.sort()
    return report
