"""Scoring many pairs in worker processes, for batch jobs (``reunify dedupe``).

Comparing two people is pure Python, a few tens of microseconds, and a million-person
registry has hundreds of thousands of candidate pairs; the database work (loading the
records, writing the proposals) stays in the calling process while the workers score the
batches it loaded, a couple of batches ahead. With one worker, or few pairs, everything
runs in the caller.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from reunify.matching import MatchRecord, ModelParams, Scored, TermFrequencies, score

Pair = tuple[int, int]
Batch = tuple[dict[int, MatchRecord], list[Pair]]
Result = tuple[list[tuple[Pair, Scored]], dict[str, int]]

# Pairs: below this, starting the workers (each loads the name data and warms its caches)
# costs more than it saves; measured on two cores, 50,000 pairs score faster in one.
PARALLEL_FROM = 150_000

_params: ModelParams | None = None
_tf: TermFrequencies | None = None


def _start(params: ModelParams, tf: TermFrequencies | None) -> None:
    global _params, _tf  # a worker process's own copy, set once
    _params, _tf = params, tf


def score_batch(
    batch: Batch, params: ModelParams | None = None, tf: TermFrequencies | None = None
) -> Result:
    """The pairs worth keeping (not ``no_match``) with their scores, and a count of all
    pairs by band. In a worker, the parameters are the ones it was started with."""
    if params is None:
        params, tf = _params, _tf
    assert params is not None
    records, pairs = batch
    collecting = gc.isenabled()
    gc.disable()  # no reference cycles here, and the collector's passes cost a third
    try:
        kept: list[tuple[Pair, Scored]] = []
        bands: dict[str, int] = {}
        for a, b in pairs:
            scored = score(records[a], records[b], params, tf)
            bands[scored.band.value] = bands.get(scored.band.value, 0) + 1
            if scored.band.value != "no_match":
                kept.append(((a, b), scored))
        return kept, bands
    finally:
        if collecting:
            gc.enable()


def score_all(
    batches: Iterable[Batch],
    params: ModelParams,
    tf: TermFrequencies | None,
    *,
    workers: int,
    pairs: int,
) -> Iterator[Result]:
    """Results of ``score_batch`` for each batch, in order."""
    if workers <= 1 or pairs < PARALLEL_FROM:
        for batch in batches:
            yield score_batch(batch, params, tf)
        return
    # Spawned, not forked: a fork of a process holding threads or sockets is not safe.
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start,
        initargs=(params, tf),
    )
    try:
        pending: deque[Future[Result]] = deque()
        for batch in batches:
            pending.append(pool.submit(score_batch, batch))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
