"""Views build a context model; this module turns it into HTML or, with ``?format=json``, JSON.

Every page is therefore also an API: the JSON twin is the very model the template rendered.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from reunify.domain import Role
from reunify.web import i18n
from reunify.web.deps import Staff
from reunify.web.sessions import CSRF_FIELD, read_session, wants_json, write_session

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent.parent / "templates"))


def _local_time(value: datetime | None, tz: str = "UTC", fmt: str = "%d %b %H:%M") -> str:
    """Times on pages read in the facility's own zone, with the zone named."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(tz))
    return f"{local.strftime(fmt)} {local.tzname()}"


TEMPLATES.env.filters["local_time"] = _local_time
i18n.install(TEMPLATES.env)


class NavLink(BaseModel):
    href: str
    label: str


def nav_for(staff: Staff | None) -> list[NavLink]:
    """Each role sees links only to its own pages."""
    if staff is None:
        return []
    links: list[NavLink] = []
    if staff.role in (Role.FACILITY_STAFF, Role.ADMIN):
        links += [NavLink(href="/desk", label="Front desk"), NavLink(href="/beds", label="Beds")]
    if staff.role in (Role.REUNIFICATION_OFFICER, Role.ADMIN):
        links.append(NavLink(href="/dashboard", label="Dashboard"))
        links.append(NavLink(href="/centre", label="Reunification centre"))
    return links


def home_for(staff: Staff) -> str:
    return nav_for(staff)[0].href


def render(
    request: Request,
    template: str,
    model: BaseModel,
    *,
    staff: Staff | None,
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
    public: bool = False,
) -> Response:
    """HTML from ``template`` with ``page`` = the model, or the model itself as JSON.

    ``public`` pages have no forms and set no session cookie: a reader is not tracked.
    """
    if wants_json(request):
        return JSONResponse(model.model_dump(mode="json"), status_code=status_code)
    page_session = read_session(request)
    context: dict[str, Any] = {
        "page": model,
        "staff": staff,
        "nav": nav_for(staff),
        "csrf_field": CSRF_FIELD,
        "csrf_token": page_session.csrf,
        "path": request.url.path,
        **(extra or {}),
    }
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)
    # Pages with patient data must not linger in shared caches or the back button of a desk PC.
    response.headers["Cache-Control"] = "no-store"
    if not public:
        write_session(request, response, page_session)
    return response
