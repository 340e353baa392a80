"""``/api/v1/tasks``: the reunification officers' review queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from reunify.domain import Role
from reunify.domain.disclosure import StaffTask
from reunify.domain.errors import DomainError, NotFound
from reunify.families import tasks as service
from reunify.store import people
from reunify.web.deps import SessionDep, Staff, require
from reunify.web.schemas.common import ListOf, RowIdPath
from reunify.web.schemas.families import TaskComplete, TaskCreate, TaskPublic

router = APIRouter(prefix="/tasks", tags=["families"])

OfficerDep = Annotated[Staff, Depends(require(Role.REUNIFICATION_OFFICER, Role.ADMIN))]


@router.get("", operation_id="list_tasks", response_model=ListOf[TaskPublic])
def list_tasks(
    session: SessionDep,
    staff: OfficerDep,
    state: Annotated[str | None, Query(description="open, done, or empty for all")] = "open",
    kind: Annotated[str | None, Query(description="e.g. notify_next_of_kin_in_person")] = None,
) -> ListOf[TaskPublic]:
    rows = service.list_tasks(session, state=state or None, kind=kind)
    return ListOf(data=[TaskPublic.model_validate(r) for r in rows], count=len(rows))


@router.post("", operation_id="create_task", status_code=201, response_model=TaskPublic)
def create_task(body: TaskCreate, session: SessionDep, staff: OfficerDep) -> TaskPublic:
    """Open a task by hand, e.g. a minor or an unidentified patient staff noticed."""
    try:
        kind = StaffTask(body.kind)
    except ValueError:
        allowed = ", ".join(k.value for k in StaffTask)
        raise DomainError("body.kind", f"must be one of {allowed}") from None
    incident_id = None
    if body.person_id is not None:
        person = people.get(session, body.person_id)
        if person is None:
            raise NotFound("body.person_id", f"no person {body.person_id}")
        incident_id = person.incident_id
    task = service.open_task(
        session,
        kind,
        person_id=body.person_id,
        incident_id=incident_id,
        summary=body.summary,
        actor=staff.actor,
    )
    session.commit()
    return TaskPublic.model_validate(task)


@router.post("/{task_id}/complete", operation_id="complete_task", response_model=TaskPublic)
def complete_task(
    task_id: RowIdPath, body: TaskComplete, session: SessionDep, staff: OfficerDep
) -> TaskPublic:
    """Close a task; ``family_told`` records that the family was told."""
    task = service.complete(
        session, task_id, outcome=body.outcome, family_told=body.family_told, actor=staff.actor
    )
    session.commit()
    return TaskPublic.model_validate(task)
