from __future__ import annotations

from fastapi import APIRouter, Response

from reunify import domain
from reunify.domain.errors import Forbidden
from reunify.store import facilities
from reunify.tracking.service import MovementDraft, person_view, record_movement
from reunify.tracking.views import MovementView
from reunify.web.deps import SessionDep, StaffDep
from reunify.web.schemas.movements import MovementCreate

router = APIRouter(prefix="/movements", tags=["movements"])


@router.post("", operation_id="record_movement", status_code=201, response_model=MovementView)
def post_movement(
    body: MovementCreate, response: Response, session: SessionDep, staff: StaffDep
) -> MovementView:
    """Append a movement. A repeat of the same ``source_ref`` is answered 200 and stores nothing."""
    if not staff.sees_everything:
        # Facility staff record what happens at their own facility; that is also how they
        # learn of an arriving patient, so no prior visibility of the person is needed.
        if body.facility is None:
            raise Forbidden("body.facility", "facility staff record movements at their facility")
        facility = facilities.get_by_code(session, body.facility)
        if facility is not None and not staff.may_act_at(facility.id):
            raise Forbidden("body.facility", f"you are not staff of {body.facility}")
    try:
        draft = MovementDraft(
            person_id=body.person_id,
            status=body.status,
            occurred_at=body.occurred_at,
            facility_code=body.facility,
            location=domain.Location(**body.location.model_dump()),
            condition=body.condition,
            destination_code=body.destination,
            source=f"api:{staff.username}",
            source_ref=body.source_ref or None,  # blank is no reference, not a shared one
            note=body.note,
        )
        row, created = record_movement(session, draft, actor=staff.actor)
    except domain.DomainError as exc:
        field = exc.field if exc.field.startswith("body.") else f"body.{exc.field}"
        raise type(exc)(field, exc.problem) from None
    session.commit()
    if not created:
        response.status_code = 200
    view = person_view(session, body.person_id)
    return next(m for m in view.history if m.id == row.id)
