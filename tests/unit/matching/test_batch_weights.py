"""``Screen`` gives every pair exactly ``score``'s weight, and never drops a pair ``score``
would band above ``no_match``."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from reunify.domain.dates import AgeRange, BirthDate
from reunify.domain.types import Sex
from reunify.matching import MatchRecord, TermFrequencies, default_params, score
from reunify.matching.batch_weights import Screen, vectors
from reunify.matching.comparisons import compare
from reunify.matching.prepared import PreparedRecord, prepare
from reunify.matching.scoring import verdict, weighed

from .synthetic import TODAY, inquiry, person, typo

STREETS = ["12 Pinkerton Circuit", "4 Wallaby Place", "4 Wallaby Court", "98 Kent Street", ""]
LINES = ["Rosewood Estate", "Flat 2", ""]
WORDS = ["blonde", "hair", "tattoo", "bird", "scrubs", "green", "scar", "glasses"]


def _varied(rng: random.Random, record: MatchRecord, number: int) -> MatchRecord:
    """A second record of someone, or of a namesake: slips, missing facts, an address."""
    given, family = record.names[0]
    if rng.random() < 0.3:
        family = typo(rng, family.lower()).title()
    if rng.random() < 0.1:
        given, family = family, given
    born = record.birth_date
    roll = rng.random()
    if roll < 0.15:
        born = None
    elif roll < 0.3 and born is not None:
        born = BirthDate(born.year + rng.choice((-1, 0, 1)), born.month, born.day)
    elif roll < 0.35:
        born = BirthDate(rng.randint(1940, 2015))  # a year alone
    return replace(
        record,
        record_id=f"v{number}",
        names=((given, family),),
        birth_date=born,
        age=AgeRange(30, 40) if born is None and rng.random() < 0.5 else None,
        sex=rng.choice((record.sex, None, Sex.UNKNOWN, Sex.FEMALE)),
        phone=rng.choice((record.phone, "", "+1 206 555 0100")),
        email=rng.choice(("", "a.b@example.org", "a.b@example.com")),
        city=rng.choice(("Seattle", "Seatle", "Kent", "")),
        postcode=rng.choice(("98101", "98110", "98102", "")),
        street=rng.choice(STREETS),
        address_2=rng.choice(LINES),
        state=rng.choice(("WA", "OR", "")),
        description=" ".join(rng.sample(WORDS, rng.randint(0, 4))),
        unidentified=rng.random() < 0.03,
        reference_date=rng.choice((TODAY, None)),
    )


def _pairs(seed: int) -> tuple[dict[int, MatchRecord], list[tuple[int, int]]]:
    rng = random.Random(seed)
    people = [person(rng, i) for i in range(400)]
    records: dict[int, MatchRecord] = {}
    for i, someone in enumerate(people):
        records[3 * i] = someone
        records[3 * i + 1] = _varied(rng, someone, i)
        records[3 * i + 2] = inquiry(rng, someone)
    ids = sorted(records)
    pairs = [(3 * i, 3 * i + k) for i in range(len(people)) for k in (1, 2)]
    pairs += [(3 * i + 1, 3 * i + 2) for i in range(len(people))]
    pairs += [tuple(rng.sample(ids, 2)) for _ in range(2500)]  # type: ignore[misc]
    same_name = [i for i in ids if records[i].names and records[i].names[0][1] == "Smith"]
    pairs += [(a, b) for a in same_name[:30] for b in same_name[:30] if a < b]
    return records, pairs


def _trained_tf(records: dict[int, MatchRecord]) -> TermFrequencies:
    return TermFrequencies.from_records(records.values())


@pytest.mark.parametrize("with_tf", [False, True])
def test_weights_are_score_weights_exactly(with_tf: bool) -> None:
    records, pairs = _pairs(11)
    params = default_params()
    tf = _trained_tf(records) if with_tf else None
    weights = Screen(params, tf).weights(records, pairs)
    expected = [score(records[a], records[b], params, tf).weight for a, b in pairs]
    assert len(pairs) > 3000
    assert weights == expected  # the same floats, not merely close


def test_likely_keeps_every_pair_score_would_propose() -> None:
    records, pairs = _pairs(12)
    params = default_params()
    tf = _trained_tf(records)
    likely = set(Screen(params, tf).likely(records, pairs))
    bands = [score(records[a], records[b], params, tf).band.value for a, b in pairs]
    proposed = {i for i, band in enumerate(bands) if band != "no_match"}
    assert proposed  # the pairs of one person are there
    assert proposed <= likely
    assert len(likely) < len(pairs) / 2  # strangers are screened out
    assert all(bands[i] == "no_match" for i in set(range(len(pairs))) - likely)


def test_a_prior_that_moves_the_floor_moves_the_screen() -> None:
    records, pairs = _pairs(13)
    params = default_params()
    loose = Screen(params.with_prior(0.4), None).likely(records, pairs)
    strict = Screen(params.with_prior(1e-7), None).likely(records, pairs)
    assert set(strict) < set(loose)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectors_are_compare_of_each_pair(seed: int) -> None:
    """Training's comparison vectors, computed a comparison at a time over many pairs, are
    ``compare``'s of each pair: levels and agreeing terms."""
    records, pairs = _pairs(seed)
    listed = [(records[a], records[b]) for a, b in pairs]
    listed += [(prepare(records[b]), records[a]) for a, b in pairs[::7]]  # prepared, swapped
    ready = [tuple(r if isinstance(r, PreparedRecord) else prepare(r) for r in p) for p in listed]
    assert vectors(listed) == [compare(a, b) for a, b in ready]


@pytest.mark.parametrize("with_tf", [False, True])
def test_likely_vectors_score_as_score_does(with_tf: bool) -> None:
    """A likely pair scored from the screen's levels is ``score``'s answer to the letter:
    probability, weight, band, every contribution and note."""
    records, pairs = _pairs(14)
    params = default_params()
    tf = _trained_tf(records) if with_tf else None
    likely = Screen(params, tf).likely_vectors(records, pairs)
    assert [i for i, _ in likely] == Screen(params, tf).likely(records, pairs)
    assert len(likely) > 500
    for i, vector in likely:
        a, b = pairs[i]
        expected = score(records[a], records[b], params, tf)
        assert verdict(records[b].record_id, weighed(vector, params, tf), params) == expected


def test_no_pairs() -> None:
    records, _ = _pairs(15)
    screen = Screen(default_params(), None)
    assert screen.weights(records, []) == []
    assert screen.likely_vectors(records, []) == []
    assert vectors([]) == []
