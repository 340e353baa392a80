from __future__ import annotations

from pydantic import AwareDatetime, Field

from reunify.domain import Condition, Status
from reunify.web.schemas.common import Input, RowId
from reunify.web.schemas.facilities import LocationIn


class MovementCreate(Input):
    person_id: RowId
    status: Status
    occurred_at: AwareDatetime = Field(description="When it happened (with a UTC offset)")
    facility: str | None = Field(None, description="Facility code")
    location: LocationIn = Field(default_factory=LocationIn)
    condition: Condition | None = None
    destination: str | None = Field(None, description="Facility code, for in_transit")
    source_ref: str | None = Field(
        None, max_length=200, description="The sender's id for this fact; repeats are ignored"
    )
    note: str = Field("", max_length=2000)
