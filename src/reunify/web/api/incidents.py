from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter

from reunify.domain.errors import Conflict, NotFound
from reunify.store import audit, incidents
from reunify.store import tables as t
from reunify.web.deps import AdminDep, SessionDep, StaffDep
from reunify.web.schemas.common import ListOf
from reunify.web.schemas.incidents import IncidentCreate, IncidentPublic

router = APIRouter(prefix="/incidents", tags=["incidents"])


@router.get("", operation_id="list_incidents", response_model=ListOf[IncidentPublic])
def list_incidents(session: SessionDep, _: StaffDep) -> ListOf[IncidentPublic]:
    rows = [IncidentPublic.model_validate(r) for r in incidents.list_all(session)]
    return ListOf(data=rows, count=len(rows))


@router.post("", operation_id="create_incident", status_code=201, response_model=IncidentPublic)
def create_incident(body: IncidentCreate, session: SessionDep, staff: AdminDep) -> IncidentPublic:
    if incidents.get_by_slug(session, body.slug) is not None:
        raise Conflict("slug", f"an incident {body.slug!r} already exists")
    row = t.Incident(**body.model_dump(), settings={}, created_at=datetime.now(UTC))
    session.add(row)
    session.flush()
    audit.record_event(
        session,
        "staff:incident:create",
        actor=staff.actor,
        subject_type="incident",
        subject_id=row.id,
        incident_id=row.id,
    )
    session.commit()
    return IncidentPublic.model_validate(row)


@router.get("/{slug}", operation_id="get_incident", response_model=IncidentPublic)
def get_incident(slug: str, session: SessionDep, _: StaffDep) -> IncidentPublic:
    row = incidents.get_by_slug(session, slug)
    if row is None:
        raise NotFound("slug", f"no incident {slug!r}")
    return IncidentPublic.model_validate(row)
