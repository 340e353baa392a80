"""``POST /api/v1/inquiries``: the public question "where is this person?", no account needed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request

from reunify.domain.errors import Forbidden
from reunify.families import verification
from reunify.families.inquiries import Seeker, ask, by_public_id, parse_sought
from reunify.families.ratelimit import RateLimiter
from reunify.families.retention import forget
from reunify.families.subscriptions import seeker_keys
from reunify.families.verification import seeker_actor
from reunify.web.deps import SessionDep
from reunify.web.schemas.families import InquiryAnswer, InquiryCreate

router = APIRouter(prefix="/inquiries", tags=["families"])


def _limiter(request: Request, name: str, per_minute: int) -> RateLimiter:
    """One limiter per app and purpose, made on first use (the app factory knows nothing of it)."""
    state = request.app.state
    limiter: RateLimiter | None = getattr(state, name, None)
    if limiter is None:
        limiter = RateLimiter(per_minute)
        setattr(state, name, limiter)
    return limiter


def enforce_rate_limits(request: Request, contact_key: str) -> None:
    """429 with Retry-After once a client address or a seeker contact asks too often."""
    settings = request.app.state.settings
    address = request.client.host if request.client else "unknown"
    wait = _limiter(request, "families_rate_address", settings.inquiry_rate_per_address).take(
        address
    )
    if not wait and contact_key:
        limiter = _limiter(request, "families_rate_contact", settings.inquiry_rate_per_contact)
        wait = limiter.take(contact_key)
    if wait:
        raise HTTPException(
            429, f"rate: too many requests; try again in {wait} s", {"Retry-After": str(wait)}
        )


@router.post("", operation_id="create_inquiry", status_code=201, response_model=InquiryAnswer)
def create_inquiry(
    body: InquiryCreate,
    request: Request,
    session: SessionDep,
    x_seeker_token: Annotated[str, Header(description="From a confirmed verification")] = "",
) -> InquiryAnswer:
    """Ask about a person. "Protected", "not found" and "not enough detail" read the same."""
    seeker = Seeker(**body.seeker.model_dump())
    enforce_rate_limits(request, seeker.contact_key)
    sought = parse_sought(**body.sought.model_dump(), field="body.sought")
    verified = bool(x_seeker_token) and verification.token_matches(
        session, x_seeker_token, seeker.contact_key
    )
    answer = ask(
        session,
        sought,
        seeker,
        raw_sought=body.sought.model_dump(mode="json", exclude_defaults=True),
        client_address=request.client.host if request.client else "",
        verified=verified,
    )
    session.commit()
    return InquiryAnswer(inquiry_id=answer.inquiry.public_id, answer=answer.body)


@router.delete("/{inquiry_id}", operation_id="delete_inquiry", status_code=204)
def delete_inquiry(
    inquiry_id: str,
    session: SessionDep,
    x_seeker_token: Annotated[str, Header(description="From a confirmed verification")] = "",
) -> None:
    """Forget your inquiry now: your name, contact and what you wrote, and any subscription."""
    proof = verification.verification_for(session, x_seeker_token)
    if proof is None:
        raise Forbidden("X-Seeker-Token", "verify your email or phone first")
    inquiry = by_public_id(session, inquiry_id)
    if proof.address not in seeker_keys(inquiry):
        raise Forbidden("inquiry_id", "only the seeker who asked can delete this inquiry")
    forget(session, inquiry, actor=seeker_actor(proof.address))
    session.commit()
