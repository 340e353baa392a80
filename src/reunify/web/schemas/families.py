"""Request and response bodies of the families endpoints (inquiries, safe reports, tasks)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from reunify.domain import Sex
from reunify.web.schemas.common import Input, RowId


class SoughtIn(Input):
    """What the seeker remembers. A full name plus one more fact is needed for an answer."""

    name: str = Field("", max_length=200, description="Full name as the seeker spells it")
    given_name: str = Field("", max_length=120)
    family_name: str = Field("", max_length=120)
    age: int | str | None = Field(None, description="31, 30-35 or 'about 30'")
    date_of_birth: str = Field("", max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD")
    sex: Sex = Sex.UNKNOWN
    city: str = Field("", max_length=120)
    postcode: str = Field("", max_length=20)
    phone: str = Field("", max_length=40)
    description: str = Field("", max_length=2000)


class SeekerIn(Input):
    name: str = Field("", max_length=200)
    relationship: str = Field("", max_length=80)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    language: str = Field("en", max_length=16)


class InquiryCreate(Input):
    sought: SoughtIn
    seeker: SeekerIn = Field(default_factory=SeekerIn)


class InquiryAnswer(BaseModel):
    inquiry_id: str = Field(description="Opaque; fresh for every inquiry whatever the answer")
    answer: dict[str, Any] = Field(description="``kind`` and what the policy allows for it")


class SafeContactIn(Input):
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)


class SafeReportCreate(Input):
    """A person reporting themself safe."""

    name: str = Field("", max_length=200)
    given_name: str = Field("", max_length=120)
    family_name: str = Field("", max_length=120)
    age: int | str | None = None
    sex: Sex = Sex.UNKNOWN
    city: str = Field("", max_length=120)
    message: str = Field("", max_length=500)
    contact: SafeContactIn = Field(default_factory=SafeContactIn)
    incident: str = Field("", max_length=64, description="Incident slug; default: the current")


class SafeReportPublic(BaseModel):
    report_id: str
    since: datetime
    matched_inquiries: int = Field(description="Open inquiries this report answered")


class TaskCreate(Input):
    kind: str = Field(max_length=40)
    person_id: RowId | None = None
    summary: str = Field("", max_length=2000)


class TaskComplete(Input):
    outcome: str = Field("", max_length=2000)
    family_told: bool = False


class TaskPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    person_id: int | None
    inquiry_id: int | None
    summary: str
    state: str
    outcome: str
    family_told: bool
    done_by: str
    created_at: datetime
    done_at: datetime | None


class VerificationStart(Input):
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)


class VerificationConfirm(VerificationStart):
    code: str = Field(min_length=4, max_length=12)


class SeekerToken(BaseModel):
    seeker_token: str = Field(description="Send as X-Seeker-Token; it proves your email/phone")


class SubscriptionCreate(Input):
    language: str = Field("", max_length=16, description="Default: the inquiry's language")


class SubscriptionPublic(BaseModel):
    inquiry_id: str
    channel: str


class OutboxCounts(BaseModel):
    counts: dict[str, int] = Field(description="Messages per delivery state")
