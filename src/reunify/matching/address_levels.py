"""Levels for the home address: street number, street, second line, city, postcode, state.

Each is its own comparison, as in Splink's FEBRL models, because a form's errors hit one
part at a time (a digit in the postcode, a typo in the street) and the parts say different
amounts: a shared state is shared with millions, a shared street and number with a household.
Like the other facts, a part either side does not know is no evidence (``None``).
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA, JaroWinkler

from reunify.matching.fields import one_digit_apart
from reunify.matching.prepared import PreparedRecord

SIMILAR_CITY = 0.9  # Jaro-Winkler: "Seatle" for "Seattle"
SIMILAR_STREET = 0.88
# "hoseasonstreet" and "hosaesonstreeet" are two slips apart, "kentstreet" and
# "kempstreet" too: a shorter name allows one slip only.
_LONG_STREET = 12

CITY_LEVELS = (
    ("exact", "same city", True),
    ("similar", "similar city name"),
)
POSTCODE_LEVELS = (
    ("exact", "same postcode"),
    ("one_digit", "postcode one digit wrong or two swapped"),
)
STREET_NUMBER_LEVELS = (
    ("exact", "same house number"),
    ("one_digit", "house number one digit off"),
)
STREET_LEVELS = (
    ("exact", "same street"),
    ("edit_2", "street spelt within two letters"),
    ("name_only", "same street name, another type (Place, Court)"),
    ("similar", "similar street name"),
)
ADDRESS_2_LEVELS = (
    ("exact", "same second address line"),
    ("similar", "similar second address line"),
)
STATE_LEVELS = (("exact", "same state"),)


def _similar(a: str, b: str, threshold: float) -> bool:
    return JaroWinkler.similarity(a, b, score_cutoff=threshold) >= threshold


def city_level(left: PreparedRecord, right: PreparedRecord) -> str | None:
    a, b = left.city, right.city
    if not a or not b:
        return None
    if a == b:
        return "exact"
    return "similar" if _similar(a, b, SIMILAR_CITY) else "different"


def postcode_level(left: PreparedRecord, right: PreparedRecord) -> str | None:
    a, b = left.postcode, right.postcode
    if not a or not b:
        return None
    if a == b:
        return "exact"
    return "one_digit" if one_digit_apart(a, b) else "different"


def street_number_level(left: PreparedRecord, right: PreparedRecord) -> str | None:
    a, b = left.street_number, right.street_number
    if not a or not b:
        return None
    if a == b:
        return "exact"
    close = one_digit_apart(a, b) or OSA.distance(a, b, score_cutoff=1) <= 1
    return "one_digit" if close else "different"


def _street(a: str, b: str, core_a: str = "", core_b: str = "") -> str:
    if a == b:
        return "exact"
    edits = 2 if min(len(a), len(b)) >= _LONG_STREET else 1
    if OSA.distance(a, b, score_cutoff=edits) <= edits:
        return "edit_2"
    if core_a and core_a == core_b:
        return "name_only"
    return "similar" if _similar(a, b, SIMILAR_STREET) else "different"


def _second_line(a: str, b: str) -> str:
    if a == b:
        return "exact"
    close = min(len(a), len(b)) >= 5 and OSA.distance(a, b, score_cutoff=2) <= 2
    return "similar" if close or _similar(a, b, SIMILAR_CITY) else "different"


def _rank(level: str | None, levels: tuple[tuple[str, ...], ...]) -> int:
    names = [lv[0] for lv in levels]
    return names.index(level) if level in names else len(names)


@lru_cache(maxsize=65536)
def _lines(
    street_a: str, core_a: str, line_a: str, street_b: str, core_b: str, line_b: str
) -> tuple[str | None, str | None]:
    straight = (
        _street(street_a, street_b, core_a, core_b) if street_a and street_b else None,
        _second_line(line_a, line_b) if line_a and line_b else None,
    )
    if straight[0] == "exact" or not ((street_a and line_b) or (line_a and street_b)):
        return straight
    # Forms put the estate or building first as often as the street: compare the lines
    # crossed, and keep that reading only when it agrees strictly better.
    crossed = (
        _street(street_a, line_b) if street_a and line_b else None,
        _second_line(line_a, street_b) if line_a and street_b else None,
    )

    def rank(levels: tuple[str | None, str | None]) -> int:
        return _rank(levels[0], STREET_LEVELS) + _rank(levels[1], ADDRESS_2_LEVELS)

    return crossed if rank(crossed) < rank(straight) else straight


def address_lines(left: PreparedRecord, right: PreparedRecord) -> tuple[str | None, str | None]:
    """Levels of (street, second line), read as written or crossed."""
    return _lines(
        left.street, left.street_core, left.address_2,
        right.street, right.street_core, right.address_2,
    )  # fmt: skip


def street_level(left: PreparedRecord, right: PreparedRecord) -> str | None:
    return address_lines(left, right)[0]


def address_2_level(left: PreparedRecord, right: PreparedRecord) -> str | None:
    return address_lines(left, right)[1]


def state_level(left: PreparedRecord, right: PreparedRecord) -> str | None:
    a, b = left.state, right.state
    if not a or not b:
        return None
    return "exact" if a == b else "different"
