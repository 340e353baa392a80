"""``POST /api/v1/safe``: "I'm safe", from the person themself, no account needed."""

from __future__ import annotations

from fastapi import APIRouter, Request

from reunify.domain import AgeRange
from reunify.families.safe import SafeReport, report_safe, split_name
from reunify.web.api.inquiries import enforce_rate_limits
from reunify.web.deps import SessionDep
from reunify.web.schemas.families import SafeReportCreate, SafeReportPublic

router = APIRouter(prefix="/safe", tags=["families"])


@router.post("", operation_id="report_safe", status_code=201, response_model=SafeReportPublic)
def create_safe_report(
    body: SafeReportCreate, request: Request, session: SessionDep
) -> SafeReportPublic:
    """Mark yourself safe. Everyone who asks about you with your name and one more fact is
    told "reported safe" with your message."""
    contact = body.contact.email.strip().lower() or body.contact.phone
    enforce_rate_limits(request, f"safe:{contact}" if contact else "")
    given, family = split_name(body.name, body.given_name, body.family_name)
    report = SafeReport(
        given=given,
        family=family,
        age=AgeRange.parse(body.age, "body.age") if body.age not in (None, "") else None,
        sex=body.sex,
        city=body.city,
        message=body.message,
        email=body.contact.email,
        phone=body.contact.phone,
    )
    result = report_safe(
        session,
        report,
        incident_slug=body.incident,
        client_address=request.client.host if request.client else "",
    )
    session.commit()
    return SafeReportPublic(
        report_id=result.report_id, since=result.since, matched_inquiries=result.matched_inquiries
    )
