from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from reunify.domain import BedType, FacilityKind
from reunify.web.schemas.common import Input


class FacilityCreate(Input):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=200)
    kind: FacilityKind = FacilityKind.HOSPITAL
    city: str = ""
    timezone: str = "UTC"
    phone: str = ""


class FacilityPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    kind: str
    city: str
    timezone: str
    phone: str


class LocationIn(Input):
    unit: str = Field("", max_length=80)
    room: str = Field("", max_length=40)
    bed: str = Field("", max_length=40)
    building: str = Field("", max_length=80)
    floor: str = Field("", max_length=40)
    description: str = Field("", max_length=200)


class LocationPublic(BaseModel):
    id: int
    unit: str
    room: str
    bed: str
    building: str
    floor: str
    description: str
    display: str


class BedCountIn(Input):
    bed_type: BedType
    total: int = Field(ge=0, le=1_000_000)
    available: int = Field(ge=0, le=1_000_000)


class BedCountPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    bed_type: str
    total: int
    available: int
    updated_at: datetime
