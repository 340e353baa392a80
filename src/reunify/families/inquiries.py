"""Public inquiries: what a seeker remembers in, exactly what the policy allows out, audited.

Every inquiry gets a fresh random ``public_id`` whatever its outcome, so neither the id nor
the body tells "protected" from "not found" from "not enough detail".
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.domain import AgeRange, BirthDate, Sex
from reunify.domain.disclosure import Band, Disclosure, public_body
from reunify.domain.errors import DomainError, NotFound
from reunify.domain.text import fold
from reunify.families import tasks, unidentified
from reunify.families.candidates import (
    MODEL_VERSION,
    Candidate,
    Sought,
    family_key,
    find_candidates,
)
from reunify.families.disclose import band_for, disclose
from reunify.families.verification import seeker_actor
from reunify.store import audit, people
from reunify.store import families_tables as ft

# A wildcard or pattern character makes a name unusable: no searching by fragments.
_WILDCARD = re.compile(r"[*?%_]")
_PUNCTUATION = re.compile(r"[.,;:()\"]")


@dataclass(frozen=True, slots=True)
class Seeker:
    name: str = ""
    relationship: str = ""
    email: str = ""
    phone: str = ""
    language: str = "en"

    @property
    def contact_key(self) -> str:
        """What rate limits and verification know a seeker by."""
        if self.email:
            return "email:" + self.email.strip().lower()
        digits = "".join(c for c in self.phone if c.isdigit())
        return "phone:" + digits if digits else ""


@dataclass(frozen=True, slots=True)
class Answer:
    inquiry: ft.Inquiry
    disclosure: Disclosure
    body: dict[str, Any]


def _clean(text: str) -> str:
    """Folded, with punctuation gone: "A. Karev" is an initial, not a two-letter name."""
    return " ".join(_PUNCTUATION.sub(" ", fold(text)).split())


def parse_sought(
    *,
    name: str = "",
    given_name: str = "",
    family_name: str = "",
    age: int | str | None = None,
    date_of_birth: str = "",
    sex: Sex | str = Sex.UNKNOWN,
    city: str = "",
    postcode: str = "",
    phone: str = "",
    description: str = "",
    field: str = "sought",
) -> Sought:
    """Turn the API's ``sought`` object into a ``Sought``. A wildcard blanks the name."""
    given, family = _clean(given_name), _clean(family_name)
    if name and not (given or family):
        tokens = _clean(name).split()
        if len(tokens) >= 2:
            given, family = " ".join(tokens[:-1]), tokens[-1]
        else:
            given = " ".join(tokens)
    if _WILDCARD.search(given) or _WILDCARD.search(family):
        given = family = ""
    return Sought(
        given=given,
        family=family,
        age=AgeRange.parse(age, f"{field}.age") if age not in (None, "") else None,
        birth_date=BirthDate.parse(date_of_birth, f"{field}.date_of_birth")
        if date_of_birth
        else None,
        sex=Sex(sex),
        city=fold(city),
        postcode=postcode.strip(),
        phone="".join(c for c in phone if c.isdigit()),
        description=description.strip(),
    )


def _candidates_for_audit(candidates: list[Candidate]) -> list[dict[str, Any]]:
    return [
        {
            "person_id": c.person_id,
            "score": round(c.score, 3),
            "exact_name": c.exact_name,
            "agreeing": list(c.agreeing),
            "disagreeing": list(c.disagreeing),
        }
        for c in candidates[:5]
    ]


def ask(
    session: Session,
    sought: Sought,
    seeker: Seeker,
    *,
    raw_sought: dict[str, Any],
    client_address: str = "",
    verified: bool = False,
) -> Answer:
    """Answer one inquiry, store it, open staff tasks the answer calls for, audit it all."""
    candidates = find_candidates(session, sought)
    banded = band_for(sought, candidates)
    person = people.get(session, banded.candidate.person_id) if banded.candidate else None
    disclosure = disclose(
        session, person, banded.match, verified=verified, email=seeker.email, phone=seeker.phone
    )
    body = public_body(disclosure)
    now = datetime.now(UTC)
    confident = banded.match.band is Band.CONFIDENT and banded.match.enough_detail
    inquiry = ft.Inquiry(
        public_id=secrets.token_urlsafe(16),
        incident_id=person.incident_id if person else None,
        sought=raw_sought,
        family_key=family_key(sought.family),
        seeker_name=seeker.name,
        seeker_relationship=seeker.relationship,
        seeker_email=seeker.email.strip().lower(),
        seeker_phone=seeker.phone,
        seeker_language=seeker.language,
        client_address=client_address,
        state="matched" if confident and person else "open",
        person_id=person.id if confident and person else None,
        band=banded.match.band.value,
        created_at=now,
        updated_at=now,
    )
    session.add(inquiry)
    session.flush()
    for kind in disclosure.staff_tasks:
        tasks.open_task(
            session,
            kind,
            person_id=person.id if person else None,
            inquiry_id=inquiry.id,
            incident_id=person.incident_id if person else None,
        )
    if not confident:
        unidentified.route_to_staff(session, inquiry, sought)
    audit.record_event(
        session,
        "public:inquiry:answer",
        actor=seeker_actor(seeker.contact_key),
        subject_type="inquiry",
        subject_id=inquiry.id,
        incident_id=inquiry.incident_id,
        data={
            "client_address": client_address,
            "relationship": seeker.relationship,
            "verified": verified,
            "model_version": MODEL_VERSION,
            "candidates": _candidates_for_audit(candidates),
            "band": banded.match.band.value,
            "full_name": banded.match.full_name,
            "other_fact": banded.match.other_fact,
            "person_id": person.id if person else None,
            "rule": disclosure.rule,
            "basis": disclosure.basis.value,
            "staff_tasks": [k.value for k in disclosure.staff_tasks],
            "answer": body,
        },
    )
    return Answer(inquiry, disclosure, body)


def sought_of(inquiry: ft.Inquiry) -> Sought:
    """The stored ``sought`` of an inquiry, parsed again (it is kept as the seeker typed it)."""
    raw = {k: v for k, v in inquiry.sought.items() if k in _SOUGHT_KEYS}
    try:
        return parse_sought(**raw)
    except DomainError:
        return Sought()


_SOUGHT_KEYS = frozenset(
    {
        "name",
        "given_name",
        "family_name",
        "age",
        "date_of_birth",
        "sex",
        "city",
        "postcode",
        "phone",
        "description",
    }
)


def by_public_id(session: Session, public_id: str) -> ft.Inquiry:
    stmt = select(ft.Inquiry).where(ft.Inquiry.public_id == public_id)
    inquiry = session.scalars(stmt).one_or_none()
    if inquiry is None or inquiry.state == "deleted":
        raise NotFound("inquiry_id", "no such inquiry")
    return inquiry


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
