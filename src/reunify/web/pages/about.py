"""The public about and privacy page: what is kept, for how long, and who sees what."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from reunify.store import incidents
from reunify.web import i18n
from reunify.web.deps import SessionDep
from reunify.web.pages.desk_search import CentreView
from reunify.web.pages.rendering import render

router = APIRouter(tags=["pages"], include_in_schema=False)


class AboutPage(BaseModel):
    lang: str
    languages: dict[str, str]
    centre: CentreView | None = None


@router.get("/about")
def about(request: Request, session: SessionDep) -> Response:
    lang = i18n.choose(request)
    incident = incidents.current(session)
    centre = (
        CentreView(name=incident.fac_name, phone=incident.fac_phone, address=incident.fac_address)
        if incident is not None and incident.fac_name
        else None
    )
    page = AboutPage(lang=lang, languages=i18n.LANGUAGES, centre=centre)
    response = render(
        request, "public/about.html", page, staff=None, extra={"lang": lang}, public=True
    )
    i18n.remember(request, response, lang)
    return response
