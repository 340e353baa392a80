"""Verified seekers following an inquiry (and, once it matched, the person it found).

Each change a seeker should hear of becomes one outbox row keyed by (subscription, change),
written in the transaction of the change, so it is sent exactly when the change commits.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.domain.disclosure import Band, MatchBand, public_body
from reunify.domain.errors import Conflict, Forbidden
from reunify.families import messages
from reunify.families.disclose import disclose
from reunify.families.verification import seeker_actor
from reunify.notify import outbox
from reunify.store import audit, people
from reunify.store import families_tables as ft

# A subscription exists only for an inquiry that was confidently matched (or will be), with a
# full name and a fact: that is what the seeker would be told if they asked again.
_FOLLOWED = MatchBand(Band.CONFIDENT, full_name=True, other_fact=True)
_NOTHING = {"kind": "no_information"}


def seeker_keys(inquiry: ft.Inquiry) -> set[str]:
    keys = set()
    if inquiry.seeker_email:
        keys.add(f"email:{inquiry.seeker_email}")
    digits = "".join(c for c in inquiry.seeker_phone if c.isdigit())
    if digits:
        keys.add(f"phone:{digits}")
    return keys


def current_answer(session: Session, sub: ft.Subscription, inquiry: ft.Inquiry) -> dict[str, Any]:
    """What this verified seeker may be told now, by the one policy."""
    if sub.person_id is None:
        return dict(_NOTHING)
    person = people.get(session, sub.person_id)
    channel, _, address = sub.address.partition(":")
    disclosure = disclose(
        session,
        person,
        _FOLLOWED,
        verified=True,
        email=address if channel == "email" else "",
        phone=address if channel == "phone" else "",
    )
    return public_body(disclosure)


def subscribe(
    session: Session, inquiry: ft.Inquiry, verification: ft.Verification, *, language: str = ""
) -> ft.Subscription:
    """Follow ``inquiry`` through the contact ``verification`` proved; the seeker must be the
    one who asked."""
    if verification.address not in seeker_keys(inquiry):
        raise Forbidden("inquiry_id", "only the seeker who asked can follow this inquiry")
    kind, _, _ = verification.address.partition(":")
    channel = "email" if kind == "email" else "sms"
    existing = session.scalars(
        select(ft.Subscription).where(
            ft.Subscription.inquiry_id == inquiry.id,
            ft.Subscription.channel == channel,
            ft.Subscription.address == verification.address,
        )
    ).first()
    if existing is not None and existing.active:
        raise Conflict("inquiry_id", "you already follow this inquiry")
    sub = existing or ft.Subscription(
        inquiry_id=inquiry.id,
        channel=channel,
        address=verification.address,
        verification_id=verification.id,
        created_at=datetime.now(UTC),
    )
    sub.active = True
    sub.stop_token = sub.stop_token or new_stop_token()
    sub.person_id = inquiry.person_id
    sub.language = language or inquiry.seeker_language
    session.add(sub)
    session.flush()
    sub.last_answer = current_answer(session, sub, inquiry)
    audit.record_event(
        session,
        "public:subscription:create",
        actor=seeker_actor(verification.address),
        subject_type="inquiry",
        subject_id=inquiry.id,
        incident_id=inquiry.incident_id,
        data={"subscription_id": sub.id, "person_id": sub.person_id},
    )
    return sub


def unsubscribe(session: Session, sub: ft.Subscription) -> None:
    sub.active = False


def new_stop_token() -> str:
    return secrets.token_urlsafe(24)


def by_stop_token(session: Session, token: str) -> ft.Subscription | None:
    """The subscription a "stop these emails" link ends, if the link is genuine."""
    if not token or len(token) > 64:
        return None
    return session.scalars(
        select(ft.Subscription).where(ft.Subscription.stop_token == token)
    ).first()


def stop(session: Session, sub: ft.Subscription, *, via: str) -> bool:
    """End a subscription from its emailed link; False if it had already ended."""
    if not sub.active:
        return False
    sub.active = False
    inquiry = session.get(ft.Inquiry, sub.inquiry_id)
    audit.record_event(
        session,
        "public:subscription:stop",
        actor=seeker_actor(sub.address),
        subject_type="subscription",
        subject_id=sub.id,
        incident_id=inquiry.incident_id if inquiry is not None else None,
        data={"via": via},
    )
    return True


def notify_if_changed(session: Session, sub: ft.Subscription, change: str) -> bool:
    """Queue one message if what the seeker may be told differs from what they were told."""
    inquiry = session.get(ft.Inquiry, sub.inquiry_id)
    if inquiry is None or inquiry.state == "deleted" or not sub.active:
        return False
    answer = current_answer(session, sub, inquiry)
    if answer == sub.last_answer:
        return False
    name = (
        str(inquiry.sought.get("name") or "").strip()
        or " ".join(str(inquiry.sought.get(k, "")) for k in ("given_name", "family_name")).strip()
    )
    subject, text = messages.render(
        answer, name=name, language=sub.language, ref=inquiry.public_id[:8]
    )
    kind, _, recipient = sub.address.partition(":")
    sub.stop_token = sub.stop_token or new_stop_token()  # followed before links existed
    outbox.enqueue(
        session,
        dedup_key=f"sub{sub.id}.{change}",
        channel=sub.channel,
        recipient=recipient,
        subject=subject,
        body=text,
        payload={
            "answer": answer,
            "inquiry_id": inquiry.public_id,
            "stop": sub.stop_token,
            "language": sub.language,
        },
        subscription_id=sub.id,
    )
    sub.last_answer = answer
    audit.record_event(
        session,
        "families:notification:queue",
        actor="system/families",
        subject_type="subscription",
        subject_id=sub.id,
        incident_id=inquiry.incident_id,
        data={"change": change, "answer": answer, "person_id": sub.person_id, "via": kind},
    )
    return True


def following(session: Session, person_id: int) -> list[ft.Subscription]:
    stmt = select(ft.Subscription).where(
        ft.Subscription.person_id == person_id, ft.Subscription.active.is_(True)
    )
    return list(session.scalars(stmt))


def of_inquiry(session: Session, inquiry_id: int) -> list[ft.Subscription]:
    stmt = select(ft.Subscription).where(
        ft.Subscription.inquiry_id == inquiry_id, ft.Subscription.active.is_(True)
    )
    return list(session.scalars(stmt))
