"""Which facilities a staff member works for on the pages, and which one a page is about."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from reunify.store import facilities
from reunify.store import tables as t
from reunify.web.deps import Staff
from reunify.web.sessions import PageError


class FacilityChoice(BaseModel):
    code: str
    name: str


def facilities_for(session: Session, staff: Staff) -> list[t.Facility]:
    """Admins and officers work everywhere; facility staff at their own facilities only."""
    rows = facilities.list_all(session)
    return rows if staff.sees_everything else [r for r in rows if r.id in staff.facility_ids]


def pick_facility(
    session: Session, staff: Staff, code: str | None
) -> tuple[t.Facility, list[FacilityChoice]]:
    """The facility named by ``code`` (default: the first one) and the others to switch to."""
    rows = facilities_for(session, staff)
    if not rows:
        raise PageError(403, "Your account is not linked to any facility. Ask an administrator.")
    choices = [FacilityChoice(code=r.code, name=r.name) for r in rows]
    if not code:
        return rows[0], choices
    for row in rows:
        if row.code == code:
            return row, choices
    # The same answer whether the facility exists or not: staff learn nothing from guessing.
    raise PageError(403, f"You are not staff of {code}.")
