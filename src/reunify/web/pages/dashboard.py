"""The incident dashboard: who is where now, how that changed, beds free, people being moved."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from reunify.domain import BedType, Role, Status
from reunify.store import audit, facilities, incidents, people
from reunify.store import tables as t
from reunify.web import sessions
from reunify.web.deps import SessionDep
from reunify.web.pages import dashboard_data as data
from reunify.web.pages.beds import BED_LABELS
from reunify.web.pages.charts import Chart, Series, lay_out
from reunify.web.pages.rendering import render

router = APIRouter(tags=["pages"], include_in_schema=False)
REFRESH_SECONDS = 60

STATUS_LABELS = {
    Status.AT_SCENE: "At the scene",
    Status.IN_TRANSIT: "In transit",
    Status.EMERGENCY_DEPARTMENT: "Emergency department",
    Status.ADMITTED: "Admitted",
    Status.DISCHARGED: "Discharged",
    Status.DECEASED: "Deceased",
    Status.REPORTED_SAFE: "Reported safe",
    Status.UNKNOWN: "Unknown",
}


class StatusCount(BaseModel):
    status: Status
    label: str
    count: int


class FacilityRow(BaseModel):
    code: str
    name: str
    counts: dict[str, int]
    total: int


class BedCell(BaseModel):
    bed_type: BedType
    label: str
    available: int
    total: int


class FacilityBeds(BaseModel):
    code: str
    name: str
    beds: list[BedCell]
    updated_at: datetime | None


class TransitRow(BaseModel):
    person_id: int
    name: str
    destination: str | None
    since: datetime | None
    condition: str | None


class UnmatchedInquiry(BaseModel):
    ref: str  # the first characters of the public id: enough to find it, not to act as it
    sought: str
    band: str
    asked_at: datetime
    in_review: bool  # an officer's review task is open (the centre's uncertain matches)


class DashboardPage(BaseModel):
    incident: str
    incident_name: str
    timezone: str
    generated_at: datetime
    refresh_seconds: int = REFRESH_SECONDS
    total: int
    by_status: list[StatusCount]
    by_facility: list[FacilityRow]
    facility_statuses: list[StatusCount]
    status_chart: Chart
    facility_chart: Chart
    beds: list[FacilityBeds]
    in_transit: list[TransitRow]
    unmatched_count: int = 0
    unmatched: list[UnmatchedInquiry] = []


def _incident(session: SessionDep, slug: str | None) -> t.Incident:
    row = incidents.get_by_slug(session, slug) if slug else incidents.current(session)
    if row is None:
        raise sessions.PageError(404, "There is no open incident.")
    return row


def _name(session: SessionDep, person_id: int) -> str:
    row = people.get(session, person_id)
    return people.to_domain(row).primary_name.display if row else f"person {person_id}"


def _sought_name(sought: dict[str, object]) -> str:
    name = str(sought.get("name") or "").strip()
    parts = (str(sought.get(k) or "") for k in ("given_name", "family_name"))
    return name or " ".join(" ".join(parts).split()) or "(no name given)"


def build(session: SessionDep, incident: t.Incident) -> DashboardPage:
    tz = ZoneInfo(incident.timezone or "UTC")
    all_facilities = facilities.list_all(session)
    by_id = {f.id: f for f in all_facilities}
    now_counts = data.status_counts(session, incident.id)
    order = [s for s in Status if now_counts.get(s.value)]
    by_status = [
        StatusCount(status=s, label=STATUS_LABELS[s], count=now_counts[s.value]) for s in order
    ]

    per_facility = data.facility_status_counts(session, incident.id)
    facility_statuses = sorted(
        {s for c in per_facility.values() for s in c}, key=[x.value for x in Status].index
    )
    by_facility = [
        FacilityRow(
            code=by_id[fid].code, name=by_id[fid].name, counts=dict(c), total=sum(c.values())
        )
        for fid, c in sorted(per_facility.items(), key=lambda kv: by_id[kv[0]].name)
    ]

    line = data.timeline(session, incident.id, incident.started_at)
    local_times = [moment.astimezone(tz) for moment in line.times]
    status_chart = Chart(
        title="People by status",
        times=local_times,
        series=[
            Series(label=STATUS_LABELS[s], values=line.by_status[s.value])
            for s in Status
            if s.value in line.by_status
        ],
    )
    facility_chart = Chart(
        title="Patients in each facility (emergency department and admitted)",
        times=local_times,
        series=[
            Series(label=by_id[fid].name, values=values)
            for fid, values in sorted(line.by_facility.items(), key=lambda kv: by_id[kv[0]].name)
        ],
    )

    beds = []
    for f in all_facilities:
        rows = facilities.beds(session, f.id)
        if rows:
            beds.append(
                FacilityBeds(
                    code=f.code,
                    name=f.name,
                    beds=[
                        BedCell(
                            bed_type=BedType(r.bed_type),
                            label=BED_LABELS[BedType(r.bed_type)],
                            available=r.available,
                            total=r.total,
                        )
                        for r in rows
                    ],
                    updated_at=max(r.updated_at for r in rows),
                )
            )
    transit = [
        TransitRow(
            person_id=pid,
            name=_name(session, pid),
            destination=by_id[dest].name if dest in by_id else None,
            since=since,
            condition=condition,
        )
        for pid, dest, since, condition in data.in_transit(session, incident.id)
    ]
    unmatched_count, unmatched_rows = data.unmatched_inquiries(session, incident.id)
    unmatched = [
        UnmatchedInquiry(
            ref=public_id[:8],
            sought=_sought_name(sought),
            band=band,
            asked_at=asked_at,
            in_review=in_review,
        )
        for _, public_id, sought, band, asked_at, in_review in unmatched_rows
    ]
    return DashboardPage(
        incident=incident.slug,
        incident_name=incident.name,
        timezone=incident.timezone,
        generated_at=datetime.now(UTC),
        total=sum(now_counts.values()),
        by_status=by_status,
        by_facility=by_facility,
        facility_statuses=[
            StatusCount(status=Status(s), label=STATUS_LABELS[Status(s)], count=0)
            for s in facility_statuses
        ],
        status_chart=lay_out(status_chart),
        facility_chart=lay_out(facility_chart),
        beds=beds,
        in_transit=transit,
        unmatched_count=unmatched_count,
        unmatched=unmatched,
    )


@router.get("/dashboard")
def dashboard(
    request: Request, session: SessionDep, staff: sessions.PageStaff, incident: str | None = None
) -> Response:
    sessions.allow(staff, Role.ADMIN, Role.REUNIFICATION_OFFICER)
    row = _incident(session, incident)
    page = build(session, row)
    # The dashboard names the people in transit: who looked, and when, is on the record.
    audit.record_event(
        session,
        "staff:dashboard:view",
        actor=staff.actor,
        subject_type="incident",
        subject_id=row.id,
        incident_id=row.id,
        data={
            "in_transit": [p.person_id for p in page.in_transit],
            "unmatched_inquiries": [u.ref for u in page.unmatched],
        },
    )
    session.commit()
    return render(request, "pages/dashboard.html", page, staff=staff)
