"""Nicknames and diminutives: Izzie for Isobel, Pepe for José, Sasha for Aleksandr.

Two sources, merged: the maintained English dataset of the ``nicknames`` package, and a
small curated file (``data/diminutives.csv``, one cited source per row) for the names that
package lacks. Look-ups are symmetric and cached per name.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from functools import lru_cache
from importlib import resources

from nicknames import NickNamer

from reunify.matching.normalise import fold

CURATED_FILE = "diminutives.csv"
CURATED_COLUMNS = ("name", "diminutive", "language", "source")


def read_curated() -> list[dict[str, str]]:
    """The curated rows, as written (checked for a source on every row)."""
    text = (resources.files("reunify.matching") / "data" / CURATED_FILE).read_text("utf-8")
    return parse_curated(text)


def parse_curated(text: str) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    for line, row in enumerate(rows, start=2):
        if tuple(row) != CURATED_COLUMNS or not all((row[c] or "").strip() for c in row):
            raise ValueError(f"{CURATED_FILE} line {line}: every column needs a value")
    return rows


@lru_cache(maxsize=1)
def _curated() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """(diminutive -> full names, full name -> diminutives), folded."""
    full_of: defaultdict[str, set[str]] = defaultdict(set)
    short_of: defaultdict[str, set[str]] = defaultdict(set)
    for row in read_curated():
        name, short = fold(row["name"]), fold(row["diminutive"])
        full_of[short].add(name)
        short_of[name].add(short)
    return (
        {k: frozenset(v) for k, v in full_of.items()},
        {k: frozenset(v) for k, v in short_of.items()},
    )


@lru_cache(maxsize=1)
def _namer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=65536)
def full_forms(name: str) -> frozenset[str]:
    """The name itself and the names it can be short for: ``alex`` -> alexander, alexandra...

    ``name`` must already be folded (lower-case ASCII).
    """
    full_of, _ = _curated()
    found: set[str] = {name}
    found.update(_namer().canonicals_of(name))
    found.update(full_of.get(name, ()))
    return frozenset(found)


@lru_cache(maxsize=65536)
def name_group(name: str) -> frozenset[str]:
    """The name, its full forms and its own diminutives (both directions)."""
    _, short_of = _curated()
    found = set(full_forms(name))
    found.update(_namer().nicknames_of(name))
    found.update(short_of.get(name, ()))
    return frozenset(found)


def are_diminutives(a: str, b: str) -> bool:
    """True when one folded name is a nickname of the other, or both of a third
    (Bill and Will, both William)."""
    if a == b:
        return True
    return b in name_group(a) or a in name_group(b) or not full_forms(a).isdisjoint(full_forms(b))
