"""The numbers behind the incident dashboard, read from whereabouts, movements and bed counts."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from reunify.domain import Status
from reunify.domain.disclosure import StaffTask
from reunify.store import families_tables as ft
from reunify.store import tables as t

IN_FACILITY = frozenset({Status.EMERGENCY_DEPARTMENT.value, Status.ADMITTED.value})


def _live_people(incident_id: int) -> Select[int]:
    """The incident's people, less records merged into another."""
    return select(t.Person.id).where(
        t.Person.incident_id == incident_id, t.Person.merged_into_id.is_(None)
    )


def status_counts(session: Session, incident_id: int) -> Counter[str]:
    stmt = (
        select(t.Whereabouts.status, func.count())
        .where(t.Whereabouts.person_id.in_(_live_people(incident_id)))
        .group_by(t.Whereabouts.status)
    )
    return Counter({row[0]: row[1] for row in session.execute(stmt).all()})


def facility_status_counts(session: Session, incident_id: int) -> dict[int, Counter[str]]:
    """People now at (or headed to) each facility, by status."""
    place = func.coalesce(t.Whereabouts.facility_id, t.Whereabouts.destination_id)
    stmt = (
        select(place, t.Whereabouts.status, func.count())
        .where(t.Whereabouts.person_id.in_(_live_people(incident_id)), place.is_not(None))
        .group_by(place, t.Whereabouts.status)
    )
    out: dict[int, Counter[str]] = {}
    for facility_id, status, n in session.execute(stmt).all():
        out.setdefault(facility_id, Counter())[status] = n
    return out


TransitRow = tuple[int, int | None, datetime | None, str | None]


def in_transit(session: Session, incident_id: int) -> list[TransitRow]:
    """(person id, destination facility id, since, condition) of everyone being moved."""
    stmt = (
        select(
            t.Whereabouts.person_id,
            t.Whereabouts.destination_id,
            t.Whereabouts.since,
            t.Whereabouts.condition,
        )
        .where(
            t.Whereabouts.person_id.in_(_live_people(incident_id)),
            t.Whereabouts.status == Status.IN_TRANSIT.value,
        )
        .order_by(t.Whereabouts.since)
    )
    return [(r[0], r[1], r[2], r[3]) for r in session.execute(stmt).all()]


UnmatchedRow = tuple[int, str, dict[str, object], str, datetime, bool]
_REVIEWS = (StaffTask.REVIEW_UNCERTAIN_MATCH.value, StaffTask.UNIDENTIFIED_CANDIDATE.value)


def unmatched_inquiries(
    session: Session, incident_id: int, limit: int = 20
) -> tuple[int, list[UnmatchedRow]]:
    """Open inquiries of this incident (or of none yet: nobody matched them at all), and the
    latest ``limit`` as (id, public id, sought, band, asked at, waiting for an officer)."""
    where = (ft.Inquiry.state == "open") & (
        (ft.Inquiry.incident_id == incident_id) | ft.Inquiry.incident_id.is_(None)
    )
    count = session.scalar(select(func.count()).select_from(ft.Inquiry).where(where)) or 0
    reviewed = (
        select(ft.Task.id)
        .where(
            ft.Task.inquiry_id == ft.Inquiry.id,
            ft.Task.state == "open",
            ft.Task.kind.in_(_REVIEWS),
        )
        .exists()
    )
    stmt = (
        select(
            ft.Inquiry.id,
            ft.Inquiry.public_id,
            ft.Inquiry.sought,
            ft.Inquiry.band,
            ft.Inquiry.created_at,
            reviewed,
        )
        .where(where)
        .order_by(ft.Inquiry.created_at.desc(), ft.Inquiry.id.desc())
        .limit(limit)
    )
    rows = [(r[0], r[1], dict(r[2] or {}), r[3], r[4], bool(r[5])) for r in session.execute(stmt)]
    return int(count), rows


class Timeline:
    """Counts at evenly spaced instants, replayed from movements in event-time order.

    One pass over the incident's movements (sorted once), so it stays linear in their number.
    """

    def __init__(self, times: list[datetime]) -> None:
        self.times = times
        self.by_status: dict[str, list[int]] = {}
        self.by_facility: dict[int, list[int]] = {}


def timeline(session: Session, incident_id: int, start: datetime, points: int = 25) -> Timeline:
    stmt = select(
        t.Movement.id,
        t.Movement.person_id,
        t.Movement.status,
        t.Movement.facility_id,
        t.Movement.occurred_at,
        t.Movement.recorded_at,
        t.Movement.cancels_id,
    ).where(t.Movement.person_id.in_(_live_people(incident_id)))
    rows = session.execute(stmt).all()
    cancelled = {r.cancels_id for r in rows if r.cancels_id is not None}
    effective = sorted(
        (r for r in rows if r.cancels_id is None and r.id not in cancelled),
        key=lambda r: (r.occurred_at, r.recorded_at, r.id),
    )
    end = max([start, *(r.occurred_at for r in effective)])
    step = max((end - start) / (points - 1), timedelta(minutes=1))
    result = Timeline([start + step * i for i in range(points)])
    state: dict[int, tuple[str, int | None]] = {}
    statuses: Counter[str] = Counter()
    places: Counter[int] = Counter()
    cursor = 0
    for index, instant in enumerate(result.times):
        while cursor < len(effective) and effective[cursor].occurred_at <= instant:
            row = effective[cursor]
            cursor += 1
            before = state.get(row.person_id)
            if before is not None:
                statuses[before[0]] -= 1
                if before[0] in IN_FACILITY and before[1] is not None:
                    places[before[1]] -= 1
            state[row.person_id] = (row.status, row.facility_id)
            statuses[row.status] += 1
            if row.status in IN_FACILITY and row.facility_id is not None:
                places[row.facility_id] += 1
        for status, n in statuses.items():
            result.by_status.setdefault(status, [0] * points)[index] = n
        for facility_id, n in places.items():
            result.by_facility.setdefault(facility_id, [0] * points)[index] = n
    return result
