"""Deciding and writing acknowledgements (original mode): AA, AE with ERR, AR.

The order of work for a receiver is ``evaluate`` (parse + ``validate``, no storage), then
commit the raw message durably, then send ``build_ack``. ``respond`` does the three with an
injected ``commit``: if it raises, the answer is AR (the sender may resend unchanged).
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from reunify.interop.hl7v2.adt import HANDLED_TRIGGERS, AdtEvent, map_adt
from reunify.interop.hl7v2.encoding import Delimiters, escape
from reunify.interop.hl7v2.errors import AckCode, ErrorCode, Hl7Error, Issue, Severity
from reunify.interop.hl7v2.fields import PublicityPolicy
from reunify.interop.hl7v2.parse import Message, Segment, parse_message
from reunify.interop.hl7v2.timestamps import format_timestamp

log = logging.getLogger(__name__)
_VERSION = re.compile(r"^(\d+)\.(\d+)")
_TRIGGER = re.compile(r"^[A-Z]\d{2}$")


@dataclass(frozen=True, slots=True)
class AckPolicy:
    """What this receiver accepts. Test ("T") traffic is refused unless configured."""

    message_types: frozenset[str] = frozenset({"ADT"})
    processing_ids: frozenset[str] = frozenset({"P"})
    versions: tuple[tuple[int, int], tuple[int, int]] = ((2, 1), (2, 9))
    publicity: PublicityPolicy = field(default_factory=PublicityPolicy)


@dataclass(frozen=True, slots=True)
class AckDecision:
    code: AckCode
    issues: tuple[Issue, ...] = ()
    event: AdtEvent | None = None

    @property
    def accepted(self) -> bool:
        return self.code is AckCode.AA

    @property
    def ignored(self) -> bool:
        """Accepted, but the trigger does not change tracking (log it, ACK AA)."""
        return self.event is not None and self.event.trigger not in HANDLED_TRIGGERS

    @property
    def text(self) -> str:
        errors = [i for i in self.issues if i.severity is Severity.ERROR]
        return str(errors[0]) if errors else ""


def reject(segment: str, field_index: int, code: ErrorCode, text: str) -> AckDecision:
    issue = Issue(segment, field_index, code, text)
    return AckDecision(issue.ack_code, (issue,))


def unavailable(text: str = "storage unavailable; resend later") -> AckDecision:
    return reject("", 0, ErrorCode.INTERNAL_ERROR, text)


def validate(message: Message, *, tz: tzinfo, policy: AckPolicy | None = None) -> AckDecision:
    """AA (with the mapped event), AE or AR, before anything is stored."""
    policy = policy or AckPolicy()
    refused = check_header(message, policy)
    if refused is not None:
        return refused
    try:
        event = map_adt(message, tz=tz, policy=policy.publicity)
    except Hl7Error as exc:
        return AckDecision(exc.ack_code, (exc.issue,))
    return AckDecision(AckCode.AA, event.warnings, event)


def check_header(message: Message, policy: AckPolicy) -> AckDecision | None:
    """The AR (or AE) that MSH alone decides: type, version, processing ID, trigger format.

    None when the header is acceptable. Reads only MSH, so a receiver that answers once a
    message is stored can call it before the commit and leave the full mapping for later.
    """
    mtype = message.message_type
    if not mtype:
        return reject("MSH", 9, ErrorCode.REQUIRED_FIELD_MISSING, "no message type (MSH-9)")
    if mtype not in policy.message_types:
        return reject("MSH", 9, ErrorCode.UNSUPPORTED_MESSAGE_TYPE, f"{mtype} is not accepted")
    version = _VERSION.match(message.version)
    low, high = policy.versions
    if not version or not low <= (int(version[1]), int(version[2])) <= high:
        text = f"version {message.version or '(none)'} is not {low[0]}.{low[1]}-{high[0]}.{high[1]}"
        return reject("MSH", 12, ErrorCode.UNSUPPORTED_VERSION, text)
    if message.processing_id not in policy.processing_ids:
        text = f"processing ID {message.processing_id or '(none)'} is not accepted here"
        return reject("MSH", 11, ErrorCode.UNSUPPORTED_PROCESSING_ID, text)
    if message.trigger and not _TRIGGER.match(message.trigger):
        text = f"event {message.trigger!r} is not a trigger event code"
        return reject("MSH", 9, ErrorCode.UNSUPPORTED_EVENT, text)
    return None


def evaluate(
    raw: bytes | str, *, tz: tzinfo, policy: AckPolicy | None = None
) -> tuple[Message | None, AckDecision]:
    """Parse and validate; never raises for a bad message."""
    try:
        message = parse_message(raw)
    except Hl7Error as exc:
        return None, AckDecision(exc.ack_code, (exc.issue,))
    return message, validate(message, tz=tz, policy=policy)


Commit = Callable[[bytes, Message | None, AckDecision], None]


def respond(
    raw: bytes, *, tz: tzinfo, commit: Commit | None = None, policy: AckPolicy | None = None
) -> bytes:
    """Evaluate, commit (every decision, so rejects are kept too), then the ACK to send."""
    message, decision = evaluate(raw, tz=tz, policy=policy)
    if commit is not None:
        try:
            commit(raw, message, decision)
        except Exception:
            log.exception("commit failed; answering AR")
            decision = unavailable()
    return build_ack(message if message is not None else raw, decision)


def _header(inbound: Message | bytes | str | None) -> Segment | None:
    """The inbound MSH, even from a message that did not parse as a whole."""
    if isinstance(inbound, Message):
        return inbound.msh
    if inbound is None:
        return None
    text = inbound.decode("latin-1") if isinstance(inbound, bytes) else inbound
    start = text.find("MSH")
    if start < 0:
        return None
    try:
        return parse_message(re.split(r"[\r\n]", text[start:], maxsplit=1)[0]).msh
    except Hl7Error:
        return None


def err_segment(issue: Issue, d: Delimiters | None = None, *, legacy: bool = False) -> str:
    """An ERR segment for one issue: ERR-2..8 (v2.5+), or ERR-1 when ``legacy`` (before 2.5)."""
    d = d or Delimiters()
    c, f = d.component, d.field
    code = d.subcomponent.join([str(int(issue.code)), escape(issue.code.text, d), "HL70357"])
    where = [issue.segment, str(issue.sequence), str(issue.field_index or "")]
    if not issue.segment:
        where = ["", "", ""]
    if legacy:  # ERR-1 (ELD), before v2.5: segment^sequence^field^code&text&table
        return f"ERR{f}" + c.join([*where, code])
    location = c.join([*where, "1" if issue.field_index else "", str(issue.component or "")])
    cwe = code.replace(d.subcomponent, c)
    fields = [location.rstrip(c), cwe, issue.severity.value, "", "", "", escape(issue.text, d)]
    return f"ERR{f}{f}" + f.join(fields)


# An ACK's own control ID: a random prefix per process and a counter (uuid4 per ACK costs
# a system call on the hot path). A forked child draws a prefix of its own.
_ack_prefix = uuid.uuid4().hex[:8]
_ack_numbers = itertools.count(1)
_last_stamp: tuple[int, str] = (0, "")


def _new_ack_prefix() -> None:
    global _ack_prefix
    _ack_prefix = uuid.uuid4().hex[:8]


os.register_at_fork(after_in_child=_new_ack_prefix)


def _ack_id() -> str:
    return f"{_ack_prefix}{next(_ack_numbers):012x}"


def _stamp(now: datetime | None) -> str:
    """MSH-7 of an ACK: now, to the second (formatted once a second: it is on the hot path)."""
    global _last_stamp
    if now is not None:
        return format_timestamp(now)
    second = int(time.time())
    cached = _last_stamp
    if cached[0] != second:
        cached = _last_stamp = (second, format_timestamp(datetime.fromtimestamp(second, UTC)))
    return cached[1]


def build_ack(
    inbound: Message | bytes | str | None,
    decision: AckDecision,
    *,
    now: datetime | None = None,
    control_id: str | None = None,
) -> bytes:
    """The ACK, in the inbound message's delimiters, sender and receiver swapped.

    MSA-2 echoes MSH-10. Store the bytes: a duplicate must get the same ACK again.
    """
    msh = _header(inbound)
    d = msh.delims if msh is not None else Delimiters()
    f, c = d.field, d.component

    def raw(n: int) -> str:
        return msh.raw_field(n) if msh is not None else ""

    trigger = msh.field(9).text(2).strip() if msh is not None else ""
    version = raw(12) or "2.5"
    stamp = _stamp(now)
    ack_id = control_id or _ack_id()
    msh_fields = [
        raw(5),
        raw(6),
        raw(3),
        raw(4),
        stamp,
        "",
        c.join(["ACK", trigger, "ACK"]).rstrip(c),
    ]
    msh_fields += [ack_id, raw(11) or "P", version]
    segments = [f"MSH{f}{d.encoding_characters}{f}" + f.join(msh_fields)]
    segments.append(
        f"MSA{f}{decision.code.value}{f}{raw(10)}{f}{escape(decision.text, d)}".rstrip(f)
    )
    legacy = bool((m := _VERSION.match(version)) and (int(m[1]), int(m[2])) < (2, 5))
    for issue in decision.issues:
        if legacy and issue.severity is not Severity.ERROR:
            continue  # ERR-1 has no severity: do not make a warning look like an error
        segments.append(err_segment(issue, d, legacy=legacy))
    return ("\r".join(segments) + "\r").encode("utf-8")
