"""Review tasks for reunification officers: deaths to tell in person, minors, unidentified
candidates, uncertain matches. One open task per (kind, person, inquiry): asking twice about
the same dead person prompts one visit, not two."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reunify.domain.disclosure import StaffTask
from reunify.domain.errors import Conflict, NotFound
from reunify.store import audit
from reunify.store import families_tables as ft

SUMMARIES = {
    StaffTask.NOTIFY_NEXT_OF_KIN_IN_PERSON: "Notify next of kin in person; a relative has asked",
    StaffTask.REVIEW_UNCERTAIN_MATCH: "Review an uncertain match between an inquiry and a record",
    StaffTask.UNIDENTIFIED_CANDIDATE: "An inquiry may describe an unidentified person",
    StaffTask.MINOR: "An inquiry concerns a minor: release only to a verified guardian",
    StaffTask.AT_SCENE: "An inquiry concerns a person still at the scene",
}


def open_task(
    session: Session,
    kind: StaffTask,
    *,
    person_id: int | None,
    inquiry_id: int | None = None,
    incident_id: int | None = None,
    summary: str = "",
    actor: str = "system/families",
) -> ft.Task:
    """The open task of this kind for this person (and inquiry, for match reviews), created if
    missing. Deaths and minors are per person; match reviews are per inquiry."""
    per_inquiry = kind in (StaffTask.REVIEW_UNCERTAIN_MATCH, StaffTask.UNIDENTIFIED_CANDIDATE)
    stmt = select(ft.Task).where(
        ft.Task.kind == kind.value, ft.Task.state == "open", ft.Task.person_id == person_id
    )
    if per_inquiry:
        stmt = stmt.where(ft.Task.inquiry_id == inquiry_id)
    existing = session.scalars(stmt.limit(1)).first()
    if existing is not None:
        return existing
    task = ft.Task(
        incident_id=incident_id,
        kind=kind.value,
        person_id=person_id,
        inquiry_id=inquiry_id,
        summary=summary or SUMMARIES[kind],
        created_at=datetime.now(UTC),
    )
    session.add(task)
    session.flush()
    audit.record_event(
        session,
        "families:task:create",
        actor=actor,
        subject_type="task",
        subject_id=task.id,
        incident_id=incident_id,
        data={"kind": kind.value, "person_id": person_id, "inquiry_id": inquiry_id},
    )
    return task


def open_counts(session: Session, person_ids: list[int], kind: StaffTask) -> dict[int, int]:
    """How many open tasks of ``kind`` each of these people has (absent: none)."""
    if not person_ids:
        return {}
    stmt = (
        select(ft.Task.person_id, func.count())
        .where(
            ft.Task.person_id.in_(person_ids),
            ft.Task.kind == kind.value,
            ft.Task.state == "open",
        )
        .group_by(ft.Task.person_id)
    )
    return {pid: n for pid, n in session.execute(stmt) if pid is not None}


def list_tasks(
    session: Session, *, state: str | None = "open", kind: str | None = None
) -> list[ft.Task]:
    stmt = select(ft.Task).order_by(ft.Task.created_at, ft.Task.id)
    if state:
        stmt = stmt.where(ft.Task.state == state)
    if kind:
        stmt = stmt.where(ft.Task.kind == kind)
    return list(session.scalars(stmt))


def complete(
    session: Session, task_id: int, *, outcome: str, family_told: bool, actor: str
) -> ft.Task:
    """Close a task; ``family_told`` records that the family was told (in person, for a death)."""
    task = session.get(ft.Task, task_id)
    if task is None:
        raise NotFound("task_id", f"no task {task_id}")
    if task.state == "done":
        raise Conflict("task_id", f"task {task_id} is already done")
    task.state = "done"
    task.outcome = outcome
    task.family_told = family_told
    task.done_by = actor
    task.done_at = datetime.now(UTC)
    audit.record_event(
        session,
        "staff:task:complete",
        actor=actor,
        subject_type="task",
        subject_id=task.id,
        incident_id=task.incident_id,
        data={"kind": task.kind, "person_id": task.person_id, "family_told": family_told},
    )
    return task
