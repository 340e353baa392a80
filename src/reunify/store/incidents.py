"""Incidents: one disaster each; people and movements belong to one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.store import tables as t


def get_by_slug(session: Session, slug: str) -> t.Incident | None:
    return session.scalars(select(t.Incident).where(t.Incident.slug == slug)).one_or_none()


def list_all(session: Session) -> list[t.Incident]:
    return list(session.scalars(select(t.Incident).order_by(t.Incident.started_at.desc())))


def current(session: Session) -> t.Incident | None:
    """The most recent open incident: what a bare command acts on when none is named."""
    stmt = (
        select(t.Incident)
        .where(t.Incident.closed_at.is_(None))
        .order_by(t.Incident.started_at.desc())
        .limit(1)
    )
    return session.scalars(stmt).one_or_none()
