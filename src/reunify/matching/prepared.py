"""A record with everything the comparisons need computed once: folded tokens, phonetic
codes, nickname groups, normalised phone and email.

Comparing two prepared records is then set look-ups and a few C-level string distances,
which is what keeps one pair under a fraction of a millisecond. Per-word features are
cached by word, so the thousands of people called "Maria" share one computation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple, TypeVar

import jellyfish

from reunify.domain.dates import AgeRange, BirthDate
from reunify.domain.types import Sex
from reunify.matching.diminutives import full_forms, name_group
from reunify.matching.fields import (
    Phone,
    description_tokens,
    normalise_address_line,
    normalise_city,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    normalise_state,
    normalise_street,
)
from reunify.matching.normalise import (
    consonant_skeleton,
    family_units,
    name_tokens,
    parse_full_name,
    significant_parts,
)
from reunify.matching.records import MatchRecord

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class GivenToken:
    """One given-name word with its phonetic codes and nickname relations."""

    text: str
    metaphone: str
    nysiis: str
    skeleton: str
    forms: frozenset[str]  # itself and the full names it may stand for
    group: frozenset[str]  # forms plus its own diminutives
    is_initial: bool  # a lone letter ("D." for Derek)


@dataclass(frozen=True, slots=True)
class FamilyName:
    """A whole family name: ``compact`` ignores spacing ("de la cruz" = "delacruz")."""

    text: str
    compact: str
    parts: frozenset[str]
    metaphone: str
    nysiis: str
    skeleton: str


@lru_cache(maxsize=131072)
def given_token(text: str) -> GivenToken:
    return GivenToken(
        text=text,
        metaphone=jellyfish.metaphone(text),
        nysiis=jellyfish.nysiis(text),
        skeleton=consonant_skeleton(text),
        forms=full_forms(text),
        group=name_group(text),
        is_initial=len(text) == 1,
    )


@lru_cache(maxsize=131072)
def family_name(text: str) -> FamilyName | None:
    """``text`` is folded; ``None`` when nothing is left."""
    tokens = text.split()
    if not tokens:
        return None
    compact = "".join(tokens)
    return FamilyName(
        text=" ".join(tokens),
        compact=compact,
        parts=frozenset(significant_parts(text)),
        metaphone=jellyfish.metaphone(compact),
        nysiis=jellyfish.nysiis(compact),
        skeleton=consonant_skeleton(compact),
    )


def given_tokens_of(text: str) -> tuple[GivenToken, ...]:
    """Each word of a folded given name, plus the words run together ("Mary Ann" = "Maryann")."""
    words = text.split()
    if len(words) > 1:
        words.append("".join(words))
    return tuple(given_token(w) for w in words)


@dataclass(frozen=True, slots=True)
class PreparedRecord:
    record: MatchRecord
    given: tuple[GivenToken, ...]
    family: tuple[FamilyName, ...]
    swap_given: tuple[GivenToken, ...]  # family names read as given names
    swap_family: tuple[FamilyName, ...]  # given names read as a family name
    readings: tuple[tuple[str, str], ...]  # folded (given, family) readings, for blocking
    sex: Sex | None
    birth_date: BirthDate | None
    age: AgeRange | None
    reference_date: date
    phone: Phone | None
    email: str
    email_local: str
    city: str
    postcode: str
    street_number: str
    street: str
    street_core: str  # without its type ("wallaby" of Wallaby Place)
    address_2: str
    state: str
    description: frozenset[str]

    @property
    def record_id(self) -> str:
        return self.record.record_id


# Records rarely share a whole name, but their given names and family names each repeat
# (lists of common names): the work on each string is cached on its own, so a new
# combination of names seen before costs a few look-ups.
_STRINGS = 65536  # per cache; a registry has far fewer distinct given or family names


@lru_cache(maxsize=_STRINGS)
def _folded_given(given: str) -> str:
    return " ".join(name_tokens(given))


@lru_cache(maxsize=_STRINGS)
def _folded_family(family: str) -> str:
    return " ".join(family_units(name_tokens(family)))


def _readings(
    names: tuple[tuple[str, str], ...], full_names: tuple[str, ...]
) -> list[tuple[str, str]]:
    readings: list[tuple[str, str]] = []
    for given, family in names:
        g = _folded_given(given)
        f = _folded_family(family)
        if g or f:
            readings.append((g, f))
    for full in full_names:
        readings.extend(parse_full_name(full))
    return readings


def _unique(items: list[_T]) -> tuple[_T, ...]:
    return tuple(dict.fromkeys(items))


class _Given(NamedTuple):
    """What a folded given-name reading contributes (``tokens`` without repeats)."""

    tokens: tuple[GivenToken, ...]
    as_family: tuple[FamilyName, ...]  # itself read as a family name, if anything


class _Family(NamedTuple):
    """What a folded family-name reading contributes (``swap_given`` without repeats)."""

    family: tuple[FamilyName, ...]
    swap_given: tuple[GivenToken, ...]  # its significant words read as given names


_NO_GIVEN = _Given((), ())


@lru_cache(maxsize=_STRINGS)
def _given_reading(g: str) -> _Given:
    if not g:
        return _NO_GIVEN
    as_family = family_name(g)
    return _Given(_unique(list(given_tokens_of(g))), () if as_family is None else (as_family,))


@lru_cache(maxsize=_STRINGS)
def _family_reading(f: str) -> _Family:
    fam = family_name(f)
    if fam is None:
        return _Family((), ())
    swap = given_tokens_of(" ".join(significant_parts(fam.text)))
    return _Family((fam,), _unique(list(swap)))


class _Names(NamedTuple):
    given: tuple[GivenToken, ...]
    family: tuple[FamilyName, ...]
    swap_given: tuple[GivenToken, ...]
    swap_family: tuple[FamilyName, ...]
    readings: tuple[tuple[str, str], ...]


_NO_NAMES = _Names((), (), (), (), ())


@lru_cache(maxsize=65536)
def _names(names: tuple[tuple[str, str], ...], full_names: tuple[str, ...]) -> _Names:
    """The name features, cached apart from the rest: thousands of records share a name."""
    readings = _readings(names, full_names)
    if not readings:
        return _NO_NAMES
    if len(readings) == 1:  # most records: the cached parts are already without repeats
        g, f = readings[0]
        given, family = _given_reading(g), _family_reading(f)
        return _Names(
            given.tokens, family.family, family.swap_given, given.as_family, (readings[0],)
        )
    given_tokens: list[GivenToken] = []
    families: list[FamilyName] = []
    swap_given: list[GivenToken] = []
    swap_family: list[FamilyName] = []
    for g, f in readings:
        given, family = _given_reading(g), _family_reading(f)
        given_tokens.extend(given.tokens)
        swap_family.extend(given.as_family)
        families.extend(family.family)
        swap_given.extend(family.swap_given)
    return _Names(
        _unique(given_tokens), _unique(families), _unique(swap_given), _unique(swap_family),
        _unique(readings),
    )  # fmt: skip


@lru_cache(maxsize=32768)
def prepare(record: MatchRecord) -> PreparedRecord:
    """Everything comparisons need, computed once per record (and cached)."""
    names = _names(record.names, record.full_names)
    email, local = normalise_email(record.email)
    sex = record.sex if record.sex not in (None, Sex.UNKNOWN) else None
    street = normalise_street(record.street)
    return PreparedRecord(
        record=record,
        given=names.given,
        family=names.family,
        swap_given=names.swap_given,
        swap_family=names.swap_family,
        readings=names.readings,
        sex=sex,
        birth_date=record.birth_date,
        age=record.age,
        reference_date=record.reference_date or date.today(),
        phone=normalise_phone(record.phone),
        email=email,
        email_local=local,
        city=normalise_city(record.city),
        postcode=normalise_postcode(record.postcode),
        street_number=street.number,
        street=street.name,
        street_core=street.core,
        address_2=normalise_address_line(record.address_2),
        state=normalise_state(record.state),
        description=description_tokens(record.description),
    )
