"""Loading and scoring many pairs in worker processes, for batch jobs (``reunify dedupe``).

A million-person registry has hundreds of thousands of candidate pairs. Each batch's
records are loaded and screened by their weights (``matching.batch_weights``): only the
pairs that can be anything but ``no_match`` are scored in full, with their explanation.
Loading costs about half as much as screening, so with several workers (``Scorers``) each
loads its own batches over a connection of its own, and the calling process only reads
which pairs were decided before and writes the proposals. The model (parameters and
term-frequency table, half a megabyte) travels with each batch, so workers can be started
before it is trained. Workers read what is committed; a registry in an in-memory SQLite
database, or few pairs, is scored in the caller, through its own session.
"""

from __future__ import annotations

import gc
import multiprocessing
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from typing import Generic, NamedTuple, TypeVar

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from reunify.linkage.records import load_records
from reunify.matching import (
    MatchRecord,
    ModelParams,
    Scored,
    TermFrequencies,
    explain,
    prepare,
)
from reunify.matching.batch_weights import Screen
from reunify.matching.scoring import verdict, weighed

Pair = tuple[int, int]
_T = TypeVar("_T")
Batch = tuple[list[Pair], set[Pair]]  # pairs, and those of them decided before


class Proposed(NamedTuple):
    """What a proposal stores of a scored pair; made where the pair is scored, so that
    the explanation is written by the workers, not by the process storing the rows."""

    probability: float
    band: str  # a ``Band``'s value
    model_version: str
    why: list[str]


def proposed(scored: Scored) -> Proposed:
    return Proposed(scored.probability, scored.band.value, scored.model_version, explain(scored))


@dataclass
class Result:
    kept: list[tuple[Pair, Proposed]] = field(default_factory=list)  # not ``no_match``
    bands: dict[str, int] = field(default_factory=dict)  # every pair scored, by band
    already: int = 0  # pairs decided before (both people still there)


# Pairs: below this, starting the workers (each loads the name data and warms its caches)
# costs more than it saves.
PARALLEL_FROM = 150_000

_engine: Engine | None = None


def _start(url: str) -> None:
    global _engine  # a worker process's own, set once
    # A plain engine: reads only, so no write lock is taken beside the caller's writes.
    _engine = create_engine(url, pool_size=1)
    # Load what the first comparisons would (nickname lists, phone metadata) while the
    # caller is still busy elsewhere.
    prepare(MatchRecord(record_id="0", names=(("Warm", "Up"),), phone="+1 206 555 0100"))


def score_batch(
    records: Mapping[int, MatchRecord],
    batch: Batch,
    params: ModelParams,
    tf: TermFrequencies | None,
) -> Result:
    """Score the batch's pairs not decided before whose two people are still there."""
    pairs, done = batch
    result = Result()
    todo: list[Pair] = []
    for a, b in pairs:
        if a not in records or b not in records:
            continue  # merged away, or no name to match on
        if (a, b) in done:
            result.already += 1
        else:
            todo.append((a, b))
    collecting = gc.isenabled()
    gc.disable()  # no reference cycles here, and the collector's passes cost a third
    try:
        likely = Screen(params, tf).likely_vectors(records, todo)
        if len(todo) > len(likely):
            result.bands["no_match"] = len(todo) - len(likely)
        for i, vector in likely:  # the rest are no_match whatever score says of them
            # ``score`` of the pair, from the levels the screen found (a test holds them so)
            b = todo[i][1]
            scored = verdict(records[b].record_id, weighed(vector, params, tf), params)
            result.bands[scored.band.value] = result.bands.get(scored.band.value, 0) + 1
            if scored.band.value != "no_match":
                result.kept.append((todo[i], proposed(scored)))
        return result
    finally:
        if collecting:
            gc.enable()


def _people(pairs: list[Pair]) -> list[int]:
    return sorted({i for pair in pairs for i in pair})


def _load_and_score(batch: Batch, params: ModelParams, tf: TermFrequencies | None) -> Result:
    assert _engine is not None
    gc.disable()
    try:
        with Session(_engine) as session:
            records = load_records(session, _people(batch[0]))
        return score_batch(records, batch, params, tf)
    finally:
        # What outlives a batch in a worker is mostly its caches (name features, dates):
        # collect once, then set the survivors aside from the collector, which would
        # otherwise scan them again in every later batch.
        gc.collect()
        gc.freeze()
        gc.enable()


# What the workers import: the linkage jobs (``Elsewhere`` runs ``dedupe``'s) and, when the
# caller has them, the command line (a worker imports the caller's main script, which for
# ``reunify`` imports it) and the database drivers.
_PRELOAD = ("reunify.linkage.dedupe",)
_IF_LOADED = ("reunify.cli", "sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql.psycopg")
_context: BaseContext | None = None


def context() -> BaseContext:
    """How worker processes are started: forked from a server process that has imported
    what workers need but holds no connection, socket or thread of the caller's (a fork of
    the caller would copy those), started at the first worker and living as long as the
    caller; spawned, each importing all of it again (half a second each), where there is
    no such server (Windows)."""
    global _context  # the server's imports are set once for the whole process
    if _context is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            server = multiprocessing.get_context("forkserver")
            server.set_forkserver_preload(
                [*_PRELOAD, *(name for name in _IF_LOADED if name in sys.modules)]
            )
            _context = server
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


def _shared_url(session: Session) -> str | None:
    """The database's URL, if another process can open the same database."""
    url = session.get_bind().engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return None
    if "mode=memory" in str(url):
        return None
    return url.render_as_string(hide_password=False)


def _nothing() -> None:
    return None


class Scorers:
    """Worker processes that load and score batches, started before there is anything to
    score so that starting them (an interpreter each, the name data) overlaps other work."""

    def __init__(self, url: str, workers: int) -> None:
        self.workers = workers
        self._pool = ProcessPoolExecutor(
            workers,
            mp_context=context(),
            initializer=_start,
            initargs=(url,),
        )
        # The executor starts a process when work arrives and none is idle: give each
        # one nothing to do now, so that they start (and warm up) while the caller works.
        for _ in range(workers):
            self._pool.submit(_nothing)

    def score(
        self, batches: Iterable[Batch], params: ModelParams, tf: TermFrequencies | None
    ) -> Iterator[Result]:
        """A ``Result`` for each batch, in order; a few batches ahead in flight."""
        pending: deque[Future[Result]] = deque()
        for batch in batches:
            pending.append(self._pool.submit(_load_and_score, batch, params, tf))
            if len(pending) > self.workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self, *, failed: bool = False) -> None:
        # Idle workers exit at once; after a failure nobody waits for the rest.
        self._pool.shutdown(wait=not failed, cancel_futures=True)

    def __enter__(self) -> Scorers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self.close(failed=kind is not None)


def scorers(session: Session, workers: int) -> Scorers | None:
    """Start ``workers`` scoring processes over the session's database, or ``None`` if
    one process is asked for or no other process can open that database."""
    url = _shared_url(session)
    return Scorers(url, workers) if workers > 1 and url is not None else None


def score_all(
    session: Session,
    batches: Iterable[Batch],
    params: ModelParams,
    tf: TermFrequencies | None,
    *,
    workers: int,
    pairs: int,
    started: Scorers | None = None,
) -> Iterator[Result]:
    """A ``Result`` for each batch, in order: by the ``started`` workers if any, else by
    workers of its own when there are many pairs, else here."""
    if started is not None:
        yield from started.score(batches, params, tf)
        return
    own = scorers(session, workers) if pairs >= PARALLEL_FROM else None
    if own is None:
        for batch in batches:
            yield score_batch(load_records(session, _people(batch[0])), batch, params, tf)
        return
    with own:
        yield from own.score(batches, params, tf)


class Elsewhere(Generic[_T]):
    """A read-only job running in a process of its own over the committed database."""

    def __init__(self, function: Callable[[Session], _T], url: str) -> None:
        self._pool = ProcessPoolExecutor(1, mp_context=context())
        self._future = self._pool.submit(_run_elsewhere, function, url)

    def result(self) -> _T:
        try:
            found = self._future.result()
        except BaseException:
            self.abandon()
            raise
        self._pool.shutdown(wait=True)  # the worker is done: reap it
        return found

    def abandon(self) -> None:
        """Nobody will want the result (the caller failed): do not wait for it."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def _run_elsewhere(function: Callable[[Session], _T], url: str) -> _T:
    engine = create_engine(url, pool_size=1)
    try:
        with Session(engine) as session:
            return function(session)
    finally:
        engine.dispose()


def elsewhere(session: Session, function: Callable[[Session], _T]) -> Elsewhere[_T] | None:
    """Start ``function`` over what is committed to the session's database in another
    process (so that the caller can do something else meanwhile), or ``None`` if no other
    process can open that database."""
    url = _shared_url(session)
    return None if url is None else Elsewhere(function, url)
