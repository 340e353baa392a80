"""HL7 DTM/TS values: any precision, optional fraction, optional offset.

python-hl7's ``parse_datetime`` gets negative offsets under one hour wrong (``-0030`` becomes
+00:30, because ``copysign`` of a zero hour is positive) and returns naive datetimes when
the offset is missing. Here a missing offset means the sending facility's local time zone,
which the caller passes in (a ``zoneinfo.ZoneInfo``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from enum import StrEnum

from reunify.domain.dates import BirthDate
from reunify.domain.errors import DomainError

_DTM = re.compile(
    r"^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,6}))?(?:([+-])(\d{2})(\d{2})?)?$"
)


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    HOUR = "hour"
    MINUTE = "minute"
    SECOND = "second"
    FRACTION = "fraction"


_PRECISIONS = list(Precision)


def _match(text: str) -> re.Match[str]:
    m = _DTM.match(text.strip())
    if not m:
        raise ValueError(
            f"{text!r} is not an HL7 timestamp (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ])"
        )
    return m


def timestamp_precision(text: str) -> Precision:
    m = _match(text)
    if m.group(7):
        return Precision.FRACTION
    return _PRECISIONS[sum(1 for g in m.groups()[:6] if g) - 1]


def parse_timestamp(text: str, tz: tzinfo) -> datetime:
    """An aware datetime. Missing parts are the start of the period (``2024`` = 1 January).

    ``tz`` is used only when the value carries no offset. Raises ``ValueError``.
    """
    m = _match(text)
    year, month, day, hour, minute, second = (int(g) if g else None for g in m.groups()[:6])
    assert year is not None
    fraction = m.group(7)
    micro = int(fraction.ljust(6, "0")) if fraction else 0
    if m.group(8):
        sign = -1 if m.group(8) == "-" else 1
        offset = timedelta(hours=int(m.group(9)), minutes=int(m.group(10) or 0))
        if offset >= timedelta(hours=24):
            raise ValueError(f"{text!r} has an offset of a day or more")
        zone: tzinfo = timezone(sign * offset) if offset else UTC
    else:
        zone = tz
    if second == 60:
        second = 59  # a leap second: datetime cannot hold it
    try:
        return datetime(
            year, month or 1, day or 1, hour or 0, minute or 0, second or 0, micro, tzinfo=zone
        )
    except ValueError as exc:
        raise ValueError(f"{text!r}: {exc}") from None


def parse_birth_date(text: str) -> BirthDate:
    """PID-7 as a date known to a year, a month or a day; any time or offset is dropped.

    The date is the one written in the message: a birth date has no time zone to convert.
    """
    m = _match(text)
    try:
        return BirthDate.parse("-".join(g for g in m.groups()[:3] if g))
    except DomainError as exc:
        raise ValueError(exc.problem) from None


def format_timestamp(value: datetime) -> str:
    """``YYYYMMDDHHMMSS+ZZZZ`` (an ACK's MSH-7)."""
    if value.tzinfo is None:
        raise ValueError("a timestamp to write needs an offset")
    return value.strftime("%Y%m%d%H%M%S%z")
