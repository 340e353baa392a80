"""Normalising the non-name fields: phone, email, postcode, city and free descriptions."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import phonenumbers

from reunify.matching.normalise import fold

DEFAULT_REGION = "US"


class Phone(NamedTuple):
    country_code: int
    national: str  # national significant number, digits only


@lru_cache(maxsize=65536)
def normalise_phone(text: str, region: str = DEFAULT_REGION) -> Phone | None:
    """``"(206) 555-0101"`` and ``"+1 206 555 0101"`` -> ``Phone(1, "2065550101")``.

    A number ``phonenumbers`` cannot parse still compares by its digits, because a relative's
    half-remembered number is evidence too.
    """
    if not text.strip():
        return None
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and parsed.national_number:
        national = phonenumbers.national_significant_number(parsed)
        return Phone(int(parsed.country_code or 0), national)
    digits = re.sub(r"\D", "", text)
    return Phone(0, digits) if len(digits) >= 5 else None


def one_digit_apart(a: str, b: str) -> bool:
    """Same length and one digit wrong, or two neighbouring digits swapped."""
    if len(a) != len(b) or a == b:
        return False
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diffs) == 1:
        return True
    return (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and a[diffs[0]] == b[diffs[1]]
        and (a[diffs[1]] == b[diffs[0]])
    )


def normalise_email(text: str) -> tuple[str, str]:
    """(address, local part), lower-case, without a ``+tag``; ``("", "")`` when absent."""
    address = text.strip().lower()
    local, at, domain = address.partition("@")
    if not at or not local or not domain:
        return ("", "")
    local = local.split("+", 1)[0]
    return (f"{local}@{domain}", local)


def normalise_postcode(text: str) -> str:
    """Upper-case letters and digits; a US ZIP+4 keeps its five-digit ZIP."""
    code = re.sub(r"[^0-9A-Za-z]", "", text).upper()
    if len(code) == 9 and code.isdigit():
        return code[:5]
    return code


def normalise_city(text: str) -> str:
    return fold(text)


# Words that say nothing about what a person looks like.
_STOPWORDS = frozenset(
    {
        *("a", "an", "and", "the", "with", "of", "in", "on", "at", "to", "for", "is", "was"),
        *("wearing", "wears", "wore", "has", "had", "possibly", "maybe", "some"),
        *("about", "approx", "approximately", "around", "small", "large"),
        *("colour", "color", "coloured", "colored"),
    }
)
_SYNONYMS = {"blonde": "blond", "grey": "gray", "tshirt": "shirt", "tee": "shirt", "tattoo": "tat"}


@lru_cache(maxsize=65536)
def description_tokens(text: str) -> frozenset[str]:
    """Distinguishing words of a free description: height, hair, clothing, marks."""
    words: set[str] = set()
    for word in fold(text).split():
        if word in _STOPWORDS or len(word) < 2:
            continue
        word = _SYNONYMS.get(word, word)
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]  # "jeans"/"jean", "tattoos"/"tattoo": same evidence
        words.add(_SYNONYMS.get(word, word))
    return frozenset(words)
