"""The scenario's hospital events as the HL7 v2 ADT messages SGMW and Seattle Pres would send.

``render()`` turns each patient's steps at a hospital where they have an MRN into A04 (ED
registration), A01/A02 (admission, transfer), A03 (discharge: home, transferred, expired) or
A28 with PID-29/30 (a death registered without a visit). Steps no hospital system sends (at the
scene, the medical examiner, "I'm safe") are returned apart and loaded as the demo loader
does. ``load_via_hl7`` sends the messages through the same receiver as the MLLP listener.
Conditions are not in the ADT fields used here, so this path carries none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select

from reunify import domain
from reunify.demo import scenario as s
from reunify.demo.load import ACTOR, LoadResult
from reunify.domain import IdentifierKind, NameUse, Status
from reunify.domain.errors import DomainError
from reunify.feeds import Receiver
from reunify.interop.hl7v2 import AckCode, Delimiters, escape
from reunify.store import Database, facilities, incidents, people
from reunify.store import tables as t
from reunify.tracking.service import MovementDraft, record_movement, register_person

_DISCHARGE_HOME, _TRANSFERRED, _EXPIRED = "01", "02", "20"
_DELIMS = Delimiters()
_NAME_TYPE = {NameUse.LEGAL: "L", NameUse.NICKNAME: "N", NameUse.TRAUMA_ALIAS: "S"}


@dataclass
class Rendered:
    messages: list[bytes] = field(default_factory=list)
    # Steps no hospital system sends: (person, step number, step).
    others: list[tuple[s.DemoPerson, int, s.Step]] = field(default_factory=list)


def _e(text: str) -> str:
    return escape(text, _DELIMS)


def _ts(when: datetime) -> str:
    return when.astimezone(s.TZ).strftime("%Y%m%d%H%M%S%z")


def _pl(loc: domain.Location, facility: str) -> str:
    parts = [loc.unit, loc.room, loc.bed, facility, "", "", loc.building, loc.floor]
    return "^".join(_e(p) for p in parts).rstrip("^")


def _pid(person: domain.Person, mrn: domain.Identifier, death: datetime | None = None) -> str:
    names = "~".join(
        f"{_e(n.family)}^{_e(n.given)}^^^^^{_NAME_TYPE.get(n.use, 'A')}" for n in person.names
    )
    dob = person.birth_date.isoformat().replace("-", "") if person.birth_date else ""
    sex = {"male": "M", "female": "F"}.get(person.sex.value, "U")
    fields = ["1", "", f"{mrn.value}^^^{mrn.issuer}^MR", "", names, "", dob, sex]
    if death is not None:
        fields += [""] * 20 + [_ts(death), "Y"]  # PID-29, PID-30
    return "PID|" + "|".join(fields)


def _message(
    dp: s.DemoPerson, n: int, trigger: str, facility: str, step: s.Step, pv1: list[str],
    *, death: datetime | None = None,
) -> bytes:  # fmt: skip
    mrn = next(i for i in dp.person.identifiers if i.issuer == facility)
    when = _ts(step.when)
    lines = [
        f"MSH|^~\\&|ADT|{facility}|REUNIFY|REUNIFY|{when}||ADT^{trigger}|{dp.key}-{n}|P|2.5",
        f"EVN|{trigger}|{when}||||{when}",
        _pid(dp.person, mrn, death),
    ]
    lines += [
        f"NK1|{k}|{_e(c.name)}|^{_e(c.relationship)}||{_e(c.phone)}"
        for k, c in enumerate(dp.person.contacts, start=1)
    ]
    if pv1:
        lines.append("PV1|" + "|".join(pv1).rstrip("|"))
    return ("\r".join(lines) + "\r").encode()


def _pv1(patient_class: str, location: str, *, prior: str = "", disposition: str = "",
         to: str = "") -> list[str]:  # fmt: skip
    fields = [""] * 37
    fields[0], fields[1], fields[2], fields[5] = "1", patient_class, location, prior
    fields[35], fields[36] = disposition, to
    return fields


def render() -> Rendered:
    out = Rendered()
    for dp in s.PEOPLE:
        mrns = {i.issuer for i in dp.person.identifiers if i.kind is IdentifierKind.MRN}
        visit: tuple[str, str] | None = None  # (facility, PL) of the open visit
        for n, step in enumerate(dp.steps, start=1):
            fac = step.facility or ""
            here = fac in mrns
            msg: bytes | None = None
            if step.status is Status.EMERGENCY_DEPARTMENT and here:
                visit = (fac, _pl(step.location, fac))
                msg = _message(dp, n, "A04", fac, step, _pv1("E", visit[1]))
            elif step.status is Status.ADMITTED and here:
                pl = _pl(step.location, fac)
                if visit is not None and visit[0] == fac:
                    msg = _message(dp, n, "A02", fac, step, _pv1("I", pl, prior=visit[1]))
                else:
                    msg = _message(dp, n, "A01", fac, step, _pv1("I", pl))
                visit = (fac, pl)
            elif step.status is Status.IN_TRANSIT and visit is not None:
                pv1 = _pv1("I", visit[1], disposition=_TRANSFERRED, to=step.destination or "")
                msg = _message(dp, n, "A03", visit[0], step, pv1)
                visit = None
            elif step.status is Status.DISCHARGED and visit is not None and visit[0] == fac:
                msg = _message(
                    dp, n, "A03", fac, step, _pv1("E", visit[1], disposition=_DISCHARGE_HOME)
                )
                visit = None
            elif step.status is Status.DECEASED and here:
                if visit is not None and visit[0] == fac:
                    pv1 = _pv1("E", visit[1], disposition=_EXPIRED)
                    msg = _message(dp, n, "A03", fac, step, pv1)
                else:  # killed at the hospital, never registered: the death on record
                    msg = _message(dp, n, "A28", fac, step, [], death=step.when)
                visit = None
            if msg is None:
                out.others.append((dp, n, step))
            else:
                out.messages.append(msg)
    return out


def _prepare(database: Database) -> None:
    """The incident, facilities and beds, as the demo loader makes them."""
    with database.session() as session:
        if incidents.get_by_slug(session, s.INCIDENT_SLUG) is None:
            session.add(
                t.Incident(
                    slug=s.INCIDENT_SLUG, name=s.INCIDENT_NAME, started_at=s.STARTED_AT,
                    timezone="America/Los_Angeles", settings={}, created_at=datetime.now(UTC),
                    **s.FAMILY_ASSISTANCE_CENTRE,
                )
            )  # fmt: skip
        for facility in s.FACILITIES:
            row = facilities.upsert(session, facility)
            if facility.code in s.BEDS and not facilities.beds(session, row.id):
                facilities.set_beds(session, row.id, s.BEDS[facility.code])


def load_via_hl7(database: Database) -> LoadResult:
    """Send the hospital events as ADT messages, then load what no hospital sends. Idempotent."""
    _prepare(database)
    before = _counts(database)
    rendered = render()
    receipts = Receiver(database, channel="demo", incident=s.INCIDENT_SLUG).receive_batch(
        rendered.messages
    )
    refused = [r.text for r in receipts if r.code is not AckCode.AA]
    if refused:
        raise DomainError("hl7", f"the demo messages were refused: {refused[0]}")
    with database.session() as session:
        incident = incidents.get_by_slug(session, s.INCIDENT_SLUG)
        assert incident is not None
        for dp, n, step in rendered.others:
            key = domain.Identifier(IdentifierKind.EXTERNAL, dp.key, s.DEMO_ISSUER)
            row = None
            for identifier in (key, *dp.person.identifiers):
                row = people.find_by_identifier(session, identifier)
                if row is not None:
                    break
            if row is None:
                row = register_person(session, incident.id, dp.person, actor=ACTOR)
            else:
                people.add_identifiers(session, row, [key])
            record_movement(
                session,
                MovementDraft(
                    person_id=row.id, status=step.status, occurred_at=step.when,
                    recorded_at=step.when, facility_code=step.facility, location=step.location,
                    condition=step.condition, destination_code=step.destination,
                    source=step.source, source_ref=f"{dp.key}/{n}", note=step.note,
                ),
                actor=ACTOR,
            )  # fmt: skip
        incident_id = incident.id
    after = _counts(database)
    return LoadResult(incident_id, after[0] - before[0], after[1] - before[1])


def _counts(database: Database) -> tuple[int, int]:
    with database.session() as session:
        return (
            session.scalar(select(func.count()).select_from(t.Person)) or 0,
            session.scalar(select(func.count()).select_from(t.Movement)) or 0,
        )
