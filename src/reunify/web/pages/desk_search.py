"""The front desk's search: find candidates by name, then say only what the policy allows.

Finding is one swappable call (``Finder``, a FastAPI dependency). The default asks the same
two sources as ``tracking.service.locate`` (exact folded names, then the matching engine's
tolerant candidates) but keeps each candidate's band, because the policy answers an
uncertain match differently from a confident one. Everything after finding (whereabouts,
disclosure, audit) does not change when the finder does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from typing import NamedTuple

from pydantic import BaseModel
from sqlalchemy.orm import Session

from reunify import domain
from reunify.domain.disclosure import (
    AnswerKind,
    Audience,
    Band,
    Disclosure,
    DisclosureSettings,
    FamilyAssistanceCentre,
    MatchBand,
    decide,
)
from reunify.families.candidates import person_age
from reunify.families.disclose import subject_state, whereabouts
from reunify.linkage.service import tolerant_ids
from reunify.store import audit, movements, people
from reunify.store import tables as t

_WILDCARDS = set("*%?_")


class Candidate(NamedTuple):
    person_id: int
    band: Band


Finder = Callable[[Session, str, str], list[Candidate]]  # (session, query, actor)


def name_finder(session: Session, query: str, actor: str) -> list[Candidate]:
    """Exact folded names (confident), then typos and nicknames the matching engine finds;
    as in ``locate``, uncertain ones only when no name matched exactly."""
    exact = people.ids_by_folded_name(session, query)
    confident = set(exact) | set(tolerant_ids(session, query, confident_only=True))
    tolerant = tolerant_ids(session, query, confident_only=bool(exact))
    ids = exact + [i for i in tolerant if i not in exact]
    return [Candidate(i, Band.CONFIDENT if i in confident else Band.UNCERTAIN) for i in ids]


def get_finder() -> Finder:
    """A FastAPI dependency, so another finder can be swapped in (or overridden in tests)."""
    return name_finder


def is_full_name(query: str) -> bool:
    """Given and family name, no wildcards: the desk does not browse its directory."""
    words = query.split()
    return len(words) >= 2 and not any(ch in _WILDCARDS for ch in query)


class CentreView(BaseModel):
    name: str
    phone: str
    address: str


class DeskResult(BaseModel):
    """One candidate as the desk may see it. Details only for people at this desk's facility."""

    answer: AnswerKind
    rule: str
    name: str
    aliases: list[str] = []
    sex: str | None = None
    age: str | None = None
    arrived_at: datetime | None = None
    facility: str | None = None
    condition: str | None = None
    unit: str | None = None
    room: str | None = None
    destination: str | None = None
    expected_arrival: datetime | None = None
    badge_person_id: int | None = None  # set only when the policy allows a badge here
    family_assistance_centre: CentreView | None = None


def _where(session: Session, person_id: int, codes: dict[int, str]) -> domain.Whereabouts:
    return whereabouts(session, person_id, codes)


def disclosure_settings(incident: t.Incident) -> DisclosureSettings:
    centre = FamilyAssistanceCentre(incident.fac_name, incident.fac_phone, incident.fac_address)
    return DisclosureSettings.from_incident(incident.settings or {}, centre)


def _result(
    row: t.Person, where: domain.Whereabouts, d: Disclosure, desk_code: str, today: date
) -> DeskResult:
    person = people.to_domain(row)
    primary = person.primary_name
    result = DeskResult(
        answer=d.kind,
        rule=d.rule,
        name=primary.display,
        facility=d.facility,
        condition=d.condition.value if d.condition else None,
        unit=d.unit,
        room=d.room,
        destination=d.destination,
        expected_arrival=d.expected_arrival,
        badge_person_id=row.id if d.badge_allowed else None,
    )
    if d.family_assistance_centre is not None:
        c = d.family_assistance_centre
        result.family_assistance_centre = CentreView(name=c.name, phone=c.phone, address=c.address)
    here = d.kind in (AnswerKind.LOCATED, AnswerKind.IN_TRANSIT, AnswerKind.DISCHARGED) and (
        desk_code in (where.facility_code, where.destination_code)
    )
    if here:
        # What tells two namesakes apart, for patients of this facility only.
        age = person_age(row, today)
        result.aliases = sorted({n.display for n in person.names if n != primary})
        result.sex = person.sex.value
        result.age = str(age) if age else None
        arrivals = [m.occurred_at for m in where.history if m.facility_code == desk_code]
        result.arrived_at = min(arrivals) if arrivals else None
    return result


def search(
    session: Session,
    finder: Finder,
    query: str,
    *,
    desk: t.Facility,
    actor: str,
    today: date | None = None,
) -> list[DeskResult]:
    """Results the desk may show, people at this facility first; protected people are left out,
    so that "protected" reads exactly like "not found". Every decision is audited."""
    match = MatchBand(Band.CONFIDENT, full_name=is_full_name(query))
    audience = Audience.front_desk(desk.code)
    codes = movements.facility_codes(session)
    names = {f.code: f.name for f in session.query(t.Facility)}
    results: list[DeskResult] = []
    for candidate in finder(session, query, actor):
        row = people.get(session, candidate.person_id)
        if row is None or row.merged_into_id is not None:
            continue
        incident = session.get(t.Incident, row.incident_id)
        assert incident is not None
        where = _where(session, row.id, codes)
        band = dataclasses.replace(match, band=candidate.band)
        # Ages as of the incident: what relatives and the news say, and stable over a long stay.
        on = today or incident.started_at.date()
        subject = subject_state(session, row, on=on, where=where, facility_names=names)
        d = decide(subject, audience, band, disclosure_settings(incident))
        audit.record_event(
            session,
            "staff:person:disclose",
            actor=actor,
            subject_type="person",
            subject_id=row.id,
            incident_id=row.incident_id,
            data={"audience": "front_desk", "facility": desk.code, "rule": d.rule, "query": query},
        )
        if d.kind is not AnswerKind.NO_INFORMATION:
            results.append(_result(row, where, d, desk.code, on))
    results.sort(key=lambda r: r.badge_person_id is None)
    return results


def badge_disclosure(
    session: Session, person_id: int, desk: t.Facility, today: date | None = None
) -> tuple[t.Person, Disclosure] | None:
    """Ask the policy again when the badge is printed: the patient may have moved or opted out."""
    row = people.get(session, person_id)
    if row is None:
        return None
    incident = session.get(t.Incident, row.incident_id)
    assert incident is not None
    codes = movements.facility_codes(session)
    names = {f.code: f.name for f in session.query(t.Facility)}
    where = _where(session, row.id, codes)
    on = today or incident.started_at.date()
    subject = subject_state(session, row, on=on, where=where, facility_names=names)
    d = decide(
        subject,
        Audience.front_desk(desk.code),
        MatchBand(Band.CONFIDENT, full_name=True),
        disclosure_settings(incident),
    )
    return row, d
