"""Blocking keys: short strings a store indexes as ``(person_id, key)`` rows, so that the
candidates for an inquiry are the people sharing at least one key with it, never a scan.

Keys pair two facts where they can (a given-name sound with a family-name sound, or one
name's sound with two letters of the other), because a single common fact ("sounds like
Smith") would fetch thousands of people at a million. The single-fact keys are marked
broad: a store may skip a broad key when too many people share it. The selective keys are
built so that a typo, a nickname, a given/family swap or "Shepard" for "Shepherd" still
leaves one in common.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from functools import lru_cache

import jellyfish

from reunify.domain.types import Sex
from reunify.matching.prepared import FamilyName, PreparedRecord, family_name, given_token, prepare
from reunify.matching.records import MatchRecord

MAX_KEYS = 24
# Sounds per name word: itself and the full names it may stand for ("alex": alexander, ...).
_EXPANSION = 4
_DOUBLED = re.compile(r"(.)\1+")
_PHONE_DIGITS = 7  # a subscriber number without the area code a relative may not know

KEY_KINDS: dict[str, str] = {
    "nm": "given-name and family-name sounds, in either order, nicknames expanded",
    "gi": "given-name sound (nicknames expanded) and two letters of the family name",
    "fs": "family-name sound and two letters of the given name",
    "db": "date of birth, day and month in either order",
    "ph": "last seven digits of the phone number",
    "em": "hash of the normalised email address",
    "ud": "unidentified patients: sex and decade of birth (only they store it)",
    "fm": "family-name sound alone (broad)",
    "gn": "given-name sound alone (broad)",
}
BROAD_KINDS = frozenset({"fm", "gn"})


def is_broad(key: str) -> bool:
    return key.split(":", 1)[0] in BROAD_KINDS


@lru_cache(maxsize=131072)
def _sound(word: str) -> str:
    """Metaphone after collapsing doubled letters, which it keeps ("Rebecca" = "Rebeca")."""
    return str(jellyfish.metaphone(_DOUBLED.sub(r"\1", word)))


def _sounds(word: str) -> tuple[str, ...]:
    """The word's sound, then the sounds of the full names it may be short for."""
    others = sorted({_sound(f) for f in given_token(word).forms - {word}})
    return tuple(dict.fromkeys(c for c in (_sound(word), *others) if c))[:_EXPANSION]


def _family_sounds(name: FamilyName) -> tuple[str, ...]:
    codes = [_sound(name.compact)]
    if name.parts != {name.compact}:  # "de la cruz" must meet "Cruz"
        codes.extend(_sound(part) for part in sorted(name.parts))
    codes.extend(_sounds(name.compact)[1:])  # a given name typed as family: "Karev Alex"
    return tuple(dict.fromkeys(c for c in codes if c))


def _readings(prepared: PreparedRecord) -> list[tuple[list[str], FamilyName | None]]:
    """(given words, family name) for every reading of every name."""
    return [
        ([w for w in given.split() if len(w) > 1], family_name(family))
        for given, family in prepared.readings
    ]


def _spellings(word: str) -> tuple[str, ...]:
    """Two short spellings of a word no single typo after the first letter breaks both:
    the first two letters, and the first and last letters."""
    return (word[:2], word[0] + word[-1]) if len(word) > 1 else (word,)


def _one_by_sound(word: str, fam: FamilyName) -> Iterator[str]:
    """Keys for one given word and one family name where one side may be misspelt."""
    sounds = _sounds(word)
    for g in sounds:  # nicknames expanded, family name by spelling
        yield f"gi:{g}|{fam.compact[:2]}"
    for g in sounds[:1]:
        yield f"gi:{g}|{_spellings(fam.compact)[-1]}"
    for f in _family_sounds(fam)[:1]:  # family name by sound, given name by spelling
        for spelling in _spellings(word):
            yield f"fs:{f}|{spelling}"


def _keys(prepared: PreparedRecord) -> Iterator[str]:
    readings = [(words, fam) for words, fam in _readings(prepared) if fam is not None]
    firsts = [(words[0], fam) for words, fam in readings if words]
    others = [(w, fam) for words, fam in readings for w in words[1:]]
    for word, fam in firsts:
        for g in _sounds(word):
            for f in _family_sounds(fam):
                yield "nm:" + "|".join(sorted((g, f)))
    if prepared.phone is not None and len(prepared.phone.national) >= _PHONE_DIGITS:
        yield "ph:" + prepared.phone.national[-_PHONE_DIGITS:]
    if prepared.email:
        yield "em:" + hashlib.sha256(prepared.email.encode()).hexdigest()[:16]
    birth = prepared.birth_date
    if birth is not None and birth.month is not None and birth.day is not None:
        low, high = sorted((birth.month, birth.day))
        yield f"db:{birth.year:04d}-{low:02d}-{high:02d}"
    for word, fam in firsts:
        yield from _one_by_sound(word, fam)
    for words, fam in readings:  # "Karev Alex" with a typo still meets Alex Karev
        swapped = family_name(words[0]) if len(words) == 1 and " " not in fam.text else None
        if swapped is not None:
            yield from _one_by_sound(fam.compact, swapped)
    for word, fam in others:  # a middle name used as the call name
        for g in _sounds(word)[:1]:
            for f in _family_sounds(fam):
                yield "nm:" + "|".join(sorted((g, f)))
        yield from _one_by_sound(word, fam)
    for fam in prepared.family:
        for f in _family_sounds(fam):
            yield f"fm:{f}"
    for words, _ in _readings(prepared):
        for g in _sounds(words[0]) if words else ():
            yield f"gn:{g}"


_SEXES = {Sex.MALE: "m", Sex.FEMALE: "f", Sex.OTHER: "o"}
_AGE_SLACK = 3  # years either side of an estimated age ("about 40" is often 36)


def _birth_decades(prepared: PreparedRecord) -> list[int]:
    if prepared.birth_date is not None:
        return [prepared.birth_date.year // 10]
    if prepared.age is None:
        return []
    year = prepared.reference_date.year
    first = year - prepared.age.high - 1 - _AGE_SLACK
    last = year - prepared.age.low + _AGE_SLACK
    return list(range(first // 10, last // 10 + 1))


def _unidentified_keys(prepared: PreparedRecord, inquiry: bool) -> Iterator[str]:
    """Stored by unidentified patients only, so the key stays small; an inquiry asks for
    its own sex and for patients whose sex was not recorded."""
    own = "u" if prepared.sex is None else _SEXES.get(prepared.sex, "u")
    sexes = [own]
    if inquiry:
        sexes = [own, "u"] if own != "u" else ["m", "f", "o", "u"]
    for decade in _birth_decades(prepared):
        for sex in sexes:
            yield f"ud:{sex}|{decade}"


def blocking_keys(
    record: MatchRecord | PreparedRecord, *, inquiry: bool = False
) -> tuple[str, ...]:
    """Keys, most selective first, e.g. ``("nm:ALKS|KRF", ...)``.

    For a stored record at most ``MAX_KEYS``. With ``inquiry`` (looking people up, or
    looking for a new record's duplicates) the keys also reach unidentified patients of a
    compatible sex and age, and are not capped.
    """
    prepared = record if isinstance(record, PreparedRecord) else prepare(record)
    keys = list(_keys(prepared))
    if prepared.record.unidentified:  # placeholder names: the description is what counts
        keys[:0] = _unidentified_keys(prepared, inquiry)
    elif inquiry:
        keys.extend(_unidentified_keys(prepared, inquiry))
    unique = tuple(dict.fromkeys(keys))
    return unique if inquiry else unique[:MAX_KEYS]
