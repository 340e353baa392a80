"""Seeker verification and subscriptions: prove an email or phone, then follow an inquiry."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request

from reunify.domain import Role
from reunify.domain.errors import Forbidden
from reunify.families import subscriptions, verification
from reunify.families.inquiries import by_public_id
from reunify.notify import outbox
from reunify.web.api.inquiries import enforce_rate_limits
from reunify.web.deps import SessionDep, Staff, require
from reunify.web.schemas.families import (
    OutboxCounts,
    SeekerToken,
    SubscriptionCreate,
    SubscriptionPublic,
    VerificationConfirm,
    VerificationStart,
)

router = APIRouter(tags=["families"])
SeekerTokenHeader = Annotated[str, Header(description="From POST /verifications/confirm")]


@router.post("/verifications", operation_id="start_verification", status_code=202)
def start_verification(
    body: VerificationStart, request: Request, session: SessionDep
) -> dict[str, str]:
    """Send a one-time code to an email address (or a phone, by the SMS gateway)."""
    key = verification.contact_key(body.email, body.phone)
    enforce_rate_limits(request, f"verify:{key}")
    verification.start(session, key)
    session.commit()
    return {"status": "sent"}


@router.post("/verifications/confirm", operation_id="confirm_verification")
def confirm_verification(
    body: VerificationConfirm, request: Request, session: SessionDep
) -> SeekerToken:
    key = verification.contact_key(body.email, body.phone)
    enforce_rate_limits(request, f"verify:{key}")
    token = verification.confirm(session, key, body.code)
    session.commit()
    return SeekerToken(seeker_token=token)


@router.post(
    "/inquiries/{inquiry_id}/subscription",
    operation_id="subscribe",
    status_code=201,
    response_model=SubscriptionPublic,
)
def subscribe(
    inquiry_id: str,
    body: SubscriptionCreate,
    session: SessionDep,
    x_seeker_token: SeekerTokenHeader = "",
) -> SubscriptionPublic:
    """Be told when what you may learn about the person changes, or when the inquiry matches."""
    proof = verification.verification_for(session, x_seeker_token)
    if proof is None:
        raise Forbidden("X-Seeker-Token", "verify your email or phone first")
    inquiry = by_public_id(session, inquiry_id)
    sub = subscriptions.subscribe(session, inquiry, proof, language=body.language)
    session.commit()
    # Nothing here may say whether the inquiry matched anyone: a protected person matches too,
    # and "matched" versus "not found" would tell them apart. The answer alone says what may be.
    return SubscriptionPublic(inquiry_id=inquiry.public_id, channel=sub.channel)


@router.delete("/inquiries/{inquiry_id}/subscription", operation_id="unsubscribe", status_code=204)
def unsubscribe(
    inquiry_id: str, session: SessionDep, x_seeker_token: SeekerTokenHeader = ""
) -> None:
    proof = verification.verification_for(session, x_seeker_token)
    if proof is None:
        raise Forbidden("X-Seeker-Token", "verify your email or phone first")
    inquiry = by_public_id(session, inquiry_id)
    for sub in subscriptions.of_inquiry(session, inquiry.id):
        if sub.address == proof.address:
            subscriptions.unsubscribe(session, sub)
    session.commit()


OfficerDep = Annotated[Staff, Depends(require(Role.ADMIN, Role.REUNIFICATION_OFFICER))]


@router.get("/outbox", operation_id="outbox_counts", response_model=OutboxCounts)
def outbox_counts(session: SessionDep, staff: OfficerDep) -> OutboxCounts:
    """Delivery state of notifications (pending, sending, sent, failed), for staff."""
    return OutboxCounts(counts=outbox.counts(session))
