"""Training in sessions (Splink's way), and what too little evidence must not teach."""

from __future__ import annotations

import random

import pytest

from reunify.matching import (
    COMPARISONS,
    LevelParams,
    ModelParams,
    default_params,
    estimate_u,
    expectation_maximisation,
)
from reunify.matching.blocking import TRAINING_SESSIONS, key_kind
from reunify.matching.estimate import MIN_LEVEL_MATCHES, TrainingSession, train_m

from .test_estimate import TRUTH, _synthetic_vectors

NAMES = frozenset({"given_name", "family_name", "name_order"})


def _true_u() -> ModelParams:
    """The shipped parameters with u as random pairs would give it."""
    start = default_params()
    for name, levels in TRUTH.items():
        start = start.with_levels(
            name, {lv: LevelParams(start.levels[name][lv].m, u) for lv, (_, u) in levels.items()}
        )
    return start


def test_comparisons_a_session_was_blocked_on_keep_their_parameters() -> None:
    vectors = _synthetic_vectors(random.Random(1), 20_000, rate=0.3)
    start = _true_u()
    result = expectation_maximisation(vectors, start, blocked_on=NAMES)
    for name in NAMES:
        assert result.params.levels[name] == start.levels[name]
    assert result.params.levels["birth"]["exact_date"].m == pytest.approx(0.40, abs=0.04)


def test_sessions_average_what_each_could_estimate() -> None:
    rng = random.Random(2)
    by_names = TrainingSession(_synthetic_vectors(rng, 20_000, rate=0.3), NAMES)
    by_birth = TrainingSession(_synthetic_vectors(rng, 20_000, rate=0.3), frozenset({"birth"}))
    start = _true_u()
    params, results = train_m([by_names, by_birth], start)
    assert [r.match_rate for r in results if r is not None] == pytest.approx([0.3, 0.3], abs=0.02)
    # names only from the birth session, birth only from the names session, sex from both
    assert params.levels["family_name"]["exact"].m == pytest.approx(0.80, abs=0.04)
    assert params.levels["birth"]["exact_date"].m == pytest.approx(0.40, abs=0.04)
    assert params.levels["sex"]["same"].m == pytest.approx(0.97, abs=0.03)
    # comparisons no pair had evidence on keep their m
    assert params.levels["phone"] == start.levels["phone"]


def test_a_session_with_too_few_pairs_is_skipped() -> None:
    few = TrainingSession(_synthetic_vectors(random.Random(3), 20, rate=0.5), NAMES)
    params, results = train_m([few], default_params())
    assert results == [None]
    assert params.levels == default_params().levels


def test_a_level_seen_in_too_few_matches_keeps_its_m() -> None:
    """FEBRL has no nicknames: EM on it must not make a nickname count against a match."""
    vectors = _synthetic_vectors(random.Random(4), 20_000, rate=0.3)
    given = [c.name for c in COMPARISONS].index("given_name")
    nickname = COMPARISONS[given].index("nickname")
    exact = COMPARISONS[given].index("exact")
    without = [v[:given] + ((exact,) if v[given] == nickname else (v[given],)) + v[given + 1 :]
               for v in vectors]  # fmt: skip
    params, results = train_m([TrainingSession(without, frozenset())], default_params())
    assert results[0] is not None
    assert results[0].matched[given][nickname] < MIN_LEVEL_MATCHES
    assert (
        params.levels["given_name"]["nickname"].m
        == default_params().levels["given_name"]["nickname"].m
    )
    assert params.levels["given_name"]["nickname"].weight > 0


def test_u_of_a_level_random_pairs_hardly_show_keeps_the_safer_value() -> None:
    """A registry without initials must not make an agreeing initial look rare."""
    vectors = _synthetic_vectors(random.Random(5), 5_000, rate=0.0)
    given = [c.name for c in COMPARISONS].index("given_name")
    initial = COMPARISONS[given].index("initial")
    different = COMPARISONS[given].else_index
    no_initials = [v[:given] + ((different,) if v[given] == initial else (v[given],))
                   + v[given + 1 :] for v in vectors]  # fmt: skip
    params = estimate_u(no_initials, default_params())
    assert (
        params.levels["given_name"]["initial"].u
        == default_params().levels["given_name"]["initial"].u
    )
    assert params.levels["given_name"]["initial"].weight < 0


def test_training_sessions_name_the_comparisons_their_keys_agree_on() -> None:
    kinds = {kind for kinds, _ in TRAINING_SESSIONS.values() for kind in kinds}
    assert kinds >= {"nm", "gi", "fs", "db", "ad", "as", "al", "ph", "em"}
    names = {c.name for c in COMPARISONS}
    for _, blocked in TRAINING_SESSIONS.values():
        assert blocked <= names
    assert key_kind("nm:ALKS|KRF") == "nm"
