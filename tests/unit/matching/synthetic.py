"""Synthetic people and the errors relatives make when describing them. No real person."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from reunify.domain.dates import AgeRange, BirthDate
from reunify.domain.types import Sex
from reunify.matching import MatchRecord

TODAY = date(2026, 5, 1)

MALE = [
    "derek", "alexander", "george", "richard", "preston", "mark", "owen", "jackson",
    "andrew", "nathan", "ben", "william", "james", "robert", "michael", "thomas", "daniel",
    "jose", "francisco", "ignacio", "giuseppe", "mikhail", "johannes", "matthew", "peter",
]  # fmt: skip
FEMALE = [
    "meredith", "cristina", "isobel", "miranda", "callie", "arizona", "lexie", "april",
    "theodora", "amelia", "maggie", "stephanie", "elizabeth", "margaret", "katherine",
    "alexandra", "maria", "sofia", "olga", "jo", "catherine", "rebecca", "susan", "linda",
]  # fmt: skip
FAMILY = [
    "shepherd", "grey", "yang", "karev", "stevens", "omalley", "bailey", "webber", "burke",
    "torres", "robbins", "sloan", "kepner", "avery", "hunt", "altman", "pierce", "deluca",
    "wilson", "warren", "smith", "johnson", "garcia", "nguyen", "kowalski", "schmidt",
    "rossi", "ivanov", "lopez", "harper", "fischer", "moreau", "okafor", "tanaka", "brennan",
    "castillo", "lindqvist", "novak", "haddad", "murphy",
]  # fmt: skip
NICKNAMES = {
    "alexander": "alex", "william": "bill", "james": "jim", "robert": "bob",
    "michael": "mike", "thomas": "tom", "daniel": "dan", "richard": "rich",
    "isobel": "izzie", "theodora": "teddy", "alexandra": "lexie", "elizabeth": "liz",
    "margaret": "maggie", "katherine": "kate", "jose": "pepe", "francisco": "paco",
    "ignacio": "nacho", "giuseppe": "beppe", "mikhail": "misha", "johannes": "hans",
    "matthew": "matt", "peter": "pete", "rebecca": "becky", "susan": "sue",
}  # fmt: skip


def person(rng: random.Random, number: int) -> MatchRecord:
    male = rng.random() < 0.5
    given = rng.choice(MALE if male else FEMALE)
    born = BirthDate(rng.randint(1940, 2015), rng.randint(1, 12), rng.randint(1, 28))
    return MatchRecord(
        record_id=f"p{number:06d}",
        names=((given.title(), rng.choice(FAMILY).title()),),
        sex=Sex.MALE if male else Sex.FEMALE,
        birth_date=born,
        phone=f"+1 206 {rng.randint(200, 999)} {rng.randint(1000, 9999)}",
        city="Seattle",
        reference_date=TODAY,
    )


def typo(rng: random.Random, word: str) -> str:
    """One keyboard slip after the first letter: substitution, deletion or transposition."""
    if len(word) < 4:
        return word
    i = rng.randint(1, len(word) - 2)
    kind = rng.choice(("sub", "del", "swap"))
    if kind == "sub":
        return word[:i] + rng.choice("aeioulnrst") + word[i + 1 :]
    if kind == "del":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def inquiry(rng: random.Random, record: MatchRecord) -> MatchRecord:
    """What a relative might say about ``record``: a nickname, a typo, an age, a swap."""
    given, family = (part.lower() for part in record.names[0])
    if given in NICKNAMES and rng.random() < 0.3:
        given = NICKNAMES[given]
    if rng.random() < 0.2:
        family = typo(rng, family)
    if rng.random() < 0.1:
        given = typo(rng, given)
    full = f"{family} {given}" if rng.random() < 0.05 else f"{given} {family}"
    assert record.birth_date is not None
    age = record.birth_date.age_range(TODAY)
    return replace(
        record,
        record_id=f"q-{record.record_id}",
        names=(),
        full_names=(full,),
        birth_date=None,
        age=AgeRange(age.low, age.high) if rng.random() < 0.8 else None,
        phone=record.phone if rng.random() < 0.3 else "",
        sex=record.sex if rng.random() < 0.9 else None,
    )
