"""Bodies of ``/api/v1/match``: one inquiry in, ranked candidates out."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from reunify.web.schemas.common import Input, RowId


class MatchInquiry(Input):
    id: str
    name: str = ""
    given_name: str = ""
    family_name: str = ""
    sex: str = ""
    date_of_birth: str = ""
    age: str | int | None = None
    phone: str = ""
    email: str = ""
    city: str = ""
    postcode: str = ""
    description: str = ""


class MatchCandidate(BaseModel):
    record_id: str
    probability: float
    band: Literal["confident", "uncertain", "no_match"]
    why: str


class MatchResult(BaseModel):
    id: str
    candidates: list[MatchCandidate]


class DuplicateDecision(Input):
    decision: Literal["confirm", "reject"]
    keep: RowId | None = None


class DuplicatePublic(BaseModel):
    id: int
    person_id: int
    other_id: int
    probability: float
    band: str
    model_version: str
    state: str
    decided_by: str
