"""Which Reunify facility an HL7 sending facility (MSH-4, PV1-3.4) names.

A name matches a facility code case-insensitively, else an alias row (``hl7_facility_aliases``).
The map is read once per batch of messages; it is small.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.domain.errors import NotFound
from reunify.domain.text import fold
from reunify.interop.hl7v2 import ErrorCode, Hl7Error
from reunify.store import facilities
from reunify.store import hl7_tables as h
from reunify.store import tables as t


@dataclass(frozen=True, slots=True)
class FacilityRef:
    id: int
    code: str
    timezone: str


@dataclass(frozen=True, slots=True)
class FacilityMap:
    by_name: dict[str, FacilityRef]

    @classmethod
    def load(cls, session: Session) -> FacilityMap:
        refs = {
            f.id: FacilityRef(f.id, f.code, f.timezone) for f in session.scalars(select(t.Facility))
        }
        by_name = {fold(ref.code): ref for ref in refs.values()}
        for alias in session.scalars(select(h.Hl7FacilityAlias)):
            if alias.facility_id in refs:
                by_name.setdefault(alias.hl7_code, refs[alias.facility_id])
        return cls(by_name)

    def get(self, name: str) -> FacilityRef | None:
        return self.by_name.get(fold(name)) if name.strip() else None

    def resolve(self, name: str, segment: str, field_index: int, component: int = 0) -> FacilityRef:
        """The facility, or an AE naming the field that held the unknown name."""
        ref = self.get(name)
        if ref is None:
            raise Hl7Error(
                segment, field_index, ErrorCode.TABLE_VALUE_NOT_FOUND,
                f"{name or '(empty)'!r} is not a known facility code or alias",
                component=component,
            )  # fmt: skip
        return ref

    def timezone(self, name: str, default: tzinfo) -> tzinfo:
        ref = self.get(name)
        if ref is None:
            return default
        try:
            return ZoneInfo(ref.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return default


def set_alias(session: Session, hl7_code: str, facility_code: str) -> h.Hl7FacilityAlias:
    """Map a sending-facility name to a facility (replacing an older mapping of that name)."""
    facility = facilities.get_by_code(session, facility_code)
    if facility is None:
        raise NotFound("facility", f"no facility with code {facility_code!r}")
    key = fold(hl7_code)
    row = session.scalars(
        select(h.Hl7FacilityAlias).where(h.Hl7FacilityAlias.hl7_code == key)
    ).one_or_none()
    if row is None:
        row = h.Hl7FacilityAlias(hl7_code=key, facility_id=facility.id)
        session.add(row)
    row.facility_id = facility.id
    session.flush()
    return row
