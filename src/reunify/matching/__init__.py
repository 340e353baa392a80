"""Person matching: find the right person from what a relative remembers, and say how sure.

Pure Python, no storage: a store fetches candidates through ``blocking_keys`` and hands
them to ``rank``. Everything else in this package is internal.
"""

from reunify.matching.blocking import (
    KEY_KINDS,
    TRAINING_SESSIONS,
    blocking_keys,
    is_broad,
    key_kind,
)
from reunify.matching.comparisons import COMPARISONS, ComparisonVector, compare
from reunify.matching.estimate import (
    EMResult,
    TrainingSession,
    comparison_vectors,
    estimate_m_from_labels,
    estimate_u,
    expectation_maximisation,
    fit_calibration,
    random_pairs,
    train_m,
)
from reunify.matching.explain import explain, why
from reunify.matching.model import DecisionRules, LevelParams, ModelParams, default_params
from reunify.matching.normalise import fold, parse_full_name
from reunify.matching.prepared import PreparedRecord, prepare
from reunify.matching.records import MatchRecord, from_person
from reunify.matching.scoring import Band, Contribution, Scored, rank, rank_scored, score
from reunify.matching.spelling import Vocabulary, corrected
from reunify.matching.term_frequencies import TermFrequencies

__all__ = [
    "COMPARISONS",
    "KEY_KINDS",
    "TRAINING_SESSIONS",
    "Band",
    "ComparisonVector",
    "Contribution",
    "DecisionRules",
    "EMResult",
    "LevelParams",
    "MatchRecord",
    "ModelParams",
    "PreparedRecord",
    "Scored",
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
]
