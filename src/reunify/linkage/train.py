"""Estimating the model from this registry, the way Splink trains one.

u comes from random pairs of registered people (nearly all strangers); m by EM over
candidate pairs, in one session per kind of blocking key, each session leaving out the
comparisons its pairs were chosen by (``matching.estimate.train_m``); the term-frequency
table from the registry's names and cities. The candidate pairs are either a batch of
inquiries against the registry (``reunify match --train``: a registry without duplicates
teaches m nothing about itself) or a sample of registered people against the rest
(``reunify dedupe --train``). Staff-labelled pairs, if given, keep their labels in EM.

The result is stored with ``trained_at`` and from then on is the model look-ups use
(``linkage.models.current_params``), scaled to the registry's size.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from reunify.linkage import terms
from reunify.linkage.models import registry_size, store_trained
from reunify.linkage.records import load_records
from reunify.linkage.search import candidate_ids
from reunify.matching import (
    TRAINING_SESSIONS,
    MatchRecord,
    ModelParams,
    PreparedRecord,
    TermFrequencies,
    TrainingSession,
    blocking_keys,
    comparison_vectors,
    default_params,
    estimate_u,
    key_kind,
    random_pairs,
    train_m,
)

Pattern = tuple[int, ...]
Record = MatchRecord | PreparedRecord

RANDOM_PAIRS = 60_000  # Splink samples up to a million; the estimates settle well before
SAMPLE_PEOPLE = 20_000  # people the random pairs are drawn among
# Training on the registry itself (``dedupe --train``) needs fewer: at a million people
# 40,000 random pairs among 15,000 people and 1,000 seekers score duplicates as well (F1)
# as 60,000, 20,000 and 1,500 did, in two thirds of the time.
REGISTRY_RANDOM_PAIRS = 40_000
REGISTRY_SAMPLE_PEOPLE = 15_000
SEEKERS = 1_000  # registered people standing in for inquiries when training on the registry
PAIRS_PER_SEEKER = 30  # candidates per seeker and session


@dataclass(frozen=True, slots=True)
class Training:
    params: ModelParams
    sessions: dict[str, int]  # candidate pairs per session
    match_rates: dict[str, float]
    seconds: float


def sample_records(session: Session, count: int, rng: random.Random) -> dict[int, MatchRecord]:
    """Up to ``count`` registered people drawn at random (by id: no scan of the table)."""
    top = registry_size(session)
    if top <= count * 2:
        return load_records(session, range(1, top + 1))
    wanted: set[int] = set()
    found: dict[int, MatchRecord] = {}
    for _ in range(4):  # ids of merged or deleted people come back empty: draw again
        ids = [rng.randint(1, top) for _ in range(count - len(found))]
        fresh = sorted(set(ids) - wanted)
        wanted.update(fresh)
        found.update(load_records(session, fresh))
        if len(found) >= count:
            break
    return found


def _sessions(
    session: Session,
    seekers: Iterable[tuple[MatchRecord, int | None]],
    known: dict[int, MatchRecord],
) -> dict[str, list[tuple[MatchRecord, int]]]:
    """Candidate pairs per training session: (seeker, person id), the seeker left out."""
    pairs: dict[str, list[tuple[MatchRecord, int]]] = {name: [] for name in TRAINING_SESSIONS}
    for seeker, own_id in seekers:
        keys = blocking_keys(seeker, inquiry=True)
        for name, (kinds, _) in TRAINING_SESSIONS.items():
            chosen = [k for k in keys if key_kind(k) in kinds]
            if not chosen:
                continue
            for pid in candidate_ids(session, chosen, cap=PAIRS_PER_SEEKER + 1):
                if pid != own_id:
                    pairs[name].append((seeker, pid))
    wanted = sorted({pid for found in pairs.values() for _, pid in found} - known.keys())
    known.update(load_records(session, wanted))
    return pairs


def train(
    session: Session,
    *,
    inquiries: Sequence[MatchRecord] = (),
    labelled: Sequence[tuple[Pattern, bool]] = (),
    seed: int = 20261123,
    base: ModelParams | None = None,
    counted: Callable[[], TermFrequencies] | None = None,
) -> Training:
    """Estimate, store and return new parameters (see the module docstring). ``counted``
    gives the registry's term frequencies if they are being counted elsewhere."""
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - sampling, not secrets
    base = base or default_params()
    randoms = RANDOM_PAIRS if inquiries else REGISTRY_RANDOM_PAIRS
    people = sample_records(session, SAMPLE_PEOPLE if inquiries else REGISTRY_SAMPLE_PEOPLE, rng)
    records = list(people.values())
    if inquiries:
        # Strangers as the look-ups will meet them: an inquiry and a registered person. An
        # inquiry says "about 60" where a record has a date, so registered pairs alone
        # would say nothing of how often a rough age fits a stranger.
        strangers: Sequence[tuple[Record, Record]] = [
            (rng.choice(inquiries), rng.choice(records)) for _ in range(randoms)
        ]
    else:
        strangers = random_pairs(records, randoms, rng)
    with_u = estimate_u(comparison_vectors(strangers), base)
    if inquiries:
        seekers: list[tuple[MatchRecord, int | None]] = [(q, None) for q in inquiries]
    else:
        chosen = rng.sample(sorted(people), min(SEEKERS, len(people)))
        seekers = [(people[pid], pid) for pid in chosen]
    pairs = _sessions(session, seekers, people)
    training = [
        TrainingSession(
            comparison_vectors((q, people[pid]) for q, pid in found if pid in people),
            TRAINING_SESSIONS[name][1],
        )
        for name, found in pairs.items()
    ]
    params, results = train_m(training, with_u, labelled=labelled)
    table = terms.snapshot(session) if counted is None else terms.adopt(session, counted())
    size = max(1, registry_size(session))
    note = (
        f"Trained on {len(records)} people ({size} registered), {randoms} random pairs "
        f"for u, EM over {', '.join(f'{n}: {len(p)}' for n, p in pairs.items())} candidate "
        f"pairs ({'inquiries' if inquiries else 'registered people'} as seekers), "
        f"{len(labelled)} labelled pairs; term frequencies {table.digest}."
    )
    params = params.trained(note=note, tf_table=table.digest)
    store_trained(session, params, datetime.now(UTC))
    rates = {
        name: result.match_rate
        for name, result in zip(pairs, results, strict=True)
        if result is not None
    }
    return Training(
        params, {n: len(p) for n, p in pairs.items()}, rates, time.perf_counter() - started
    )
