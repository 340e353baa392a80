"""The fast way in: store messages durably on the header alone, many per statement.

With ``--apply deferred`` the ACK says "stored and well-formed", so the receiver reads no
more than it must before the commit: ``prepare`` parses the message lazily, checks the header
(AR for type, version, processing ID; AE for a missing control ID, trigger or time) and the
content ``map_adt`` would refuse (``check_content``: AE for a handled event without its PID,
PV1, PV1-3 or MRG, with the same ERR as inline mode), and builds the ACK; ``store`` inserts
a whole batch with one ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` and one look-up for
the repeats. The full mapping and applying happen after the commit
(``inbox.apply_pending``); what fails only then (a value the database refuses, say) is
recorded on the row and in the audit log, since the AA is already sent.

Repeats of a stored (MSH-3, MSH-4, MSH-10), and repeats inside the batch, get the first
message's ACK, byte for byte, and change nothing. ``ON CONFLICT DO NOTHING`` makes a repeat
sent to another process at the same moment wait for that process's commit, then find its
row: no unique-key error, no second row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, Dialect, Table, insert, select, tuple_

from reunify.feeds.inbox import ERROR, PENDING, Context, Key, Receipt
from reunify.interop.hl7v2 import (
    AckCode,
    AckDecision,
    Hl7Error,
    build_ack,
    check_content,
    check_header,
    event_time,
    parse_message,
)
from reunify.store import hl7_tables as h

_TABLE = cast(Table, h.Hl7Message.__table__)
_KEY_COLUMNS = ("sending_application", "sending_facility", "control_id")
_INSERTED = ("received_at", "channel", "raw", "trigger", "event_time", "ack_code", "ack",
             "state", "error", *_KEY_COLUMNS)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Prepared:
    """A message ready to insert: the row's values and the ACK to send once it is committed."""

    raw: bytes
    key: Key | None  # None: not keyed (unreadable, no control ID, or AR: may be resent)
    code: AckCode
    ack: bytes
    values: dict[str, Any] = field(repr=False)

    @property
    def row(self) -> tuple[Any, ...]:
        return tuple(self.values[name] for name in _INSERTED)

    @property
    def state(self) -> str:
        return str(self.values["state"])

    @property
    def text(self) -> str:
        return str(self.values["error"])


def prepare(raw: bytes, ctx: Context, now: datetime | None = None) -> Prepared:
    """Parse the header, decide AA/AE/AR and build the ACK; touches no database."""
    key: Key | None = None
    when: datetime | None = None
    trigger = ""
    try:
        message = parse_message(raw)
    except Hl7Error as exc:
        decision = AckDecision(exc.ack_code, (exc.issue,))
        inbound: Any = raw
    else:
        inbound = message
        trigger = message.trigger[:8]
        if message.control_id:
            key = (message.header(3)[:180], message.header(4)[:180], message.control_id[:200])
        refused = check_header(message, ctx.policy)
        if refused is not None:
            decision = refused
        else:
            tz = ctx.facilities.timezone(message.header(4), ctx.default_tz)
            try:
                when = event_time(message, tz=tz)
                check_content(message)  # AE for what map_adt would refuse, for microseconds
                decision = AckDecision(AckCode.AA, message.warnings)
            except Hl7Error as exc:
                decision = AckDecision(exc.ack_code, (exc.issue,))
    if decision.code is AckCode.AR:
        key = None  # kept without its key, so that the sender may resend it, as AR invites
    ack = build_ack(inbound, decision)
    accepted = decision.accepted
    values: dict[str, Any] = {
        "received_at": now or datetime.now(UTC), "channel": ctx.channel, "raw": raw,
        "trigger": trigger, "event_time": when, "ack_code": decision.code.value, "ack": ack,
        "state": PENDING if accepted else ERROR, "error": "" if accepted else decision.text,
        "person_id": None,
    }  # fmt: skip
    values.update(zip(_KEY_COLUMNS, key or (None, None, None), strict=True))
    return Prepared(raw, key, decision.code, ack, values)


class _Insert:
    """The batch insert of one dialect, as a fixed statement on the driver's own cursor.

    SQLAlchemy's executemany would build a statement per batch size (psycopg then parses
    each anew: milliseconds for a few dozen rows) and process every row in Python; here the
    statement is one text, prepared once, and values go through the columns' own bind
    processors, so they are stored exactly as SQLAlchemy stores them. PostgreSQL takes the
    whole batch as arrays (``unnest``); SQLite runs its cached statement once per row, in
    process, inside the caller's transaction.
    """

    def __init__(self, dialect: Dialect) -> None:
        columns = [_TABLE.c[name] for name in _INSERTED]
        self.processors = [c.type.bind_processor(dialect) for c in columns]
        self.postgresql = dialect.name == "postgresql"
        names = ", ".join(c.name for c in columns)
        keys = ", ".join(_KEY_COLUMNS)
        # Names and types come from the table's metadata; every value is a bound parameter.
        if self.postgresql:
            arrays = ", ".join(f"%s::{c.type.compile(dialect)}[]" for c in columns)
            source = f"SELECT * FROM unnest({arrays})"  # noqa: S608
        else:
            source = f"VALUES ({', '.join('?' for _ in columns)})"
        self.sql = (
            f"INSERT INTO {_TABLE.name} ({names}) {source} "
            f"ON CONFLICT ({keys}) DO NOTHING RETURNING id, {keys}"
        )

    def run(self, connection: Connection, batch: list[Prepared]) -> dict[Key, int]:
        """Insert the keyed messages (each key once); the ids of those that were new."""
        rows = [
            [v if f is None else f(v) for f, v in zip(self.processors, p.row, strict=True)]
            for p in batch
        ]
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            if self.postgresql:
                cursor.execute(self.sql, [list(column) for column in zip(*rows, strict=True)])
                returned = cursor.fetchall()
            else:
                returned = []
                for row in rows:
                    cursor.execute(self.sql, row)
                    returned += cursor.fetchall()
        finally:
            cursor.close()
        return {(r[1], r[2], r[3]): r[0] for r in returned}


_INSERTS: dict[str, _Insert] = {}


def store(connection: Connection, batch: Sequence[Prepared]) -> list[Receipt]:
    """Insert the batch in the caller's transaction; the receipts in the batch's order.

    The caller commits, and only then sends the ACKs. (On PostgreSQL the caller may run in
    autocommit: the keyed messages are then one statement, committed on its return.)
    """
    first: dict[Key, int] = {}  # key -> index of its first occurrence in the batch
    for i, p in enumerate(batch):
        if p.key is not None:
            first.setdefault(p.key, i)
    ids: dict[int, int] = {}  # batch index -> new row id
    if first:
        dialect = connection.dialect
        inserter = _INSERTS.get(dialect.name) or _INSERTS.setdefault(dialect.name, _Insert(dialect))
        new = inserter.run(connection, [batch[i] for i in first.values()])
        ids = {first[key]: row_id for key, row_id in new.items()}
    keyless = [i for i, p in enumerate(batch) if p.key is None]
    if keyless:  # unreadable or refused (AR): rare, so the plain way
        stmt = insert(_TABLE).returning(_TABLE.c.id, sort_by_parameter_order=True)
        rows = connection.execute(stmt, [batch[i].values for i in keyless]).all()
        ids.update(zip(keyless, (r[0] for r in rows), strict=True))
    repeats = {k for k, i in first.items() if i not in ids}
    known = _stored(connection, repeats)
    receipts: list[Receipt] = []
    for i, p in enumerate(batch):
        if i in ids:
            receipts.append(Receipt(p.ack, p.code, p.state, ids[i], False, p.text))
            continue
        assert p.key is not None  # every keyless message was inserted
        if p.key in known:
            receipts.append(known[p.key])
        elif first[p.key] in ids:  # a repeat of an earlier message of this batch
            origin = batch[first[p.key]]
            receipts.append(Receipt(origin.ack, origin.code, origin.state, ids[first[p.key]],
                                    True, origin.text))  # fmt: skip
        else:  # neither inserted nor found: let the caller answer AR, so the sender resends
            raise RuntimeError(f"HL7 message {p.key} was neither stored nor found")
    return receipts


def _stored(connection: Connection, keys: set[Key]) -> dict[Key, Receipt]:
    if not keys:
        return {}
    c = _TABLE.c
    columns = (c.sending_application, c.sending_facility, c.control_id)
    stmt = select(c.id, *columns, c.ack, c.ack_code, c.state, c.error).where(
        tuple_(*columns).in_(sorted(keys))
    )
    return {
        (r.sending_application, r.sending_facility, r.control_id): Receipt(
            r.ack, AckCode(r.ack_code), r.state, r.id, True, r.error
        )
        for r in connection.execute(stmt)
    }
