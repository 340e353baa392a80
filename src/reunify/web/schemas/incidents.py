from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from reunify.web.schemas.common import Input


class IncidentCreate(Input):
    slug: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1, max_length=200)
    started_at: AwareDatetime
    timezone: str = "UTC"
    fac_name: str = ""
    fac_phone: str = ""
    fac_address: str = ""


class IncidentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    slug: str
    name: str
    started_at: datetime
    closed_at: datetime | None
    timezone: str
    fac_name: str
    fac_phone: str
    fac_address: str
