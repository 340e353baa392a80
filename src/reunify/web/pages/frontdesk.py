"""The front desk: one search box, what the policy lets the desk say, visitor badges and log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from reunify import badges
from reunify.domain import Role
from reunify.domain.errors import DomainError
from reunify.store import audit, people
from reunify.web import sessions
from reunify.web.deps import SessionDep, Staff
from reunify.web.pages import desk_search
from reunify.web.pages.rendering import render
from reunify.web.pages.scope import FacilityChoice, pick_facility

router = APIRouter(tags=["pages"], include_in_schema=False)
FinderDep = Annotated[desk_search.Finder, Depends(desk_search.get_finder)]
_DESK_ROLES = (Role.FACILITY_STAFF, Role.ADMIN)


class DeskPage(BaseModel):
    facility_code: str
    facility: str
    timezone: str
    facilities: list[FacilityChoice]
    query: str
    searched: bool
    hint: str = ""
    error: str = ""
    visitor_name: str = ""
    results: list[desk_search.DeskResult] = []


class BadgePage(BaseModel):
    badge: badges.Badge
    pdf_url: str


class VisitorLogPage(BaseModel):
    facility_code: str
    facility: str
    timezone: str
    facilities: list[FacilityChoice]
    data: list[badges.Badge]
    count: int


def _desk_page(
    request: Request,
    session: SessionDep,
    staff: Staff,
    finder: desk_search.Finder,
    facility: str | None,
    q: str,
    *,
    error: str = "",
    visitor_name: str = "",
    status_code: int = 200,
) -> Response:
    desk, choices = pick_facility(session, staff, facility)
    query = " ".join(q.split())[:200]
    page = DeskPage(
        facility_code=desk.code,
        facility=desk.name,
        timezone=desk.timezone,
        facilities=choices,
        query=query,
        searched=bool(query),
        error=error,
        visitor_name=visitor_name,
    )
    if query and not desk_search.is_full_name(query):
        page.hint = "Type the patient's given and family name, for example “Alex Karev”."
    elif query:
        page.results = desk_search.search(session, finder, query, desk=desk, actor=staff.actor)
        audit.record_event(
            session,
            "staff:desk:search",
            actor=staff.actor,
            subject_type="facility",
            subject_id=desk.id,
            data={"query": query, "results": len(page.results)},
        )
        session.commit()
    return render(request, "pages/desk.html", page, staff=staff, status_code=status_code)


@router.get("/desk")
def desk(
    request: Request,
    session: SessionDep,
    staff: sessions.PageStaff,
    finder: FinderDep,
    facility: str | None = None,
    q: str = "",
) -> Response:
    sessions.allow(staff, *_DESK_ROLES)
    return _desk_page(request, session, staff, finder, facility, q)


@router.post("/desk/badges")
def issue_badge(
    request: Request,
    session: SessionDep,
    staff: sessions.PageStaff,
    finder: FinderDep,
    facility: Annotated[str, Form()],
    person_id: Annotated[int, Form()],
    visitor_name: Annotated[str, Form()] = "",
    q: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    sessions.allow(staff, *_DESK_ROLES)
    if not sessions.csrf_ok(request, csrf_token):
        return _desk_page(
            request,
            session,
            staff,
            finder,
            facility,
            q,
            error="The form expired. Search again and print the badge.",
            status_code=400,
        )
    desk, _ = pick_facility(session, staff, facility)
    decided = desk_search.badge_disclosure(session, person_id, desk)
    if decided is None or not decided[1].badge_allowed:
        # Moved, discharged or shielded since the search: no badge, and no reason given.
        return _desk_page(
            request,
            session,
            staff,
            finder,
            facility,
            q,
            error="No badge can be printed for this patient here now. Search again.",
            status_code=409,
        )
    row, d = decided
    try:
        badge = badges.issue_badge(
            session,
            incident_id=row.incident_id,
            facility=desk,
            person_id=row.id,
            patient=people.to_domain(row).primary_name.display,
            visitor_name=visitor_name,
            unit=d.unit or "",
            room=d.room or "",
            actor=staff.actor,
        )
    except DomainError as exc:
        return _desk_page(
            request,
            session,
            staff,
            finder,
            facility,
            q,
            error=f"Badge not printed: {exc.problem}.",
            status_code=422,
        )
    session.commit()
    return RedirectResponse(f"/desk/badges/{badge.code}", status_code=303)


def _badge_for(session: SessionDep, staff: Staff, code: str) -> badges.Badge:
    badge = badges.get_badge(session, code)
    if badge is None or not any(c.code == badge.facility_code for c in _choices(session, staff)):
        raise sessions.PageError(404, f"No badge {code} at your facilities.")
    return badge


def _choices(session: SessionDep, staff: Staff) -> list[FacilityChoice]:
    return pick_facility(session, staff, None)[1]


@router.get("/desk/badges/{code}")
def badge_page(
    request: Request, code: str, session: SessionDep, staff: sessions.PageStaff
) -> Response:
    sessions.allow(staff, *_DESK_ROLES)
    badge = _badge_for(session, staff, code)
    page = BadgePage(badge=badge, pdf_url=f"/desk/badges/{badge.code}/badge.pdf")
    return render(request, "pages/badge.html", page, staff=staff)


@router.get("/desk/badges/{code}/badge.pdf")
def badge_pdf(code: str, session: SessionDep, staff: sessions.PageStaff) -> Response:
    sessions.allow(staff, *_DESK_ROLES)
    badge = _badge_for(session, staff, code)
    audit.record_event(
        session,
        "staff:badge:print",
        actor=staff.actor,
        subject_type="person",
        subject_id=badge.person_id,
        data={"badge": badge.code},
    )
    session.commit()
    pdf = badges.render_badge(
        badges.BadgePrint(
            code=badge.code,
            visitor_name=badge.visitor_name,
            unit=badge.unit,
            room=badge.room,
            facility=badge.facility,
            timezone=badge.facility_timezone,
            issued_at=badge.issued_at,
            expires_at=badge.expires_at,
        )
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="badge-{badge.code}.pdf"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/desk/visitors")
def visitor_log(
    request: Request, session: SessionDep, staff: sessions.PageStaff, facility: str | None = None
) -> Response:
    sessions.allow(staff, *_DESK_ROLES)
    desk, choices = pick_facility(session, staff, facility)
    rows = badges.visitor_log(session, desk)
    audit.record_event(
        session,
        "staff:desk:visitors",
        actor=staff.actor,
        subject_type="facility",
        subject_id=desk.id,
        data={"count": len(rows)},
    )
    session.commit()
    page = VisitorLogPage(
        facility_code=desk.code,
        facility=desk.name,
        timezone=desk.timezone,
        facilities=choices,
        data=rows,
        count=len(rows),
    )
    return render(request, "pages/visitors.html", page, staff=staff)
