"""``check_content`` (read before a deferred receiver's commit) refuses exactly what
``map_adt`` refuses, on every sample message and on each one with a required part removed."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from reunify.interop.hl7v2 import (
    Hl7Error,
    check_content,
    event_time,
    map_adt,
    parse_message,
    split_messages,
)

DATA = Path(__file__).parents[3] / "data" / "hl7"
TZ = ZoneInfo("America/Los_Angeles")


def _samples() -> list[bytes]:
    texts: list[bytes] = []
    for path in sorted(p for p in DATA.glob("*/*") if p.name != "SOURCE.md"):
        try:
            texts.extend(split_messages(path.read_bytes()))
        except Hl7Error:
            continue  # a file that is not HL7 at all: the receiver's AR, not this check's
    return texts


def _outcome(check: object, raw: bytes) -> tuple[str, int, str] | None:
    try:
        message = parse_message(raw)
        event_time(message, tz=TZ)  # the header errors come first, for both
    except Hl7Error:
        return ("header", 0, "")
    try:
        check(message)  # type: ignore[operator]
    except Hl7Error as exc:
        return (exc.issue.segment, exc.issue.field_index, exc.issue.text)
    return None


def _mapped(message: object) -> None:
    map_adt(message, tz=TZ)  # type: ignore[arg-type]


def _without(raw: bytes, segment: bytes, field: int | None = None) -> bytes:
    """The message without a segment, or with one field of it emptied."""
    lines = raw.replace(b"\r\n", b"\r").replace(b"\n", b"\r").split(b"\r")
    out = []
    for line in lines:
        if line[:3] != segment:
            out.append(line)
        elif field is not None:
            parts = line.split(b"|")
            if field < len(parts):
                parts[field] = b""
            out.append(b"|".join(parts))
    return b"\r".join(out)


def _variants() -> list[bytes]:
    found: list[bytes] = []
    for raw in _samples():
        found.append(raw)
        for cut in ((b"PID", None), (b"PV1", None), (b"MRG", None), (b"PID", 3), (b"PV1", 3)):
            found.append(_without(raw, *cut))
        found.append(raw.replace(b"ADT^A01", b"ADT^A02").replace(b"ADT^A04", b"ADT^A17"))
    return found


VARIANTS = _variants()


def test_there_are_enough_messages_to_mean_something() -> None:
    assert len(VARIANTS) > 100
    refused = [v for v in VARIANTS if _outcome(_mapped, v) not in (None, ("header", 0, ""))]
    assert len(refused) > 20  # the cuts do produce content errors


@pytest.mark.parametrize("raw", VARIANTS)
def test_check_content_refuses_what_map_adt_refuses(raw: bytes) -> None:
    assert _outcome(check_content, raw) == _outcome(_mapped, raw)
