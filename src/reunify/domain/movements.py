"""Movements are append-only facts; whereabouts are what they add up to.

A movement says "person P was at place L with status S from time T", from one source.
Whereabouts are projected by the time the event *happened*, not the time it arrived,
so a late message about an earlier moment lands in the history without overwriting a
newer location.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from reunify.domain.errors import DomainError
from reunify.domain.facilities import Location
from reunify.domain.types import Condition, Status

# A condition is only carried forward while the person stays in care; it says nothing
# once they are discharged, dead or safe at home.
_CARE_STATUSES = frozenset({Status.EMERGENCY_DEPARTMENT, Status.ADMITTED, Status.IN_TRANSIT})


@dataclass(frozen=True, slots=True)
class Movement:
    person_id: int
    status: Status
    occurred_at: datetime
    recorded_at: datetime
    facility_code: str | None = None
    location: Location = field(default_factory=Location)
    condition: Condition | None = None
    destination_code: str | None = None
    source: str = "staff"
    source_ref: str | None = None
    note: str = ""
    cancels: int | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None:
            raise DomainError("occurred_at", "needs a time zone offset")
        if self.recorded_at.tzinfo is None:
            raise DomainError("recorded_at", "needs a time zone offset")
        if self.status in (Status.ADMITTED, Status.EMERGENCY_DEPARTMENT) and not self.facility_code:
            raise DomainError(
                "facility", f"a person who is {self.status.value} must be at a facility"
            )
        if self.destination_code and self.status is not Status.IN_TRANSIT:
            raise DomainError("destination", "only a person in transit has a destination")

    @property
    def order_key(self) -> tuple[datetime, datetime, int]:
        return (self.occurred_at, self.recorded_at, self.id or 0)


@dataclass(frozen=True, slots=True)
class Whereabouts:
    """The current state of one person, and the movements it was built from, oldest first."""

    person_id: int
    status: Status
    since: datetime | None
    facility_code: str | None = None
    location: Location = field(default_factory=Location)
    condition: Condition | None = None
    destination_code: str | None = None
    last_movement_id: int | None = None
    history: tuple[Movement, ...] = ()


def order_movements(movements: Iterable[Movement]) -> list[Movement]:
    """Effective movements in event-time order; cancelled ones and the cancels drop out."""
    items = list(movements)
    cancelled = {m.cancels for m in items if m.cancels is not None}
    effective = [m for m in items if m.cancels is None and (m.id is None or m.id not in cancelled)]
    return sorted(effective, key=lambda m: m.order_key)


def project_whereabouts(person_id: int, movements: Sequence[Movement]) -> Whereabouts:
    """Fold a person's movements into where they are now."""
    history = order_movements(movements)
    if not history:
        return Whereabouts(person_id=person_id, status=Status.UNKNOWN, since=None)
    current = history[-1]
    condition = current.condition
    if condition is None and current.status in _CARE_STATUSES:
        for earlier in reversed(history[:-1]):
            if earlier.status not in _CARE_STATUSES:
                break
            if earlier.condition is not None:
                condition = earlier.condition
                break
    if current.status not in _CARE_STATUSES:
        condition = None
    return Whereabouts(
        person_id=person_id,
        status=current.status,
        since=current.occurred_at,
        facility_code=current.facility_code,
        location=current.location,
        condition=condition,
        destination_code=current.destination_code,
        last_movement_id=current.id,
        history=tuple(history),
    )


def with_id(movement: Movement, movement_id: int) -> Movement:
    return replace(movement, id=movement_id)
