"""``POST /api/v1/match``: one inquiry against the registry (staff who see everyone), and
staff decisions on proposed duplicates. No disclosure filtering: this is a staff tool."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select

from reunify.domain.types import Role
from reunify.linkage import dedupe, service
from reunify.store import audit
from reunify.store.match_tables import MatchDecision
from reunify.web.deps import SessionDep, Staff, require
from reunify.web.schemas.common import ListOf, RowIdPath
from reunify.web.schemas.match import (
    DuplicateDecision,
    DuplicatePublic,
    MatchInquiry,
    MatchResult,
)

router = APIRouter(prefix="/match", tags=["match"])
# Facility staff see only their own patients; a registry-wide look-up is for those who see all.
OfficerDep = Annotated[Staff, Depends(require(Role.ADMIN, Role.REUNIFICATION_OFFICER))]


@router.post("", operation_id="match_person", response_model=MatchResult)
def match_person(body: MatchInquiry, session: SessionDep, staff: OfficerDep) -> MatchResult:
    inquiry_id, record = service.parse_inquiry(
        body.model_dump(exclude_defaults=True) | {"id": body.id}
    )
    params = service.prepare_run(session)
    result = service.match(session, inquiry_id, record, params=params)
    audit.record_event(
        session,
        "staff:match:query",
        actor=staff.actor,
        subject_type="match",
        subject_id=inquiry_id,
        data={
            "model_version": result.model_version,
            "candidates": [
                {"record_id": c["record_id"], "probability": c["probability"], "band": c["band"]}
                for c in result.candidates
            ],
        },
    )
    session.commit()
    return MatchResult.model_validate(result.body())


@router.get("/duplicates", operation_id="list_duplicates", response_model=ListOf[DuplicatePublic])
def list_duplicates(
    session: SessionDep, staff: OfficerDep, state: str = "proposed", limit: int = 100
) -> ListOf[DuplicatePublic]:
    stmt = (
        select(MatchDecision)
        .where(MatchDecision.state == state)
        .order_by(MatchDecision.probability.desc(), MatchDecision.id)
        .limit(min(max(limit, 1), 1000))
    )
    rows = [DuplicatePublic.model_validate(r, from_attributes=True) for r in session.scalars(stmt)]
    return ListOf(data=rows, count=len(rows))


@router.post(
    "/duplicates/{decision_id}", operation_id="decide_duplicate", response_model=DuplicatePublic
)
def decide_duplicate(
    decision_id: RowIdPath, body: DuplicateDecision, session: SessionDep, staff: OfficerDep
) -> DuplicatePublic:
    row = dedupe.decide(
        session, decision_id, confirm=body.decision == "confirm", actor=staff.actor, keep=body.keep
    )
    out = DuplicatePublic.model_validate(row, from_attributes=True)
    session.commit()
    return out
