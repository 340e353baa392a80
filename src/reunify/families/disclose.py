"""From the store to the disclosure policy: a person's state, the match band, the settings.

Every answer, notification and task of the families layer is decided here by
``domain.disclosure.decide``; nothing else in the layer reads a person's whereabouts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify import domain
from reunify.domain.disclosure import (
    Audience,
    Band,
    Disclosure,
    DisclosureSettings,
    FamilyAssistanceCentre,
    MatchBand,
    SubjectState,
    decide,
)
from reunify.families.candidates import Candidate, Sought, person_age
from reunify.store import facilities, movements
from reunify.store import families_tables as ft
from reunify.store import tables as t

# A runner-up within this much of the best candidate makes the match uncertain: with two
# nearly-as-good namesakes, telling a family either one's story may be telling the wrong one.
_AMBIGUITY_MARGIN = 0.75


@dataclass(frozen=True, slots=True)
class Banded:
    match: MatchBand
    candidate: Candidate | None


def band_for(sought: Sought, candidates: list[Candidate]) -> Banded:
    """Confident only for a full name, at least one more fact that agrees, none that
    contradicts, and no other candidate nearly as good."""
    detail = {"full_name": sought.full_name, "other_fact": bool(sought.other_facts)}
    if not candidates:
        return Banded(MatchBand(Band.NO_MATCH, **detail), None)
    best = candidates[0]
    runner_up = candidates[1] if len(candidates) > 1 else None
    unique = runner_up is None or best.score - runner_up.score >= _AMBIGUITY_MARGIN
    confident = sought.full_name and bool(best.agreeing) and not best.disagreeing and unique
    band = Band.CONFIDENT if confident else Band.UNCERTAIN
    return Banded(MatchBand(band, **detail), best)


def settings_for(session: Session, incident_id: int | None) -> DisclosureSettings:
    incident = session.get(t.Incident, incident_id) if incident_id is not None else None
    if incident is None:
        return DisclosureSettings()
    centre = FamilyAssistanceCentre(incident.fac_name, incident.fac_phone, incident.fac_address)
    return DisclosureSettings.from_incident(incident.settings or {}, centre)


def next_of_kin_told(session: Session, person_id: int) -> bool:
    stmt = select(ft.Task.id).where(
        ft.Task.person_id == person_id,
        ft.Task.kind == domain.disclosure.StaffTask.NOTIFY_NEXT_OF_KIN_IN_PERSON.value,
        ft.Task.family_told.is_(True),
    )
    return session.scalars(stmt.limit(1)).first() is not None


def possibly_minor(age: domain.AgeRange | None) -> bool:
    """The one rule for every audience: a person who may be under 18 is treated as a minor
    (released only through staff), so "about 17" is never announced on a web page."""
    return age is not None and age.low < 18


def subject_state(session: Session, person: t.Person) -> SubjectState:
    """Everything the policy may consider about one person, read from the store."""
    rows = movements.for_person(session, person.id)
    codes = movements.facility_codes(session)
    where = domain.project_whereabouts(person.id, [movements.to_domain(r, codes) for r in rows])
    names = {f.code: f.name for f in facilities.list_all(session)}
    state = SubjectState.from_whereabouts(where, names)
    message = ""
    if where.status is domain.Status.REPORTED_SAFE:
        last = next((r for r in rows if r.id == where.last_movement_id), None)
        message = last.note if last else ""
    age = person_age(person, datetime.now(UTC).date())
    return replace(
        state,
        directory_opt_out=person.directory_opt_out,
        message=message,
        minor=possibly_minor(age),
        unidentified=person.unidentified,
        next_of_kin_notified=next_of_kin_told(session, person.id),
        designated_contact_ids=frozenset(c.id for c in person.contacts if c.designated),
    )


def designated_contact_id(person: t.Person, email: str, phone: str) -> int | None:
    """The patient's designated contact this (verified) seeker is, by email or phone."""
    digits = "".join(c for c in phone if c.isdigit())
    for contact in person.contacts:
        if not contact.designated:
            continue
        if email and contact.email and contact.email.strip().lower() == email.strip().lower():
            return contact.id
        theirs = "".join(c for c in contact.phone if c.isdigit())
        if len(digits) >= 7 and len(theirs) >= 7 and digits[-7:] == theirs[-7:]:
            return contact.id
    return None


def disclose(
    session: Session,
    person: t.Person | None,
    match: MatchBand,
    *,
    verified: bool = False,
    email: str = "",
    phone: str = "",
) -> Disclosure:
    """The public (or designated-contact) answer about ``person`` for this match."""
    if person is None:
        # Nobody to speak of: the policy still decides, on a state that says nothing.
        subject = SubjectState(status=domain.Status.UNKNOWN)
        return decide(subject, Audience.public(), match, settings_for(session, None))
    contact = designated_contact_id(person, email, phone) if verified else None
    audience = Audience.public(verified=verified, contact_id=contact)
    return decide(
        subject_state(session, person), audience, match, settings_for(session, person.incident_id)
    )
