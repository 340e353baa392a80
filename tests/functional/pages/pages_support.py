"""Helpers for the page tests: staff with passwords, and signing in through the real form."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from reunify.accounts.passwords import hash_password
from reunify.domain import Role
from reunify.store import tables as t

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_user(
    session: Session, username: str, role: Role, facilities: tuple[str, ...] = ()
) -> t.User:
    user = t.User(
        username=username,
        role=role.value,
        password_hash=hash_password(PASSWORD),
        created_at=datetime.now(UTC),
    )
    for code in facilities:
        facility = session.query(t.Facility).filter_by(code=code).one()
        user.facilities.append(t.UserFacility(facility_id=facility.id))
    session.add(user)
    session.commit()
    return user


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    token = csrf_from(client.get("/signin").text)
    response = client.post(
        "/signin",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def csrf(client: TestClient, path: str) -> str:
    return csrf_from(client.get(path).text)
