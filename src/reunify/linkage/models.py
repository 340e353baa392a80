"""Which model parameters a look-up uses, and storing every version a decision used.

The shipped parameters assume about 10,000 registered people. The prior is scaled to the
registry, rounded to half-decades (10k, 31.6k, 100k, ...), so the model version (a hash of
the parameters, the prior included) stays the same while the registry grows a little, and
a stored decision can always be traced to the exact parameters that made it.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reunify.matching import ModelParams, default_params
from reunify.store import tables as t
from reunify.store.match_tables import MatchModel

MIN_REGISTRY = 10_000  # below this the shipped prior stands: a registry grows during an incident


def registry_bucket(size: int) -> int:
    size = max(size, MIN_REGISTRY)
    return round(10 ** (math.ceil(math.log10(size) * 2) / 2))


@lru_cache(maxsize=16)
def params_for(bucket: int) -> ModelParams:
    base = default_params()
    return base if bucket <= MIN_REGISTRY else base.with_prior(1.0 / bucket)


def registry_size(session: Session) -> int:
    """The highest person id: an index probe, not a count over the table."""
    return int(session.scalar(select(func.max(t.Person.id))) or 0)


def current_params(session: Session) -> ModelParams:
    return params_for(registry_bucket(registry_size(session)))


def ensure_stored(session: Session, params: ModelParams) -> str:
    """Store this parameter version if it is new; return the version."""
    found = session.scalar(select(MatchModel.id).where(MatchModel.version == params.version))
    if found is None:
        session.add(
            MatchModel(
                version=params.version,
                params=params.to_json(),
                note=params.note,
                created_at=datetime.now(UTC),
            )
        )
        session.flush()
    return params.version


def load(session: Session, version: str) -> ModelParams | None:
    text = session.scalar(select(MatchModel.params).where(MatchModel.version == version))
    return None if text is None else ModelParams.from_json(text)
