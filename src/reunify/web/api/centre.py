"""``/api/v1/centre``: the reunification centre's queues for officers, one router per resource.

The same services and read models as the pages (``web/pages/centre*.py``); every read names
the people it showed in the audit log, every decision is audited by its service.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from reunify.domain import AgeRange, Role, Sex
from reunify.families import centre_views as views
from reunify.families import death_notices, identify, minors, review
from reunify.families.centre_views import ContactLine, audit_view
from reunify.store import audit, incidents
from reunify.web.deps import SessionDep, Staff, require
from reunify.web.schemas.centre import DeathNoticeCreate, GuardianCreate, PairDecision
from reunify.web.schemas.common import ListOf, RowIdPath

OfficerDep = Annotated[Staff, Depends(require(Role.REUNIFICATION_OFFICER, Role.ADMIN))]

matches = APIRouter(prefix="/centre/matches", tags=["centre"])
unidentified = APIRouter(prefix="/centre/unidentified", tags=["centre"])
minors_router = APIRouter(prefix="/centre/minors", tags=["centre"])
deaths = APIRouter(prefix="/centre/deaths", tags=["centre"])


def _incident_id(session: Session) -> int | None:
    row = incidents.current(session)
    return row.id if row is not None else None


# --- uncertain matches ----------------------------------------------------------------------


@matches.get("", operation_id="list_uncertain_matches", response_model=ListOf[views.QueueItem])
def list_matches(session: SessionDep, staff: OfficerDep) -> ListOf[views.QueueItem]:
    """Proposed duplicates and uncertain inquiry candidates, most probable first."""
    items = review.queue(session)
    audit.record_event(
        session,
        "staff:centre:matches",
        actor=staff.actor,
        subject_type="centre",
        subject_id="matches",
        data={
            "items": [[i.kind, i.item_id] for i in items],
            "people": sorted({p for i in items for p in i.person_ids}),
        },
    )
    session.commit()
    return ListOf(data=items, count=len(items))


@matches.get("/{kind}/{item_id}", operation_id="get_uncertain_match", response_model=views.PairView)
def get_match(
    kind: views.Kind, item_id: RowIdPath, session: SessionDep, staff: OfficerDep
) -> views.PairView:
    """Both records (or the inquiry and the record) with each field's level and weight."""
    pair = review.pair(session, kind, item_id)
    shown = [c for c in (pair.left, pair.right) if c is not None]
    audit_view(session, "match", shown, actor=staff.actor, data={"kind": kind, "item": item_id})
    session.commit()
    return pair


@matches.post(
    "/{kind}/{item_id}/decision",
    operation_id="decide_uncertain_match",
    response_model=views.Outcome,
)
def decide_match(
    kind: views.Kind,
    item_id: RowIdPath,
    body: PairDecision,
    session: SessionDep,
    staff: OfficerDep,
) -> views.Outcome:
    """Confirm or reject; stores a labelled pair. Confirming a duplicate merges the records
    (both kept); confirming an inquiry candidate links the inquiry and tells its followers."""
    outcome = review.decide(
        session,
        kind,
        item_id,
        confirm=body.decision == "confirm",
        actor=staff.actor,
        keep=body.keep,
        note=body.note,
    )
    session.commit()
    return outcome


# --- unidentified people --------------------------------------------------------------------


@unidentified.get(
    "", operation_id="search_unidentified", response_model=ListOf[identify.IdentifyHit]
)
def search_unidentified(
    session: SessionDep,
    staff: OfficerDep,
    sex: Annotated[Sex, Query(description="female, male, other or unknown")] = Sex.UNKNOWN,
    age: Annotated[str, Query(max_length=20, description="50, or 45-55")] = "",
    height: Annotated[str, Query(max_length=200)] = "",
    hair: Annotated[str, Query(max_length=200)] = "",
    clothing: Annotated[str, Query(max_length=200)] = "",
    marks: Annotated[str, Query(max_length=200)] = "",
    other: Annotated[str, Query(max_length=200)] = "",
) -> ListOf[identify.IdentifyHit]:
    """Unidentified patients and decedents the description fits, best first."""
    description = identify.Description(
        sex=sex,
        age=AgeRange.parse(age.strip(), "age") if age.strip() else None,
        height=height,
        hair=hair,
        clothing=clothing,
        marks=marks,
        other=other,
    )
    hits = identify.search(session, description)
    query = {k: v for k, v in (("sex", sex.value), ("age", age), ("text", description.text)) if v}
    audit_view(
        session, "unidentified", [h.person for h in hits], actor=staff.actor, data={"query": query}
    )
    session.commit()
    return ListOf(data=hits, count=len(hits))


# --- unaccompanied minors -------------------------------------------------------------------


@minors_router.get(
    "", operation_id="list_unaccompanied_minors", response_model=ListOf[minors.MinorRow]
)
def list_minors(session: SessionDep, staff: OfficerDep) -> ListOf[minors.MinorRow]:
    """Living possible minors with no parent or guardian contact."""
    rows = minors.unaccompanied(session, _incident_id(session))
    audit_view(session, "minors", [r.person for r in rows], actor=staff.actor)
    session.commit()
    return ListOf(data=rows, count=len(rows))


@minors_router.post(
    "/{person_id}/guardian",
    operation_id="record_guardian",
    status_code=201,
    response_model=ContactLine,
)
def record_guardian(
    person_id: RowIdPath, body: GuardianCreate, session: SessionDep, staff: OfficerDep
) -> ContactLine:
    """Record a verified parent or guardian (a designated contact) for a possible minor."""
    contact = minors.record_guardian(
        session,
        person_id,
        name=body.name,
        relationship=body.relationship,
        phone=body.phone,
        email=body.email,
        actor=staff.actor,
    )
    out = ContactLine(
        name=contact.name,
        relationship=contact.relationship_,
        phone=contact.phone,
        email=contact.email,
        designated=contact.designated,
    )
    session.commit()
    return out


# --- death notifications --------------------------------------------------------------------


@deaths.get(
    "",
    operation_id="list_pending_death_notifications",
    response_model=ListOf[death_notices.PendingDeath],
)
def list_deaths(session: SessionDep, staff: OfficerDep) -> ListOf[death_notices.PendingDeath]:
    """Identified dead whose family is still to be told in person."""
    rows = death_notices.pending(session, _incident_id(session))
    audit_view(session, "deaths", [r.person for r in rows], actor=staff.actor)
    session.commit()
    return ListOf(data=rows, count=len(rows))


@deaths.post(
    "/{person_id}/notifications",
    operation_id="record_death_notification",
    status_code=201,
    response_model=death_notices.NoticeView,
)
def record_death_notification(
    person_id: RowIdPath, body: DeathNoticeCreate, session: SessionDep, staff: OfficerDep
) -> death_notices.NoticeView:
    """Record that a family was told in person: who, when, by whom."""
    notice = death_notices.record_told(
        session,
        person_id,
        told_name=body.told_name,
        relationship=body.relationship,
        told_at=body.told_at,
        told_by=body.told_by,
        place=body.place,
        note=body.note,
        release=body.release,
        actor=staff.actor,
    )
    out = death_notices.NoticeView.model_validate(notice)
    session.commit()
    return out


router = APIRouter()
for _resource in (matches, unidentified, minors_router, deaths):
    router.include_router(_resource)
