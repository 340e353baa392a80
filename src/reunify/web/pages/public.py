"""The public pages, no account: home, "I'm looking for someone" and its answer.

The search runs the very service the API runs (``families.inquiries.ask``: matching, the
disclosure policy, tasks for staff, the audit); the page only turns the answer into plain words.
JSON twins: every GET page takes ``?format=json``; the forms' API is ``POST /api/v1/inquiries``
(search), ``/api/v1/verifications`` and ``/api/v1/inquiries/{id}/subscription`` (follow),
``/api/v1/safe`` ("I'm safe").
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from reunify.families.inquiries import Seeker, ask
from reunify.store import incidents
from reunify.store import tables as t
from reunify.web import i18n, sessions
from reunify.web.api.inquiries import enforce_rate_limits
from reunify.web.deps import SessionDep
from reunify.web.errors import error_response
from reunify.web.pages import public_answers
from reunify.web.pages.desk_search import CentreView
from reunify.web.pages.public_forms import FollowForm, SearchForm, check_search, sought_fields
from reunify.web.pages.rendering import render
from reunify.web.schemas.common import FieldProblem

router = APIRouter(tags=["pages"], include_in_schema=False)


class PublicPage(BaseModel):
    """What every public page carries: its language and the family assistance centre."""

    lang: str
    languages: dict[str, str]
    incident: str = ""
    centre: CentreView | None = None


class FormPage(PublicPage):
    errors: dict[str, str] = {}
    retry_after: int = 0  # seconds, when too many requests came from here


class HomePage(PublicPage):
    pass


class SearchPage(FormPage):
    form: SearchForm = SearchForm()


class AnswerPage(FormPage):
    """``answer`` is the API's ``answer`` object; ``None`` when this browser no longer holds it."""

    answer: dict[str, Any] | None = None
    since: str = ""  # reported safe at, in words, in the incident's time zone
    expected: str = ""  # expected arrival, likewise
    follow: FollowForm = FollowForm()


def incident_of(session: SessionDep) -> t.Incident | None:
    return incidents.current(session)


def centre_of(incident: t.Incident | None) -> CentreView | None:
    if incident is None or not incident.fac_name:
        return None
    return CentreView(
        name=incident.fac_name, phone=incident.fac_phone, address=incident.fac_address
    )


def base_fields(request: Request, session: SessionDep) -> dict[str, Any]:
    incident = incident_of(session)
    return {
        "lang": i18n.choose(request),
        "languages": i18n.LANGUAGES,
        "incident": incident.name if incident is not None else "",
        "centre": centre_of(incident),
    }


def show(
    request: Request,
    template: str,
    page: PublicPage,
    *,
    status_code: int = 200,
    forms: bool = True,
) -> Response:
    """Render a public page in its language. Pages with ``forms`` get the CSRF session cookie;
    the others set no cookie at all (a reader is not tracked)."""
    if isinstance(page, FormPage) and page.errors and sessions.wants_json(request):
        problems = [FieldProblem(field=f, problem=code) for f, code in page.errors.items()]
        first = problems[0]
        return error_response(status_code, f"{first.field}: {first.problem}", problems)
    response = render(
        request,
        template,
        page,
        staff=None,
        status_code=status_code,
        extra={"lang": page.lang},
        public=not forms,
    )
    i18n.remember(request, response, page.lang)
    return response


def rate_limited(request: Request, key: str) -> int:
    """Seconds to wait when this client or contact asked too often (the API's own limits)."""
    try:
        enforce_rate_limits(request, key)
    except HTTPException as exc:
        return int((exc.headers or {}).get("Retry-After", "60"))
    return 0


def in_words(moment: str | None, lang: str, timezone: str) -> str:
    """An ISO time from an answer, as a reader in ``lang`` writes it, in the incident's zone."""
    if not moment:
        return ""
    local = datetime.fromisoformat(moment).astimezone(ZoneInfo(timezone))
    when = f"{format_date(local, 'long', locale=lang)} {format_time(local, 'short', locale=lang)}"
    return f"{when} {local.tzname()}"


@router.get("/")
def home(request: Request, session: SessionDep) -> Response:
    page = HomePage(**base_fields(request, session))
    return show(request, "public/home.html", page, forms=False)


@router.get("/search")
def search_form(request: Request, session: SessionDep) -> Response:
    return show(request, "public/search.html", SearchPage(**base_fields(request, session)))


@router.post("/search")
def search(
    request: Request,
    session: SessionDep,
    form: Annotated[SearchForm, Form()],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    page = SearchPage(**base_fields(request, session), form=form)
    if not sessions.csrf_ok(request, csrf_token):
        page.errors = {"form": "expired"}
        return show(request, "public/search.html", page, status_code=400)
    checked, sought = check_search(form)
    if sought is None:
        page.errors = checked.errors
        return show(request, "public/search.html", page, status_code=422)
    page.retry_after = rate_limited(request, "")
    if page.retry_after:
        page.errors = {"form": "rate"}
        return show(request, "public/search.html", page, status_code=429)
    answer = ask(
        session,
        sought,
        Seeker(language=page.lang),
        raw_sought=sought_fields(form),
        client_address=request.client.host if request.client else "",
    )
    session.commit()
    public_id = answer.inquiry.public_id
    response = RedirectResponse(f"/answers/{public_id}", status_code=303)
    public_answers.keep(request, response, public_answers.Held(public_id, answer.body))
    return response


def held_answer(
    request: Request, session: SessionDep, inquiry_id: str
) -> tuple[AnswerPage, public_answers.Held | None]:
    """The answer this browser was given for ``inquiry_id`` (``answer`` None if it has none)."""
    page = AnswerPage(**base_fields(request, session))
    entry = public_answers.find(request, inquiry_id)
    if entry is None:
        return page, None
    page.answer = entry.answer
    incident = incident_of(session)
    timezone = incident.timezone if incident is not None else "UTC"
    page.since = in_words(entry.answer.get("since"), page.lang, timezone)
    page.expected = in_words(entry.answer.get("expected_arrival"), page.lang, timezone)
    page.follow = FollowForm(email=entry.email)
    return page, entry


def show_answer(request: Request, page: AnswerPage, status_code: int = 200) -> Response:
    status = status_code if page.answer is not None else 404
    return show(request, "public/answer.html", page, status_code=status)


@router.get("/answers/{inquiry_id}")
def answer(request: Request, session: SessionDep, inquiry_id: str) -> Response:
    page, _ = held_answer(request, session, inquiry_id)
    return show_answer(request, page)
