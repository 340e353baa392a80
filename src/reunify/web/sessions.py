"""Staff sign-in sessions for the pages: a signed cookie, a CSRF token, and who is signed in.

The cookie holds a CSRF token and, once signed in, a random session id, signed with the
settings' ``secret_key`` (itsdangerous). The session id is looked up (by its SHA-256) in
``staff_sessions`` on every request, so signing out ends the session for good, even if the
cookie was copied, and a deactivated account is signed out at once. Every session, signed in
or not, carries a CSRF token, so the sign-in form itself is protected too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.config import Settings
from reunify.domain import Role
from reunify.store import tables as t
from reunify.store import users
from reunify.store.pages_tables import StaffSession
from reunify.web.deps import SessionDep, Staff, current_staff, staff_for_user
from reunify.web.errors import error_response

COOKIE_NAME = "reunify_session"
CSRF_FIELD = "csrf_token"
_SALT = "reunify.pages.session"


@dataclass(frozen=True, slots=True)
class PageSession:
    """What the cookie says: a CSRF token always; a session id once signed in."""

    csrf: str
    sid: str | None = None

    @classmethod
    def anonymous(cls) -> PageSession:
        return cls(csrf=secrets.token_urlsafe(32))


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=_SALT)


def _max_age(settings: Settings) -> int:
    return settings.token_ttl_hours * 3600


def read_session(request: Request) -> PageSession:
    """The request's session, or a fresh anonymous one (remembered for ``write_session``)."""
    cached = getattr(request.state, "page_session", None)
    if isinstance(cached, PageSession):
        return cached
    settings: Settings = request.app.state.settings
    raw = request.cookies.get(COOKIE_NAME, "")
    page_session = PageSession.anonymous()
    if raw:
        try:
            data: Any = _serializer(settings).loads(raw, max_age=_max_age(settings))
        except BadSignature:  # includes SignatureExpired
            data = None
        if isinstance(data, dict) and isinstance(data.get("csrf"), str):
            sid = data.get("sid")
            page_session = PageSession(csrf=data["csrf"], sid=sid if isinstance(sid, str) else None)
    request.state.page_session = page_session
    return page_session


def write_session(request: Request, response: Response, page_session: PageSession) -> None:
    settings: Settings = request.app.state.settings
    secure = (
        settings.cookie_secure
        if settings.cookie_secure is not None
        else settings.environment == "production"
    )
    value = _serializer(settings).dumps({"csrf": page_session.csrf, "sid": page_session.sid})
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=_max_age(settings),
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    request.state.page_session = page_session


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def sign_in(request: Request, response: Response, session: Session, user: t.User) -> None:
    """Record a new session (the caller commits) and hand its id out in the cookie."""
    sid = secrets.token_urlsafe(32)
    session.add(
        StaffSession(token_hash=_digest(sid), user_id=user.id, created_at=datetime.now(UTC))
    )
    # A new CSRF token at sign-in, so a token planted before sign-in is worthless after it.
    write_session(request, response, PageSession(secrets.token_urlsafe(32), sid))


def sign_out(request: Request, response: Response, session: Session) -> None:
    """End the session in the database (the caller commits) and forget it in the browser."""
    row = _live_row(request, session)
    if row is not None:
        row.ended_at = datetime.now(UTC)
    write_session(request, response, PageSession.anonymous())


def _live_row(request: Request, session: Session) -> StaffSession | None:
    sid = read_session(request).sid
    if sid is None:
        return None
    settings: Settings = request.app.state.settings
    oldest = datetime.now(UTC) - timedelta(seconds=_max_age(settings))
    stmt = select(StaffSession).where(
        StaffSession.token_hash == _digest(sid),
        StaffSession.ended_at.is_(None),
        StaffSession.created_at > oldest,
    )
    return session.scalars(stmt).one_or_none()


def csrf_ok(request: Request, submitted: str) -> bool:
    return bool(submitted) and hmac.compare_digest(read_session(request).csrf, submitted)


class SignInRequired(Exception):
    """Raised by page dependencies; answered by a redirect to /signin (or JSON 401)."""


class PageError(Exception):
    """A page refuses: answered as an HTML page, or the one error shape for ``?format=json``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def wants_json(request: Request) -> bool:
    return request.query_params.get("format") == "json"


def session_staff(request: Request, session: SessionDep) -> Staff | None:
    """The signed-in staff member from the cookie, or from a bearer token for JSON clients."""
    row = _live_row(request, session)
    if row is not None:
        user = users.get_by_id(session, row.user_id)
        if user is not None and user.active:
            return staff_for_user(user)
    if request.headers.get("authorization"):
        return current_staff(request, session)
    return None


def page_staff(request: Request, session: SessionDep) -> Staff:
    staff = session_staff(request, session)
    if staff is None:
        raise SignInRequired
    return staff


PageStaff = Annotated[Staff, Depends(page_staff)]


def allow(staff: Staff, *roles: Role) -> None:
    if staff.role not in roles:
        raise PageError(403, "This page is not for your role.")


async def _sign_in_required(request: Request, _: Exception) -> Response:
    if wants_json(request):
        return error_response(401, "session: sign in first", headers={"WWW-Authenticate": "Bearer"})
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/signin?next={_quote(target)}", status_code=303)


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


def safe_next(target: str | None) -> str | None:
    """Only local paths: an open redirect after sign-in would hand phishers a trusted link."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def install(app: FastAPI) -> None:
    app.add_exception_handler(SignInRequired, _sign_in_required)
