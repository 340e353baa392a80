"""Following a person from the answer page: an email, the emailed code, then "you follow".

The steps are the API's (``families.verification`` then ``families.subscriptions``, through
``families.follow``); the signed answers cookie proves this browser asked the question, so only
the asker can follow it, and no email is attached to the inquiry before it is verified.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from reunify.domain.errors import Forbidden, NotFound
from reunify.families import subscriptions, verification
from reunify.families.follow import follow_verified
from reunify.families.inquiries import by_public_id
from reunify.store import families_tables as ft
from reunify.web import i18n, sessions
from reunify.web.deps import SessionDep
from reunify.web.pages import public_answers
from reunify.web.pages.public import (
    FormPage,
    PublicPage,
    base_fields,
    held_answer,
    rate_limited,
    show,
    show_answer,
)
from reunify.web.pages.public_forms import CodeForm, FollowForm, check_code, check_follow

router = APIRouter(tags=["pages"], include_in_schema=False)


class CodePage(FormPage):
    email: str
    back_url: str
    form: CodeForm = CodeForm()


class FollowingPage(PublicPage):
    email: str
    back_url: str
    language: str  # the language the notifications will be written in
    stop_url: str  # "stop the emails", the same page as the link in each email


def _inquiry(session: SessionDep, inquiry_id: str) -> ft.Inquiry | None:
    try:
        return by_public_id(session, inquiry_id)
    except NotFound:  # deleted by the seeker or by retention since
        return None


def _back(inquiry_id: str) -> Response:
    return RedirectResponse(f"/answers/{inquiry_id}", status_code=303)


@router.post("/answers/{inquiry_id}")
def follow(
    request: Request,
    session: SessionDep,
    inquiry_id: str,
    form: Annotated[FollowForm, Form()],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    page, entry = held_answer(request, session, inquiry_id)
    inquiry = _inquiry(session, inquiry_id)
    if entry is None or inquiry is None:
        page.answer = None
        return show_answer(request, page)
    page.follow = form
    if not sessions.csrf_ok(request, csrf_token):
        page.errors = {"form": "expired"}
        return show_answer(request, page, 400)
    checked, key = check_follow(form)
    if not checked.ok:
        page.errors = checked.errors
        return show_answer(request, page, 422)
    page.retry_after = rate_limited(request, f"verify:{key}")
    if page.retry_after:
        page.errors = {"form": "rate"}
        return show_answer(request, page, 429)
    theirs = subscriptions.seeker_keys(inquiry)
    if theirs and key not in theirs:
        page.errors = {"email": "other_contact"}
        return show_answer(request, page, 409)
    verification.start(session, key, language=page.lang)
    session.commit()
    response = RedirectResponse(f"/answers/{inquiry_id}/verify", status_code=303)
    email = key.partition(":")[2]
    public_answers.keep(request, response, public_answers.Held(inquiry_id, entry.answer, email))
    return response


def _code_page(
    request: Request, session: SessionDep, inquiry_id: str, email: str, form: CodeForm | None = None
) -> CodePage:
    return CodePage(
        **base_fields(request, session),
        email=email,
        back_url=f"/answers/{inquiry_id}",
        form=form or CodeForm(),
    )


@router.get("/answers/{inquiry_id}/verify")
def code_form(request: Request, session: SessionDep, inquiry_id: str) -> Response:
    entry = public_answers.find(request, inquiry_id)
    if entry is None or not entry.email:
        return _back(inquiry_id)
    return show(
        request, "public/follow.html", _code_page(request, session, inquiry_id, entry.email)
    )


@router.post("/answers/{inquiry_id}/verify")
def confirm(
    request: Request,
    session: SessionDep,
    inquiry_id: str,
    form: Annotated[CodeForm, Form()],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    entry = public_answers.find(request, inquiry_id)
    if entry is None or not entry.email:
        return _back(inquiry_id)
    page = _code_page(request, session, inquiry_id, entry.email, form)
    if not sessions.csrf_ok(request, csrf_token):
        page.errors = {"form": "expired"}
        return show(request, "public/follow.html", page, status_code=400)
    checked = check_code(form)
    if not checked.ok:
        page.errors = checked.errors
        return show(request, "public/follow.html", page, status_code=422)
    key = f"email:{entry.email}"
    page.retry_after = rate_limited(request, f"verify:{key}")
    if page.retry_after:
        page.errors = {"form": "rate"}
        return show(request, "public/follow.html", page, status_code=429)
    inquiry = _inquiry(session, inquiry_id)
    if inquiry is None:
        return _back(inquiry_id)
    try:
        token = verification.confirm(session, key, form.code)
        proof = verification.verification_for(session, token)
        assert proof is not None  # confirm has just issued it
        follow_verified(session, inquiry, proof, language=page.lang)
    except Forbidden as exc:
        page.errors = {"code": "code_wrong" if exc.field == "body.code" else "other_contact"}
        return show(request, "public/follow.html", page, status_code=422)
    session.commit()
    return RedirectResponse(f"/answers/{inquiry_id}/following", status_code=303)


@router.get("/answers/{inquiry_id}/following")
def following(request: Request, session: SessionDep, inquiry_id: str) -> Response:
    """ "You follow": the same words whatever the inquiry matched, so nothing is given away."""
    entry = public_answers.find(request, inquiry_id)
    inquiry = _inquiry(session, inquiry_id)
    if entry is None or not entry.email or inquiry is None:
        return _back(inquiry_id)
    key = f"email:{entry.email}"
    sub = next((s for s in subscriptions.of_inquiry(session, inquiry.id) if s.address == key), None)
    if sub is None:
        return _back(inquiry_id)
    language = sub.language if sub.language in i18n.LANGUAGES else i18n.DEFAULT
    page = FollowingPage(
        **base_fields(request, session),
        email=entry.email,
        back_url=f"/answers/{inquiry_id}",
        language=language,
        stop_url=f"/stop/{sub.stop_token}",
    )
    return show(request, "public/verified.html", page, forms=False)
