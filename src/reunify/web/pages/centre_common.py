"""What every reunification-centre page shares: who may open it, and the incident it is about."""

from __future__ import annotations

from sqlalchemy.orm import Session

from reunify.domain import Role
from reunify.store import incidents
from reunify.store import tables as t
from reunify.web import sessions
from reunify.web.deps import Staff

CENTRE_ROLES = (Role.REUNIFICATION_OFFICER, Role.ADMIN)


def officer(staff: Staff) -> Staff:
    """Officers and administrators only; facility staff get the 403 page (or JSON)."""
    sessions.allow(staff, *CENTRE_ROLES)
    return staff


def incident(session: Session) -> t.Incident | None:
    """The open incident the centre works on (lists fall back to every incident without one)."""
    return incidents.current(session)


def timezone(row: t.Incident | None) -> str:
    return row.timezone if row is not None and row.timezone else "UTC"
