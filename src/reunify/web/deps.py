"""Dependencies: the database session and the signed-in staff member."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.domain import Role
from reunify.domain.errors import DomainError, NotFound
from reunify.store import Database, users
from reunify.store import tables as t


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_session(request: Request) -> Iterator[Session]:
    """A session per request. Handlers that write call ``session.commit()`` before answering,
    so a failed commit is never reported as success."""
    factory = request.app.state.session_factory
    session: Session = factory()
    try:
        yield session
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def refuse_nul(request: Request) -> None:
    """No text a person types holds a NUL, and PostgreSQL cannot store one: refuse it by name
    before it reaches a query (it used to be a 500 there). Bodies are checked by their models."""
    for kind, items in (
        ("query", request.query_params.multi_items()),
        ("path", request.path_params.items()),
    ):
        for name, value in items:
            if "\x00" in str(value):
                raise DomainError(f"{kind}.{name}", "must not contain a NUL character")


@dataclass(frozen=True)
class Staff:
    """The staff member behind a request, with the facilities their role is scoped to."""

    user_id: int
    username: str
    role: Role
    facility_ids: frozenset[int]

    @property
    def actor(self) -> str:
        return f"staff/{self.username}"

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.ADMIN, Role.REUNIFICATION_OFFICER)

    def may_act_at(self, facility_id: int | None) -> bool:
        return self.sees_everything or (
            facility_id is not None and facility_id in self.facility_ids
        )


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def _bearer_user(request: Request, session: Session) -> t.User:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("authorization: a staff bearer token is required")
    user = users.user_for_token(session, token.strip())
    if user is None:
        raise _unauthorized("authorization: the token is unknown, expired or revoked")
    return user


def current_staff(request: Request, session: SessionDep) -> Staff:
    staff = staff_for_user(_bearer_user(request, session))
    if staff.role is Role.REGISTRY:
        # Another registry's machine account exchanges PFIF and nothing else.
        raise HTTPException(403, "role: a registry client may use only the PFIF exchange")
    return staff


def current_client(request: Request, session: SessionDep) -> Staff:
    """Staff or a registry client: for the PFIF exchange only."""
    return staff_for_user(_bearer_user(request, session))


def staff_for_user(user: t.User) -> Staff:
    """The one way a user row becomes a ``Staff`` (bearer tokens and page sessions alike)."""
    return Staff(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        facility_ids=frozenset(f.facility_id for f in user.facilities),
    )


StaffDep = Annotated[Staff, Depends(current_staff)]
ClientDep = Annotated[Staff, Depends(current_client)]


def require(*roles: Role) -> Callable[[Staff], Staff]:
    def check(staff: StaffDep) -> Staff:
        if staff.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise HTTPException(403, f"role: this needs one of {allowed}")
        return staff

    return check


AdminDep = Annotated[Staff, Depends(require(Role.ADMIN))]


def check_person_visible(session: Session, staff: Staff, person_id: int) -> None:
    """Facility staff see only people who have been at, or are headed to, their facilities.

    Anyone else is answered exactly like a person who does not exist.
    """
    if staff.sees_everything:
        return
    stmt = (
        select(t.Movement.id)
        .where(t.Movement.person_id == person_id)
        .where(
            t.Movement.facility_id.in_(staff.facility_ids)
            | t.Movement.destination_id.in_(staff.facility_ids)
        )
        .limit(1)
    )
    if session.scalars(stmt).first() is None:
        raise NotFound("person_id", f"no person {person_id}")
