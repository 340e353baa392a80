"""Normalising the non-name fields: phone, email, postcode, city and free descriptions."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import phonenumbers

from reunify.matching.normalise import fold

DEFAULT_REGION = "US"
_NANP_REGIONS = frozenset({"US", "CA"})
# A North American number written plainly: an area code and exchange that do not start
# with 0 or 1, optionally after "+1" or "1".
_NANP = re.compile(r"(?:\+?1[ .-]?)?(\(?[2-9]\d\d\)?[ .-]?[2-9]\d\d[ .-]?\d{4})")


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
    digits_only = len(text) == 10 and text.isdigit() and text[0] > "1" and text[3] > "1"
    if digits_only and region in _NANP_REGIONS:  # "2065550101", as registries store it
        return Phone(1, text)
    plain = _NANP.fullmatch(text.strip())
    if plain is not None and region in _NANP_REGIONS:
        # "(206) 555-0101", "206.555.0101", "+1 206 555 0101": what phonenumbers returns for
        # them, without its parser, which costs a million-row import a minute.
        return Phone(1, re.sub(r"\D", "", plain.group(1)))
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


def normalise_state(text: str) -> str:
    return fold(text).replace(" ", "")


# Street types as abbreviated on forms and envelopes; compared spelt out.
_STREET_TYPES = {
    "st": "street", "str": "street", "rd": "road", "av": "avenue", "ave": "avenue",
    "cres": "crescent", "cr": "crescent", "pl": "place", "ct": "court", "crt": "court",
    "dr": "drive", "drv": "drive", "hwy": "highway", "ln": "lane", "pde": "parade",
    "cct": "circuit", "cir": "circle", "tce": "terrace", "ter": "terrace", "blvd": "boulevard",
    "sq": "square", "cl": "close", "gr": "grove", "pkwy": "parkway", "wy": "way",
}  # fmt: skip


_STREET_TYPE_NAMES = frozenset(_STREET_TYPES.values())


class Street(NamedTuple):
    number: str  # "12", "12a"; "" when none was written
    name: str  # folded, street type spelt out, without spaces: "pinkertoncircuit"
    core: str  # the name without its type: "pinkerton"


def _line(words: list[str]) -> tuple[str, str]:
    """(name, core) of an address line's words. Only the last word is read as a street
    type: "St Kilda Rd" is Saint Kilda Road. Spaces are dropped because a form's
    "pridhamstreet" is "pridham street"."""
    if not words:
        return "", ""
    last = _STREET_TYPES.get(words[-1], words[-1])
    name = "".join([*words[:-1], last])
    typed = len(words) > 1 and last in _STREET_TYPE_NAMES
    return name, "".join(words[:-1]) if typed else name


@lru_cache(maxsize=65536)
def normalise_street(text: str) -> Street:
    """``"12 Pinkerton Cct"`` -> ``Street("12", "pinkertoncircuit", "pinkerton")``.

    The number is the first word with a digit in it; other such words (a unit) are dropped.
    """
    number = ""
    words: list[str] = []
    for word in fold(text).split():
        if any(c.isdigit() for c in word):
            number = number or word
        else:
            words.append(word)
    return Street(number, *_line(words))


@lru_cache(maxsize=65536)
def normalise_address_line(text: str) -> str:
    """A second address line, normalised like a street name (digits kept: "flt 10"), so
    that lines written in the other order still compare."""
    return _line(fold(text).split())[0]


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
