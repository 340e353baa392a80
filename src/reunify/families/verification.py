"""Proving control of an email address (or a phone, through the SMS gateway) with a one-time
code, before subscribing or before receiving a designated contact's answer. A confirmed code
yields a seeker token, kept only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.domain.errors import DomainError, Forbidden
from reunify.families import messages
from reunify.notify import outbox
from reunify.store import audit
from reunify.store import families_tables as ft

CODE_TTL = timedelta(minutes=15)
MAX_ATTEMPTS = 5


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def seeker_actor(contact_key: str) -> str:
    """A seeker in the audit log: a one-way hash of their contact, so purging the inquiry
    leaves nothing personal behind while repeat askers can still be told apart."""
    if not contact_key:
        return "seeker/anonymous"
    return "seeker/" + hashlib.sha256(contact_key.encode()).hexdigest()[:16]


def contact_key(email: str = "", phone: str = "") -> str:
    """``email:<lower-case address>`` or ``phone:<digits>``: how a seeker is known."""
    email = email.strip().lower()
    if email:
        if "@" not in email.strip("@") or len(email) > 254:
            raise DomainError("body.email", "is not an email address")
        return f"email:{email}"
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) < 7:
        raise DomainError("body.phone", "give an email address or a phone number")
    return f"phone:{digits}"


def start(session: Session, key: str, *, language: str = "en") -> ft.Verification:
    """Create a code for a contact key and queue it (email, or SMS by the gateway), in the
    seeker's ``language`` where a translation exists."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = datetime.now(UTC)
    row = ft.Verification(
        address=key,
        code_hash=_hash(f"{key}:{code}"),
        expires_at=now + CODE_TTL,
        created_at=now,
    )
    session.add(row)
    session.flush()
    channel, _, recipient = key.partition(":")
    subject, body = messages.verification_code(code, language=language)
    outbox.enqueue(
        session,
        dedup_key=f"verify.{row.id}",
        channel="email" if channel == "email" else "sms",
        recipient=recipient,
        subject=subject,
        body=body,
    )
    audit.record_event(
        session,
        "public:verification:start",
        actor=seeker_actor(key),
        subject_type="verification",
        subject_id=row.id,
    )
    return row


def confirm(session: Session, key: str, code: str) -> str:
    """Check the latest code for ``key``; return a new seeker token."""
    row = session.scalars(
        select(ft.Verification)
        .where(ft.Verification.address == key, ft.Verification.verified_at.is_(None))
        .order_by(ft.Verification.id.desc())
        .limit(1)
    ).first()
    now = datetime.now(UTC)
    if row is None or row.expires_at < now or row.attempts >= MAX_ATTEMPTS:
        raise Forbidden("body.code", "is wrong or expired; ask for a new code")
    row.attempts += 1
    if not hmac.compare_digest(row.code_hash, _hash(f"{key}:{code.strip()}")):
        session.commit()  # the failed attempt counts even though we refuse
        raise Forbidden("body.code", "is wrong or expired; ask for a new code")
    token = secrets.token_urlsafe(32)
    row.verified_at = now
    row.token_hash = _hash(token)
    audit.record_event(
        session,
        "public:verification:confirm",
        actor=seeker_actor(key),
        subject_type="verification",
        subject_id=row.id,
    )
    return token


def verification_for(session: Session, token: str) -> ft.Verification | None:
    if not token:
        return None
    return session.scalars(
        select(ft.Verification).where(
            ft.Verification.token_hash == _hash(token), ft.Verification.verified_at.is_not(None)
        )
    ).first()


def token_matches(session: Session, token: str, key: str) -> bool:
    """True when ``token`` was issued to the seeker known by ``key``."""
    row = verification_for(session, token)
    return row is not None and bool(key) and row.address == key
