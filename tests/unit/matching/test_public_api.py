import reunify.matching as matching

EXPECTED = {
    "Band",
    "COMPARISONS",
    "ComparisonVector",
    "Contribution",
    "DecisionRules",
    "EMResult",
    "KEY_KINDS",
    "LevelParams",
    "MatchRecord",
    "ModelParams",
    "PreparedRecord",
    "Scored",
    "TRAINING_SESSIONS",
    "TermFrequencies",
    "TrainingSession",
    "Vocabulary",
    "blocking_keys",
    "compare",
    "comparison_vectors",
    "corrected",
    "default_params",
    "estimate_m_from_labels",
    "estimate_u",
    "expectation_maximisation",
    "explain",
    "fit_calibration",
    "fold",
    "from_person",
    "is_broad",
    "key_kind",
    "parse_full_name",
    "prepare",
    "random_pairs",
    "rank",
    "rank_scored",
    "score",
    "train_m",
    "why",
}


def test_the_public_surface_is_exactly_what_we_promise() -> None:
    assert set(matching.__all__) == EXPECTED
    for name in EXPECTED:
        assert getattr(matching, name) is not None


def test_public_objects_come_from_the_matching_package() -> None:
    for name in matching.__all__:
        module = getattr(getattr(matching, name), "__module__", "reunify.matching")
        assert module.startswith("reunify.matching"), name
