"""Dedupe's batches: every pair once, in order, at most ``SCORE_BATCH`` each, and as many
as a multiple of the workers so that none waits alone for the last."""

from __future__ import annotations

import pytest

from reunify.linkage import dedupe


@pytest.mark.parametrize(("count", "workers"), [(418_001, 2), (40_000, 2), (5, 2), (7, 1), (0, 2)])
def test_batches_cover_the_pairs_evenly(count: int, workers: int) -> None:
    pairs = [(i, i + 1) for i in range(count)]
    batches = list(dedupe._batches(pairs, workers))
    assert [p for batch in batches for p in batch] == pairs
    assert all(len(batch) <= dedupe.SCORE_BATCH for batch in batches)
    if count >= dedupe.SCORE_BATCH * workers:
        assert len(batches) % workers == 0
        assert max(map(len, batches)) - min(map(len, batches)) <= len(batches)
