import random
from collections import Counter

import pytest

from reunify.matching import (
    COMPARISONS,
    blocking_keys,
    comparison_vectors,
    default_params,
    estimate_m_from_labels,
    estimate_u,
    expectation_maximisation,
    fit_calibration,
    is_broad,
    random_pairs,
    rank,
)
from reunify.matching.comparisons import BY_NAME
from reunify.matching.estimate import _posterior

from .synthetic import inquiry, person

# The truth the synthetic comparison vectors are drawn from: level name -> (m, u).
TRUTH = {
    "given_name": {
        "exact": (0.70, 0.02),
        "nickname": (0.15, 0.01),
        "phonetic": (0.05, 0.02),
        "edit_1": (0.03, 0.01),
        "jaro_winkler_90": (0.02, 0.04),
        "initial": (0.02, 0.05),
        "different": (0.03, 0.85),
    },
    "family_name": {
        "exact": (0.80, 0.01),
        "phonetic": (0.08, 0.01),
        "edit_1": (0.04, 0.01),
        "jaro_winkler_90": (0.03, 0.02),
        "compound_part": (0.02, 0.01),
        "different": (0.03, 0.94),
    },
    "birth": {
        "exact_date": (0.40, 0.001),
        "transposed": (0.02, 0.001),
        "same_month": (0.03, 0.01),
        "same_year": (0.05, 0.02),
        "age_overlap": (0.35, 0.05),
        "age_range_overlap": (0.08, 0.10),
        "age_close": (0.04, 0.10),
        "different": (0.03, 0.718),
    },
    "sex": {"same": (0.97, 0.5), "different": (0.03, 0.5)},
}


def _draw(rng: random.Random, levels: dict[str, tuple[float, float]], which: int) -> str:
    names = list(levels)
    return rng.choices(names, weights=[levels[n][which] for n in names])[0]


def _synthetic_vectors(rng: random.Random, count: int, rate: float) -> list[tuple[int, ...]]:
    vectors = []
    for _ in range(count):
        which = 0 if rng.random() < rate else 1
        pattern = [0] * len(COMPARISONS)
        for i, comparison in enumerate(COMPARISONS):
            if comparison.name in TRUTH:
                level = _draw(rng, TRUTH[comparison.name], which)
                pattern[i] = comparison.index(level)
        vectors.append(tuple(pattern))
    return vectors


def test_em_recovers_m_and_u_from_synthetic_comparisons() -> None:
    rng = random.Random(7)
    vectors = _synthetic_vectors(rng, 30_000, rate=0.2)
    result = expectation_maximisation(vectors, default_params(), fix_u=False, match_rate=0.5)
    assert result.converged
    assert result.match_rate == pytest.approx(0.2, abs=0.02)
    for comparison, levels in TRUTH.items():
        for level, (m, u) in levels.items():
            found = result.params.levels[comparison][level]
            assert found.m == pytest.approx(m, abs=0.03), (comparison, level)
            assert found.u == pytest.approx(u, abs=0.03), (comparison, level)


def test_em_with_u_fixed_learns_m_only() -> None:
    rng = random.Random(11)
    vectors = _synthetic_vectors(rng, 20_000, rate=0.3)
    start = default_params()
    for name, levels in TRUTH.items():
        start = start.with_levels(
            name,
            {
                lv: start.levels[name][lv].__class__(start.levels[name][lv].m, u)
                for lv, (_, u) in levels.items()
            },
        )
    result = expectation_maximisation(vectors, start)
    assert result.params.levels["family_name"]["exact"].u == start.levels["family_name"]["exact"].u
    assert result.params.levels["family_name"]["exact"].m == pytest.approx(0.80, abs=0.03)
    assert result.params.levels["given_name"]["nickname"].m == pytest.approx(0.15, abs=0.03)
    assert result.params.prior == start.prior  # the match rate among pairs is not the prior


def test_labelled_pairs_pin_the_responsibilities() -> None:
    rng = random.Random(3)
    matches = _synthetic_vectors(rng, 2_000, rate=1.0)
    others = _synthetic_vectors(rng, 2_000, rate=0.0)
    labelled = [(v, True) for v in matches] + [(v, False) for v in others]
    result = expectation_maximisation([], default_params(), labelled=labelled, fix_u=False)
    direct = estimate_m_from_labels(labelled, default_params())
    found = result.params.levels["family_name"]["exact"]
    assert found.m == pytest.approx(0.80, abs=0.03)
    assert found.u == pytest.approx(0.01, abs=0.01)
    assert direct.levels["family_name"]["exact"].m == pytest.approx(found.m, abs=0.01)


def test_u_from_random_pairs_of_synthetic_people() -> None:
    rng = random.Random(5)
    people = [person(rng, n) for n in range(400)]
    pairs = random_pairs(people, 4_000, rng)
    assert all(a.record_id != b.record_id for a, b in pairs)
    params = estimate_u(comparison_vectors(pairs), default_params())
    sex = params.levels["sex"]
    assert sex["same"].u == pytest.approx(0.5, abs=0.05)
    # Every synthetic person lives in Seattle: agreeing on the city proves nothing.
    assert params.levels["city"]["exact"].u > 0.95
    assert params.levels["family_name"]["exact"].u < 0.1
    # Levels never seen keep a small non-zero u rather than becoming impossible.
    assert params.levels["email"]["exact"].u == default_params().levels["email"]["exact"].u
    assert random_pairs(people[:1], 10, rng) == []


def test_em_on_synthetic_people_recovers_observed_m() -> None:
    """EM over real comparison vectors: each inquiry against its person and nine others.

    (Pairs fetched by name keys would not do for the name comparisons: among them, strangers
    agree on names far more often than u says, which is why Splink estimates m for a field
    only from pairs blocked on other fields.)
    """
    rng = random.Random(9)
    people = [person(rng, n) for n in range(300)]
    inquiries = [inquiry(rng, p) for p in people]
    pairs, truth = [], []
    for j, q in enumerate(inquiries):
        others = rng.sample([i for i in range(len(people)) if i != j], 9)
        for i in [j, *others]:
            pairs.append((q, people[i]))
            truth.append(i == j)
    vectors = comparison_vectors(pairs)
    u_params = estimate_u(comparison_vectors(random_pairs(people, 5_000, rng)), default_params())
    result = expectation_maximisation(vectors, u_params)
    assert result.converged
    assert result.match_rate == pytest.approx(0.1, abs=0.02)
    for name in ("given_name", "family_name", "sex"):
        index = [c.name for c in COMPARISONS].index(name)
        comparison = BY_NAME[name]
        observed = Counter(v.levels[index] for v, same in zip(vectors, truth, strict=True) if same)
        total = sum(n for level, n in observed.items() if level)
        for level in comparison.levels[1:]:
            expected = observed[comparison.index(level.name)] / total
            found = result.params.levels[name][level.name].m
            assert found == pytest.approx(expected, abs=0.05), (name, level.name)
    # The trained model still finds people.
    sample = list(zip(inquiries[:60], people[:60], strict=True))
    hits = sum(rank(q, people, result.params)[0].record_id == p.record_id for q, p in sample)
    assert hits >= 55


def test_blocking_keys_find_the_synthetic_people() -> None:
    rng = random.Random(17)
    people = [person(rng, n) for n in range(500)]
    selective: dict[str, set[str]] = {}
    every: dict[str, set[str]] = {}
    for p in people:
        for key in blocking_keys(p):
            every.setdefault(key, set()).add(p.record_id)
            if not is_broad(key):
                selective.setdefault(key, set()).add(p.record_id)
    found = found_with_broad = 0
    for p in people:
        keys = blocking_keys(inquiry(rng, p), inquiry=True)
        found += p.record_id in set().union(*(selective.get(k, set()) for k in keys))
        found_with_broad += p.record_id in set().union(*(every.get(k, set()) for k in keys))
    # What the selective keys miss has two errors (a typo in each name, or in a nickname);
    # the broad keys catch most of those.
    assert found >= 490
    assert found_with_broad >= 497


def test_fit_calibration_recovers_a_known_slope() -> None:
    rng = random.Random(13)
    weights = [rng.uniform(-10, 10) for _ in range(4_000)]
    # True probability: 1 / (1 + 2 ** -(0.5 * w - 1)).
    labels = [rng.random() < 1 / (1 + 2 ** -(0.5 * w - 1)) for w in weights]
    slope, intercept = fit_calibration(weights, labels)
    assert slope == pytest.approx(0.5, abs=0.08)
    assert intercept == pytest.approx(-1.0, abs=0.25)
    with pytest.raises(ValueError, match="one label"):
        fit_calibration([1.0], [])


def test_posterior_saturates_without_overflow() -> None:
    assert _posterior(-1e6) == 0.0
    assert _posterior(1e6) == 1.0
    assert _posterior(0.0) == 0.5
