"""Read models of the reunification centre: one person as an officer sees them.

Built here, rendered by the centre's pages and returned by its JSON API. What an officer may
see comes from the disclosure policy (``families.disclose.for_officer``), never from the
row directly: the flags it raises (minor, unidentified, next of kin not told) travel with
the card so every page shows them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy.orm import Session

from reunify.domain.disclosure import Disclosure
from reunify.families.candidates import person_age
from reunify.families.disclose import age_reference, for_officer
from reunify.matching import COMPARISONS, Scored
from reunify.store import audit, people
from reunify.store import tables as t

Kind = Literal["duplicate", "inquiry"]
KINDS: tuple[Kind, ...] = ("duplicate", "inquiry")

_FIELD_LABELS = {c.name: c.label for c in COMPARISONS}
_LEVEL_LABELS = {(c.name, lv.name): lv.label for c in COMPARISONS for lv in c.levels}


class ContactLine(BaseModel):
    name: str
    relationship: str
    phone: str
    email: str
    designated: bool


class PersonCard(BaseModel):
    """One registered person, everything an officer may see, with the policy's flags."""

    person_id: int
    name: str
    other_names: list[str]
    sex: str
    age: str | None
    birth_date: str | None
    unidentified: bool
    description: str
    home_city: str
    phone: str
    identifiers: list[str]
    contacts: list[ContactLine]
    status: str | None
    condition: str | None
    facility: str | None
    unit: str | None
    room: str | None
    destination: str | None
    since: datetime | None
    flags: list[str]
    rule: str
    merged_into_id: int | None = None


def card(session: Session, row: t.Person, disclosure: Disclosure | None = None) -> PersonCard:
    """The officer's card of ``row`` (the policy is asked unless the caller already did)."""
    d = disclosure or for_officer(session, row)
    person = people.to_domain(row)
    primary = person.primary_name
    age = person_age(row, age_reference(session, row))
    return PersonCard(
        person_id=row.id,
        name=primary.display,
        other_names=sorted({n.display for n in person.names if n != primary}),
        sex=row.sex,
        age=str(age) if age else None,
        birth_date=row.birth_date,
        unidentified=row.unidentified,
        description=row.description,
        home_city=row.home_city,
        phone=row.phone,
        identifiers=[f"{i.kind} {i.value} ({i.issuer})" for i in row.identifiers],
        contacts=[
            ContactLine(
                name=c.name,
                relationship=c.relationship_,
                phone=c.phone,
                email=c.email,
                designated=c.designated,
            )
            for c in row.contacts
        ],
        status=d.status.value if d.status else None,
        condition=d.condition.value if d.condition else None,
        facility=d.facility,
        unit=d.unit,
        room=d.room,
        destination=d.destination,
        since=d.since,
        flags=sorted(f.value for f in d.flags),
        rule=d.rule,
        merged_into_id=row.merged_into_id,
    )


def audit_view(
    session: Session,
    queue: str,
    cards: list[PersonCard],
    *,
    actor: str,
    data: dict[str, Any] | None = None,
) -> None:
    """One audit event per page or API read: who looked at which people, by which rule."""
    audit.record_event(
        session,
        f"staff:centre:{queue}",
        actor=actor,
        subject_type="centre",
        subject_id=queue,
        data={"people": [[c.person_id, c.rule] for c in cards], **(data or {})},
    )


# --- the queue of uncertain matches (``families.review``) ----------------------------------


class FieldLine(BaseModel):
    """One comparison: the level the pair reached and the bits of evidence it added."""

    field: str
    label: str
    level: str
    level_label: str
    weight: float
    missing: bool


class Explanation(BaseModel):
    probability: float
    weight: float
    band: str
    model_version: str
    fields: list[FieldLine]
    notes: list[str]
    proposed_lines: list[str] = []  # the explanation stored when the pair was proposed


class SoughtCard(BaseModel):
    """What the seeker told us, and who they are to the person (no contact details)."""

    inquiry_ref: str
    name: str
    age: str | None
    sex: str
    city: str
    postcode: str
    phone_known: bool
    description: str
    seeker_relationship: str
    asked_at: datetime
    state: str


class QueueItem(BaseModel):
    kind: Kind
    item_id: int
    title: str
    reason: str
    probability: float
    band: str
    left: str
    right: str
    person_ids: list[int]
    created_at: datetime


class PairView(BaseModel):
    kind: Kind
    item_id: int
    state: str
    reason: str
    left: PersonCard | None
    sought: SoughtCard | None
    right: PersonCard
    explanation: Explanation
    seeker_answer_if_confirmed: dict[str, Any] | None = None


class Outcome(BaseModel):
    kind: Kind
    item_id: int
    confirmed: bool
    label_id: int
    message: str
    survivor_id: int | None = None
    retired_id: int | None = None
    seeker_answer: dict[str, Any] | None = None


# --- explanations ---------------------------------------------------------------------------


def explanation(scored: Scored, proposed_lines: list[str] | None = None) -> Explanation:
    return Explanation(
        probability=round(scored.probability, 4),
        weight=round(scored.weight, 2),
        band=scored.band.value,
        model_version=scored.model_version,
        fields=[
            FieldLine(
                field=c.field,
                label=_FIELD_LABELS.get(c.field, c.field),
                level=c.level,
                level_label=_LEVEL_LABELS.get((c.field, c.level), c.level),
                weight=round(c.weight, 2),
                missing=c.level == "missing",
            )
            for c in scored.contributions
        ],
        notes=list(scored.notes),
        proposed_lines=proposed_lines or [],
    )
