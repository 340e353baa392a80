"""Inquiries that may describe an unidentified patient or decedent go to staff, never to a page.

A relative describing "a nurse, about 50, short grey hair" cannot be matched by name to a
record known only as "Juniper Doe". When an inquiry gets no confident match but carries a
description, every unidentified person whose sex and age do not contradict it becomes a
review task for a reunification officer; the seeker's answer does not change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.domain import AgeRange, Sex
from reunify.domain.disclosure import StaffTask
from reunify.families import tasks
from reunify.families.candidates import Sought, person_age
from reunify.store import families_tables as ft
from reunify.store import tables as t

_AGE_SLACK = 5  # years: a relative's guess against an examiner's estimate
_MAX_TASKS = 5


def fits(person: t.Person, sex: Sex, wanted: AgeRange | None, on: date) -> bool:
    """Sex and age do not contradict: the one test of "could this be them" for an
    unidentified person, used by inquiries and by the centre's description search."""
    if sex in (Sex.MALE, Sex.FEMALE) and person.sex not in (sex.value, "unknown"):
        return False
    age = person_age(person, on)
    return wanted is None or age is None or wanted.gap(age) <= _AGE_SLACK


def unidentified_people(session: Session) -> list[t.Person]:
    stmt = select(t.Person).where(
        t.Person.unidentified.is_(True), t.Person.merged_into_id.is_(None)
    )
    return list(session.scalars(stmt.order_by(t.Person.id)))


def possible_unidentified(session: Session, sought: Sought) -> list[t.Person]:
    """Unidentified people the description could fit (sex and age do not contradict)."""
    if not sought.description:
        return []
    today = datetime.now(UTC).date()
    wanted = sought.age or (sought.birth_date.age_range(today) if sought.birth_date else None)
    return [p for p in unidentified_people(session) if fits(p, sought.sex, wanted, today)]


def route_to_staff(session: Session, inquiry: ft.Inquiry, sought: Sought) -> int:
    """Open one review task per unidentified person the inquiry may describe."""
    found = possible_unidentified(session, sought)[:_MAX_TASKS]
    for person in found:
        tasks.open_task(
            session,
            StaffTask.UNIDENTIFIED_CANDIDATE,
            person_id=person.id,
            inquiry_id=inquiry.id,
            incident_id=person.incident_id,
            summary=f"Inquiry may describe an unidentified person: {sought.description[:200]}",
        )
    return len(found)
