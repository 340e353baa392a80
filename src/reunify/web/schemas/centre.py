"""Bodies of ``/api/v1/centre``: an officer's decisions. Read models are the families layer's
(``families.review``, ``identify``, ``minors``, ``death_notices``), shared with the pages."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from reunify.web.schemas.common import Input, RowId


class PairDecision(Input):
    decision: Literal["confirm", "reject"]
    keep: RowId | None = Field(None, description="Duplicates only: the record to keep")
    note: str = Field("", max_length=2000, description="How the officer decided")


class GuardianCreate(Input):
    name: str = Field(min_length=1, max_length=200)
    relationship: str = Field(max_length=80, description="parent, legal guardian, ...")
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)


class DeathNoticeCreate(Input):
    told_name: str = Field(min_length=1, max_length=200, description="Who was told")
    relationship: str = Field(min_length=1, max_length=80)
    told_at: AwareDatetime = Field(description="When, with a time zone")
    told_by: str = Field(min_length=1, max_length=200, description="Who told them")
    place: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)
    release: bool = Field(False, description="The family agrees the death may go to registries")
