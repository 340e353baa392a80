"""The centre's pending in-person death notifications, and "record that the family was told"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from reunify.domain.errors import DomainError, NotFound
from reunify.families import death_notices
from reunify.families.centre_views import audit_view
from reunify.web import sessions
from reunify.web.deps import SessionDep, Staff
from reunify.web.pages.centre_common import incident, officer, timezone
from reunify.web.pages.rendering import render
from reunify.web.schemas.common import RowIdPath

router = APIRouter(tags=["pages"], include_in_schema=False)
_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


class DeathsPage(BaseModel):
    timezone: str
    rows: list[death_notices.PendingDeath]
    count: int
    now_local: str
    saved: str = ""
    error: str = ""
    error_person_id: int | None = None


def parse_local(text: str, tz: str) -> datetime:
    """A ``datetime-local`` value read in the incident's time zone."""
    try:
        naive = datetime.strptime(text.strip(), _LOCAL_FORMAT)
    except ValueError:
        raise DomainError("told_at", "give the date and time as YYYY-MM-DDTHH:MM") from None
    return naive.replace(tzinfo=ZoneInfo(tz))


def _deaths_page(
    request: Request,
    session: SessionDep,
    staff: Staff,
    *,
    saved: str = "",
    error: str = "",
    error_person_id: int | None = None,
    status_code: int = 200,
) -> Response:
    row = incident(session)
    tz = timezone(row)
    rows = death_notices.pending(session, row.id if row else None)
    audit_view(session, "deaths", [r.person for r in rows], actor=staff.actor)
    session.commit()
    page = DeathsPage(
        timezone=tz,
        rows=rows,
        count=len(rows),
        now_local=datetime.now(UTC).astimezone(ZoneInfo(tz)).strftime(_LOCAL_FORMAT),
        saved=saved,
        error=error,
        error_person_id=error_person_id,
    )
    return render(request, "pages/centre_deaths.html", page, staff=staff, status_code=status_code)


@router.get("/centre/deaths")
def deaths(
    request: Request, session: SessionDep, staff: sessions.PageStaff, saved: int | None = None
) -> Response:
    officer(staff)
    message = (
        f"Recorded: the family of person {saved} was told in person." if saved is not None else ""
    )
    return _deaths_page(request, session, staff, saved=message)


@router.post("/centre/deaths/{person_id}/told")
def record_told(
    request: Request,
    session: SessionDep,
    staff: sessions.PageStaff,
    person_id: RowIdPath,
    told_name: Annotated[str, Form(max_length=200)] = "",
    relationship: Annotated[str, Form(max_length=80)] = "",
    told_at: Annotated[str, Form(max_length=40)] = "",
    told_by: Annotated[str, Form(max_length=200)] = "",
    place: Annotated[str, Form(max_length=200)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    release: Annotated[str, Form(max_length=8)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    officer(staff)
    if not sessions.csrf_ok(request, csrf_token):
        return _deaths_page(
            request, session, staff, error="The form expired. Enter the notification again.",
            error_person_id=person_id, status_code=400,
        )  # fmt: skip
    try:
        death_notices.record_told(
            session,
            person_id,
            told_name=told_name,
            relationship=relationship,
            told_at=parse_local(told_at, timezone(incident(session))),
            told_by=told_by,
            place=place,
            note=note,
            release=release == "yes",
            actor=staff.actor,
        )
    except NotFound as exc:
        raise sessions.PageError(404, exc.problem) from None
    except DomainError as exc:
        session.rollback()
        return _deaths_page(
            request, session, staff, error=f"Not recorded: {exc.field} {exc.problem}.",
            error_person_id=person_id, status_code=409 if exc.field == "person_id" else 422,
        )  # fmt: skip
    session.commit()
    return RedirectResponse(f"/centre/deaths?saved={person_id}", status_code=303)
