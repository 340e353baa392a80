"""Candidate finding for inquiries, through the matching engine (``linkage.search``).

Each candidate says which of the seeker's other facts agree or disagree, so the band can be
decided on evidence, not on a bare score. ``family_key`` still files open inquiries by the
Soundex of the sought family name so new records can re-ask them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import jellyfish
from sqlalchemy.orm import Session

from reunify.domain import AgeRange, BirthDate, Sex
from reunify.domain.text import fold
from reunify.linkage import search
from reunify.matching import Band, MatchRecord
from reunify.store import tables as t

MODEL_VERSION = "families-engine-1"  # the engine's own version is in each audit too


@dataclass(frozen=True, slots=True)
class Sought:
    """What a seeker (or a safe report) says about a person, already folded and parsed."""

    given: str = ""  # folded given names, possibly several tokens
    family: str = ""  # folded family name
    age: AgeRange | None = None
    birth_date: BirthDate | None = None
    sex: Sex = Sex.UNKNOWN
    city: str = ""  # folded
    postcode: str = ""
    phone: str = ""  # digits only
    description: str = ""

    @property
    def full_name(self) -> bool:
        """A given and a family name, each at least two letters (no initials, no wildcards)."""
        return len(self.given) >= 2 and len(self.family) >= 2

    @property
    def other_facts(self) -> tuple[str, ...]:
        facts = (
            ("age", self.age is not None or self.birth_date is not None),
            ("sex", self.sex not in (Sex.UNKNOWN, Sex.OTHER)),
            ("city", bool(self.city)),
            ("postcode", bool(self.postcode)),
            ("phone", len(self.phone) >= 7),
        )
        return tuple(name for name, present in facts if present)


@dataclass(frozen=True, slots=True)
class Candidate:
    person_id: int
    score: float
    exact_name: bool
    agreeing: tuple[str, ...]
    disagreeing: tuple[str, ...]


def family_key(family: str) -> str:
    """The blocking key that links a family name to its near spellings."""
    return jellyfish.soundex(family) if family else ""


# Engine weights are bits; band_for's ambiguity margin (0.75) is in the old score units.
# Scaling by 0.15 makes the engine's own runner-up margin (5 bits) equal that margin.
_BITS_TO_SCORE = 0.15
_SHOWN = 10


def sought_record(sought: Sought) -> MatchRecord:
    return MatchRecord(
        record_id="sought",
        names=((sought.given, sought.family),),
        sex=sought.sex if sought.sex is not Sex.UNKNOWN else None,
        birth_date=sought.birth_date,
        age=sought.age,
        phone=sought.phone,
        city=sought.city,
        postcode=sought.postcode,
        description=sought.description,
    )


def find_candidates(session: Session, sought: Sought) -> list[Candidate]:
    """People who may be the one sought, best first, found by the matching engine
    (``linkage.search``). Nothing for less than a full name; engine ``no_match``s dropped."""
    if not sought.full_name:
        return []
    scored = search.find(session, sought_record(sought), limit=_SHOWN)
    full = f"{sought.given} {sought.family}"
    out: list[Candidate] = []
    for item in scored:
        if item.band is Band.NO_MATCH:
            continue
        person = session.get(t.Person, int(item.record_id))
        if person is None:
            continue
        exact = any(name.folded == full for name in person.names)
        agreeing, disagreeing = compare_facts(sought, person)
        out.append(Candidate(person.id, item.weight * _BITS_TO_SCORE, exact, agreeing, disagreeing))
    return out


def person_age(person: t.Person, on: date) -> AgeRange | None:
    if person.birth_date:
        return BirthDate.parse(person.birth_date).age_range(on)
    if person.age_low is not None and person.age_high is not None:
        return AgeRange(person.age_low, person.age_high)
    return None


def compare_facts(
    sought: Sought, person: t.Person, on: date | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Which facts agree and which contradict. A fact missing on either side is neither."""
    on = on or person.created_at.date()
    agree: list[str] = []
    differ: list[str] = []
    age = person_age(person, on)
    wanted = sought.age or (sought.birth_date.age_range(on) if sought.birth_date else None)
    if wanted is not None and age is not None:
        gap = wanted.gap(age)
        # Relatives guess ages: two years either way still agrees, more than five contradicts.
        if gap <= 2:
            agree.append("age")
        elif gap > 5:
            differ.append("age")
    known = (Sex.MALE.value, Sex.FEMALE.value)
    if sought.sex.value in known and person.sex in known:
        (agree if sought.sex.value == person.sex else differ).append("sex")
    if sought.city and person.home_city and sought.city == fold(person.home_city):
        agree.append("city")  # people travel: another city is no contradiction
    squash = sought.postcode.replace(" ", "").lower()
    if squash and squash == person.home_postcode.replace(" ", "").lower():
        agree.append("postcode")
    digits = "".join(c for c in person.phone if c.isdigit())
    if len(sought.phone) >= 7 and len(digits) >= 7 and sought.phone[-7:] == digits[-7:]:
        agree.append("phone")
    return tuple(agree), tuple(differ)
