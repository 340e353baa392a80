"""Staff users and their bearer tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from reunify.accounts import tokens
from reunify.store import tables as t


def get_by_username(session: Session, username: str) -> t.User | None:
    stmt = (
        select(t.User).where(t.User.username == username).options(selectinload(t.User.facilities))
    )
    return session.scalars(stmt).one_or_none()


def get_by_id(session: Session, user_id: int) -> t.User | None:
    return session.get(t.User, user_id, options=[selectinload(t.User.facilities)])


def issue_token(session: Session, user: t.User, name: str, ttl: timedelta | None) -> str:
    """Create a token and return it; only its digest is stored, so it is shown this once."""
    token = tokens.new_token()
    now = datetime.now(UTC)
    session.add(
        t.ApiToken(
            user_id=user.id,
            name=name,
            token_hash=tokens.digest(token),
            created_at=now,
            expires_at=now + ttl if ttl else None,
        )
    )
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> t.User | None:
    row = session.scalars(
        select(t.ApiToken).where(t.ApiToken.token_hash == tokens.digest(token))
    ).one_or_none()
    now = datetime.now(UTC)
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    user = session.get(t.User, row.user_id, options=[selectinload(t.User.facilities)])
    if user is None or not user.active:
        return None
    return user
