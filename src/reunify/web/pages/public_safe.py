""" "I'm safe / I have information": a person reports themself safe (``families.safe``).

Information about somebody else goes to the family assistance centre, whose contacts the page
gives: a third party's word about a person is for staff to weigh, not for a web page to repeat.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from reunify.domain.errors import NotFound
from reunify.families.safe import report_safe
from reunify.web import sessions
from reunify.web.deps import SessionDep
from reunify.web.pages.public import FormPage, PublicPage, base_fields, rate_limited, show
from reunify.web.pages.public_forms import SafeForm, check_safe

router = APIRouter(tags=["pages"], include_in_schema=False)


class SafePage(FormPage):
    form: SafeForm = SafeForm()


class SafeThanksPage(PublicPage):
    pass


@router.get("/safe")
def safe_form(request: Request, session: SessionDep) -> Response:
    return show(request, "public/safe.html", SafePage(**base_fields(request, session)))


@router.post("/safe")
def safe(
    request: Request,
    session: SessionDep,
    form: Annotated[SafeForm, Form()],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    page = SafePage(**base_fields(request, session), form=form)
    if not sessions.csrf_ok(request, csrf_token):
        page.errors = {"form": "expired"}
        return show(request, "public/safe.html", page, status_code=400)
    checked, report = check_safe(form)
    if report is None:
        page.errors = checked.errors
        return show(request, "public/safe.html", page, status_code=422)
    contact = report.email or report.phone
    page.retry_after = rate_limited(request, f"safe:{contact}" if contact else "")
    if page.retry_after:
        page.errors = {"form": "rate"}
        return show(request, "public/safe.html", page, status_code=429)
    try:
        report_safe(session, report, client_address=request.client.host if request.client else "")
    except NotFound:
        page.errors = {"form": "no_incident"}
        return show(request, "public/safe.html", page, status_code=409)
    session.commit()
    return RedirectResponse("/safe/thanks", status_code=303)


@router.get("/safe/thanks")
def safe_thanks(request: Request, session: SessionDep) -> Response:
    page = SafeThanksPage(**base_fields(request, session))
    return show(request, "public/safe_thanks.html", page, forms=False)
