"""The header-only decision a deferred receiver makes before its commit (``intake.prepare``),
and its agreement with the full mapping on every sample file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hl7_support import adt
from reunify.feeds.facilities import FacilityMap, FacilityRef
from reunify.feeds.inbox import Context
from reunify.feeds.intake import prepare
from reunify.interop.hl7v2 import (
    AckCode,
    AckPolicy,
    Hl7Error,
    event_time,
    map_adt,
    parse_message,
    split_messages,
)

LA = ZoneInfo("America/Los_Angeles")
CTX = Context(
    FacilityMap({"sgmw": FacilityRef(1, "SGMW", "America/Los_Angeles")}), 1, UTC, AckPolicy(),
    "mllp", inline=False,
)  # fmt: skip
DATA = Path(__file__).parents[2] / "data" / "hl7"
SAMPLES = [
    raw
    for path in sorted(p for p in DATA.glob("*/*") if p.name != "SOURCE.md")
    for raw in split_messages(path.read_bytes())
]


def test_an_adt_is_accepted_on_its_header_with_its_key_and_event_time() -> None:
    p = prepare(adt("A02", "C1", when="20261120150000", occurred="20261120143000"), CTX)
    assert (p.code, p.state, p.key) == (AckCode.AA, "pending", ("EPIC", "SGMW", "C1"))
    assert b"MSA|AA|C1" in p.ack
    # EVN-6, in the sending facility's zone (no offset given)
    assert p.values["event_time"] == datetime(2026, 11, 20, 14, 30, tzinfo=LA)


@pytest.mark.parametrize(
    ("message", "where"),
    [
        (adt("A02", "C2", location=""), "PV1^1^3^1"),  # a transfer to nowhere
        (adt("A04", "C3", ids=""), "PID^1^3^1"),  # nobody to register
        (adt("A40", "C4"), "MRG^1^1^1"),  # a merge without the retired identifier
    ],
)
def test_what_map_adt_would_refuse_is_an_ae_before_the_commit(message: bytes, where: str) -> None:
    p = prepare(message, CTX)
    assert (p.code, p.state) == (AckCode.AE, "error")
    err = next(s for s in p.ack.split(b"\r") if s.startswith(b"ERR"))
    assert err.split(b"|")[2] == where.encode()
    assert p.key is not None  # stored under its key: a resend gets the same AE


def test_content_beyond_the_checks_is_left_to_the_applier() -> None:
    p = prepare(adt("A04", "C5", sex="Q", dob="not a date"), CTX)  # warnings, not errors
    assert (p.code, p.state) == (AckCode.AA, "pending")


@pytest.mark.parametrize(
    ("message", "code", "keyed"),
    [
        (adt("A04", "T1", processing="T"), AckCode.AR, False),  # may be resent
        (adt("A04", "V1", version="3.0"), AckCode.AR, False),
        (adt("A04", ""), AckCode.AE, False),  # no control ID: nothing to key on
        (adt("A04", "W1", when="yesterday"), AckCode.AE, True),  # no usable time
        (b"not HL7 at all", AckCode.AE, False),
    ],
)
def test_what_the_header_refuses(message: bytes, code: AckCode, keyed: bool) -> None:
    p = prepare(message, CTX)
    assert (p.code, p.state) == (code, "error")
    assert (p.key is not None) is keyed
    assert f"MSA|{code.value}|".encode() in p.ack
    assert p.text


@pytest.mark.parametrize("raw", SAMPLES, ids=range(len(SAMPLES)))
def test_event_time_agrees_with_the_full_mapping(raw: bytes) -> None:
    try:
        message = parse_message(raw)
    except Hl7Error:
        return
    try:
        expected: object = map_adt(message, tz=LA).event_time
    except Hl7Error as exc:
        # The envelope's errors are the very same; the content is read after the commit.
        expected = exc.issue if exc.issue.segment == "MSH" else datetime
    try:
        found: object = event_time(message, tz=LA)
    except Hl7Error as exc:
        found = exc.issue
    if expected is datetime:
        assert isinstance(found, datetime)
    else:
        assert found == expected
