"""Not a test: how long scoring takes. ``python tests/unit/matching/measure_speed.py``.

Scores one inquiry against synthetic people and prints microseconds per pair, with the
records prepared once (as a store caching ``PreparedRecord`` would) and prepared afresh.
"""

from __future__ import annotations

import random
import time
from datetime import date

from reunify.domain.dates import AgeRange, BirthDate
from reunify.domain.types import Sex
from reunify.matching import MatchRecord, default_params, prepare, rank, score

GIVEN = [
    "derek",
    "meredith",
    "cristina",
    "alexander",
    "isobel",
    "george",
    "miranda",
    "richard",
    "callie",
    "owen",
]
FAMILY = [
    "shepherd",
    "grey",
    "yang",
    "karev",
    "stevens",
    "omalley",
    "bailey",
    "webber",
    "torres",
    "robbins",
]
TODAY = date(2026, 5, 1)


def people(count: int, rng: random.Random) -> list[MatchRecord]:
    return [
        MatchRecord(
            f"p{i}",
            names=((rng.choice(GIVEN), rng.choice(FAMILY)),),
            sex=rng.choice([Sex.MALE, Sex.FEMALE]),
            birth_date=BirthDate(rng.randint(1940, 2010), rng.randint(1, 12), rng.randint(1, 28)),
            phone=f"206555{rng.randint(1000, 9999)}",
            city="Seattle",
            reference_date=TODAY,
        )
        for i in range(count)
    ]


def main() -> None:
    rng = random.Random(1)
    registry = people(2_000, rng)
    seeker = MatchRecord(
        "q",
        full_names=("Derek Shepard",),
        sex=Sex.MALE,
        age=AgeRange(45, 45),
        phone="2065550101",
        reference_date=TODAY,
    )
    params = default_params()
    left, prepared = prepare(seeker), [prepare(p) for p in registry]
    rounds = 10
    start = time.perf_counter()
    for _ in range(rounds):
        for right in prepared:
            score(left, right, params)
    per_pair = (time.perf_counter() - start) / (rounds * len(prepared))
    print(f"score, prepared records: {per_pair * 1e6:.1f} us per pair")
    start = time.perf_counter()
    for _ in range(rounds):
        rank(left, prepared, params, limit=10)
    per_rank = (time.perf_counter() - start) / rounds
    print(f"rank {len(prepared)} prepared candidates: {per_rank * 1e3:.1f} ms")
    prepare.cache_clear()
    start = time.perf_counter()
    for record in registry:
        score(left, record, params)
    fresh = (time.perf_counter() - start) / len(registry)
    print(f"score, records prepared afresh: {fresh * 1e6:.1f} us per pair")


if __name__ == "__main__":
    main()
