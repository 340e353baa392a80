"""The comparisons the model scores, declared as ordered levels, and ``compare``.

``compare`` turns a pair of prepared records into a comparison vector: one level index per
comparison (0 = missing on one side), plus the agreeing name for the levels whose weight
depends on how common that name is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from reunify.matching import address_levels as address
from reunify.matching import fact_levels as facts
from reunify.matching.levels import Comparison
from reunify.matching.name_levels import FAMILY_RULES, GIVEN_RULES, NameOutcome, compare_names
from reunify.matching.prepared import PreparedRecord

GIVEN_NAME = Comparison.build(
    "given_name", "given name", [(r.name, r.label, r.tf) for r in GIVEN_RULES]
)
FAMILY_NAME = Comparison.build(
    "family_name", "family name", [(r.name, r.label, r.tf) for r in FAMILY_RULES]
)
# Null when the names agree in neither order: the order of two different names means
# nothing. Its else level therefore never occurs (the default parameters weigh it 0).
NAME_ORDER = Comparison.build(
    "name_order",
    "name order",
    [("as_entered", "given and family names as entered"), ("swapped", "given/family swapped")],
)
BIRTH = Comparison.build("birth", "date of birth or age", facts.BIRTH_LEVELS)
SEX = Comparison.build("sex", "sex", facts.SEX_LEVELS)
PHONE = Comparison.build("phone", "phone", facts.PHONE_LEVELS)
EMAIL = Comparison.build("email", "email", facts.EMAIL_LEVELS)
STREET_NUMBER = Comparison.build("street_number", "house number", address.STREET_NUMBER_LEVELS)
STREET = Comparison.build("street", "street", address.STREET_LEVELS)
ADDRESS_2 = Comparison.build("address_2", "second address line", address.ADDRESS_2_LEVELS)
CITY = Comparison.build("city", "home city", address.CITY_LEVELS)
POSTCODE = Comparison.build("postcode", "postcode", address.POSTCODE_LEVELS)
STATE = Comparison.build("state", "state", address.STATE_LEVELS)
DESCRIPTION = Comparison.build("description", "description", facts.DESCRIPTION_LEVELS)

COMPARISONS: tuple[Comparison, ...] = (
    GIVEN_NAME,
    FAMILY_NAME,
    NAME_ORDER,
    BIRTH,
    SEX,
    PHONE,
    EMAIL,
    STREET_NUMBER,
    STREET,
    ADDRESS_2,
    CITY,
    POSTCODE,
    STATE,
    DESCRIPTION,
)
BY_NAME = {c.name: c for c in COMPARISONS}

FactLevel = Callable[[PreparedRecord, PreparedRecord], "str | None"]
_FACTS: tuple[tuple[Comparison, FactLevel], ...] = (
    (BIRTH, facts.birth_level),
    (SEX, facts.sex_level),
    (PHONE, facts.phone_level),
    (EMAIL, facts.email_level),
    (STREET_NUMBER, address.street_number_level),
    (STREET, address.street_level),
    (ADDRESS_2, address.address_2_level),
    (CITY, address.city_level),
    (POSTCODE, address.postcode_level),
    (STATE, address.state_level),
    (DESCRIPTION, facts.description_level),
)
_CITY = COMPARISONS.index(CITY)
_CITY_EXACT = CITY.index("exact")


class ComparisonVector(NamedTuple):
    """``levels[i]`` is the level index for ``COMPARISONS[i]``; ``terms[i]`` the agreeing
    value for a term-frequency level (else ``None``)."""

    levels: tuple[int, ...]
    terms: tuple[str | None, ...]


def _rule_index(position: int) -> int:
    # best_rule positions: -1 null, 0.. rules, len(rules) else; levels are shifted by one.
    return 0 if position < 0 else position + 1


def name_levels(names: NameOutcome, unidentified: bool) -> tuple[int, int, int]:
    """The given name, family name and name order levels of ``compare_names``'s outcome
    (``unidentified``: either side is a trauma alias)."""
    given = _rule_index(names.given)
    family = _rule_index(names.family)
    if unidentified:
        # A trauma alias is a placeholder: agreeing with it means something, differing nothing.
        given = 0 if given == GIVEN_NAME.else_index else given
        family = 0 if family == FAMILY_NAME.else_index else family
    agree = given not in (0, GIVEN_NAME.else_index) or family not in (0, FAMILY_NAME.else_index)
    order = 0 if not agree else NAME_ORDER.index("swapped" if names.swapped else "as_entered")
    return given, family, order


def compare(left: PreparedRecord, right: PreparedRecord) -> ComparisonVector:
    names = compare_names(left, right)
    unidentified = left.record.unidentified or right.record.unidentified
    levels = list(name_levels(names, unidentified))
    for comparison, level_of in _FACTS:
        level = level_of(left, right)
        levels.append(0 if level is None else comparison.index(level))
    terms: list[str | None] = [names.given_term, names.family_term]
    terms.extend([None] * (len(COMPARISONS) - 2))
    if levels[_CITY] == _CITY_EXACT:
        terms[_CITY] = left.city
    return ComparisonVector(tuple(levels), tuple(terms))
