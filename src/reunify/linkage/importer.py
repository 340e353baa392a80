"""Bulk import of people from CSV, fast enough for a million rows.

Rows are validated one by one (a bad row is reported with its line number and skipped),
then written in chunks with Core ``executemany`` inserts: people, their names, their
import identifier, their blocking keys. The import record id is stored as an identifier
(kind ``external``, issuer ``import:<file stem>`` unless given), so importing the same
file again finds every row already there and changes nothing.
"""

from __future__ import annotations

import csv
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from reunify.domain import AgeRange, BirthDate, DomainError, NameUse, PersonName
from reunify.domain.text import fold
from reunify.domain.types import IdentifierKind, Sex
from reunify.linkage.index import insert_pairs
from reunify.linkage.records import build_record
from reunify.linkage.service import parse_sex
from reunify.matching import blocking_keys
from reunify.store import tables as t

COLUMNS = (
    "record_id", "given_name", "family_name", "full_name", "sex", "date_of_birth", "age",
    "phone", "email", "street", "city", "postcode", "state", "description",
)  # fmt: skip
CHUNK = 5000

_PEOPLE = cast(Table, t.Person.__table__)
_NAMES = cast(Table, t.PersonName.__table__)
_IDS = cast(Table, t.Identifier.__table__)


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    record_id: str
    name: PersonName
    person: dict[str, object]


@dataclass
class Report:
    read: int = 0
    created: int = 0
    unchanged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


def parse_row(line: int, raw: dict[str, str | None]) -> Row:
    def get(column: str) -> str:
        return (raw.get(column) or "").strip()

    record_id = get("record_id")
    if not record_id:
        raise DomainError("record_id", "is required")
    given, family, full = get("given_name"), get("family_name"), get("full_name")
    if not (given or family or full):
        raise DomainError("name", "a row needs given_name, family_name or full_name")
    name = PersonName(given=given, family=family, full="" if given or family else full)
    sex = parse_sex(get("sex"))
    dob = get("date_of_birth")
    birth = BirthDate.parse(dob) if dob else None
    age = AgeRange.parse(get("age")) if get("age") else None
    return Row(
        line,
        record_id,
        name,
        {
            "sex": (sex or Sex.UNKNOWN).value,
            "birth_date": birth.isoformat() if birth else None,
            "age_low": age.low if age else None,
            "age_high": age.high if age else None,
            "description": get("description"),
            "home_city": get("city"),
            "home_postcode": get("postcode"),
            "phone": get("phone"),
            "email": get("email"),
        },
    )


def read_rows(handle: TextIO, report: Report) -> Iterator[Row]:
    reader = csv.DictReader(handle)
    missing = {"record_id"} - set(reader.fieldnames or ())
    if missing:
        raise DomainError("columns", f"the file has no {', '.join(sorted(missing))} column")
    for raw in reader:
        report.read += 1
        line = reader.line_num
        try:
            yield parse_row(line, raw)
        except DomainError as exc:
            report.problems.append((line, f"{exc.field}: {exc.problem}"))


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _existing(session: Session, issuer: str, values: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(values), 500):
        stmt = select(_IDS.c.value).where(
            _IDS.c.issuer == issuer,
            _IDS.c.kind == IdentifierKind.EXTERNAL.value,
            _IDS.c.value.in_(values[start : start + 500]),
        )
        found.update(session.scalars(stmt))
    return found


def chunk_keys(chunk: list[Row]) -> dict[int, tuple[str, ...]]:
    """Blocking keys of each row by line (they do not depend on the person id, so a worker
    process computes them while the database takes the previous chunk)."""
    out: dict[int, tuple[str, ...]] = {}
    for row in chunk:
        p = row.person
        record = build_record(
            0, str(p["sex"]), cast(str | None, p["birth_date"]), cast(int | None, p["age_low"]),
            cast(int | None, p["age_high"]), [row.name], description=str(p["description"]),
            city=str(p["home_city"]), postcode=str(p["home_postcode"]), phone=str(p["phone"]),
            email=str(p["email"]),
        )  # fmt: skip
        out[row.line] = blocking_keys(record) if record is not None else ()
    return out


def write_chunk(
    session: Session, incident_id: int, issuer: str, chunk: list[Row], report: Report,
    seen: set[str], keys: dict[int, tuple[str, ...]],
) -> None:  # fmt: skip
    fresh: list[Row] = []
    existing = _existing(session, issuer, [r.record_id for r in chunk])
    for row in chunk:
        if row.record_id in existing:
            report.unchanged += 1
        elif row.record_id in seen:
            report.problems.append(
                (row.line, f"record_id: {row.record_id!r} repeats an earlier row")
            )
        else:
            seen.add(row.record_id)
            fresh.append(row)
    if not fresh:
        return
    now = datetime.now(UTC)
    stmt = insert(_PEOPLE).returning(_PEOPLE.c.id, sort_by_parameter_order=True)
    params = [
        {"incident_id": incident_id, "directory_opt_out": False, "unidentified": False,
         "created_at": now, "updated_at": now, **row.person}
        for row in fresh
    ]  # fmt: skip
    # Short multi-row statements: psycopg converts a long one much more slowly per row.
    ids = list(session.scalars(stmt.execution_options(insertmanyvalues_page_size=100), params))
    session.execute(
        insert(_NAMES),
        [
            {"person_id": pid, "use": NameUse.LEGAL.value, "given": r.name.given,
             "family": r.name.family, "full": r.name.full, "folded": fold(r.name.display)}
            for pid, r in zip(ids, fresh, strict=True)
        ],
    )  # fmt: skip
    session.execute(
        insert(_IDS),
        [
            {"person_id": pid, "kind": IdentifierKind.EXTERNAL.value, "value": r.record_id,
             "issuer": issuer}
            for pid, r in zip(ids, fresh, strict=True)
        ],
    )  # fmt: skip
    insert_pairs(
        session,
        [(pid, key) for pid, r in zip(ids, fresh, strict=True) for key in keys[r.line]],
    )
    report.created += len(fresh)


def _keyed(
    chunks: Iterator[list[Row]], workers: int
) -> Iterator[tuple[list[Row], dict[int, tuple[str, ...]]]]:
    """Chunks with their keys, computed ``workers`` chunks ahead in other processes."""
    if workers <= 1:
        for chunk in chunks:
            yield chunk, chunk_keys(chunk)
        return
    # Spawned, not forked: a fork of a process holding threads or sockets is not safe.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: deque[tuple[list[Row], Future[dict[int, tuple[str, ...]]]]] = deque()
        for chunk in chunks:
            pending.append((chunk, pool.submit(chunk_keys, chunk)))
            if len(pending) > workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()


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
    """Import every good row; ``workers`` > 1 computes keys in that many processes."""
    report = Report()
    seen: set[str] = set()
    for chunk, keys in _keyed(_chunks(read_rows(handle, report), CHUNK), workers):
        write_chunk(session, incident_id, issuer, chunk, report, seen, keys)
        if commit:
            session.commit()
        advance(len(chunk))
    report.problems.sort()
    return report
