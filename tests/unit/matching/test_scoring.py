import random
from datetime import date

import pytest

from reunify.domain.dates import AgeRange, BirthDate
from reunify.domain.types import Sex
from reunify.matching import (
    Band,
    DecisionRules,
    MatchRecord,
    default_params,
    explain,
    rank,
    score,
    why,
)
from reunify.matching.scoring import agreeing_facts, has_minimum_evidence, probability

from .synthetic import TODAY, person

M, F = Sex.MALE, Sex.FEMALE


def registered(
    record_id: str,
    given: str,
    family: str,
    sex: Sex,
    born: str,
    *,
    phone: str = "",
    aliases: tuple[tuple[str, str], ...] = (),
) -> MatchRecord:
    return MatchRecord(
        record_id,
        names=((given, family), *aliases),
        sex=sex,
        birth_date=BirthDate.parse(born),
        phone=phone,
        city="Seattle",
        reference_date=TODAY,
    )


REGISTRY = [
    registered("derek", "Derek Christopher", "Shepherd", M, "1981-03-12", phone="206-555-0142"),
    registered("amelia", "Amelia", "Shepherd", F, "1987-06-20"),
    registered("karev", "Alexander", "Karev", M, "1995"),
    registered("isobel", "Isobel", "Stevens", F, "1993-09-03"),
    registered("george", "George", "O'Malley", M, "1994-02-11"),
    registered("jose", "José", "García Márquez", M, "1970-05-01"),
    registered("maria", "María", "de la Cruz", F, "1988-12-07"),
    registered("aleksei", "Aleksei", "Ivanov", M, "1979-08-30"),
    registered("callie", "Calliope", "Torres", F, "1992-04-05", phone="(206) 555-0187"),
    registered("teddy", "Theodora", "Altman", F, "1984-10-02"),
    registered("lexie", "Alexandra", "Grey", F, "1996-11-21"),
    registered("meredith", "Meredith", "Grey", F, "1991-01-15"),
    registered("trauma", "Trauma", "Zulu", M, "1980", aliases=(("Preston", "Burke"),)),
]
rng = random.Random(20260501)
FILLERS = [person(rng, n) for n in range(300)]
PEOPLE = REGISTRY + FILLERS


def inquiry(name: str = "", **facts: object) -> MatchRecord:
    full = (name,) if name else ()
    return MatchRecord("inquiry", full_names=full, reference_date=TODAY, **facts)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("seeker", "expected"),
    [
        (inquiry("Derek Shepard", sex=M, age=AgeRange(45, 45)), "derek"),
        (inquiry("Alex Karev", sex=M, age=AgeRange(31, 31)), "karev"),
        (inquiry("Jose Garcia Marquez", sex=M, birth_date=BirthDate(1970, 5, 1)), "jose"),
        (inquiry("George O Malley", sex=M, age=AgeRange(32, 32)), "george"),
        (inquiry("Maria Delacruz", sex=F, birth_date=BirthDate(1988, 7, 12)), "maria"),
        (inquiry("Алексей Иванов", sex=M, age=AgeRange(46, 46)), "aleksei"),
        (inquiry("Callie Torres", phone="206 555 0178"), "callie"),
        (inquiry("Lexie Grey", sex=F, age=AgeRange(29, 29)), "lexie"),
        (inquiry("Preston Burke", sex=M, age=AgeRange(45, 46)), "trauma"),
    ],
)
def test_the_right_person_is_confidently_first(seeker: MatchRecord, expected: str) -> None:
    ranked = rank(seeker, PEOPLE)
    assert ranked[0].record_id == expected, explain(ranked[0])
    assert ranked[0].band is Band.CONFIDENT, explain(ranked[0])
    assert all(s.band is not Band.CONFIDENT for s in ranked[1:])


@pytest.mark.parametrize(
    ("seeker", "expected"),
    [
        (inquiry("Izzie Stevens"), "isobel"),
        (inquiry("Pepe García", sex=M, age=AgeRange(56, 56)), "jose"),
        (inquiry("Sasha Karev"), "karev"),
        (inquiry("Shepherd Derek"), "derek"),
        # A nickname and a rough age fit rather than identify: first, not confident.
        (inquiry("Karev, Alex", sex=M, age=AgeRange.parse("about 30")), "karev"),
        (inquiry("Teddy Altman", sex=F, age=AgeRange.parse("about 40")), "teddy"),
    ],
)
def test_the_right_person_is_found_first(seeker: MatchRecord, expected: str) -> None:
    ranked = rank(seeker, PEOPLE)
    assert ranked[0].record_id == expected, explain(ranked[0])
    assert ranked[0].band is not Band.NO_MATCH


def test_derek_shepard_explains_itself() -> None:
    best = rank(inquiry("Derek Shepard", sex=M, age=AgeRange(45, 45)), PEOPLE)[0]
    fields = {c.field: c.level for c in best.contributions}
    assert fields["family_name"] == "phonetic"
    assert fields["given_name"] == "exact"
    assert fields["birth"] == "age_overlap"
    lines = explain(best)
    assert "family name: sounds the same (+6.0)" in lines
    assert any(line.startswith("total ") and "confident" in line for line in lines)
    assert best.model_version == default_params().version


def test_izzie_stevens_finds_isobel_stevens() -> None:
    ranked = rank(inquiry("Izzie Stevens"), PEOPLE)
    assert ranked[0].record_id == "isobel"
    assert ranked[0].band is not Band.NO_MATCH
    assert "given name: nickname or diminutive" in why(ranked[0])


@pytest.mark.parametrize(
    "seeker",
    [
        inquiry("Alex"),
        inquiry("Alex", sex=M, age=AgeRange(31, 31)),
        inquiry("Alexander", sex=M, birth_date=BirthDate(1995)),
        inquiry(sex=M, age=AgeRange(31, 31)),
    ],
)
def test_a_given_name_alone_is_never_confident(seeker: MatchRecord) -> None:
    ranked = rank(seeker, PEOPLE)
    assert all(s.band is not Band.CONFIDENT for s in ranked)


def test_a_given_name_alone_stays_unconfident_whatever_the_probability() -> None:
    lenient = default_params().with_prior(0.5)
    alone = score(inquiry("Alexander", sex=M, birth_date=BirthDate(1995)), REGISTRY[2], lenient)
    assert alone.probability > lenient.decision.confident_probability
    assert alone.band is Band.UNCERTAIN
    assert alone.notes


def test_two_equally_good_namesakes_are_not_confident() -> None:
    twins = [
        registered("a", "Derek", "Shepherd", M, "1981-03-12"),
        registered("b", "Derek", "Shepherd", M, "1981-01-30"),
    ]
    ranked = rank(inquiry("Derek Shepherd", sex=M, age=AgeRange(45, 45)), twins + FILLERS)
    assert {ranked[0].record_id, ranked[1].record_id} == {"a", "b"}
    assert ranked[0].probability > default_params().decision.confident_probability
    assert ranked[0].band is Band.UNCERTAIN
    assert any("runner-up" in note for note in ranked[0].notes)


def test_the_runner_up_margin_is_configurable() -> None:
    near = [
        registered("a", "Derek", "Shepherd", M, "1981-03-12"),
        registered("b", "Derek", "Shepard", M, "1981-02-01"),
    ]
    seeker = inquiry("Derek Shepherd", sex=M, age=AgeRange(45, 45))
    strict = rank(seeker, near)
    assert strict[0].record_id == "a"
    gap = strict[0].weight - strict[1].weight
    assert strict[0].band is Band.UNCERTAIN
    params = default_params()
    lax = params.__class__(
        prior=params.prior,
        levels=params.levels,
        decision=DecisionRules(runner_up_margin=gap - 0.5),
    )
    assert rank(seeker, near, lax)[0].band is Band.CONFIDENT
    assert rank(seeker, near, lax)[0].model_version == lax.version != params.version


def test_day_and_month_swapped_still_matches() -> None:
    seeker = inquiry("Derek Shepherd", birth_date=BirthDate(1981, 12, 3))
    best = rank(seeker, PEOPLE)[0]
    assert best.record_id == "derek"
    assert {c.field: c.level for c in best.contributions}["birth"] == "transposed"
    assert best.band is Band.CONFIDENT


def test_about_30_overlaps_a_date_of_birth() -> None:
    seeker = inquiry("Alex Karev", age=AgeRange.parse("about 30"))
    best = score(seeker, REGISTRY[2])
    levels = {c.field: c for c in best.contributions}
    assert levels["birth"].level == "age_range_overlap"
    assert levels["birth"].weight > 0


def test_a_contradicting_age_counts_against() -> None:
    young = score(inquiry("Derek Shepherd", age=AgeRange(12, 12)), REGISTRY[0])
    right = score(inquiry("Derek Shepherd", age=AgeRange(45, 45)), REGISTRY[0])
    assert young.weight < right.weight
    assert young.band is not Band.CONFIDENT


def test_a_missing_fact_is_no_evidence() -> None:
    bare = score(inquiry("Derek Shepherd"), REGISTRY[0])
    assert {c.field: c.weight for c in bare.contributions}["birth"] == 0
    assert {c.field: c.weight for c in bare.contributions}["phone"] == 0


def test_phone_one_digit_off_adds_evidence() -> None:
    off = score(inquiry("Callie Torres", phone="(206) 555-0188"), REGISTRY[8])
    fields = {c.field: c for c in off.contributions}
    assert fields["phone"].level == "one_digit"
    assert fields["phone"].weight > 5
    unrelated = score(inquiry("Callie Torres", phone="(206) 555-9999"), REGISTRY[8])
    assert off.weight > unrelated.weight


def test_a_stranger_is_no_match() -> None:
    ranked = rank(inquiry("Zelda Quackenbush", sex=F, age=AgeRange(70, 70)), PEOPLE)
    assert ranked[0].band is Band.NO_MATCH


def test_rank_is_symmetric_enough_to_score_either_way() -> None:
    a = inquiry("Karev Alex", sex=M, age=AgeRange(31, 31))
    b = REGISTRY[2]
    assert score(a, b).weight == pytest.approx(score(b, a).weight, abs=1e-9)


def test_rank_limits_and_deduplicates() -> None:
    ranked = rank(inquiry("Meredith Grey"), [*REGISTRY, REGISTRY[11]], limit=3)
    assert len(ranked) == 3
    assert ranked[0].record_id == "meredith"
    assert len({s.record_id for s in rank(inquiry("Grey"), [*REGISTRY, *REGISTRY])}) == len(
        REGISTRY
    )


def test_probability_is_a_base_2_sigmoid() -> None:
    params = default_params()
    assert probability(0.0, params) == 0.5
    assert probability(1.0, params) == pytest.approx(2 / 3)
    assert probability(-2000.0, params) == 0.0
    assert probability(2000.0, params) == 1.0


def test_minimum_evidence_rule() -> None:
    best = score(inquiry("Derek Shepherd", sex=M), REGISTRY[0])
    assert has_minimum_evidence(best.contributions)
    given_only = score(inquiry("Derek", sex=M, age=AgeRange(45, 45)), REGISTRY[0])
    assert not has_minimum_evidence(given_only.contributions)


def test_reference_date_moves_an_age() -> None:
    later = MatchRecord(
        "q", full_names=("Derek Shepherd",), age=AgeRange(46, 46), reference_date=date(2027, 5, 1)
    )
    assert {c.field: c.level for c in score(later, REGISTRY[0]).contributions}[
        "birth"
    ] == "age_overlap"


def test_an_unidentified_patient_is_a_candidate_by_description_never_confident() -> None:
    patient = MatchRecord(
        "u1",
        names=(("Trauma", "Zulu"),),
        sex=M,
        age=AgeRange(40, 50),
        description="Adult male, red hair, green scrubs, tattoo on left arm",
        reference_date=TODAY,
        unidentified=True,
    )
    seeker = inquiry("Derek Shepherd", sex=M, age=AgeRange(45, 45), description="red hair, tattoo")
    found = score(seeker, patient)
    levels = {c.field: c.level for c in found.contributions}
    assert levels["given_name"] == levels["family_name"] == "missing"  # placeholders
    assert levels["description"] == "most"
    assert found.band is not Band.CONFIDENT
    assert found.weight > score(inquiry("Derek Shepherd", sex=M), patient).weight
    by_alias = score(inquiry("Trauma Zulu"), patient)
    assert {c.field: c.level for c in by_alias.contributions}["family_name"] == "exact"


def _facts_of(seeker: MatchRecord, candidate: MatchRecord) -> frozenset[str]:
    return agreeing_facts(score(seeker, candidate).contributions)


def test_a_household_and_a_full_date_of_birth_are_identifying_facts() -> None:
    home = MatchRecord(
        "h", names=(("Joel", "Coane"),), birth_date=BirthDate(1915, 4, 12),
        street="12 Coane Street", address_2="Mountview", postcode="2548", reference_date=TODAY,
    )  # fmt: skip
    seeker = MatchRecord(
        "q", names=(("Charlee", ""),), birth_date=BirthDate(1915, 4, 12),
        street="12 coane st", postcode="2548", reference_date=TODAY,
    )  # fmt: skip
    facts = _facts_of(seeker, home)
    assert {"address", "birth", "birth_date"} <= facts
    assert has_minimum_evidence(score(seeker, home).contributions)


def test_a_nickname_or_a_rough_age_only_fits() -> None:
    """Nobody named Alex Broadsby of about 65 is registered; Alexandra Broadsby, a rare
    surname, is. A nickname fits and a rough age fits, but neither identifies."""
    registered = MatchRecord(
        "ab", names=(("Alexandra", "Broadsby"),), sex=M, birth_date=BirthDate(1961, 2, 3),
        city="Seattle", reference_date=TODAY,
    )  # fmt: skip
    seeker = inquiry("Alex Broadsby", sex=M, age=AgeRange.parse("about 65"), city="Seattle")
    assert _facts_of(seeker, registered) == {"family_name"}
    assert score(seeker, registered).band is not Band.CONFIDENT
    exact_age = inquiry("Alexandra Broadsby", sex=M, age=AgeRange(65, 65))
    assert {"given_name", "family_name", "birth"} <= _facts_of(exact_age, registered)
