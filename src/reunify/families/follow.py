"""Following from the public pages: the seeker gives their email only after the answer.

An API client names itself in the inquiry; the public search form asks for nothing about the
seeker, so the contact is attached once it is verified, just before subscribing. The pages
prove that the browser following is the one that asked (a signed cookie), so attaching here
cannot let a stranger take over someone else's inquiry.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from reunify.domain.errors import Conflict, Forbidden
from reunify.families import subscriptions
from reunify.families.verification import seeker_actor
from reunify.store import audit
from reunify.store import families_tables as ft


def follow_verified(
    session: Session, inquiry: ft.Inquiry, proof: ft.Verification, *, language: str
) -> ft.Subscription | None:
    """Attach the verified contact to ``inquiry`` (if it has none) and subscribe it.

    Returns the new subscription, or ``None`` when this contact already follows the inquiry.
    Refuses an inquiry that another contact already asked through.
    """
    channel, _, address = proof.address.partition(":")
    keys = subscriptions.seeker_keys(inquiry)
    if proof.address not in keys:
        if keys:
            raise Forbidden("email", "this question was asked with another email or phone")
        if channel == "email":
            inquiry.seeker_email = address
        else:
            inquiry.seeker_phone = address
        inquiry.seeker_language = language
        inquiry.updated_at = datetime.now(UTC)
        audit.record_event(
            session,
            "public:inquiry:contact",
            actor=seeker_actor(proof.address),
            subject_type="inquiry",
            subject_id=inquiry.id,
            incident_id=inquiry.incident_id,
            data={"via": channel},
        )
    try:
        return subscriptions.subscribe(session, inquiry, proof, language=language)
    except Conflict:
        return None
