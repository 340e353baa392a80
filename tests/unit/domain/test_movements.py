from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reunify.domain import Condition, DomainError, Location, Movement, Status, project_whereabouts

T0 = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)


def move(
    status: Status,
    minutes: int,
    *,
    arrived: int | None = None,
    mid: int = 0,
    facility: str | None = "SPH",
    location: Location | None = None,
    condition: Condition | None = None,
    cancels: int | None = None,
) -> Movement:
    return Movement(
        id=mid or None,
        person_id=1,
        status=status,
        occurred_at=T0 + timedelta(minutes=minutes),
        recorded_at=T0 + timedelta(minutes=arrived if arrived is not None else minutes),
        facility_code=facility,
        location=location or Location(),
        condition=condition,
        cancels=cancels,
    )


ICU = Location(unit="ICU", room="12")
ROOM = Location(unit="7W", room="778", floor="7")


def test_no_movements_means_unknown() -> None:
    where = project_whereabouts(1, [])
    assert where.status is Status.UNKNOWN
    assert where.since is None


def test_latest_event_time_wins_over_arrival_order() -> None:
    newer = move(Status.ADMITTED, 60, location=ROOM, mid=1)
    late_older = move(Status.ADMITTED, 10, arrived=120, location=ICU, mid=2)
    where = project_whereabouts(1, [newer, late_older])
    assert where.location == ROOM
    assert [m.id for m in where.history] == [2, 1]


def test_equal_event_times_are_ordered_by_arrival() -> None:
    first = move(Status.ADMITTED, 10, arrived=10, location=ICU, mid=1)
    second = move(Status.ADMITTED, 10, arrived=11, location=ROOM, mid=2)
    assert project_whereabouts(1, [second, first]).location == ROOM


def test_condition_is_carried_forward_while_in_care_only() -> None:
    admitted = move(Status.ADMITTED, 0, location=ICU, condition=Condition.CRITICAL, mid=1)
    moved = move(Status.ADMITTED, 30, location=ROOM, mid=2)
    assert project_whereabouts(1, [admitted, moved]).condition is Condition.CRITICAL
    discharged = move(Status.DISCHARGED, 60, mid=3)
    assert project_whereabouts(1, [admitted, moved, discharged]).condition is None


def test_a_cancelled_movement_drops_out_and_the_earlier_place_returns() -> None:
    icu = move(Status.ADMITTED, 0, location=ICU, mid=1)
    transfer = move(Status.ADMITTED, 30, location=ROOM, mid=2)
    cancel = move(Status.ADMITTED, 30, arrived=40, location=ICU, mid=3, cancels=2)
    where = project_whereabouts(1, [icu, transfer, cancel])
    assert where.location == ICU
    assert [m.id for m in where.history] == [1]


def test_admitted_needs_a_facility() -> None:
    with pytest.raises(DomainError, match="facility"):
        move(Status.ADMITTED, 0, facility=None)


def test_times_need_an_offset() -> None:
    with pytest.raises(DomainError, match="occurred_at"):
        Movement(
            person_id=1, status=Status.AT_SCENE, occurred_at=datetime(2026, 1, 1), recorded_at=T0
        )


def test_only_transit_has_a_destination() -> None:
    with pytest.raises(DomainError, match="destination"):
        Movement(
            person_id=1,
            status=Status.ADMITTED,
            occurred_at=T0,
            recorded_at=T0,
            facility_code="SPH",
            destination_code="SGMW",
        )
