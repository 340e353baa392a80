"""From the store to the disclosure policy: a person's state, the match band, the settings.

Every answer, notification and task of the families layer is decided here by
``domain.disclosure.decide``; nothing else in the layer reads a person's whereabouts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

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
from reunify.store.centre_tables import DeathNotice

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
    """A family was told in person: a recorded death notice, or a notification task that
    was closed with ``family_told``."""
    told = select(DeathNotice.id).where(DeathNotice.person_id == person_id)
    if session.scalars(told.limit(1)).first() is not None:
        return True
    stmt = select(ft.Task.id).where(
        ft.Task.person_id == person_id,
        ft.Task.kind == domain.disclosure.StaffTask.NOTIFY_NEXT_OF_KIN_IN_PERSON.value,
        ft.Task.family_told.is_(True),
    )
    return session.scalars(stmt.limit(1)).first() is not None


def death_released(session: Session, person_id: int) -> bool:
    """The family, once told, agreed that the death may be shared with other registries."""
    stmt = select(DeathNotice.id).where(
        DeathNotice.person_id == person_id, DeathNotice.release.is_(True)
    )
    return session.scalars(stmt.limit(1)).first() is not None


def possibly_minor(age: domain.AgeRange | None) -> bool:
    """The one rule for every audience: a person who may be under 18 is treated as a minor
    (released only through staff), so "about 17" is never announced on a web page."""
    return age is not None and age.low < 18


def age_reference(session: Session, person: t.Person) -> date:
    """The day ages are taken on: the incident's first day (what relatives and the news say,
    and stable over a long stay), or today if that is earlier. Ages only grow, so a patient
    who turns 18 in hospital is still treated as the minor they were when it happened."""
    today = datetime.now(UTC).date()
    incident = session.get(t.Incident, person.incident_id)
    return min(today, incident.started_at.date()) if incident is not None else today


def whereabouts(
    session: Session, person_id: int, codes: dict[int, str] | None = None
) -> domain.Whereabouts:
    """A person's whereabouts projected from all of their movements."""
    rows = movements.for_person(session, person_id)
    codes = codes if codes is not None else movements.facility_codes(session)
    return domain.project_whereabouts(person_id, [movements.to_domain(r, codes) for r in rows])


def subject_state(
    session: Session,
    person: t.Person,
    *,
    on: date | None = None,
    where: domain.Whereabouts | None = None,
    facility_names: Mapping[str, str] | None = None,
) -> SubjectState:
    """Everything the policy may consider about one person, read from the store.

    The one builder for every audience (public answers, notifications, the front desk, the
    reunification centre, registry exports). Callers that already hold the whereabouts or
    the facility names (the desk, per search) pass them in; ``on`` is the day ages are
    taken on (default: ``age_reference``).
    """
    where = where if where is not None else whereabouts(session, person.id)
    names = (
        facility_names
        if facility_names is not None
        else {f.code: f.name for f in facilities.list_all(session)}
    )
    state = SubjectState.from_whereabouts(where, names)
    message = ""
    if where.status is domain.Status.REPORTED_SAFE and where.last_movement_id is not None:
        last = session.get(t.Movement, where.last_movement_id)
        message = last.note if last else ""
    age = person_age(person, on or age_reference(session, person))
    told = next_of_kin_told(session, person.id)
    return replace(
        state,
        directory_opt_out=person.directory_opt_out,
        message=message,
        minor=possibly_minor(age),
        unidentified=person.unidentified,
        next_of_kin_notified=told,
        death_released=told and death_released(session, person.id),
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


# What an officer asks about when opening a record in the centre: the record itself.
_OFFICER_LOOKUP = MatchBand(Band.CONFIDENT, full_name=True, other_fact=True)


def for_officer(
    session: Session, person: t.Person, match: MatchBand = _OFFICER_LOOKUP
) -> Disclosure:
    """What a reunification officer may see of ``person``: everything, with the reasons for
    care (minor, unidentified, next of kin not told...) as flags."""
    return decide(
        subject_state(session, person),
        Audience.reunification_officer(),
        match,
        settings_for(session, person.incident_id),
    )
