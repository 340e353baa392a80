from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from reunify.accounts.passwords import verify_password
from reunify.store import audit, users
from reunify.web.deps import SessionDep
from reunify.web.schemas.common import Input

router = APIRouter(prefix="/auth", tags=["auth"])


class TokenRequest(Input):
    username: str = Field(min_length=1)
    password: str = Field(min_length=1)


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type name
    expires_at: datetime


@router.post("/token", operation_id="issue_token", response_model=TokenPublic)
def issue_token(body: TokenRequest, request: Request, session: SessionDep) -> TokenPublic:
    """Exchange a staff username and password for a bearer token."""
    user = users.get_by_username(session, body.username)
    if user is None or not user.active or not verify_password(user.password_hash, body.password):
        raise HTTPException(401, "username or password: not recognised")
    ttl = timedelta(hours=request.app.state.settings.token_ttl_hours)
    token = users.issue_token(session, user, "api login", ttl)
    audit.record_event(
        session,
        "staff:user:login",
        actor=f"staff/{user.username}",
        subject_type="user",
        subject_id=user.id,
    )
    session.commit()
    return TokenPublic(access_token=token, expires_at=datetime.now(UTC) + ttl)
