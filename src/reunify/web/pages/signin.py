"""Sign in, sign out, and the staff landing page that sends each role to its own pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from reunify.accounts.passwords import verify_password
from reunify.store import audit, users
from reunify.web import sessions
from reunify.web.deps import SessionDep, staff_for_user
from reunify.web.pages.rendering import home_for, render

router = APIRouter(tags=["pages"], include_in_schema=False)


class SignInPage(BaseModel):
    next: str | None = None
    username: str = ""
    error: str = ""


@router.get("/signin")
def signin_form(request: Request, session: SessionDep, next: str | None = None) -> Response:
    staff = sessions.session_staff(request, session)
    if staff is not None:
        return RedirectResponse(sessions.safe_next(next) or home_for(staff), status_code=303)
    page = SignInPage(next=sessions.safe_next(next))
    return render(request, "pages/signin.html", page, staff=None)


@router.post("/signin")
def signin_submit(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    target = sessions.safe_next(next)
    if not sessions.csrf_ok(request, csrf_token):
        page = SignInPage(next=target, username=username, error="The form expired. Try again.")
        return render(request, "pages/signin.html", page, staff=None, status_code=400)
    user = users.get_by_username(session, username.strip())
    if user is None or not user.active or not verify_password(user.password_hash, password):
        audit.record_event(
            session,
            "staff:user:login_failed",
            actor="anonymous",
            subject_type="user",
            subject_id=username.strip()[:64],
        )
        session.commit()
        # One message for every failure: it must not tell which usernames exist.
        page = SignInPage(
            next=target, username=username, error="Username or password not recognised."
        )
        return render(request, "pages/signin.html", page, staff=None, status_code=401)
    audit.record_event(
        session,
        "staff:user:login",
        actor=f"staff/{user.username}",
        subject_type="user",
        subject_id=user.id,
        data={"via": "page"},
    )
    staff = staff_for_user(user)
    response = RedirectResponse(target or home_for(staff), status_code=303)
    sessions.sign_in(request, response, session, user)
    session.commit()
    return response


@router.post("/signout")
def signout(
    request: Request, session: SessionDep, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    if not sessions.csrf_ok(request, csrf_token):
        # A cross-site form must not be able to sign anyone out either.
        return RedirectResponse("/signin", status_code=303)
    staff = sessions.session_staff(request, session)
    response = RedirectResponse("/signin", status_code=303)
    sessions.sign_out(request, response, session)
    if staff is not None:
        audit.record_event(
            session,
            "staff:user:logout",
            actor=staff.actor,
            subject_type="user",
            subject_id=staff.user_id,
        )
    session.commit()
    return response


@router.get("/staff")
def staff_home(staff: sessions.PageStaff) -> Response:
    return RedirectResponse(home_for(staff), status_code=303)
