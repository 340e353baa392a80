"""The durable inbox: store a message, apply it, and answer it, all in the caller's transaction.

``receive`` is the path every message takes when applied before it is answered (MLLP
listener, file replay, demo); ``intake`` is the header-only way in of ``--apply deferred``,
whose rows ``apply_pending`` applies here. The ACK is built after storing (and applying),
saved in the row, and only sent by the caller after the transaction commits. Choices:

- A repeat of a stored (MSH-3, MSH-4, MSH-10) gets the stored ACK and changes nothing.
- Applying runs in a savepoint inside the storing transaction. If it fails, the savepoint is
  rolled back and the message stays stored with state ``error`` and the answer is AE: the
  message is ours now (a resend changes nothing), and a person must look at it.
- AR (unsupported version, type or processing ID; no open incident) rows are kept without
  their key, so that the sender may resend the same message later, as AR invites.
- A failure of the database itself (not an integrity or data error, which are about the
  content) is not caught here: the caller's transaction fails and it answers AR.
- With ``--apply deferred`` the ACK says "stored" once the header and the content
  ``map_adt`` would refuse were checked (``intake.prepare``: the same AE as inline mode):
  rows wait as ``pending`` and ``apply_pending`` applies them later, in event-time order, in
  chunks of one transaction (``chunk``). A failure found only then (a value the database
  refuses) cannot change the ACK already sent; it is recorded (state ``error``, audit event
  ``hl7:message:error``).
  The chunk's message states are set together at its end, so that they flush as one batch.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from sqlalchemy import select, tuple_
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from reunify.domain.errors import DomainError
from reunify.feeds.apply import apply_event
from reunify.feeds.chunk import Chunk
from reunify.feeds.facilities import FacilityMap
from reunify.feeds.people import Feed, NeedsReview, NoIncident
from reunify.interop.hl7v2 import (
    AckCode,
    AckDecision,
    AckPolicy,
    ErrorCode,
    Hl7Error,
    Issue,
    Message,
    build_ack,
    parse_message,
    unavailable,
    validate,
)
from reunify.store import audit
from reunify.store import hl7_tables as h

log = logging.getLogger(__name__)

PENDING, APPLIED, IGNORED, NEEDS_REVIEW, ERROR = (
    "pending", "applied", "ignored", "needs_review", "error",
)  # fmt: skip
STATES = (PENDING, APPLIED, IGNORED, NEEDS_REVIEW, ERROR)


@dataclass(frozen=True, slots=True)
class Receipt:
    ack: bytes
    code: AckCode
    state: str
    message_id: int | None = None
    duplicate: bool = False
    text: str = ""  # the error (AE/AR) or why the message needs review


@dataclass(frozen=True, slots=True)
class Context:
    """What a batch of messages is received with, read once per transaction."""

    facilities: FacilityMap
    incident_id: int | None
    default_tz: tzinfo
    policy: AckPolicy
    channel: str
    inline: bool = True  # apply in the storing transaction; else leave pending
    fast: bool = True  # record movements with the chunk's caches (``fastmove``)


Key = tuple[str, str, str]


def stored(session: Session, keys: set[Key]) -> dict[Key, h.Hl7Message]:
    """The stored messages with these (MSH-3, MSH-4, MSH-10) keys, in one query."""
    if not keys:
        return {}
    columns = (
        h.Hl7Message.sending_application, h.Hl7Message.sending_facility, h.Hl7Message.control_id,
    )  # fmt: skip
    stmt = select(h.Hl7Message).where(tuple_(*columns).in_(sorted(keys)))
    return {_key_of(row): row for row in session.scalars(stmt)}


def _key_of(row: h.Hl7Message) -> Key:
    return (row.sending_application or "", row.sending_facility or "", row.control_id or "")


@dataclass(frozen=True, slots=True)
class _Parsed:
    raw: bytes
    message: Message | None
    decision: AckDecision | None  # set when parsing failed
    key: Key | None


def _parse(raw: bytes) -> _Parsed:
    try:
        message = parse_message(raw)
    except Hl7Error as exc:
        return _Parsed(raw, None, AckDecision(exc.ack_code, (exc.issue,)), None)
    key = None
    if message.control_id:
        key = (message.header(3)[:180], message.header(4)[:180], message.control_id[:200])
    return _Parsed(raw, message, None, key)


def _receipt(row: h.Hl7Message, duplicate: bool) -> Receipt:
    return Receipt(row.ack, AckCode(row.ack_code), row.state, row.id, duplicate, row.error)


def receive(session: Session, ctx: Context, raw: bytes) -> Receipt:
    """Store, apply and answer one message (flushes; the caller commits, then sends the ACK)."""
    return receive_many(session, ctx, [raw])[0]


def receive_many(session: Session, ctx: Context, raws: list[bytes]) -> list[Receipt]:
    """Store, apply and answer messages in arrival order, with one look-up of stored keys.

    A repeat of a stored key (or of one earlier in the same batch) gets that message's ACK.
    Messages that are not applied now are flushed together at the end.
    """
    parsed = [_parse(raw) for raw in raws]
    known = stored(session, {p.key for p in parsed if p.key is not None})
    rows: list[tuple[h.Hl7Message, bool]] = []
    chunk = Chunk(session, fast=ctx.fast)
    for p in parsed:
        if p.key is not None and p.key in known:
            rows.append((known[p.key], True))
            continue
        row = _store(session, ctx, p, chunk)
        if p.key is not None and row.control_id is not None:
            known[p.key] = row
        rows.append((row, False))
    chunk.settle()
    # No savepoint per message: if another process stored the same key a moment ago, the
    # unique key fails this transaction, and the receiver retries each message alone.
    session.flush()
    return [_receipt(row, duplicate) for row, duplicate in rows]


def _store(session: Session, ctx: Context, p: _Parsed, chunk: Chunk) -> h.Hl7Message:
    message = p.message
    if message is None:
        assert p.decision is not None
        decision = p.decision
    else:
        tz = ctx.facilities.timezone(message.header(4), ctx.default_tz)
        decision = validate(message, tz=tz, policy=ctx.policy)
    event = decision.event
    applying = event is not None and decision.accepted and ctx.inline
    state, text = (ERROR, decision.text) if not decision.accepted else (PENDING, "")
    inbound = message if message is not None else p.raw
    row = h.Hl7Message(
        received_at=datetime.now(UTC), channel=ctx.channel, raw=p.raw,
        trigger=(message.trigger[:8] if message else ""),
        event_time=event.event_time if event else None, ack_code=decision.code.value,
        ack=b"" if applying else build_ack(inbound, decision), state=state, error=text,
    )  # fmt: skip
    if p.key is not None and decision.code is not AckCode.AR:
        row.sending_application, row.sending_facility, row.control_id = p.key
    session.add(row)
    if applying:
        session.flush()  # the row id is the subject of audit and review events
        decision, state, text = _apply(session, ctx, row, decision, chunk)
        if decision.code is AckCode.AR:
            row.sending_application = row.sending_facility = row.control_id = None
        row.ack = build_ack(inbound, decision)
        row.ack_code, row.state, row.error = decision.code.value, state, text
    return row


def _apply(
    session: Session, ctx: Context, row: h.Hl7Message, decision: AckDecision, chunk: Chunk,
    *, now: bool = True,
) -> tuple[AckDecision, str, str]:  # fmt: skip
    """Apply in a savepoint. The row's ``person_id`` is set at once, or with ``now=False`` in
    ``chunk.finished`` (set with the state at the end: one batch of updates, not one each)."""
    event = decision.event
    assert event is not None
    actor = f"hl7/{event.sending_application}@{event.sending_facility}"[:120]
    feed = Feed(ctx.incident_id, actor, row.id, chunk)
    chunk.mark()
    try:
        with session.begin_nested():
            applied = apply_event(session, feed, ctx.facilities, event)
    except Exception as exc:  # the savepoint is rolled back; the message stays ours
        chunk.restore()
        return _failed(session, ctx, row, decision, actor, exc)
    if now:
        row.person_id = applied.person_id
    else:
        chunk.persons[row.id] = applied.person_id
    return decision, applied.state, applied.note


def _failed(
    session: Session,
    ctx: Context,
    row: h.Hl7Message,
    decision: AckDecision,
    actor: str,
    exc: Exception,
) -> tuple[AckDecision, str, str]:
    """The answer and state of a message whose applying raised ``exc``."""
    if isinstance(exc, NeedsReview):
        audit.record_event(
            session, "hl7:message:review", actor=actor, subject_type="hl7_message",
            subject_id=row.id, incident_id=ctx.incident_id, data={"reason": str(exc)},
        )  # fmt: skip
        return decision, NEEDS_REVIEW, str(exc)
    if isinstance(exc, NoIncident):
        return unavailable(str(exc)), ERROR, str(exc)
    if isinstance(exc, Hl7Error):
        return _error(decision, exc.issue), ERROR, str(exc.issue)
    if isinstance(exc, IntegrityError | DataError):  # the content, not the database: AE, kept
        log.warning("HL7 message %s: %s", row.id, exc.orig)
        text = "conflicting data" if isinstance(exc, IntegrityError) else "a value does not fit"
        issue = Issue("", 0, ErrorCode.INTERNAL_ERROR, f"{text}; kept for review")
        return _error(decision, issue), ERROR, str(exc.orig)
    if isinstance(exc, DomainError):
        issue = Issue("", 0, ErrorCode.DATA_TYPE, f"{exc.field}: {exc.problem}")
        return _error(decision, issue), ERROR, str(issue)
    log.error("HL7 message %s could not be applied", row.id, exc_info=exc)
    issue = Issue("", 0, ErrorCode.INTERNAL_ERROR, f"could not apply: {type(exc).__name__}")
    return _error(decision, issue), ERROR, f"{type(exc).__name__}: {exc}"


def apply_pending(
    session: Session, ctx: Context, limit: int, *, budget: float | None = None
) -> int:
    """Apply up to ``limit`` stored, pending messages, oldest event first. Returns how many.

    With a ``budget`` (seconds), stop after the message that exhausts it: the transaction
    stays short enough for a receiver waiting on the same SQLite writer lock.
    Rows are locked (PostgreSQL ``SKIP LOCKED``) so that several processes never apply the
    same message; the state and the movements commit together, so none is applied twice.
    """
    deadline = None if budget is None else time.monotonic() + budget
    stmt = (
        select(h.Hl7Message)
        .where(h.Hl7Message.state == PENDING)
        .order_by(h.Hl7Message.event_time, h.Hl7Message.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    done = 0
    chunk = Chunk(session, fast=ctx.fast)
    rows = list(session.scalars(stmt))
    chunk.expect(f"{r.sending_application}|{r.sending_facility}|{r.control_id}" for r in rows)
    finished: list[tuple[h.Hl7Message, str, str]] = []
    for row in rows:
        try:
            message = parse_message(row.raw)
            tz = ctx.facilities.timezone(message.header(4), ctx.default_tz)
            decision = validate(message, tz=tz, policy=ctx.policy)
        except Hl7Error as exc:  # stored on its header alone (``intake``)
            decision = AckDecision(exc.ack_code, (exc.issue,))
        if decision.accepted:
            answer, state, text = _apply(session, ctx, row, decision, chunk, now=False)
            if answer.code is AckCode.AR:
                log.warning("HL7 message %s left pending: %s", row.id, text)
                break  # no open incident yet: try again later, in the same order
        else:  # a content error its header did not show, or the policy changed
            state, text = ERROR, decision.text
        if state == ERROR:
            audit.record_event(
                session, "hl7:message:error", actor="hl7/applier", subject_type="hl7_message",
                subject_id=row.id, incident_id=ctx.incident_id, data={"error": text},
            )  # fmt: skip
        finished.append((row, state, text))
        done += 1
        if deadline is not None and time.monotonic() > deadline:
            break
    for row, state, text in finished:  # together, so that they flush as one batch
        row.state, row.error = state, text
        if row.id in chunk.persons:
            row.person_id = chunk.persons[row.id]
    chunk.settle()
    session.flush()
    return done


def _error(decision: AckDecision, issue: Issue) -> AckDecision:
    """AE: the message is stored, so the sender must not resend it unchanged."""
    return AckDecision(AckCode.AE, (issue, *decision.issues), decision.event)
