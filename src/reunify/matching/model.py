"""Fellegi-Sunter parameters: m and u per comparison level, the prior, term frequencies.

A level's weight is ``log2(m / u)``: how much more often that level is seen between two
records of the same person (m) than between two different people (u). Parameters are
content-addressed: the version is a hash of everything that changes a score, and every
match decision records it.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from reunify.matching.comparisons import COMPARISONS

FORMAT = "reunify.matching.fellegi-sunter/1"
DEFAULT_FILE = "default_params.json"


@dataclass(frozen=True, slots=True)
class LevelParams:
    m: float
    u: float

    def __post_init__(self) -> None:
        if not (0 < self.m <= 1 and 0 < self.u <= 1):
            raise ValueError(f"m and u must be in (0, 1], got m={self.m} u={self.u}")

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u)


@dataclass(frozen=True, slots=True)
class DecisionRules:
    """When a candidate is called confident. ``runner_up_margin`` is in bits of weight:
    the best candidate is confident only if it beats the next by at least this much."""

    confident_probability: float = 0.98
    uncertain_probability: float = 0.10
    runner_up_margin: float = 5.0


@dataclass(frozen=True, slots=True, eq=False)
class ModelParams:
    """``levels[comparison][level] = LevelParams``; the null level has none (weight 0).

    Two parameter sets are equal when their versions are.
    """

    prior: float
    levels: Mapping[str, Mapping[str, LevelParams]]
    calibration: tuple[float, float] = (1.0, 0.0)  # slope, intercept on the log2 odds
    tf_weight: float = 1.0
    tf_minimum_u: float = 1e-7
    tf_table: str = ""  # digest of the term-frequency table these parameters go with
    decision: DecisionRules = field(default_factory=DecisionRules)
    note: str = ""
    version: str = field(init=False)
    weights: tuple[tuple[float, ...], ...] = field(init=False, repr=False, compare=False)
    tf_m: tuple[tuple[float, float] | None, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 0 < self.prior < 1:
            raise ValueError("prior must be a probability strictly between 0 and 1")
        weights: list[tuple[float, ...]] = []
        tf_m: list[tuple[float, float] | None] = []
        for comparison in COMPARISONS:
            given = self.levels.get(comparison.name)
            if given is None:
                raise ValueError(f"parameters lack the comparison {comparison.name!r}")
            row = [0.0]
            tf_level: tuple[float, float] | None = None
            for level in comparison.levels[1:]:
                if level.name not in given:
                    raise ValueError(f"{comparison.name}: no m/u for level {level.name!r}")
                row.append(given[level.name].weight)
                if level.tf and tf_level is None:
                    tf_level = (given[level.name].m, given[level.name].u)
            weights.append(tuple(row))
            tf_m.append(tf_level)
        object.__setattr__(self, "weights", tuple(weights))
        object.__setattr__(self, "tf_m", tuple(tf_m))
        object.__setattr__(self, "version", _version(self._content()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ModelParams) and other.version == self.version

    def __hash__(self) -> int:
        return hash(self.version)

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def _content(self) -> dict[str, Any]:
        """Everything that changes a score or a band (not the note)."""
        return {
            "format": FORMAT,
            "prior": self.prior,
            "calibration": {"slope": self.calibration[0], "intercept": self.calibration[1]},
            "term_frequency": {
                "weight": self.tf_weight,
                "minimum_u": self.tf_minimum_u,
                "table": self.tf_table,
            },
            "decision": {
                "confident_probability": self.decision.confident_probability,
                "uncertain_probability": self.decision.uncertain_probability,
                "runner_up_margin": self.decision.runner_up_margin,
            },
            "comparisons": {
                c.name: {
                    lv.name: {
                        "m": self.levels[c.name][lv.name].m,
                        "u": self.levels[c.name][lv.name].u,
                    }
                    for lv in c.levels[1:]
                }
                for c in COMPARISONS
            },
        }

    def to_json(self) -> str:
        return json.dumps({"version": self.version, "note": self.note, **self._content()}, indent=2)

    @classmethod
    def from_json(cls, text: str) -> ModelParams:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} parameter file")
        params = cls(
            prior=float(data["prior"]),
            levels={
                comp: {lv: LevelParams(float(v["m"]), float(v["u"])) for lv, v in levels.items()}
                for comp, levels in data["comparisons"].items()
            },
            calibration=(
                float(data["calibration"]["slope"]),
                float(data["calibration"]["intercept"]),
            ),
            tf_weight=float(data["term_frequency"]["weight"]),
            tf_minimum_u=float(data["term_frequency"]["minimum_u"]),
            tf_table=str(data["term_frequency"].get("table", "")),
            decision=DecisionRules(**{k: float(v) for k, v in data["decision"].items()}),
            note=str(data.get("note", "")),
        )
        stated = data.get("version")
        if stated is not None and stated != params.version:
            raise ValueError(
                f"parameter file says version {stated} but its content hashes to "
                f"{params.version}: it was edited by hand; save it again with to_json()"
            )
        return params

    def with_levels(self, comparison: str, levels: Mapping[str, LevelParams]) -> ModelParams:
        merged = {**self.levels, comparison: {**self.levels[comparison], **levels}}
        return replace(self, levels=merged)

    def trained(self, *, note: str, tf_table: str) -> ModelParams:
        """These parameters as estimated from a registry, with its term-frequency table."""
        return replace(self, note=note, tf_table=tf_table)

    def with_prior(self, prior: float) -> ModelParams:
        """E.g. ``1 / registry_size`` when every inquiry's person is probably registered."""
        return replace(self, prior=prior)


def _version(content: Mapping[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return "fs-" + hashlib.sha256(canonical.encode()).hexdigest()[:12]


@lru_cache(maxsize=1)
def default_params() -> ModelParams:
    """Hand-set parameters shipped with the package, so matching works before any training."""
    text = (resources.files("reunify.matching") / "data" / DEFAULT_FILE).read_text("utf-8")
    return ModelParams.from_json(text)
