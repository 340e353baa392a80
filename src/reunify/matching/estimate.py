"""Estimating the model from data: u from random pairs, m by expectation-maximisation over
unlabelled candidate pairs, with staff-confirmed and staff-rejected pairs held fixed, and a
calibration of probabilities from labelled pairs.

EM works on distinct comparison patterns with their counts, so a million candidate pairs
with a few thousand distinct patterns costs a few thousand rows per iteration.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from reunify.matching import batch_weights
from reunify.matching.comparisons import COMPARISONS, ComparisonVector
from reunify.matching.model import LevelParams, ModelParams
from reunify.matching.prepared import PreparedRecord, prepare
from reunify.matching.records import MatchRecord

Record = MatchRecord | PreparedRecord
Pattern = tuple[int, ...]
Table = list[list[float]]  # [comparison][level], level 0 (null) unused

_FLOOR = 1e-6  # no level is ever impossible: one unseen pattern must not veto a match
_EM_PSEUDO = 1e-3
_CONVERGED = 1e-7  # Newton step small enough to stop calibrating
_SMALLEST_STEP = 1e-4
_EXP_LIMIT = 700.0  # math.exp overflows past ~709
MIN_U_OBSERVATIONS = 5


def _prepared(record: Record) -> PreparedRecord:
    return record if isinstance(record, PreparedRecord) else prepare(record)


def comparison_vectors(pairs: Iterable[tuple[Record, Record]]) -> list[ComparisonVector]:
    """``compare`` of each pair (computed a comparison at a time over all the pairs)."""
    return batch_weights.vectors(pairs)


def random_pairs(
    records: Sequence[Record], count: int, rng: random.Random
) -> list[tuple[PreparedRecord, PreparedRecord]]:
    """Pairs of two different records drawn at random: nearly all are two different people,
    which is what u describes."""
    if len(records) < 2:
        return []
    prepared = [_prepared(r) for r in records]
    pairs = []
    for _ in range(count):
        i, j = rng.sample(range(len(prepared)), 2)
        pairs.append((prepared[i], prepared[j]))
    return pairs


def _patterns(vectors: Iterable[ComparisonVector | Pattern]) -> Counter[Pattern]:
    return Counter(v.levels if isinstance(v, ComparisonVector) else v for v in vectors)


def _table(params: ModelParams, which: str) -> Table:
    return [
        [0.0] + [getattr(params.levels[c.name][lv.name], which) for lv in c.levels[1:]]
        for c in COMPARISONS
    ]


def _frequencies(weighted: Iterable[tuple[Pattern, float]], pseudo: float) -> Table:
    """Share of each level among the non-null observations, per comparison."""
    sums = [[0.0] * len(c.levels) for c in COMPARISONS]
    for pattern, weight in weighted:
        for i, level in enumerate(pattern):
            if level:
                sums[i][level] += weight
    table: Table = []
    for row in sums:
        observed = sum(row[1:])
        if observed <= 0:
            table.append([])  # nothing observed: keep the previous values
            continue
        total = observed + pseudo * (len(row) - 1)
        table.append([0.0] + [max(_FLOOR, (x + pseudo) / total) for x in row[1:]])
    return table


def _with_tables(params: ModelParams, m: Table | None, u: Table | None) -> ModelParams:
    levels = {}
    for i, c in enumerate(COMPARISONS):
        row = {}
        for k, lv in enumerate(c.levels[1:], start=1):
            old = params.levels[c.name][lv.name]
            new_m = m[i][k] if m is not None and m[i] else old.m
            new_u = u[i][k] if u is not None and u[i] else old.u
            row[lv.name] = LevelParams(min(1.0, new_m), min(1.0, new_u))
        levels[c.name] = row
    return replace(params, levels=levels)


def estimate_u(
    vectors: Iterable[ComparisonVector | Pattern], params: ModelParams, *, pseudo: float = 0.5
) -> ModelParams:
    """u as the level frequencies among random pairs (see ``random_pairs``).

    A level seen fewer than ``MIN_U_OBSERVATIONS`` times keeps the larger of its estimate
    and its previous u: a registry without initials must not make an initial count as rare.
    """
    weighted = [(p, float(n)) for p, n in _patterns(vectors).items()]
    u = _frequencies(weighted, pseudo)
    seen = _counts((p, n, 0.0) for p, n in weighted)
    before = _table(params, "u")
    for i, row in enumerate(u):
        for k in range(1, len(row)):
            if seen[i][k] < MIN_U_OBSERVATIONS:
                row[k] = max(row[k], before[i][k])
    return _with_tables(params, None, u)


def estimate_m_from_labels(
    labelled: Iterable[tuple[ComparisonVector | Pattern, bool]],
    params: ModelParams,
    *,
    pseudo: float = 0.5,
) -> ModelParams:
    """m as the level frequencies among pairs staff confirmed as the same person."""
    matches = [v for v, same in labelled if same]
    weighted = ((p, float(n)) for p, n in _patterns(matches).items())
    return _with_tables(params, _frequencies(weighted, pseudo), None)


@dataclass(frozen=True, slots=True)
class EMResult:
    params: ModelParams
    match_rate: float  # share of the unlabelled candidate pairs that are matches
    iterations: int
    converged: bool
    # Expected number of matching pairs seen at each level ([comparison][level]): how much
    # evidence each m rests on.
    matched: tuple[tuple[float, ...], ...] = ()


def _log_likelihood(pattern: Pattern, table: Table) -> float:
    return sum(math.log(table[i][lv]) for i, lv in enumerate(pattern) if lv)


def _posterior(log_odds: float) -> float:
    if log_odds < -_EXP_LIMIT:
        return 0.0
    return 1.0 / (1.0 + math.exp(-min(log_odds, _EXP_LIMIT)))


def _largest_change(old: Table, new: Table) -> float:
    return max(
        (abs(a - b) for r1, r2 in zip(old, new, strict=True) for a, b in zip(r1, r2, strict=True)),
        default=0.0,
    )


def _merge(old: Table, new: Table) -> Table:
    return [r2 or r1 for r1, r2 in zip(old, new, strict=True)]


def _labelled_rows(
    labelled: Iterable[tuple[ComparisonVector | Pattern, bool]],
) -> list[tuple[Pattern, float, float]]:
    """(pattern, weight as match, weight as non-match) for each distinct labelled pattern."""
    counts = Counter(
        (v.levels if isinstance(v, ComparisonVector) else v, same) for v, same in labelled
    )
    return [
        (pattern, float(n) if same else 0.0, 0.0 if same else float(n))
        for (pattern, same), n in counts.items()
    ]


def _mask(pattern: Pattern, masked: Collection[str]) -> Pattern:
    """The pattern with the masked comparisons read as missing."""
    if not masked:
        return pattern
    return tuple(0 if c.name in masked else lv for lv, c in zip(pattern, COMPARISONS, strict=True))


def _masked(patterns: Counter[Pattern], masked: Collection[str]) -> Counter[Pattern]:
    out: Counter[Pattern] = Counter()
    for pattern, n in patterns.items():
        out[_mask(pattern, masked)] += n
    return out


def expectation_maximisation(
    vectors: Iterable[ComparisonVector | Pattern],
    params: ModelParams,
    *,
    labelled: Iterable[tuple[ComparisonVector | Pattern, bool]] = (),
    fix_u: bool = True,
    match_rate: float = 0.1,
    max_iterations: int = 200,
    tolerance: float = 1e-5,
    blocked_on: Collection[str] = (),
) -> EMResult:
    """Fellegi-Sunter EM over candidate pairs (e.g. from blocking).

    With ``fix_u`` (the default, as in Splink) u stays as given, ideally from
    ``estimate_u`` on random pairs, and only m and the match rate are learnt. Labelled pairs
    keep their label as their match probability throughout. The returned params keep their
    prior: the match rate among blocked pairs is not the prior for one inquiry.

    ``blocked_on`` names the comparisons the pairs were selected by: among such pairs
    strangers agree on them far more often than u says, so they are left out of the
    likelihood and keep their parameters (Splink does the same per training session).
    """
    unlabelled = list(_masked(_patterns(vectors), blocked_on).items())
    fixed = [(_mask(p, blocked_on), yes, no) for p, yes, no in _labelled_rows(labelled)]
    m, u = _table(params, "m"), _table(params, "u")
    rate = match_rate
    total = sum(n for _, n in unlabelled) or 1
    converged, iterations = False, 0
    rows: list[tuple[Pattern, float, float]] = []
    while iterations < max_iterations and not converged:
        iterations += 1
        rows = list(fixed)
        matched = 0.0
        for pattern, n in unlabelled:
            log_odds = math.log(rate / (1 - rate))
            log_odds += _log_likelihood(pattern, m) - _log_likelihood(pattern, u)
            post = _posterior(log_odds)
            rows.append((pattern, n * post, n * (1 - post)))
            matched += n * post
        new_m = _merge(m, _frequencies(((p, w) for p, w, _ in rows), _EM_PSEUDO))
        new_u = u if fix_u else _merge(u, _frequencies(((p, w) for p, _, w in rows), _EM_PSEUDO))
        new_rate = min(max(matched / total, 1e-9), 1 - 1e-9)
        change = max(abs(new_rate - rate), _largest_change(m, new_m), _largest_change(u, new_u))
        m, u, rate = new_m, new_u, new_rate
        converged = change < tolerance
    return EMResult(
        _with_tables(params, m, None if fix_u else u), rate, iterations, converged, _counts(rows)
    )


def _counts(rows: Iterable[tuple[Pattern, float, float]]) -> tuple[tuple[float, ...], ...]:
    sums = [[0.0] * len(c.levels) for c in COMPARISONS]
    for pattern, as_match, _ in rows:
        for i, level in enumerate(pattern):
            sums[i][level] += as_match
    return tuple(tuple(row) for row in sums)


@dataclass(frozen=True, slots=True)
class TrainingSession:
    """Candidate pairs selected by one kind of blocking, and the comparisons it used."""

    vectors: Sequence[ComparisonVector | Pattern]
    blocked_on: frozenset[str]


MIN_SESSION_PAIRS = 100  # fewer pairs than this estimate nothing worth averaging
# A level seen in fewer matching pairs than this keeps the m it had: a registry without
# nicknames must not teach the model that a nickname is evidence against.
MIN_LEVEL_MATCHES = 10.0


def train_m(
    sessions: Iterable[TrainingSession],
    params: ModelParams,
    *,
    labelled: Sequence[tuple[ComparisonVector | Pattern, bool]] = (),
) -> tuple[ModelParams, list[EMResult | None]]:
    """m by EM in several sessions, as Splink trains: each session estimates every
    comparison except those it was blocked on, and each comparison's m is the average over
    the sessions that estimated it. ``params`` should carry u from ``estimate_u``;
    comparisons no session estimated keep their m. The results are one per session, None
    for a session with too few pairs to run."""
    results: list[EMResult | None] = []
    sums = [[0.0] * len(c.levels) for c in COMPARISONS]
    seen = [[0.0] * len(c.levels) for c in COMPARISONS]
    counts = [0] * len(COMPARISONS)
    for session in sessions:
        if len(session.vectors) < MIN_SESSION_PAIRS:
            results.append(None)
            continue
        result = expectation_maximisation(
            session.vectors, params, labelled=labelled, blocked_on=session.blocked_on
        )
        results.append(result)
        observed = _observed(session.vectors)
        for i, comparison in enumerate(COMPARISONS):
            if comparison.name in session.blocked_on or not observed[i]:
                continue
            counts[i] += 1
            for k, level in enumerate(comparison.levels[1:], start=1):
                sums[i][k] += result.params.levels[comparison.name][level.name].m
                seen[i][k] += result.matched[i][k]
    start = _table(params, "m")
    m: Table = []
    for i, row in enumerate(sums):
        if not counts[i]:
            m.append([])  # no session estimated it
            continue
        m.append(
            [0.0]
            + [
                row[k] / counts[i] if seen[i][k] >= MIN_LEVEL_MATCHES else start[i][k]
                for k in range(1, len(row))
            ]
        )
    return _with_tables(params, m, None), results


def _observed(vectors: Iterable[ComparisonVector | Pattern]) -> list[bool]:
    """Per comparison: did any pair have evidence on it (a non-null level)?"""
    observed = [False] * len(COMPARISONS)
    for pattern in _patterns(vectors):
        for i, level in enumerate(pattern):
            observed[i] = observed[i] or level != 0
    return observed


_RIDGE = 1e-3  # keeps perfectly separated labels from sending the slope to infinity


def _calibration_fit(
    weights: Sequence[float], labels: Sequence[float], a: float, b: float
) -> tuple[float, tuple[float, float], tuple[float, float, float]]:
    """Penalised log-likelihood, its gradient and its negated Hessian at (a, b)."""
    ln2 = math.log(2)
    ll = -_RIDGE / 2 * ((a - 1.0) ** 2 + b**2)
    ga, gb = -_RIDGE * (a - 1.0), -_RIDGE * b
    haa, hab, hbb = _RIDGE, 0.0, _RIDGE
    for w, y in zip(weights, labels, strict=True):
        z = ln2 * (a * w + b)
        p = _posterior(z)
        ll += y * math.log(max(p, 1e-300)) + (1 - y) * math.log(max(1 - p, 1e-300))
        r = (y - p) * ln2
        ga += r * w
        gb += r
        curvature = p * (1 - p) * ln2 * ln2
        haa += curvature * w * w
        hab += curvature * w
        hbb += curvature
    return ll, (ga, gb), (haa, hab, hbb)


def fit_calibration(
    weights: Sequence[float], is_match: Sequence[bool], *, iterations: int = 100
) -> tuple[float, float]:
    """Slope and intercept so that ``1 / (1 + 2**-(slope * weight + intercept))`` fits the
    labelled outcomes: logistic regression by Newton's method with step halving."""
    if len(weights) != len(is_match):
        raise ValueError("one label per weight")
    labels = [float(y) for y in is_match]
    a, b = 0.0, 0.0
    ll, (ga, gb), (haa, hab, hbb) = _calibration_fit(weights, labels, a, b)
    for _ in range(iterations):
        det = haa * hbb - hab * hab
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        if max(abs(da), abs(db)) < _CONVERGED:
            break
        step = 1.0  # halve the Newton step until the likelihood does not fall
        trial = _calibration_fit(weights, labels, a + da, b + db)
        while trial[0] < ll and step > _SMALLEST_STEP:
            step /= 2
            trial = _calibration_fit(weights, labels, a + step * da, b + step * db)
        if trial[0] < ll:
            break  # at the optimum to within rounding
        a, b = a + step * da, b + step * db
        ll, (ga, gb), (haa, hab, hbb) = trial
    return (a, b)
