import json
import math

import pytest

from reunify.matching import (
    LevelParams,
    MatchRecord,
    ModelParams,
    TermFrequencies,
    default_params,
    score,
)


def test_default_params_load_and_cover_every_level() -> None:
    params = default_params()
    assert params.version.startswith("fs-")
    assert params.note
    given = params.levels["given_name"]
    assert given["exact"].weight > given["nickname"].weight > 0 > given["different"].weight


def test_json_round_trip_preserves_the_version() -> None:
    params = default_params()
    again = ModelParams.from_json(params.to_json())
    assert again.version == params.version
    assert again == params
    assert hash(again) == hash(params)
    assert params != params.version  # compares with parameters only
    assert again.weights == params.weights


def test_any_change_that_affects_scores_changes_the_version() -> None:
    params = default_params()
    assert params.with_prior(1e-6).version != params.version
    tweaked = params.with_levels("sex", {"same": LevelParams(0.9, 0.5)})
    assert tweaked.version != params.version
    assert tweaked.levels["sex"]["different"] == params.levels["sex"]["different"]


def test_the_note_does_not_change_the_version() -> None:
    data = json.loads(default_params().to_json())
    data["note"] = "retrained by nobody"
    assert ModelParams.from_json(json.dumps(data)).version == default_params().version


def test_a_hand_edited_file_is_refused() -> None:
    data = json.loads(default_params().to_json())
    data["comparisons"]["sex"]["same"]["m"] = 0.5
    with pytest.raises(ValueError, match="edited by hand"):
        ModelParams.from_json(json.dumps(data))
    del data["version"]  # without a stated version the content defines it
    assert ModelParams.from_json(json.dumps(data)).levels["sex"]["same"].m == 0.5


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="something else"), "parameter file"),
        (lambda d: d["comparisons"].pop("phone"), "phone"),
        (lambda d: d["comparisons"]["phone"].pop("one_digit"), "one_digit"),
        (lambda d: d["comparisons"]["phone"]["exact"].update(m=0), "m and u"),
        (lambda d: d.update(prior=1.5), "prior"),
    ],
)
def test_invalid_parameters_are_refused(mutate: object, message: str) -> None:
    data = json.loads(default_params().to_json())
    data.pop("version")
    mutate(data)  # type: ignore[operator]
    with pytest.raises(ValueError, match=message):
        ModelParams.from_json(json.dumps(data))


def test_level_weight_is_log2_of_m_over_u() -> None:
    assert LevelParams(0.8, 0.1).weight == pytest.approx(3.0)
    params = default_params()
    assert params.prior_weight == pytest.approx(math.log2(params.prior / (1 - params.prior)))


def _family_weight(family: str, tf: TermFrequencies | None) -> float:
    a = MatchRecord("a", names=(("Ana", family),))
    b = MatchRecord("b", names=(("Ana", family),))
    found = {c.field: c.weight for c in score(a, b, tf=tf).contributions}
    return found["family_name"]


def test_a_common_surname_counts_for_less_than_a_rare_one() -> None:
    tf = TermFrequencies.from_counts(
        given={"Ana": 50}, family={"Smith": 1_000, "Karev": 1}, total=100_000
    )
    smith, karev = _family_weight("Smith", tf), _family_weight("Karev", tf)
    assert smith < karev
    # Splink's rule: u is replaced by the name's frequency, so weight = log2(m / frequency).
    m = default_params().levels["family_name"]["exact"].m
    assert smith == pytest.approx(math.log2(m / 0.01))
    assert karev == pytest.approx(math.log2(m / 0.00001))
    # Without a table both count the same.
    assert _family_weight("Smith", None) == _family_weight("Karev", None)


def test_names_missing_from_the_table_use_the_unseen_frequency() -> None:
    tf = TermFrequencies(family={"smith": 0.01}, unseen=None)
    untouched = _family_weight("Karev", None)
    assert _family_weight("Karev", tf) == untouched
    rare = TermFrequencies(family={"smith": 0.01}, unseen=1e-5)
    assert _family_weight("Karev", rare) > untouched


def test_term_frequencies_from_records_normalise_like_the_comparisons() -> None:
    records = [
        MatchRecord("1", names=(("José", "de la Cruz"),)),
        MatchRecord("2", names=(("Jose", "Delacruz"),)),
        MatchRecord("3", names=(("Ana", "Smith"),)),
        MatchRecord("4", names=(("Ana", "Smith"),)),
    ]
    tf = TermFrequencies.from_records(records)
    assert tf.frequency("family_name", "delacruz") == 0.5
    assert tf.frequency("given_name", "jose") == 0.5
    assert tf.frequency("family_name", "karev") == 0.25


def _weights(a: MatchRecord, b: MatchRecord, tf: TermFrequencies | None) -> dict[str, float]:
    return {c.field: c.weight for c in score(a, b, tf=tf).contributions}


def test_a_common_city_counts_for_less_than_a_rare_one() -> None:
    tf = TermFrequencies(city={"seattle": 0.6, "forks": 0.0005}, unseen=1e-6)
    seattle = MatchRecord("a", names=(("Ana", "Reyes"),), city="Seattle")
    forks = MatchRecord("b", names=(("Ana", "Reyes"),), city="Forks")
    assert _weights(seattle, seattle, tf)["city"] < _weights(forks, forks, tf)["city"]
    assert _weights(seattle, seattle, None)["city"] == _weights(forks, forks, None)["city"]


def test_a_name_is_as_common_as_it_is_in_either_role() -> None:
    """A swap reads a family name as a given name: "Dolan" must not count as a rare given
    name because few people are called Dolan first."""
    tf = TermFrequencies(given={"dolan": 1e-6}, family={"dolan": 0.01}, unseen=1e-6)
    assert tf.frequency("given_name", "dolan") == 0.01
    assert tf.frequency("family_name", "dolan") == 0.01
    assert tf.frequency("given_name", "karev") == 1e-6


def test_the_term_frequency_table_is_part_of_the_version() -> None:
    base = default_params()
    trained = base.trained(note="trained on a test", tf_table="tf-123")
    assert trained.version != base.version
    assert trained.note == "trained on a test"
    assert ModelParams.from_json(trained.to_json()).tf_table == "tf-123"
    same = base.trained(note="another note", tf_table="tf-123")
    assert same.version == trained.version


def test_a_table_round_trips_through_its_rows() -> None:
    tf = TermFrequencies(
        given={"ana": 0.1}, family={"reyes": 0.2}, city={"forks": 0.3}, unseen=0.01
    )
    again = TermFrequencies.from_rows(tf.rows(), unseen=0.01)
    assert again == tf
    assert again.digest == tf.digest
    assert TermFrequencies(given={"ana": 0.2}, unseen=0.01).digest != tf.digest
