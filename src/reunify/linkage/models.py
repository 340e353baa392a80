"""Which model parameters a look-up uses, and storing every version a decision used.

The base is the latest model trained on this registry (``linkage.train``), else the
parameters shipped with the package. The prior is scaled to the registry, rounded to
half-decades (10k, 31.6k, 100k, ...), so the model version (a hash of the parameters, the
prior included) stays the same while the registry grows a little, and a stored decision
can always be traced to the exact parameters that made it.
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


@lru_cache(maxsize=64)
def params_for(bucket: int, base: ModelParams | None = None) -> ModelParams:
    base = base or default_params()
    return base if bucket <= MIN_REGISTRY else base.with_prior(1.0 / bucket)


def registry_size(session: Session) -> int:
    """The highest person id: an index probe, not a count over the table."""
    return int(session.scalar(select(func.max(t.Person.id))) or 0)


_parsed: dict[str, ModelParams] = {}


def base_params(session: Session) -> ModelParams:
    """The latest trained parameters (parsed once per process), else the shipped ones."""
    version = session.scalar(
        select(MatchModel.version)
        .where(MatchModel.trained_at.is_not(None))
        .order_by(MatchModel.trained_at.desc(), MatchModel.id.desc())
        .limit(1)
    )
    if version is None:
        return default_params()
    found = _parsed.get(version)
    if found is None:
        loaded = load(session, version)
        if loaded is None:  # cannot happen: the version was just read from the table
            return default_params()
        found = _parsed.setdefault(version, loaded)
    return found


def current_params(session: Session) -> ModelParams:
    return params_for(registry_bucket(registry_size(session)), base_params(session))


def store_trained(session: Session, params: ModelParams, at: datetime) -> str:
    """Store trained parameters as the base of every later look-up."""
    row = session.scalar(select(MatchModel).where(MatchModel.version == params.version))
    if row is None:
        row = MatchModel(
            version=params.version, params=params.to_json(), note=params.note, created_at=at
        )
        session.add(row)
    row.trained_at = at
    session.flush()
    _parsed[params.version] = params
    return params.version


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
