"""The bed board: facility staff keep HAvBED counts current; the dashboard reads them."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from reunify import domain
from reunify.domain import BedType, Role
from reunify.store import audit, facilities
from reunify.web import sessions
from reunify.web.deps import SessionDep
from reunify.web.pages.rendering import render
from reunify.web.pages.scope import FacilityChoice, pick_facility

router = APIRouter(tags=["pages"], include_in_schema=False)
_ROLES = (Role.FACILITY_STAFF, Role.ADMIN)

BED_LABELS = {
    BedType.ADULT_ICU: "Adult ICU",
    BedType.MEDICAL_SURGICAL: "Medical / surgical",
    BedType.BURN: "Burn",
    BedType.PAEDIATRIC_ICU: "Paediatric ICU",
    BedType.PAEDIATRICS: "Paediatrics",
    BedType.PSYCHIATRIC: "Psychiatric",
    BedType.ISOLATION: "Isolation",
    BedType.OPERATING_ROOMS: "Operating rooms",
}


class BedRow(BaseModel):
    bed_type: BedType
    label: str
    total: int | None = None
    available: int | None = None
    updated_at: datetime | None = None
    error: str = ""


class BedsPage(BaseModel):
    facility_code: str
    facility: str
    timezone: str
    facilities: list[FacilityChoice]
    rows: list[BedRow]
    saved: bool = False
    error: str = ""


def _rows(session: SessionDep, facility_id: int) -> list[BedRow]:
    stored = {b.bed_type: b for b in facilities.beds(session, facility_id)}
    rows = []
    for bed_type in BedType:
        b = stored.get(bed_type.value)
        rows.append(
            BedRow(
                bed_type=bed_type,
                label=BED_LABELS[bed_type],
                total=b.total if b else None,
                available=b.available if b else None,
                updated_at=b.updated_at if b else None,
            )
        )
    return rows


@router.get("/beds")
def beds_page(
    request: Request,
    session: SessionDep,
    staff: sessions.PageStaff,
    facility: str | None = None,
    saved: bool = False,
) -> Response:
    sessions.allow(staff, *_ROLES)
    row, choices = pick_facility(session, staff, facility)
    page = BedsPage(
        facility_code=row.code,
        facility=row.name,
        timezone=row.timezone,
        facilities=choices,
        rows=_rows(session, row.id),
        saved=saved,
    )
    return render(request, "pages/beds.html", page, staff=staff)


def _number(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValueError
    return int(text)


@router.post("/beds")
async def beds_submit(request: Request, session: SessionDep, staff: sessions.PageStaff) -> Response:
    sessions.allow(staff, *_ROLES)
    form = await request.form()

    def field(name: str) -> str:
        return str(form.get(name, ""))

    row, choices = pick_facility(session, staff, field("facility") or None)
    page = BedsPage(
        facility_code=row.code,
        facility=row.name,
        timezone=row.timezone,
        facilities=choices,
        rows=_rows(session, row.id),
    )
    if not sessions.csrf_ok(request, field(sessions.CSRF_FIELD)):
        page.error = "The form expired. Enter the counts again."
        return render(request, "pages/beds.html", page, staff=staff, status_code=400)
    counts: list[domain.BedCount] = []
    for bed in page.rows:
        raw_total, raw_free = field(f"total_{bed.bed_type}"), field(f"available_{bed.bed_type}")
        try:
            total, available = _number(raw_total), _number(raw_free)
            if total is None and available is None:
                continue
            counts.append(domain.BedCount(bed.bed_type, total or 0, available or 0))
            bed.total, bed.available = total, available
        except ValueError:
            bed.error = "Whole numbers only."
        except domain.DomainError as exc:
            bed.error = f"Free beds {exc.problem}." if "available" in exc.field else exc.problem
    if any(bed.error for bed in page.rows):
        page.error = "Some counts were not saved; see below."
        return render(request, "pages/beds.html", page, staff=staff, status_code=422)
    facilities.set_beds(session, row.id, counts)
    audit.record_event(
        session,
        "staff:facility:beds",
        actor=staff.actor,
        subject_type="facility",
        subject_id=row.id,
        data={c.bed_type.value: c.available for c in counts},
    )
    session.commit()
    return RedirectResponse(f"/beds?facility={row.code}&saved=true", status_code=303)
