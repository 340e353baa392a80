"""What the families layer does when a person's whereabouts change, inside the same
transaction: tell the seekers who follow them, and look for open inquiries the person answers.

``tracking.service.record_movement`` calls ``on_whereabouts_changed`` after it re-projects.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from reunify.domain.disclosure import Band, StaffTask
from reunify.domain.text import fold
from reunify.families import subscriptions, tasks
from reunify.families.candidates import family_key, find_candidates
from reunify.families.disclose import band_for
from reunify.families.inquiries import sought_of
from reunify.store import audit, people
from reunify.store import families_tables as ft
from reunify.store import tables as t


def on_whereabouts_changed(session: Session, person_id: int) -> None:
    """Queue notifications for this change and match the person to open inquiries."""
    where = session.get(t.Whereabouts, person_id)
    change = f"m{where.last_movement_id}" if where is not None else "m0"
    for sub in subscriptions.following(session, person_id):
        subscriptions.notify_if_changed(session, sub, change)
    match_open_inquiries(session, person_id)


def may_concern(session: Session, person_id: int) -> bool:
    """Whether ``on_whereabouts_changed`` could do anything for this person: someone follows
    them, or an open inquiry (of any incident) carries one of their family keys.

    A cheap test (the names, one query) that a bulk writer (the HL7 feed) runs first; it
    must stay a superset of what the hook looks at.
    """
    person = session.get(t.Person, person_id)
    if person is None:
        return False
    keys = {family_key(fold(n.family)) for n in person.names if n.family}
    followed = exists().where(
        ft.Subscription.person_id == person_id, ft.Subscription.active.is_(True)
    )
    if not keys:
        return bool(session.scalar(select(followed)))
    asked = exists().where(ft.Inquiry.state == "open", ft.Inquiry.family_key.in_(sorted(keys)))
    return bool(session.scalar(select(or_(followed, asked))))


def match_open_inquiries(session: Session, person_id: int) -> int:
    """Link open inquiries this person now confidently answers; uncertain ones go to staff.

    An inquiry is re-asked in full (not only against this person), so a namesake who is
    nearly as good keeps the match uncertain exactly as it would for a fresh inquiry.
    """
    person = people.get(session, person_id)
    if person is None:
        return 0
    keys = {family_key(fold(n.family)) for n in person.names if n.family}
    if not keys:
        return 0
    stmt = select(ft.Inquiry).where(
        ft.Inquiry.state == "open",
        ft.Inquiry.family_key.in_(sorted(keys)),
        or_(ft.Inquiry.incident_id.is_(None), ft.Inquiry.incident_id == person.incident_id),
    )
    linked = 0
    for inquiry in session.scalars(stmt).all():
        sought = sought_of(inquiry)
        banded = band_for(sought, find_candidates(session, sought))
        if banded.candidate is None or banded.candidate.person_id != person_id:
            continue
        if not banded.match.enough_detail:
            continue
        if banded.match.band is Band.UNCERTAIN:
            tasks.open_task(
                session,
                StaffTask.REVIEW_UNCERTAIN_MATCH,
                person_id=person_id,
                inquiry_id=inquiry.id,
                incident_id=person.incident_id,
            )
            continue
        link(session, inquiry, person_id, person.incident_id)
        linked += 1
    return linked


def link(session: Session, inquiry: ft.Inquiry, person_id: int, incident_id: int) -> None:
    """Mark an open inquiry as answered by a person, and tell whoever follows it."""
    inquiry.state = "matched"
    inquiry.person_id = person_id
    inquiry.incident_id = incident_id
    inquiry.band = Band.CONFIDENT.value
    inquiry.updated_at = datetime.now(UTC)
    audit.record_event(
        session,
        "families:inquiry:match",
        actor="system/families",
        subject_type="inquiry",
        subject_id=inquiry.id,
        incident_id=incident_id,
        data={"person_id": person_id},
    )
    for sub in subscriptions.of_inquiry(session, inquiry.id):
        sub.person_id = person_id
        subscriptions.notify_if_changed(session, sub, f"match{person_id}")
