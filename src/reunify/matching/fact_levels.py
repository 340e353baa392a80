"""Levels for the facts other than names. Each function returns a level name, or ``None``
when one side does not know the fact: a missing fact is no evidence, never a disagreement.
"""

from __future__ import annotations

from datetime import date

from reunify.domain.dates import AgeRange, BirthDate, DatePrecision
from reunify.matching.fields import one_digit_apart
from reunify.matching.prepared import PreparedRecord

# An age range wider than this ("about 30" = 27-33) says less than a year of birth does.
NARROW_AGE_WIDTH = 2
CLOSE_AGE_GAP = 2
MOST_FEATURES = 0.6
SOME_FEATURES = 0.25

BIRTH_LEVELS = (
    ("exact_date", "same date of birth"),
    ("transposed", "day and month swapped"),
    ("same_month", "same year and month of birth"),
    ("same_year", "same year of birth"),
    ("age_overlap", "age consistent"),
    ("age_range_overlap", "age roughly consistent"),
    ("age_close", "age within 2 years"),
)


def _ages(
    birth: BirthDate | None, age: AgeRange | None, reference: date, on: date
) -> tuple[int, int] | None:
    """Ages the person can have on ``on``: from the birth date if known, else the reported
    age moved from the day it was reported to ``on``."""
    if birth is not None:
        r = birth.age_range(on)
        return (r.low, r.high)
    if age is not None:
        shift = on.year - reference.year
        return (age.low + shift, age.high + shift)
    return None


def _same_date_levels(a: BirthDate, b: BirthDate) -> str:
    both_days = a.precision is DatePrecision.DAY and b.precision is DatePrecision.DAY
    if both_days and (a.month, a.day) == (b.month, b.day):
        return "exact_date"
    if both_days and (a.month, a.day) == (b.day, b.month):
        return "transposed"
    if a.month is not None and a.month == b.month:
        return "same_month"
    return "same_year"


def birth_level(left: PreparedRecord, right: PreparedRecord) -> str | None:
    """Precision-aware: a year alone never contradicts a full date in the same year."""
    a, b = left.birth_date, right.birth_date
    if a is not None and b is not None and a.year == b.year:
        return _same_date_levels(a, b)
    on = left.reference_date
    la = _ages(a, left.age, left.reference_date, on)
    ra = _ages(b, right.age, right.reference_date, on)
    if la is None or ra is None:
        return None
    if la[0] <= ra[1] and ra[0] <= la[1]:
        narrow = max(la[1] - la[0], ra[1] - ra[0]) <= NARROW_AGE_WIDTH
        return "age_overlap" if narrow else "age_range_overlap"
    gap = ra[0] - la[1] if ra[0] > la[1] else la[0] - ra[1]
    return "age_close" if gap <= CLOSE_AGE_GAP else "different"


SEX_LEVELS = (("same", "same sex"),)


def sex_level(left: PreparedRecord, right: PreparedRecord) -> str | None:
    if left.sex is None or right.sex is None:
        return None
    return "same" if left.sex == right.sex else "different"


PHONE_LEVELS = (
    ("exact", "same number"),
    ("one_digit", "one digit wrong or two swapped"),
    ("last_seven", "same last seven digits"),
)


def phone_level(left: PreparedRecord, right: PreparedRecord) -> str | None:
    a, b = left.phone, right.phone
    if a is None or b is None:
        return None
    same_country = a.country_code == b.country_code or 0 in (a.country_code, b.country_code)
    if same_country and a.national == b.national:
        return "exact"
    if same_country and one_digit_apart(a.national, b.national):
        return "one_digit"
    if min(len(a.national), len(b.national)) >= 7 and a.national[-7:] == b.national[-7:]:
        return "last_seven"
    return "different"


EMAIL_LEVELS = (("exact", "same address"), ("same_local", "same name before the @"))


def email_level(left: PreparedRecord, right: PreparedRecord) -> str | None:
    if not left.email or not right.email:
        return None
    if left.email == right.email:
        return "exact"
    return "same_local" if left.email_local == right.email_local else "different"


DESCRIPTION_LEVELS = (
    ("most", "most described features agree"),
    ("some", "some described features agree"),
)


def description_level(left: PreparedRecord, right: PreparedRecord) -> str | None:
    """Overlap of distinguishing words, relative to the shorter description, because a
    relative's description is short and a hospital's long."""
    a, b = left.description, right.description
    if not a or not b:
        return None
    shared = len(a & b)
    ratio = shared / min(len(a), len(b))
    if shared >= 2 and ratio >= MOST_FEATURES:
        return "most"
    if ratio >= SOME_FEATURES:
        return "some"
    return "different"
