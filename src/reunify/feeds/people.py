"""Finding, creating, linking and updating people from HL7 patient identifiers and demographics.

Identifiers are scoped to their assigning authority, so a patient transferred to another
hospital arrives with a new MRN. ``link_candidates`` is the one place that decides whether that
MRN belongs to a person we already track; the matching engine will replace its rule later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from reunify import domain
from reunify.domain.text import fold
from reunify.feeds.chunk import Chunk
from reunify.interop.hl7v2 import NULL, UNCHANGED, Demographics, PatientRef, Privacy
from reunify.linkage.index import reindex_person
from reunify.store import audit, people
from reunify.store import hl7_tables as h
from reunify.store import tables as t
from reunify.tracking.service import register_person


class NeedsReview(Exception):
    """The message is kept but not applied: a person must decide (the reason says why)."""


class NoIncident(Exception):
    """No open incident to file a new person under: the receiver cannot take it now (AR)."""


@dataclass(frozen=True, slots=True)
class Feed:
    """Who is writing (for the audit log) and where new people go; ``chunk``: the messages
    applied in the same transaction, which re-index people once at the end."""

    incident_id: int | None
    actor: str
    message_id: int
    chunk: Chunk | None = None

    def reindex(self, session: Session, person_id: int) -> None:
        """Make the person findable by the matcher, now or at the end of the chunk."""
        if self.chunk is not None:
            self.chunk.reindex(person_id)
        else:
            reindex_person(session, person_id)


def owners(session: Session, identifiers: tuple[domain.Identifier, ...]) -> set[int]:
    return set(owned(session, identifiers).values())


_Key = tuple[str, str, str]


def owned(session: Session, identifiers: tuple[domain.Identifier, ...]) -> dict[_Key, int]:
    """(issuer, kind, value) -> person id, for those of ``identifiers`` already stored."""
    if not identifiers:
        return {}
    columns = (t.Identifier.issuer, t.Identifier.kind, t.Identifier.value, t.Identifier.person_id)
    stmt = select(*columns).where(
        or_(
            *(
                and_(
                    t.Identifier.issuer == i.issuer,
                    t.Identifier.kind == i.kind.value,
                    t.Identifier.value == i.value,
                )
                for i in identifiers
            )
        )
    )
    return {(r[0], r[1], r[2]): r[3] for r in session.execute(stmt)}


def _add_missing(
    session: Session, row: t.Person, ids: tuple[domain.Identifier, ...], known: dict[_Key, int]
) -> None:
    for i in ids:
        key = (i.issuer, i.kind.value, i.value)
        if key not in known:
            session.add(t.Identifier(person_id=row.id, kind=key[1], value=i.value, issuer=i.issuer))
            known[key] = row.id


def survivor(session: Session, person: t.Person) -> t.Person:
    """Follow ``merged_into_id`` to the record that is still in use."""
    seen = {person.id}
    while person.merged_into_id is not None and person.merged_into_id not in seen:
        nxt = session.get(t.Person, person.merged_into_id)
        if nxt is None:
            break
        seen.add(nxt.id)
        person = nxt
    return person


def find(session: Session, ref: PatientRef) -> t.Person | None:
    return _find(session, ref, owned(session, ref.identifiers))


def _find(session: Session, ref: PatientRef, known: dict[_Key, int]) -> t.Person | None:
    found = set(known.values())
    if len(found) > 1:
        ids = ", ".join(str(i) for i in sorted(found))
        raise NeedsReview(f"the patient's identifiers belong to different people ({ids})")
    if not found:
        return None
    row = session.get(t.Person, found.pop())
    return survivor(session, row) if row is not None else None


def _placeholder(ref: PatientRef, trigger: str) -> domain.Person:
    first = ref.identifiers[0]
    name = domain.PersonName(
        full=f"Patient {first.value} ({first.issuer})", use=domain.NameUse.ALIAS
    )
    return domain.Person(
        names=[name],
        identifiers=list(ref.identifiers),
        description=f"registered from an HL7 {trigger} that gave no name",
    )


def new_person(
    ref: PatientRef, d: Demographics | None, p: Privacy | None, trigger: str
) -> domain.Person:
    if d is None or not d.names:
        person = _placeholder(ref, trigger)
    else:
        person = domain.Person(names=list(d.names), identifiers=list(ref.identifiers))
    if d is not None:
        person.sex = d.sex if isinstance(d.sex, domain.Sex) else domain.Sex.UNKNOWN
        person.birth_date = d.birth_date if isinstance(d.birth_date, domain.BirthDate) else None
        person.contacts = list(d.contacts)
        person.unidentified = bool(d.unidentified)
    if p is not None:
        person.directory_opt_out = bool(p.directory_opt_out)
    return person


def ensure(
    session: Session,
    feed: Feed,
    ref: PatientRef,
    trigger: str,
    *,
    facility_id: int | None,
    demographics: Demographics | None = None,
    privacy: Privacy | None = None,
) -> tuple[t.Person, bool]:
    """The person these identifiers name, created (or linked) if new. Returns (row, created)."""
    known = owned(session, ref.identifiers)
    row = _find(session, ref, known)
    if row is not None:
        _add_missing(session, row, ref.identifiers, known)
        return row, False
    if feed.incident_id is None:
        raise NoIncident("no open incident to register a new patient under; resend later")
    person = new_person(ref, demographics, privacy, trigger)
    linked = link_candidates(session, feed, person, facility_id)
    if linked is not None:
        _add_missing(session, linked, ref.identifiers, known)
        return linked, False
    chunk = feed.chunk
    if chunk is not None:  # register_person reads the incident: keep it for the next one
        chunk.held.setdefault(
            (t.Incident, feed.incident_id), session.get(t.Incident, feed.incident_id)
        )
    row = register_person(
        session, feed.incident_id, person, actor=feed.actor, reindex=chunk is None
    )
    if chunk is not None:
        chunk.reindex(row.id)
        chunk.fresh.add(row.id)  # no movements, no whereabouts yet
    return row, True


def link_candidates(
    session: Session, feed: Feed, person: domain.Person, facility_id: int | None
) -> t.Person | None:
    """The tracked person a newly seen patient is, when that is certain enough; else None.

    Rule until the matching engine takes over: link when exactly one person of the incident
    has the same folded legal name and birth date and is in transit to this facility. When
    people share the name but the rule does not hold, record a review event for a human.
    """
    legal = [n for n in person.names if n.use is domain.NameUse.LEGAL]
    if not legal or feed.incident_id is None:
        return None
    ids: set[int] = set()
    for name in legal:
        ids.update(people.ids_by_folded_name(session, name.display, feed.incident_id))
    rows = [r for r in (session.get(t.Person, i) for i in sorted(ids)) if r is not None]
    rows = [r for r in rows if r.merged_into_id is None]
    if not rows:
        return None
    birth = person.birth_date.isoformat() if person.birth_date else None

    def arriving_here(row: t.Person) -> bool:
        where = session.get(t.Whereabouts, row.id)
        return (
            where is not None
            and where.status == domain.Status.IN_TRANSIT.value
            and facility_id is not None
            and where.destination_id == facility_id
        )

    confident = [r for r in rows if birth and r.birth_date == birth and arriving_here(r)]
    if len(confident) == 1:
        audit.record_event(
            session, "hl7:person:link", actor=feed.actor, subject_type="person",
            subject_id=confident[0].id, incident_id=feed.incident_id,
            data={"message_id": feed.message_id, "rule": "legal name + birth date + in transit"},
        )  # fmt: skip
        return confident[0]
    reason = (
        "several people fit the link rule" if confident
        else "same legal name, but birth date or destination differ"
    )  # fmt: skip
    audit.record_event(
        session, "hl7:person:review", actor=feed.actor, subject_type="hl7_message",
        subject_id=feed.message_id, incident_id=feed.incident_id,
        data={"candidates": [r.id for r in rows], "reason": reason,
              "name": legal[0].display},
    )  # fmt: skip
    return None


def _name_row(name: domain.PersonName) -> t.PersonName:
    return t.PersonName(
        use=name.use.value, given=name.given, family=name.family, full=name.full,
        folded=fold(name.display),
    )  # fmt: skip


def _name_key(n: t.PersonName | domain.PersonName) -> tuple[str, str]:
    display = n.display if isinstance(n, domain.PersonName) else (n.full or f"{n.given} {n.family}")
    use = n.use.value if isinstance(n, domain.PersonName) else n.use
    return fold(display), use


def mark(session: Session, row: t.Person, occurred_at: datetime) -> None:
    """Record the event time of the demographics a new person was registered with."""
    session.add(h.Hl7PersonState(person_id=row.id, demographics_at=occurred_at))


def update(
    session: Session,
    feed: Feed,
    row: t.Person,
    d: Demographics,
    p: Privacy,
    occurred_at: datetime,
) -> bool:
    """Apply demographics unless a newer HL7 update was applied already. Returns applied."""
    state = session.get(h.Hl7PersonState, row.id)
    if state is not None and occurred_at < state.demographics_at:
        return False
    if state is None:
        session.add(h.Hl7PersonState(person_id=row.id, demographics_at=occurred_at))
    else:
        state.demographics_at = occurred_at
    have = {_name_key(n) for n in row.names}
    for name in d.names:
        if _name_key(name) not in have:
            row.names.append(_name_row(name))
            have.add(_name_key(name))
    if d.sex is NULL:
        row.sex = domain.Sex.UNKNOWN.value
    elif d.sex is not UNCHANGED:
        row.sex = d.sex.value
    if d.birth_date is NULL:
        row.birth_date = None
    elif d.birth_date is not UNCHANGED:
        row.birth_date = d.birth_date.isoformat()
    if d.unidentified is not None:
        row.unidentified = d.unidentified
    if p.directory_opt_out is not None:
        row.directory_opt_out = p.directory_opt_out
    known = {fold(c.name) for c in row.contacts}
    for c in d.contacts:
        if fold(c.name) not in known:
            row.contacts.append(
                t.Contact(name=c.name, relationship_=c.relationship, phone=c.phone,
                          email=c.email, designated=c.designated)
            )  # fmt: skip
            known.add(fold(c.name))
    session.flush()
    feed.reindex(session, row.id)  # new names and birth date must be findable
    audit.record_event(
        session, "hl7:person:update", actor=feed.actor, subject_type="person", subject_id=row.id,
        incident_id=row.incident_id, data={"message_id": feed.message_id},
    )  # fmt: skip
    return True
