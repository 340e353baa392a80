"""Turning names as typed into comparable tokens.

Everything is folded to lower-case ASCII: "José" and "Jose" must be the same name, and a
relative typing "Алексей" on a Russian keyboard must meet "Aleksei" typed at a hospital desk.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Leading honorifics. "Don", "Lady" and "Lord" are left alone: they are also given names.
TITLES = _words("mr mrs ms miss mx dr doctor prof professor rev fr sir dame sra srta herr frau")
# Trailing generational and professional suffixes. "Do" (a Vietnamese family name) and "V"
# (an initial) are deliberately absent.
SUFFIXES = _words("jr jnr sr snr ii iii iv md phd dds dvm rn np pa esq")
# Family-name particles: they glue to the next word ("de la Cruz") and alone prove nothing.
PARTICLES = _words(
    "de del della dela der den di da das dos du la le lo van von ten ter y e o st san "
    "mac mc bin ibn al el ben bat"
)

_APOSTROPHES = re.compile(r"['’`ʼ‘´]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _is_cjk(char: str) -> bool:
    # Han ideographs and Hangul syllables: romanised one syllable per character.
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xAC00 <= code <= 0xD7A3


def romanise(text: str, *, split_cjk_family: bool = False) -> str:
    """ASCII transliteration. A run of Han/Hangul characters becomes one word (anyascii
    would write "WangXiaoMing"); with ``split_cjk_family`` the first syllable of a run of 2-4
    characters is split off, because East Asian names put a one-syllable family name first."""
    text = unicodedata.normalize("NFC", text)
    if not any(_is_cjk(c) for c in text):
        return str(anyascii(text))
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if not run:
            return
        syllables = [str(anyascii(c)).lower() for c in run]
        if split_cjk_family and 2 <= len(syllables) <= 4:
            out.append(f" {syllables[0]} {''.join(syllables[1:])} ")
        else:
            out.append(f" {''.join(syllables)} ")
        run.clear()

    for char in text:
        if _is_cjk(char):
            run.append(char)
        else:
            flush()
            out.append(str(anyascii(char)))
    flush()
    return "".join(out)


def fold(text: str, *, split_cjk_family: bool = False) -> str:
    """``"Dr. María-José O'Brien"`` -> ``"dr maria jose obrien"``.

    Apostrophes join (O'Brien = OBrien); any other punctuation separates words.
    """
    # Most names are ASCII already: skip the transliteration tables for them.
    ascii_text = text if text.isascii() else romanise(text, split_cjk_family=split_cjk_family)
    ascii_text = ascii_text.lower()
    joined = _APOSTROPHES.sub("", ascii_text)
    return " ".join(_NOT_ALNUM.sub(" ", joined).split())


@lru_cache(maxsize=65536)
def name_tokens(text: str) -> tuple[str, ...]:
    """Folded words of one name field, without honorifics or generational suffixes."""
    return strip_titles(tuple(fold(text).split()))


def strip_titles(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Drop leading titles and trailing suffixes, but never the last remaining word."""
    start, end = 0, len(tokens)
    while end - start > 1 and tokens[start] in TITLES:
        start += 1
    while end - start > 1 and tokens[end - 1] in SUFFIXES:
        end -= 1
    return tokens[start:end]


def family_units(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Group particles with the word they introduce: ``de la cruz`` is one unit."""
    units: list[str] = []
    pending: list[str] = []
    for token in tokens:
        pending.append(token)
        if token not in PARTICLES:
            units.append(" ".join(pending))
            pending = []
    if pending:  # trailing particles ("Nguyen Van") stay words of their own
        units.extend(pending)
    return tuple(units)


def significant_parts(family: str) -> tuple[str, ...]:
    """The words of a family name that identify it: ``de la cruz`` -> ``("cruz",)``."""
    tokens = family.split()
    parts = tuple(t for t in tokens if t not in PARTICLES and len(t) > 1)
    return parts or tuple(tokens)


def _only_titles(segment: str) -> bool:
    words = fold(segment).split()
    return all(w in SUFFIXES or w in TITLES for w in words)


# How many family-name units a free-text name may end with (Spanish names carry two).
_MAX_FAMILY_UNITS = 3


@lru_cache(maxsize=65536)
def parse_full_name(text: str) -> tuple[tuple[str, str], ...]:
    """Candidate ``(given, family)`` readings of a name typed as one string, best first.

    ``"Karev, Alex"`` is unambiguous. ``"Derek Christopher Shepherd"`` could end with a
    one- or two-word family name, so both readings are returned and comparisons keep the
    better one. A reversed order ("Karev Alex") is not guessed here: the name comparison
    checks given/family swaps for every pair.
    """
    # "Shepherd, Derek" gives the order; "Derek Shepherd, MD" only a suffix.
    segments = [seg for seg in text.split(",") if not _only_titles(seg)]
    if len(segments) > 1:
        given = " ".join(name_tokens(" ".join(segments[1:])))
        family = " ".join(name_tokens(segments[0]))
        return ((given, family),) if given or family else ()
    text = segments[0] if segments else ""
    cjk = any(_is_cjk(c) for c in text)
    tokens = strip_titles(tuple(fold(text, split_cjk_family=cjk).split()))
    if not tokens:
        return ()
    if cjk and len(tokens) == 2:  # family name first, as written in Chinese and Korean
        return ((tokens[1], tokens[0]),)
    # A full name starts with a given name: "Ben Avery" is not "ben" + "avery" glued.
    units = (tokens[0], *family_units(tokens[1:]))
    if len(units) == 1:
        return ((units[0], ""),)
    readings: list[tuple[str, str]] = []
    for family_count in range(1, min(_MAX_FAMILY_UNITS, len(units) - 1) + 1):
        split = len(units) - family_count
        readings.append((" ".join(units[:split]), " ".join(units[split:])))
    return tuple(readings)


def consonant_skeleton(word: str) -> str:
    """First letter and the following consonants other than h/w/y, without repeats.

    Catches what Metaphone misses in names: "Shepard" and "Shepherd" both give "sprd".
    """
    if not word:
        return ""
    out = [word[0]]
    for char in word[1:]:
        if char in "aeiouhwy" or char == out[-1]:
            continue
        out.append(char)
    return "".join(out)
