"""Scoring one pair and ranking candidates, with the rules that keep ``confident`` honest.

Telling a family "this is your person" when it is not would be the worst error the system
can make, so a confident band needs three things: a high calibrated probability, at least
two agreeing identifying facts one of which is not a given name, and no runner-up nearly as
good (a common name at a million people has namesakes).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import NamedTuple

from reunify.matching.comparisons import COMPARISONS, ComparisonVector, compare
from reunify.matching.model import ModelParams, default_params
from reunify.matching.prepared import PreparedRecord, prepare
from reunify.matching.records import MatchRecord
from reunify.matching.term_frequencies import TermFrequencies

# Facts that point at one person; sex, city, state and descriptions only support them.
# "address" is the household: the street, the second address line, or the house number
# within the postcode.
IDENTIFYING = frozenset({"given_name", "family_name", "birth", "phone", "email", "address"})
# A given name alone ("Alex") is shared by thousands, and an age by a whole cohort, so one
# of these must agree too; a full date of birth is one, an age or a year is not.
STRONG = frozenset({"family_name", "phone", "email", "address", "birth_date"})
FULL_BIRTH_DATE = frozenset({"exact_date", "transposed"})
# Agreements that are compatible rather than identifying: "Alex" fits Alexandra but is
# also a name of its own, and "about 65" fits a seventh of the population.
NOT_IDENTIFYING = frozenset(
    {("given_name", "nickname"), ("birth", "age_range_overlap"), ("birth", "age_close")}
)
MIN_IDENTIFYING = 2

_NAMES = tuple(c.name for c in COMPARISONS)
_LEVEL_NAMES = tuple(tuple(lv.name for lv in c.levels) for c in COMPARISONS)
_TF_LEVEL = tuple(tuple(lv.tf for lv in c.levels) for c in COMPARISONS)


class Band(StrEnum):
    CONFIDENT = "confident"
    UNCERTAIN = "uncertain"
    NO_MATCH = "no_match"


class Contribution(NamedTuple):
    field: str
    level: str
    weight: float  # bits of evidence; 0 for a missing fact


@dataclass(frozen=True, slots=True)
class Scored:
    record_id: str
    probability: float
    weight: float  # total log2 Bayes factor including the prior
    band: Band
    contributions: tuple[Contribution, ...]
    model_version: str
    notes: tuple[str, ...] = ()


Record = MatchRecord | PreparedRecord


def _prepared(record: Record) -> PreparedRecord:
    return record if isinstance(record, PreparedRecord) else prepare(record)


def probability(weight: float, params: ModelParams) -> float:
    """Calibrated probability from the total weight (a sigmoid in base 2)."""
    slope, intercept = params.calibration
    x = slope * weight + intercept
    if x >= 0:
        return 1.0 / (1.0 + math.pow(2.0, -x))
    odds = math.pow(2.0, x)
    return odds / (1.0 + odds)


def _contributions(
    left: PreparedRecord, right: PreparedRecord, params: ModelParams, tf: TermFrequencies | None
) -> tuple[Contribution, ...]:
    return weighed(compare(left, right), params, tf)


def weighed(
    vector: ComparisonVector, params: ModelParams, tf: TermFrequencies | None
) -> tuple[Contribution, ...]:
    """Each comparison's level in ``vector`` and its weight (term-frequency adjusted)."""
    return tuple(
        Contribution(_NAMES[i], _LEVEL_NAMES[i][level], level_weight(i, level, term, params, tf))
        for i, (level, term) in enumerate(zip(vector.levels, vector.terms, strict=True))
    )


def level_weight(
    i: int, level: int, term: str | None, params: ModelParams, tf: TermFrequencies | None
) -> float:
    """The weight of level ``level`` of ``COMPARISONS[i]``, adjusted for how common the
    agreeing ``term`` is where the level says so."""
    weight = params.weights[i][level]
    if tf is not None and term is not None and _TF_LEVEL[i][level]:
        frequency = tf.frequency(_NAMES[i], term)
        tf_mu = params.tf_m[i]
        if frequency is not None and tf_mu is not None:
            u_term = max(frequency, params.tf_minimum_u)
            weight += params.tf_weight * math.log2(tf_mu[1] / u_term)
    return weight


def agreeing_facts(contributions: Iterable[Contribution]) -> frozenset[str]:
    """The identifying facts that agree (count for the match), plus ``birth_date`` when
    the agreement on birth is a full date."""
    agreeing = {
        c.field: c.level
        for c in contributions
        if c.weight > 0 and (c.field, c.level) not in NOT_IDENTIFYING
    }
    facts = {f for f in agreeing if f in IDENTIFYING}
    household = "street" in agreeing or "address_2" in agreeing
    if household or ("street_number" in agreeing and "postcode" in agreeing):
        facts.add("address")
    if agreeing.get("birth") in FULL_BIRTH_DATE:
        facts.add("birth_date")
    return frozenset(facts)


def has_minimum_evidence(contributions: Iterable[Contribution]) -> bool:
    facts = agreeing_facts(contributions)
    return len(facts & IDENTIFYING) >= MIN_IDENTIFYING and not facts.isdisjoint(STRONG)


def score(
    inquiry: Record,
    candidate: Record,
    params: ModelParams | None = None,
    tf: TermFrequencies | None = None,
) -> Scored:
    """Score one pair on its own. ``rank`` also weighs candidates against each other."""
    params = params or default_params()
    left, right = _prepared(inquiry), _prepared(candidate)
    return verdict(right.record_id, _contributions(left, right, params, tf), params)


def verdict(record_id: str, contributions: tuple[Contribution, ...], params: ModelParams) -> Scored:
    """``score``'s total, probability and band of a pair's weighed comparisons."""
    weight = params.prior_weight + sum(c.weight for c in contributions)
    p = probability(weight, params)
    rules = params.decision
    notes: tuple[str, ...] = ()
    if p >= rules.confident_probability and has_minimum_evidence(contributions):
        band = Band.CONFIDENT
    elif p >= rules.uncertain_probability:
        band = Band.UNCERTAIN
        if p >= rules.confident_probability:
            notes = (
                "too few identifying facts agree: a name needs a second one (a nickname or "
                "a rough age only fits)",
            )
    else:
        band = Band.NO_MATCH
    return Scored(record_id, p, weight, band, contributions, params.version, notes)


def rank(
    inquiry: Record,
    candidates: Iterable[Record],
    params: ModelParams | None = None,
    tf: TermFrequencies | None = None,
    *,
    limit: int | None = None,
) -> list[Scored]:
    """Candidates best first. Only the best can be confident, and only if the runner-up
    trails it by at least ``decision.runner_up_margin`` bits, whatever the scores."""
    params = params or default_params()
    left = _prepared(inquiry)
    seen: set[str] = set()
    scored: list[Scored] = []
    for candidate in candidates:
        right = _prepared(candidate)
        if right.record_id in seen:
            continue
        seen.add(right.record_id)
        scored.append(score(left, right, params, tf))
    return rank_scored(scored, params, limit=limit)


def rank_scored(
    scored: Iterable[Scored], params: ModelParams | None = None, *, limit: int | None = None
) -> list[Scored]:
    """``rank`` for pairs already scored on their own (``score``), e.g. in two rounds."""
    params = params or default_params()
    ordered = sorted(scored, key=lambda s: (-s.weight, s.record_id))
    margin = params.decision.runner_up_margin
    for i, item in enumerate(ordered):
        if item.band is not Band.CONFIDENT:
            continue
        if i > 0:
            note = f"a better candidate exists ({ordered[0].record_id})"
            ordered[i] = replace(item, band=Band.UNCERTAIN, notes=(*item.notes, note))
        elif len(ordered) > 1 and item.weight - ordered[1].weight < margin:
            gap = item.weight - ordered[1].weight
            note = f"runner-up {ordered[1].record_id} is only {gap:.1f} bits behind"
            ordered[i] = replace(item, band=Band.UNCERTAIN, notes=(*item.notes, note))
    return ordered[:limit] if limit is not None else ordered
