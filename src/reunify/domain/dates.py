"""Dates of birth with their precision, and ages as ranges.

Relatives rarely know a date of birth; they know an age, roughly. Hospitals register
placeholder years for unknown patients. Both are kept as what they are, never padded
into a fake full date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from reunify.domain.errors import DomainError


class DatePrecision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


_DOB = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A date of birth known to a year, a month or a day (PFIF/HL7 style ``YYYY[-MM[-DD]]``)."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise DomainError("date_of_birth", "a day needs a month")
        try:
            date(self.year, self.month or 1, self.day or 1)
        except ValueError as exc:
            raise DomainError("date_of_birth", f"not a real date ({exc})") from None
        if not 1850 <= self.year <= 2200:
            raise DomainError("date_of_birth", f"year {self.year} is out of range")

    @property
    def precision(self) -> DatePrecision:
        if self.day is not None:
            return DatePrecision.DAY
        if self.month is not None:
            return DatePrecision.MONTH
        return DatePrecision.YEAR

    @classmethod
    def parse(cls, text: str, field: str = "date_of_birth") -> BirthDate:
        m = _DOB.match(text.strip())
        if not m:
            raise DomainError(field, f"{text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(g) if g else None for g in m.groups())
        assert year is not None
        try:
            return cls(year, month, day)
        except DomainError as exc:
            raise DomainError(field, exc.problem) from None

    def isoformat(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def age_range(self, on: date) -> AgeRange:
        """The ages this person can have on ``on``, given what is known of the birth date."""
        if self.precision is DatePrecision.DAY:
            assert self.month is not None
            assert self.day is not None
            age = on.year - self.year - ((on.month, on.day) < (self.month, self.day))
            return AgeRange(age, age)
        if self.precision is DatePrecision.MONTH:
            assert self.month is not None
            older = on.year - self.year - (on.month < self.month)
            younger = on.year - self.year - (on.month <= self.month)
            return AgeRange(max(0, younger), max(0, older))
        return AgeRange(max(0, on.year - self.year - 1), max(0, on.year - self.year))

    def __str__(self) -> str:
        return self.isoformat()


_AGE = re.compile(
    r"^\s*(?:about|around|approx\.?|~|ca\.?)?\s*(\d{1,3})\s*(?:-\s*(\d{1,3}))?\s*$", re.I
)


@dataclass(frozen=True, slots=True)
class AgeRange:
    """An inclusive age range in years, as PFIF writes it (``N`` or ``N-M``)."""

    low: int
    high: int

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high <= 130:
            raise DomainError("age", f"{self.low}-{self.high} is not a plausible age range")

    @classmethod
    def parse(cls, text: str | int, field: str = "age") -> AgeRange:
        """``"31"``, ``"30-35"`` or ``"about 30"`` (which widens to a range)."""
        if isinstance(text, int):
            return cls(text, text) if 0 <= text <= 130 else cls._bad(field, str(text))
        m = _AGE.match(text)
        if not m:
            return cls._bad(field, text)
        low = int(m.group(1))
        high = int(m.group(2)) if m.group(2) else low
        approximate = bool(re.match(r"^\s*(about|around|approx|~|ca)", text, re.I))
        if approximate and not m.group(2):
            spread = max(2, round(low * 0.1))
            low, high = max(0, low - spread), high + spread
        try:
            return cls(low, high)
        except DomainError as exc:
            raise DomainError(field, exc.problem) from None

    @staticmethod
    def _bad(field: str, text: str) -> AgeRange:
        raise DomainError(field, f"{text!r} is not an age such as 31, 30-35 or 'about 30'")

    def overlaps(self, other: AgeRange) -> bool:
        return self.low <= other.high and other.low <= self.high

    def gap(self, other: AgeRange) -> int:
        """Years between the two ranges; 0 when they overlap."""
        if self.overlaps(other):
            return 0
        return other.low - self.high if other.low > self.high else self.low - other.high

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"
