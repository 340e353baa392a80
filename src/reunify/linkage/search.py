"""Candidate search: one indexed query over ``match_keys``, one load, then ``rank``.

The query counts, per person, how many of the inquiry's keys they share and keeps the
best ``CANDIDATES``; nothing reads ``people`` except by primary key. Broad keys (a family
or given name's sound alone) are only asked when the selective keys find few people, as
when the seeker knows just "Alex".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import cast

from sqlalchemy import ColumnElement, Select, Table, bindparam, case, exists, func, literal, select
from sqlalchemy.orm import Session

from reunify.domain.text import fold
from reunify.linkage import terms
from reunify.linkage.models import current_params
from reunify.linkage.records import load_records
from reunify.matching import (
    Band,
    MatchRecord,
    ModelParams,
    Scored,
    Vocabulary,
    blocking_keys,
    corrected,
    is_broad,
    rank_scored,
    score,
)
from reunify.matching.blocking import KEY_WEIGHTS
from reunify.store import tables as t
from reunify.store.match_tables import MatchKey

CANDIDATES = 50  # people scored per inquiry; all of them go to rank (runner-up check)
BORN_WEIGHT = 3  # a birth year that fits counts like a shared spelling and a half
NAME_WEIGHT = 4  # registered under exactly the name asked for
RERANKED = 300
FEW = 10  # fewer candidates than this from selective keys: ask the broad keys too

_KEYS = cast(Table, MatchKey.__table__)
_PEOPLE = cast(Table, t.Person.__table__)
_NAMES = cast(Table, t.PersonName.__table__)


def candidate_ids(
    session: Session,
    keys: Sequence[str],
    *,
    incident_id: int | None = None,
    cap: int = CANDIDATES,
    born: tuple[int, int] | None = None,
    names: Sequence[str] = (),
) -> list[int]:
    """People sharing the most (weighted) keys with the inquiry, most first.

    When more than ``cap`` share some, those born in the years the inquiry allows (``born``)
    and those registered under exactly one of its ``names`` (folded "given family") come
    first among the best ``RERANKED``: with a thousand people called James Clarke, the one
    of about 55 must not be cut for having a higher record number.
    """
    if not keys:
        return []
    stmt = _candidates(incident_id is not None, born is not None, bool(names))
    values: dict[str, object] = {"keys": list(keys), "cap": cap, "incident": incident_id}
    if born is not None:
        values |= {"born_from": f"{born[0]:04d}", "born_to": f"{born[1]:04d}"}
    if names:
        values["names"] = list(names)
    return list(session.scalars(stmt, values))


@cache
def _candidates(in_incident: bool, born: bool, named: bool) -> Select[tuple[int]]:
    """The look-up of one shape, built once: the values are bound parameters, so each
    inquiry costs neither building the statement nor looking up its compiled form."""
    weight = case(
        *((_KEYS.c.key.startswith(f"{kind}:"), w) for kind, w in KEY_WEIGHTS.items()), else_=1
    )
    shared = func.sum(weight).label("shared")
    stmt = select(_KEYS.c.person_id, shared).where(
        _KEYS.c.key.in_(bindparam("keys", expanding=True))
    )
    if in_incident:
        stmt = stmt.join(_PEOPLE, _PEOPLE.c.id == _KEYS.c.person_id).where(
            _PEOPLE.c.incident_id == bindparam("incident")
        )
    stmt = stmt.group_by(_KEYS.c.person_id).order_by(shared.desc(), _KEYS.c.person_id)
    if not born and not named:
        return select(stmt.limit(bindparam("cap")).subquery().c.person_id)
    # One round trip: the best RERANKED by shared keys, then the birth year and the exact
    # name move people up among them before the cut to ``cap``.
    top = stmt.limit(RERANKED).cte("top")
    bonus: ColumnElement[int] = literal(0)
    query = select(top.c.person_id)
    if born:
        year = func.substr(_PEOPLE.c.birth_date, 1, 4)
        fits = year.between(bindparam("born_from"), bindparam("born_to"))
        bonus = bonus + case((fits, BORN_WEIGHT), else_=0)
        query = query.join(_PEOPLE, _PEOPLE.c.id == top.c.person_id)
    if named:
        exact = exists().where(
            _NAMES.c.person_id == top.c.person_id,
            _NAMES.c.folded.in_(bindparam("names", expanding=True)),
        )
        bonus = bonus + case((exact, NAME_WEIGHT), else_=0)
    return query.order_by((top.c.shared + bonus).desc(), top.c.person_id).limit(bindparam("cap"))


def folded_names(inquiry: MatchRecord) -> list[str]:
    """The inquiry's names as ``person_names.folded`` holds them, in either order."""
    names: list[str] = []
    for given, family in (*inquiry.names, *(("", full) for full in inquiry.full_names)):
        words = fold(f"{given} {family}").split()
        if len(words) > 1:
            names.extend((" ".join(words), " ".join(words[-1:] + words[:-1])))
    return list(dict.fromkeys(names))


def birth_years(inquiry: MatchRecord, today: date | None = None) -> tuple[int, int] | None:
    """The years of birth an inquiry allows (a year either side), if it says."""
    if inquiry.birth_date is not None:
        return (inquiry.birth_date.year - 1, inquiry.birth_date.year + 1)
    if inquiry.age is None:
        return None
    year = (inquiry.reference_date or today or date.today()).year
    return (year - inquiry.age.high - 2, year - inquiry.age.low + 1)


def lookup_keys(inquiry: MatchRecord) -> tuple[list[str], list[str]]:
    """(selective, broad) keys of an inquiry."""
    keys = blocking_keys(inquiry, inquiry=True)
    return [k for k in keys if not is_broad(k)], [k for k in keys if is_broad(k)]


def find_ids(
    session: Session,
    inquiry: MatchRecord,
    *,
    incident_id: int | None = None,
    vocabulary: Vocabulary | None = None,
) -> list[int]:
    """Candidates by the selective keys; if they find few, by the keys of the inquiry with
    its unknown names corrected to known ones (``vocabulary``), then by the broad keys too.
    The candidates found first always stay: a shared phone number must not be pushed out by
    namesakes who share only the sound of a name."""
    selective, broad = lookup_keys(inquiry)
    ids = candidate_ids(
        session, selective, incident_id=incident_id, born=birth_years(inquiry),
        names=folded_names(inquiry),
    )  # fmt: skip
    if len(ids) < FEW and vocabulary is not None:
        _extend(ids, _corrected_ids(session, inquiry, selective, vocabulary, incident_id))
    if len(ids) < FEW and broad:
        _extend(ids, candidate_ids(session, selective + broad, incident_id=incident_id))
    return ids


def _corrected_ids(
    session: Session,
    inquiry: MatchRecord,
    asked: list[str],
    vocabulary: Vocabulary,
    incident_id: int | None,
    cap: int = CANDIDATES,
) -> list[int]:
    seen = set(asked)
    readings = corrected(inquiry, vocabulary)
    fixed = [k for record in readings for k in lookup_keys(record)[0]]
    keys = [k for k in dict.fromkeys(fixed) if k not in seen]
    names = [name for record in readings for name in folded_names(record)]
    return candidate_ids(
        session, keys, incident_id=incident_id, cap=cap, born=birth_years(inquiry), names=names
    )


def _extend(ids: list[int], more: list[int]) -> None:
    have = set(ids)
    ids.extend(i for i in more if i not in have)
    del ids[CANDIDATES:]


def find(
    session: Session,
    inquiry: MatchRecord,
    *,
    incident_id: int | None = None,
    limit: int = 10,
    params: ModelParams | None = None,
    exclude: int | None = None,
) -> list[Scored]:
    """The best ``limit`` people for an inquiry, best first; ``record_id`` is the person id.

    Names and cities are weighed by how common they are, with the term-frequency table the
    parameters were trained with. ``exclude`` leaves one person out (a record looking for
    its own duplicates).
    """
    params = params or current_params(session)
    vocabulary = terms.vocabulary_for(session, params)
    found = find_ids(session, inquiry, incident_id=incident_id, vocabulary=vocabulary)
    records = load_records(session, [i for i in found if i != exclude])
    tf = terms.for_params(session, params)
    scored = [score(inquiry, record, params, tf) for record in records.values()]
    if vocabulary is not None and len(found) >= FEW and not _confident(scored):
        # Many candidates, none sure: a misspelt name may have found its sound-alikes
        # instead of the person. Ask once more with the names the registry knows.
        selective, _ = lookup_keys(inquiry)
        more = _corrected_ids(session, inquiry, selective, vocabulary, incident_id, cap=2 * FEW)
        fresh = [i for i in more if i not in records and i != exclude]
        if fresh:
            scored.extend(
                score(inquiry, record, params, tf)
                for record in load_records(session, fresh).values()
            )
    return rank_scored(scored, params, limit=limit)


def _confident(scored: list[Scored]) -> bool:
    return any(s.band is Band.CONFIDENT for s in scored)
