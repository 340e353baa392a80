"""What each ADT trigger means for tracking, as plain effects the store applies.

``interpret`` is pure: it cannot see the current whereabouts, so anything that depends on
them is said in the effect and decided by the store (``ConfirmLocation`` applies only if the
location differs; a ``CancelTransfer`` is checked with ``cancel_conflict`` first).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from reunify.domain.movements import Movement, order_movements
from reunify.domain.people import Identifier
from reunify.domain.types import Status
from reunify.interop.hl7v2.adt import AdtEvent, AdtPatient, Demographics, Privacy
from reunify.interop.hl7v2.fields import PatientLocation

# UB-04 discharge status codes as used in PV1-36 (table 0112 is user-defined).
EXPIRED = frozenset({"20", "40", "41", "42"})
TO_ANOTHER_FACILITY = frozenset(
    {"02", "03", "04", "05", "43", "62", "63", "64", "65", "66", "70"}
    | {"82", "83", "84", "85", "86", "87", "88", "90", "91", "92", "93", "94", "95"}
)
_IGNORED = {
    "A05": "pre-admission: a planned location is not where the patient is",
    "A14": "pending admission: planned only",
    "A15": "pending transfer: planned only",
    "A16": "pending discharge: planned only",
    "A25": "cancel pending discharge: planned only",
    "A26": "cancel pending transfer: planned only",
    "A27": "cancel pending admission: planned only",
}


@dataclass(frozen=True, slots=True)
class DispositionCodes:
    expired: frozenset[str] = EXPIRED
    transferred: frozenset[str] = TO_ANOTHER_FACILITY


@dataclass(frozen=True, slots=True)
class PatientRef:
    """How the store finds the person: any of the identifiers, each scoped to its issuer."""

    identifiers: tuple[Identifier, ...]
    visit_number: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Effect:
    trigger: str
    patient: PatientRef | None
    occurred_at: datetime  # EVN-6, else EVN-2, else MSH-7; on a cancel, the cancelled event's
    recorded_at: datetime  # EVN-2, else MSH-7
    source: tuple[str, str, str]  # (MSH-3, MSH-4, MSH-10)


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdatePerson(Effect):
    """Identity and demographics. Empty/``UNCHANGED`` values leave stored ones alone."""

    demographics: Demographics
    privacy: Privacy


@dataclass(frozen=True, slots=True, kw_only=True)
class Admit(Effect):
    """A01/A04/A06/A07: in care at ``facility`` (status from PV1-2: E = emergency department)."""

    status: Status
    facility: str
    location: PatientLocation | None
    patient_class: str
    admit_source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Transfer(Effect):
    facility: str
    location: PatientLocation
    prior: PatientLocation | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfirmLocation(Effect):
    """A08 carried a location: a movement only if it differs from the current one."""

    facility: str
    location: PatientLocation


@dataclass(frozen=True, slots=True, kw_only=True)
class Discharge(Effect):
    """A03. ``status`` is discharged, deceased, or in transit to ``destination``."""

    status: Status
    facility: str
    last_location: PatientLocation | None
    disposition: str
    destination: str
    discharge_time: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class TemporaryMove(Effect):
    """A09 (departing) / A10 (arriving): a non-census move; the bed stays assigned."""

    arriving: bool
    facility: str
    location: PatientLocation | None  # where the patient is (going) now
    census: PatientLocation | None  # PV1-3
    prior: PatientLocation | None


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaveOfAbsence(Effect):
    """A21 (out, bed held) / A22 (back)."""

    returning: bool
    facility: str
    location: PatientLocation | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelAdmit(Effect):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelTransfer(Effect):
    """A12. ``restore_to`` (PV1-3) is the location before the cancelled transfer."""

    facility: str
    restore_to: PatientLocation | None
    cancelled: PatientLocation | None  # PV1-6, when the sender gives it
    cancelled_event_time: datetime | None  # EVN-6


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelDischarge(Effect):
    status: Status
    facility: str
    location: PatientLocation | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Swap(Effect):
    """A17: both beds change at once. ``patient`` goes to ``location``, ``other`` to its own."""

    facility: str
    location: PatientLocation
    other: PatientRef
    other_location: PatientLocation


@dataclass(frozen=True, slots=True, kw_only=True)
class MergePatients(Effect):
    """A40: re-point everything from ``retired`` (MRG-1) to the survivor (``patient``, PID-3)."""

    retired: tuple[Identifier, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeIdentifier(Effect):
    """A47: the same patient, an identifier corrected from ``old`` to ``patient``'s."""

    old: tuple[Identifier, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Ignore(Effect):
    """A valid event that does not change tracking: acknowledge AA and log it."""

    reason: str


class _Base(TypedDict):
    trigger: str
    occurred_at: datetime
    recorded_at: datetime
    source: tuple[str, str, str]


def _ref(p: AdtPatient) -> PatientRef:
    return PatientRef(p.identifiers, p.visit.visit_number if p.visit else "")


def _status(patient_class: str) -> Status:
    return Status.EMERGENCY_DEPARTMENT if patient_class == "E" else Status.ADMITTED


def _facility(event: AdtEvent, loc: PatientLocation | None) -> str:
    return (loc.facility if loc else "") or event.sending_facility


def _person(p: AdtPatient, base: _Base) -> UpdatePerson:
    return UpdatePerson(patient=_ref(p), demographics=p.demographics, privacy=p.privacy, **base)


def _admit(e: AdtEvent, codes: DispositionCodes, base: _Base) -> list[Effect]:
    p = e.patient
    assert p.visit is not None
    loc = p.visit.assigned
    admit = Admit(
        patient=_ref(p), status=_status(p.visit.patient_class), facility=_facility(e, loc),
        location=loc, patient_class=p.visit.patient_class, admit_source=p.visit.admit_source,
        **base,
    )  # fmt: skip
    return [_person(p, base), admit]


def _transfer(e: AdtEvent, codes: DispositionCodes, base: _Base) -> list[Effect]:
    p = e.patient
    assert p.visit is not None
    loc = p.visit.assigned
    assert loc is not None
    return [
        Transfer(
            patient=_ref(p), facility=_facility(e, loc), location=loc, prior=p.visit.prior, **base
        )
    ]


def _discharge(e: AdtEvent, codes: DispositionCodes, base: _Base) -> list[Effect]:
    p = e.patient
    v = p.visit
    assert v is not None
    disposition = v.discharge_disposition
    if disposition in codes.expired or p.demographics.deceased is True:
        status = Status.DECEASED
    elif disposition in codes.transferred or (not disposition and v.discharged_to):
        status = Status.IN_TRANSIT  # until the receiving facility admits them
    else:
        status = Status.DISCHARGED
    discharge = Discharge(
        patient=_ref(p), status=status, facility=_facility(e, v.assigned),
        last_location=v.assigned, disposition=disposition,
        destination=v.discharged_to if status is Status.IN_TRANSIT else "",
        discharge_time=v.discharge_time, **base,
    )  # fmt: skip
    return [_person(p, base), discharge]


def _update(e: AdtEvent, codes: DispositionCodes, base: _Base) -> list[Effect]:
    p = e.patient
    effects: list[Effect] = [_person(p, base)]
    v = p.visit
    if e.trigger == "A08" and v and v.assigned and v.patient_class != "N":
        loc = v.assigned
        effects.append(
            ConfirmLocation(patient=_ref(p), facility=_facility(e, loc), location=loc, **base)
        )
    return effects


def _temporary(e: AdtEvent, codes: DispositionCodes, base: _Base) -> list[Effect]:
    p = e.patient
    v = p.visit
    assert v is not None
    arriving = e.trigger == "A10"
    to = v.temporary or (v.assigned if arriving else v.pending)
    move = TemporaryMove(
        patient=_ref(p), arriving=arriving, facility=_facility(e, to or v.assigned), location=to,
        census=v.assigned, prior=v.prior, **base,
    )  # fmt: skip
    return [move]


def _leave(e: AdtEvent, codes: DispositionCodes, base: _Base) -> list[Effect]:
    p = e.patient
    loc = p.visit.assigned if p.visit else None
    returning = e.trigger == "A22"
    return [
        LeaveOfAbsence(
            patient=_ref(p), returning=returning, facility=_facility(e, loc), location=loc, **base
        )
    ]


def _cancel_admit(e: AdtEvent, codes: DispositionCodes, base: _Base) -> list[Effect]:
    return [CancelAdmit(patient=_ref(e.patient), **base)]


def _cancel_transfer(e: AdtEvent, codes: DispositionCodes, base: _Base) -> list[Effect]:
    p = e.patient
    v = p.visit
    assert v is not None
    cancel = CancelTransfer(
        patient=_ref(p), facility=_facility(e, v.assigned), restore_to=v.assigned,
        cancelled=v.prior, cancelled_event_time=e.occurred_time, **base,
    )  # fmt: skip
    return [cancel]


def _cancel_discharge(e: AdtEvent, codes: DispositionCodes, base: _Base) -> list[Effect]:
    p = e.patient
    v = p.visit
    assert v is not None
    status = _status(v.patient_class)
    loc = v.assigned
    return [
        CancelDischarge(
            patient=_ref(p), status=status, facility=_facility(e, loc), location=loc, **base
        )
    ]


def _swap(e: AdtEvent, codes: DispositionCodes, base: _Base) -> list[Effect]:
    first, second = e.patients
    assert first.visit is not None
    assert second.visit is not None
    loc, other_loc = first.visit.assigned, second.visit.assigned
    assert loc is not None
    assert other_loc is not None
    swap = Swap(
        patient=_ref(first), facility=_facility(e, loc), location=loc, other=_ref(second),
        other_location=other_loc, **base,
    )  # fmt: skip
    return [swap]


def _merge(e: AdtEvent, codes: DispositionCodes, base: _Base) -> list[Effect]:
    if e.trigger == "A47":
        return [
            ChangeIdentifier(patient=_ref(p), old=p.prior_identifiers, **base) for p in e.patients
        ]
    return [MergePatients(patient=_ref(p), retired=p.prior_identifiers, **base) for p in e.patients]


_Handler = Callable[[AdtEvent, DispositionCodes, _Base], list[Effect]]
_HANDLERS: dict[str, _Handler] = {
    **dict.fromkeys(("A01", "A04", "A06", "A07"), _admit),
    "A02": _transfer,
    "A03": _discharge,
    **dict.fromkeys(("A08", "A28", "A31"), _update),
    **dict.fromkeys(("A09", "A10"), _temporary),
    "A11": _cancel_admit,
    "A12": _cancel_transfer,
    "A13": _cancel_discharge,
    "A17": _swap,
    **dict.fromkeys(("A21", "A22"), _leave),
    **dict.fromkeys(("A40", "A47"), _merge),
}


def interpret(event: AdtEvent, codes: DispositionCodes | None = None) -> list[Effect]:
    """The tracking effects of one ADT event, in the order to apply them."""
    base = _Base(
        trigger=event.trigger,
        occurred_at=event.event_time,
        recorded_at=event.recorded_time or event.message_time or event.event_time,
        source=event.source_key,
    )
    handler = _HANDLERS.get(event.trigger)
    if handler is None or not event.patients:
        reason = _IGNORED.get(event.trigger, f"{event.trigger} does not change tracking")
        patient = _ref(event.patient) if event.patients else None
        return [Ignore(patient=patient, reason=reason, **base)]
    return handler(event, codes or DispositionCodes(), base)


def cancel_conflict(cancel: CancelTransfer, history: Sequence[Movement]) -> str | None:
    """Why an A12 must go to a human instead of being applied, or None if it is safe.

    The cancelled transfer is the movement at EVN-6, else the latest one at PV1-6, else the
    latest. It is unsafe when a later movement exists (the A12 arrived after a newer A02),
    when the cancelled transfer cannot be found, or when the location before it is not the
    one PV1-3 says the patient returns to.
    """
    moves = order_movements(history)
    target = None
    if cancel.cancelled_event_time is not None:
        target = next((m for m in moves if m.occurred_at == cancel.cancelled_event_time), None)
    if target is None and cancel.cancelled is not None and not cancel.cancelled.location.is_empty:
        at = [m for m in moves if m.location == cancel.cancelled.location]
        target = at[-1] if at else None
    if target is None and cancel.cancelled_event_time is None and cancel.cancelled is None:
        target = moves[-1] if moves else None
    if target is None:
        return "the transfer to cancel is not in the movement history"
    later = [m for m in moves if m.order_key > target.order_key]
    if later:
        return f"a later movement ({later[-1].occurred_at.isoformat()}) would be undone"
    before = [m for m in moves if m.order_key < target.order_key]
    restore = cancel.restore_to
    if (
        restore
        and not restore.location.is_empty
        and before
        and before[-1].location != restore.location
    ):
        return "PV1-3 does not match the location before the cancelled transfer"
    return None
