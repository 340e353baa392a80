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
_STREET_LETTERS = 5

KEY_KINDS: dict[str, str] = {
    "nm": "given-name and family-name sounds, in either order, nicknames expanded",
    "gi": "given-name sound (nicknames expanded) and two letters of the family name",
    "fs": "family-name sound and two letters of the given name",
    "db": "date of birth, day and month in either order",
    "ph": "last seven digits of the phone number",
    "em": "hash of the normalised email address",
    "ad": "postcode and house number",
    "as": "first letters of the street and house number",
    "al": "first letters of an address line (street or second line) and postcode",
    "ud": "unidentified patients: sex and decade of birth (only they store it)",
    "fm": "family-name sound alone (broad)",
    "gn": "given-name sound alone (broad)",
}
BROAD_KINDS = frozenset({"fm", "gn"})
# How much sharing one key of a kind says, for ordering candidates before they are scored:
# a shared date of birth or phone number outweighs two spellings of a common name.
KEY_WEIGHTS = {"db": 4, "ph": 4, "em": 4, "nm": 2, "ad": 2, "as": 2, "al": 2}


def is_broad(key: str) -> bool:
    return key.split(":", 1)[0] in BROAD_KINDS


@lru_cache(maxsize=131072)
def _sound(word: str) -> str:
    """Metaphone after collapsing doubled letters, which it keeps ("Rebecca" = "Rebeca")."""
    return str(jellyfish.metaphone(_DOUBLED.sub(r"\1", word)))


@lru_cache(maxsize=131072)
def _sounds(word: str) -> tuple[str, ...]:
    """The word's sound, then the sounds of the full names it may be short for."""
    others = sorted({_sound(f) for f in given_token(word).forms - {word}})
    return tuple(dict.fromkeys(c for c in (_sound(word), *others) if c))[:_EXPANSION]


@lru_cache(maxsize=131072)
def _family_sounds(name: FamilyName) -> tuple[str, ...]:
    codes = [_sound(name.compact)]
    if name.parts != {name.compact}:  # "de la cruz" must meet "Cruz"
        codes.extend(_sound(part) for part in sorted(name.parts))
    codes.extend(_sounds(name.compact)[1:])  # a given name typed as family: "Karev Alex"
    return tuple(dict.fromkeys(c for c in codes if c))


Readings = tuple[tuple[str, str], ...]


def _readings(readings: Readings) -> list[tuple[list[str], FamilyName | None]]:
    """(given words, family name) for every reading of every name."""
    return [
        ([w for w in given.split() if len(w) > 1], family_name(family))
        for given, family in readings
    ]


def _prefix(word: str) -> str:
    """The first two letters in alphabetical order: "Hsepherd" typed for "Shepherd" (the
    first two keys struck in the wrong order) keeps its prefix."""
    return "".join(sorted(word[:2]))


def _spellings(word: str) -> tuple[str, ...]:
    """Two short spellings of a word no single typo breaks both: the first two letters
    (in either order), and the first and last letters."""
    return (_prefix(word), word[0] + word[-1]) if len(word) > 1 else (word,)


@lru_cache(maxsize=131072)
def _one_by_sound(word: str, fam: FamilyName) -> tuple[str, ...]:
    """Keys for one given word and one family name where one side may be misspelt."""
    sounds = _sounds(word)
    keys = [f"gi:{g}|{_prefix(fam.compact)}" for g in sounds]  # nicknames expanded
    keys.extend(f"gi:{g}|{_spellings(fam.compact)[-1]}" for g in sounds[:1])
    for f in _family_sounds(fam)[:1]:  # family name by sound, given name by spelling
        keys.extend(f"fs:{f}|{spelling}" for spelling in _spellings(word))
    return tuple(keys)


def _address_keys(prepared: PreparedRecord) -> Iterator[str]:
    """A household, reached by several routes so one slip in the postcode, the number or
    the street's first letters leaves another, and lines written in either order still
    meet: people and forms get an address right more often than a spelling."""
    number, postcode = prepared.street_number, prepared.postcode
    street = prepared.street if len(prepared.street) >= _STREET_LETTERS else ""
    if number and postcode:
        yield f"ad:{postcode}|{number}"
    if number and street:
        yield f"as:{street[:_STREET_LETTERS]}|{number}"
    if postcode:
        for line in (street, prepared.address_2):
            if len(line) >= _STREET_LETTERS:
                yield f"al:{line[:_STREET_LETTERS]}|{postcode}"


@lru_cache(maxsize=65536)
def _leading_name_keys(names: Readings) -> tuple[str, ...]:
    """Both names' sounds together: the most selective keys, stored first."""
    keys: list[str] = []
    for words, fam in _readings(names):
        if fam is None or not words:
            continue
        for g in _sounds(words[0]):
            for f in _family_sounds(fam):
                keys.append("nm:" + "|".join(sorted((g, f))))
    return tuple(keys)


@lru_cache(maxsize=65536)
def _other_name_keys(names: Readings) -> tuple[str, ...]:
    """Keys that survive a misspelling, a swap or a middle name used as the call name,
    then the broad ones. Cached per set of names: a million people share far fewer."""
    all_readings = _readings(names)
    readings = [(words, fam) for words, fam in all_readings if fam is not None]
    keys: list[str] = []
    for words, fam in readings:
        if words:
            keys.extend(_one_by_sound(words[0], fam))
    for words, fam in readings:  # "Karev Alex" with a typo still meets Alex Karev
        swapped = family_name(words[0]) if len(words) == 1 and " " not in fam.text else None
        if swapped is not None:
            keys.extend(_one_by_sound(fam.compact, swapped))
    for words, fam in readings:  # a middle name used as the call name
        for word in words[1:]:
            for g in _sounds(word)[:1]:
                keys.extend("nm:" + "|".join(sorted((g, f))) for f in _family_sounds(fam))
            keys.extend(_one_by_sound(word, fam))
    return tuple(keys)


@lru_cache(maxsize=65536)
def _broad_name_keys(names: Readings, family: tuple[FamilyName, ...]) -> tuple[str, ...]:
    keys = [f"fm:{f}" for fam in family for f in _family_sounds(fam)]
    for words, _ in _readings(names):
        keys.extend(f"gn:{g}" for g in (_sounds(words[0]) if words else ()))
    return tuple(keys)


def _keys(prepared: PreparedRecord) -> Iterator[str]:
    yield from _leading_name_keys(prepared.readings)
    if prepared.phone is not None and len(prepared.phone.national) >= _PHONE_DIGITS:
        yield "ph:" + prepared.phone.national[-_PHONE_DIGITS:]
    if prepared.email:
        yield "em:" + hashlib.sha256(prepared.email.encode()).hexdigest()[:16]
    birth = prepared.birth_date
    if birth is not None and birth.month is not None and birth.day is not None:
        low, high = sorted((birth.month, birth.day))
        yield f"db:{birth.year:04d}-{low:02d}-{high:02d}"
    yield from _address_keys(prepared)
    yield from _other_name_keys(prepared.readings)
    yield from _broad_name_keys(prepared.readings, prepared.family)


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


# Training sessions (``estimate.train_m``): candidate pairs sharing a key of these kinds
# agree on these comparisons by construction, so a session never estimates them.
TRAINING_SESSIONS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "names": (("nm", "gi", "fs"), frozenset({"given_name", "family_name", "name_order"})),
    "birth": (("db",), frozenset({"birth"})),
    "address": (
        ("ad", "as", "al"),
        frozenset({"postcode", "street", "street_number", "address_2"}),
    ),
    "phone": (("ph",), frozenset({"phone"})),
    "email": (("em",), frozenset({"email"})),
}


def key_kind(key: str) -> str:
    return key.split(":", 1)[0]
