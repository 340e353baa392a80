"""The vectorised candidate pairs are exactly those of the plain per-row algorithm they
replaced (kept below as the reference), on a registry crowded enough that every path
runs: groups paired whole, split groups, groups too large, unknown births, households."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reunify.linkage import pairs
from reunify.linkage.importer import import_people
from reunify.store import tables as t
from reunify.store.match_tables import MatchKey

GIVEN = ["Derek", "Meredith", "Callie", "Miranda", "Lexie", "Alex", "Alexander", "Jo", "Mark"]
FAMILY = ["Shepherd", "Grey", "Torres", "Bailey", "Karev", "Sloan", "Hunt", "Yang", "Webber"]
STREETS = ["Gleadow Street", "Gleadow St", "Park Road", "Park Rd", "Hill Avenue", "Main St"]
Fact = tuple[str, object]


def _registry(count: int, seed: int) -> str:
    """People from small pools (so keys are shared by crowds), a fifth of them copies of
    earlier ones with a slip: a letter, day and month swapped, a birth or phone lost."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    phones = [f"206 555 {n:04d}" for n in range(count // 8)]
    for _ in range(count):
        if rows and rng.random() < 0.2:
            row = dict(rng.choice(rows))
            slip = rng.randrange(4)
            if slip == 0 and len(row["family_name"]) > 3:
                i = rng.randrange(1, len(row["family_name"]))
                row["family_name"] = row["family_name"][:i] + row["family_name"][i + 1 :]
            elif slip == 1 and row["date_of_birth"]:
                y, m, d = row["date_of_birth"].split("-")
                if int(d) <= 12:
                    row["date_of_birth"] = f"{y}-{d}-{m}"
            elif slip == 2:
                row["date_of_birth"] = ""
            else:
                row["phone"] = ""
        else:
            born = date(1960 + rng.randrange(4), 1, 1) + timedelta(days=rng.randrange(365))
            row = {
                "given_name": rng.choice(GIVEN),
                "family_name": rng.choice(FAMILY),
                "date_of_birth": "" if rng.random() < 0.15 else born.isoformat(),
                "phone": rng.choice(phones) if rng.random() < 0.4 else "",
                "street": "",
                "postcode": "",
            }
            if rng.random() < 0.5:
                row["street"] = f"{rng.randrange(1, 12)} {rng.choice(STREETS)}"
                row["postcode"] = str(3500 + rng.randrange(3))
        rows.append(row)
    out = io.StringIO()
    fields = ["record_id", "given_name", "family_name", "date_of_birth", "phone"]
    writer = csv.DictWriter(out, [*fields, "street", "postcode"])
    writer.writeheader()
    for n, row in enumerate(rows):
        writer.writerow({"record_id": f"R{n}", **row})
    return out.getvalue()


@pytest.fixture
def crowded(session: Session) -> Session:
    now = datetime.now(UTC)
    incident = t.Incident(slug="crowd", name="Crowd", started_at=now, settings={}, created_at=now)
    session.add(incident)
    session.flush()
    csv_text = _registry(2500, seed=7)
    import_people(session, io.StringIO(csv_text), incident_id=incident.id, issuer="c", commit=False)
    return session


@pytest.mark.parametrize(
    ("small", "wholesale", "max_group"),
    [(8, 50_000, 40), (3, 50_000, 6), (8, 0, 40), (8, 0, 5), (2, 50_000, 1_000)],
)
def test_same_pairs_as_the_reference(
    crowded: Session, monkeypatch: pytest.MonkeyPatch, small: int, wholesale: int, max_group: int
) -> None:
    monkeypatch.setattr(pairs, "SMALL_GROUP", small)
    monkeypatch.setattr(pairs, "WHOLESALE_BELOW", wholesale)
    expected = _reference(crowded, small=small, wholesale=wholesale, max_group=max_group)
    found = pairs.candidate_pairs(crowded, max_group=max_group)
    assert len(expected) > 1000  # crowded enough to mean something
    assert found == expected
    assert all(type(a) is int and type(b) is int for a, b in found[:10])


def test_initials_codes_are_equal_where_the_letters_are() -> None:
    keys = ["nm:A|B", "nm:AX|BY", "nm:|AB", "nm:AB|", "nm:A", "nm:AB", "nm:A|B|C", "nm:AQ|BQ|CQ"]
    keys += ["nm:|", "nm:", "nm:B|A", "nm:||A", "nm:É|ß", "nm:É", "nm:A|B|"]
    codes = pairs._initials(sorted(keys)).tolist()
    letters = ["".join(sound[:1] for sound in key[3:].split("|")) for key in sorted(keys)]
    for i in range(len(keys)):
        for j in range(len(keys)):
            assert (codes[i] == codes[j]) == (letters[i] == letters[j]), (keys[i], keys[j])


def test_a_split_is_the_same_by_either_sort() -> None:
    """Parts are sorted as plain numbers when (part, person) fits one, else indirectly."""
    rng = np.random.default_rng(3)
    rows = np.unique(rng.integers(0, [50, 30, 300], size=(3000, 3)), axis=0)
    groups, facts, people = rows[:, 0] * 2**20, rows[:, 1], rows[:, 2]
    parts: dict[tuple[int, int], list[int]] = {}
    for group, fact, pid in rows.tolist():
        parts.setdefault((group, fact), []).append(pid)
    expected = sorted(
        {pair for part in parts.values() if len(part) <= 6 for pair in _all_pairs(part)}
    )
    for width in (1_000, 2**40):  # 2**40: too wide for one number, the indirect sort
        codes = pairs._split(groups, facts, people, 6, width).tolist()
        assert sorted({(code // width, code % width) for code in codes}) == expected


def test_household_keys_are_in_the_registry(crowded: Session) -> None:
    """The comparison above covers every kind of key the splits use."""
    kinds = {key[:2] for key in crowded.scalars(select(func.substr(MatchKey.key, 1, 3)))}
    assert {"nm", "db", "ad", "as", "al", "ph"} <= kinds


# The reference: the per-row implementation as it was before vectorising, unchanged but
# for the module constants passed in.


def _rows(session: Session, kind: str) -> Iterator[tuple[str, int]]:
    k = MatchKey.__table__.c
    stmt = (
        select(k.key, k.person_id)
        .where(k.key >= f"{kind}:", k.key < f"{kind};")
        .order_by(k.key, k.person_id)
    )
    return ((key, pid) for key, pid in session.execute(stmt))


def _household(key: str) -> Fact:
    return ("h", hash(key))


def _grouped(
    rows: Iterable[tuple[str, int]], groups: list[tuple[str, list[int]]]
) -> Iterator[tuple[str, int]]:
    group: list[int] = []
    current = ""
    for key, pid in rows:
        if key != current:
            if len(group) > 1:
                groups.append((current, group))
            group, current = [], key
        group.append(pid)
        yield key, pid
    if len(group) > 1:
        groups.append((current, group))


def _reference(
    session: Session, *, small: int, wholesale: int, max_group: int
) -> list[tuple[int, int]]:
    top = int(session.scalar(select(func.max(MatchKey.person_id))) or 0)
    births: dict[int, int] = {}
    groups: dict[str, list[tuple[str, list[int]]]] = {k: [] for k in ("nm", "db", "ad", "as", "al")}
    names: dict[int, set[Fact]] = {}
    for key, pid in _grouped(_rows(session, "nm"), groups["nm"]):
        sounds = key[3:].split("|")
        found_names = names.setdefault(pid, set())
        found_names.update(("s", hash(sound)) for sound in sounds)
        found_names.add(("i", "".join(sound[:1] for sound in sounds)))
    for key, pid in _grouped(_rows(session, "db"), groups["db"]):
        births[pid] = int(key[3:].replace("-", ""))
    households: dict[int, set[Fact]] = {}
    for kind in ("ad", "as", "al"):
        for key, pid in _grouped(_rows(session, kind), groups[kind]):
            households.setdefault(pid, set()).add(_household(key))

    def seconds(kind: str, key: str, pid: int) -> list[Fact]:
        if kind == "nm":
            born = births.get(pid, 0)
            if not born:
                return []
            year, low, high = born // 10_000, born // 100 % 100, born % 100
            return [("yl", year * 100 + low), ("yh", year * 100 + high)]
        homes = households.get(pid, set())
        if kind == "db":
            return [*(f for f in names.get(pid, ()) if f[0] == "i"), *homes]
        sounds = [f for f in names.get(pid, ()) if f[0] == "s"]
        own = _household(key)
        birth = [("b", births[pid])] if births.get(pid) else []
        return [*sounds, *birth, *(f for f in homes if f != own)]

    whole = small if top < wholesale else 1
    found: set[tuple[int, int]] = set()
    for kind in ("nm", "db", "ad", "as", "al", "ph", "em"):
        if kind in groups:
            kind_groups = groups[kind]
        else:
            kind_groups = []
            _ = list(_grouped(_rows(session, kind), kind_groups))
        for key, group in kind_groups:
            members = sorted(set(group))
            if kind in ("ph", "em") or len(members) <= whole:
                if len(members) <= max_group:
                    found.update(_all_pairs(members))
                continue
            parts: dict[Fact, list[int]] = {}
            unknown: list[int] = []
            for pid in members:
                facts = seconds(kind, key, pid)
                if kind == "nm" and not facts:
                    unknown.append(pid)
                for fact in facts:
                    parts.setdefault(fact, []).append(pid)
            for part in parts.values():
                if 1 < len(part) <= max_group:
                    found.update(_all_pairs(part))
            if unknown and len(members) <= max_group:
                found.update((min(a, b), max(a, b)) for a in unknown for b in members if a != b)
    return sorted(found)


def _all_pairs(members: list[int]) -> Iterator[tuple[int, int]]:
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            yield a, b


def test_an_empty_registry_has_no_pairs(session: Session) -> None:
    assert pairs.candidate_pairs(session) == []
