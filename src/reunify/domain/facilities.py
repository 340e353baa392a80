"""Facilities and the places inside them."""

from __future__ import annotations

from dataclasses import dataclass

from reunify.domain.errors import DomainError
from reunify.domain.types import BedType, FacilityKind


@dataclass(frozen=True, slots=True)
class Location:
    """A place inside a facility, most general first (HL7 PL: building, floor, unit, room, bed)."""

    unit: str = ""
    room: str = ""
    bed: str = ""
    building: str = ""
    floor: str = ""
    description: str = ""

    @property
    def display(self) -> str:
        """What the front desk reads: ``"7W, room 778"`` or ``"ICU, room 12, bed A"``."""
        parts = [self.building] if self.building else []
        if self.unit:
            parts.append(self.unit)
        elif self.floor:
            parts.append(f"floor {self.floor}")
        if self.room:
            parts.append(f"room {self.room}")
        if self.bed:
            parts.append(f"bed {self.bed}")
        if not parts and self.description:
            parts.append(self.description)
        return ", ".join(parts)

    @property
    def is_empty(self) -> bool:
        return not any(
            (self.unit, self.room, self.bed, self.building, self.floor, self.description)
        )


@dataclass(frozen=True, slots=True)
class BedCount:
    """HAvBED counts for one bed type: staffed beds and how many are free now."""

    bed_type: BedType
    total: int
    available: int

    def __post_init__(self) -> None:
        if self.total < 0:
            raise DomainError("beds.total", "must not be negative")
        if not 0 <= self.available <= self.total:
            raise DomainError("beds.available", "must be between 0 and the total")


@dataclass(frozen=True, slots=True)
class Facility:
    code: str
    name: str
    kind: FacilityKind = FacilityKind.HOSPITAL
    city: str = ""
    timezone: str = "UTC"
    phone: str = ""

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise DomainError("code", "must not be empty")
        if not self.name.strip():
            raise DomainError("name", "must not be empty")
