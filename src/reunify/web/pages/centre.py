"""The reunification centre (officers and administrators): four review queues.

``/centre`` counts what waits; each queue has its own page module (``centre_matches``,
``centre_people``, ``centre_deaths``), all included here so the app registers one router.
Every page has its JSON twin (``?format=json``) and an API under ``/api/v1/centre``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from reunify.families import death_notices, minors, review
from reunify.families.unidentified import unidentified_people
from reunify.web import sessions
from reunify.web.deps import SessionDep
from reunify.web.pages import centre_deaths, centre_matches, centre_people
from reunify.web.pages.centre_common import incident, officer
from reunify.web.pages.rendering import render

router = APIRouter(tags=["pages"], include_in_schema=False)


class Queue(BaseModel):
    href: str
    title: str
    count: int
    hint: str


class CentrePage(BaseModel):
    incident_name: str
    queues: list[Queue]


@router.get("/centre")
def centre(request: Request, session: SessionDep, staff: sessions.PageStaff) -> Response:
    officer(staff)
    row = incident(session)
    incident_id = row.id if row else None
    page = CentrePage(
        incident_name=row.name if row else "No open incident",
        queues=[
            Queue(
                href="/centre/matches",
                title="Uncertain matches",
                count=len(review.queue(session)),
                hint="Two records side by side: confirm or reject.",
            ),
            Queue(
                href="/centre/unidentified",
                title="Unidentified patients",
                count=len(unidentified_people(session)),
                hint="Search them by what a relative describes.",
            ),
            Queue(
                href="/centre/minors",
                title="Unaccompanied minors",
                count=len(minors.unaccompanied(session, incident_id)),
                hint="Possible minors with no parent or guardian on record.",
            ),
            Queue(
                href="/centre/deaths",
                title="Death notifications",
                count=len(death_notices.pending(session, incident_id)),
                hint="Families still to be told in person.",
            ),
        ],
    )
    return render(request, "pages/centre.html", page, staff=staff)


router.include_router(centre_matches.router)
router.include_router(centre_people.router)
router.include_router(centre_deaths.router)
