"""An ADT message as a pure, frozen ``AdtEvent``: who, where, when, with nothing applied yet.

Values are read by HL7 position and unescaped; ``""`` (null) and empty (unchanged) stay apart
in the fields an update can clear (``Update``). Oddities a sender gets away with (a wrong
EVN-1, a made-up MSH-9.3, an invalid patient class, a leading space in an identifier) are
accepted and recorded as warnings; what makes the event unusable raises ``Hl7Error``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from reunify.domain.dates import BirthDate
from reunify.domain.people import Contact, Identifier, PersonName
from reunify.domain.types import NameUse, Sex
from reunify.interop.hl7v2.errors import ErrorCode, Hl7Error, Issue
from reunify.interop.hl7v2.fields import (
    SEX,
    PatientIdentifier,
    PatientLocation,
    PublicityPolicy,
    Reader,
    code,
    contact,
    pl,
    xpn,
)
from reunify.interop.hl7v2.parse import NULL, UNCHANGED, Message, Segment, Update
from reunify.interop.hl7v2.timestamps import parse_birth_date, parse_timestamp

# Triggers that need a PV1 that says where the patient is (or was).
VISIT_TRIGGERS = frozenset(
    {"A01", "A02", "A03", "A04", "A06", "A07", "A09", "A10", "A12", "A13", "A17", "A21", "A22"}
)
MERGE_TRIGGERS = frozenset({"A40", "A47"})
PATIENT_CLASSES = frozenset("BCEINOPRU")  # table 0004

_ALIAS_RELIABILITY = frozenset({"AL"})  # table 0445: "patient/person name is an alias"


@dataclass(frozen=True, slots=True)
class Visit:
    patient_class: str  # PV1-2 upper-cased, even when not in table 0004 (then flagged)
    assigned: PatientLocation | None  # PV1-3
    prior: PatientLocation | None = None  # PV1-6
    temporary: PatientLocation | None = None  # PV1-11
    pending: PatientLocation | None = None  # PV1-42
    prior_temporary: PatientLocation | None = None  # PV1-43
    visit_number: str = ""  # PV1-19.1
    admit_source: str = ""  # PV1-14
    discharge_disposition: str = ""  # PV1-36
    discharged_to: str = ""  # PV1-37.1 (code, else text)
    admit_time: datetime | None = None  # PV1-44
    discharge_time: datetime | None = None  # PV1-45


@dataclass(frozen=True, slots=True)
class Privacy:
    publicity_code: Update[str] = UNCHANGED  # PD1-11.1
    protection: Update[str] = UNCHANGED  # PD1-12
    visit_publicity_code: Update[str] = UNCHANGED  # PV2-21.1
    visit_protection: Update[str] = UNCHANGED  # PV2-22
    directory_opt_out: bool | None = None  # None: unchanged


@dataclass(frozen=True, slots=True)
class Demographics:
    names: tuple[PersonName, ...] = ()  # () = unchanged
    sex: Update[Sex] = UNCHANGED
    birth_date: Update[BirthDate] = UNCHANGED
    death_time: Update[datetime] = UNCHANGED
    deceased: Update[bool] = UNCHANGED
    identity_reliability: tuple[str, ...] = ()
    unidentified: bool | None = None
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True, slots=True)
class AdtPatient:
    """One PID group (PID with its PD1, PV1, PV2, NK1 and MRG)."""

    patient_ids: tuple[PatientIdentifier, ...]
    demographics: Demographics = field(default_factory=Demographics)
    privacy: Privacy = field(default_factory=Privacy)
    visit: Visit | None = None
    prior_ids: tuple[PatientIdentifier, ...] = ()  # MRG-1
    prior_visit_number: str = ""  # MRG-5

    @property
    def identifiers(self) -> tuple[Identifier, ...]:
        return tuple(p.identifier for p in self.patient_ids)

    @property
    def prior_identifiers(self) -> tuple[Identifier, ...]:
        return tuple(p.identifier for p in self.prior_ids)


@dataclass(frozen=True, slots=True)
class Merge:
    """A40/A47: PID-3 survives, MRG-1 is retired. Direction matters: never swap them."""

    survivor: tuple[Identifier, ...]
    retired: tuple[Identifier, ...]


@dataclass(frozen=True, slots=True)
class AdtEvent:
    trigger: str  # MSH-9.2 (EVN-1 is not trusted)
    control_id: str  # MSH-10
    sending_application: str  # MSH-3.1
    sending_facility: str  # MSH-4.1
    receiving_application: str = ""
    receiving_facility: str = ""
    processing_id: str = "P"
    version: str = ""
    structure: str = ""  # MSH-9.3 as sent, however wrong
    evn_type: str = ""  # EVN-1 as sent
    event_reason: str = ""  # EVN-4
    message_time: datetime | None = None  # MSH-7
    recorded_time: datetime | None = None  # EVN-2
    occurred_time: datetime | None = None  # EVN-6
    patients: tuple[AdtPatient, ...] = ()
    z_segments: tuple[str, ...] = ()  # raw, unparsed: sites put local data there
    warnings: tuple[Issue, ...] = ()

    @property
    def event_time(self) -> datetime:
        """EVN-6, else EVN-2, else MSH-7: the order to apply events in."""
        t = self.occurred_time or self.recorded_time or self.message_time
        assert t is not None, "map_adt guarantees one of the three"
        return t

    @property
    def patient(self) -> AdtPatient:
        return self.patients[0]

    @property
    def merges(self) -> tuple[Merge, ...]:
        return tuple(
            Merge(p.identifiers, p.prior_identifiers) for p in self.patients if p.prior_ids
        )

    @property
    def source_key(self) -> tuple[str, str, str]:
        """(MSH-3, MSH-4, MSH-10): the de-duplication key."""
        return (self.sending_application, self.sending_facility, self.control_id)


def _opt_out(
    publicity: Update[str], protection: Update[str], policy: PublicityPolicy
) -> bool | None:
    if protection == "Y":
        return True
    if isinstance(publicity, str):
        if publicity in policy.opt_out_codes:
            return True
        if publicity in policy.listed_codes:
            return False
    if protection == "N" or NULL in (protection, publicity):
        return False  # "normal", or an explicit clear: back to the default, listed
    return None


def _privacy(pd1: Segment | None, pv2: Segment | None, r: Reader) -> Privacy:
    pub, prot, vpub, vprot = code(pd1, 11), code(pd1, 12), code(pv2, 21), code(pv2, 22)
    known = r.policy.opt_out_codes | r.policy.listed_codes
    for seg, n, value in (("PD1", 11, pub), ("PV2", 21, vpub)):
        if isinstance(value, str) and value not in known:
            text = f"publicity code {value!r} is not mapped; directory status unchanged"
            r.warn(seg, n, ErrorCode.TABLE_VALUE_NOT_FOUND, text)
    visit, patient = _opt_out(vpub, vprot, r.policy), _opt_out(pub, prot, r.policy)
    # Protection wins wherever it is set; otherwise the visit-level code overrides PD1.
    opt_out = True if "Y" in (prot, vprot) else (visit if visit is not None else patient)
    return Privacy(pub, prot, vpub, vprot, opt_out)


def _demographics(pid: Segment, nk1s: list[Segment], r: Reader, seq: int) -> Demographics:
    names = tuple(n for n in (xpn(rep) for rep in pid.field(5)) if n is not None)
    sex: Update[Sex] = UNCHANGED
    sex_code = code(pid, 8)
    if isinstance(sex_code, str):
        if sex_code not in SEX:
            text = f"sex {sex_code!r} not in table 0001"
            r.warn("PID", 8, ErrorCode.TABLE_VALUE_NOT_FOUND, text, seq)
        sex = SEX.get(sex_code, Sex.UNKNOWN)
    elif sex_code is NULL:
        sex = NULL
    birth: Update[BirthDate] = UNCHANGED
    dob = pid.field(7).get()
    if isinstance(dob, str):
        try:
            birth = parse_birth_date(dob)
        except ValueError as exc:
            r.warn("PID", 7, ErrorCode.DATA_TYPE, str(exc), seq)
    elif dob is NULL:
        birth = NULL
    death = r.time(pid, 29, seq)
    flag = code(pid, 30)
    deceased: Update[bool] = flag if not isinstance(flag, str) else flag == "Y"
    if deceased is UNCHANGED and isinstance(death, datetime):
        deceased = True
    reliability = tuple(rep.text(1).strip().upper() for rep in pid.field(32) if not rep.is_empty)
    unidentified: bool | None = None
    if _ALIAS_RELIABILITY.intersection(reliability):
        unidentified = True
    elif names:
        unidentified = all(n.use in (NameUse.ALIAS, NameUse.TRAUMA_ALIAS) for n in names)
    contacts = tuple(c for c in (contact(s) for s in nk1s) if c is not None)
    return Demographics(names, sex, birth, death, deceased, reliability, unidentified, contacts)


def _visit(pv1: Segment, r: Reader, seq: int) -> Visit:
    sent = pv1.field(2).text(1).strip()
    pclass = sent.upper()
    if pclass and pclass not in PATIENT_CLASSES:
        text = f"patient class {sent!r} not in table 0004"
        r.warn("PV1", 2, ErrorCode.TABLE_VALUE_NOT_FOUND, text, seq)
    dld = pv1.field(37).rep()
    return Visit(
        patient_class=pclass,
        assigned=pl(pv1.field(3)),
        prior=pl(pv1.field(6)),
        temporary=pl(pv1.field(11)),
        pending=pl(pv1.field(42)),
        prior_temporary=pl(pv1.field(43)),
        visit_number=pv1.field(19).text(1).strip(),
        admit_source=pv1.field(14).text(1).strip(),
        discharge_disposition=pv1.field(36).text(1).strip(),
        discharged_to=(dld.text(1, 1) or dld.text(1, 2)).strip(),
        admit_time=r.when(pv1, 44),
        discharge_time=r.when(pv1, 45),
    )


def _groups(message: Message) -> list[dict[str, list[Segment]]]:
    """PID groups: each PID with the PD1/PV1/PV2/NK1/MRG that follow it (A17, A40: several)."""
    groups: list[dict[str, list[Segment]]] = []
    for seg in message.segments[1:]:
        if seg.name == "PID":
            groups.append({"PID": [seg]})
        elif groups and seg.name in ("PD1", "PV1", "PV2", "NK1", "MRG"):
            groups[-1].setdefault(seg.name, []).append(seg)
    return groups


def _patient(group: dict[str, list[Segment]], r: Reader, seq: int) -> AdtPatient:
    pid = group["PID"][0]
    first = {name: segs[0] for name, segs in group.items()}
    mrg = first.get("MRG")
    return AdtPatient(
        patient_ids=r.cx_list(pid, 3),
        demographics=_demographics(pid, group.get("NK1", []), r, seq),
        privacy=_privacy(first.get("PD1"), first.get("PV2"), r),
        visit=_visit(first["PV1"], r, seq) if "PV1" in first else None,
        prior_ids=r.cx_list(mrg, 1) if mrg else (),
        prior_visit_number=mrg.field(5).text(1).strip() if mrg else "",
    )


@dataclass(frozen=True, slots=True)
class _Envelope:
    trigger: str
    evn_type: str
    evn: Segment | None
    times: tuple[datetime | None, datetime | None, datetime | None]  # MSH-7, EVN-2, EVN-6


def _require_adt(message: Message) -> None:
    if message.message_type != "ADT":
        raise Hl7Error(
            "MSH", 9, ErrorCode.UNSUPPORTED_MESSAGE_TYPE,
            f"message type {message.message_type or '(none)'} is not ADT", component=1,
        )  # fmt: skip


def _envelope(message: Message, r: Reader) -> _Envelope:
    """Trigger, control ID and times: what every ADT needs, checked before its content."""
    _require_adt(message)
    evn = message.segment("EVN")
    evn_type = evn.field(1).text().strip().upper() if evn else ""
    trigger = message.trigger
    if not trigger and not evn_type:
        raise Hl7Error("MSH", 9, ErrorCode.UNSUPPORTED_EVENT, "no trigger event", component=2)
    if not trigger:
        trigger = evn_type
        r.warn("MSH", 9, ErrorCode.REQUIRED_FIELD_MISSING, "MSH-9.2 empty; EVN-1 used")
    elif evn_type and evn_type != trigger:
        r.warn("EVN", 1, ErrorCode.DATA_TYPE, f"EVN-1 {evn_type} ignored: MSH-9.2 is {trigger}")
    if not message.control_id:
        raise Hl7Error("MSH", 10, ErrorCode.REQUIRED_FIELD_MISSING, "no message control ID")
    times = r.when(message.msh, 7), r.when(evn, 2), r.when(evn, 6)
    if not any(times):
        raise Hl7Error("MSH", 7, ErrorCode.REQUIRED_FIELD_MISSING, "no usable time in MSH-7/EVN")
    return _Envelope(trigger, evn_type, evn, times)


def event_time(message: Message, *, tz: tzinfo) -> datetime:
    """EVN-6, else EVN-2, else MSH-7, read as ``map_adt`` reads them, without the rest.

    Raises the ``Hl7Error`` ``map_adt`` would raise for a missing trigger, control ID or
    time. A receiver calls it before the commit, so it reads no more than it must: the
    first usable time, and no warnings.
    """
    _require_adt(message)
    evn = message.segment("EVN")
    if not message.trigger and not (evn and evn.field(1).text().strip()):
        raise Hl7Error("MSH", 9, ErrorCode.UNSUPPORTED_EVENT, "no trigger event", component=2)
    if not message.control_id:
        raise Hl7Error("MSH", 10, ErrorCode.REQUIRED_FIELD_MISSING, "no message control ID")
    for seg, n in ((evn, 6), (evn, 2), (message.msh, 7)):
        value = seg.field(n).get() if seg is not None else UNCHANGED
        if isinstance(value, str):
            with contextlib.suppress(ValueError):  # map_adt warns; the next one is tried
                return parse_timestamp(value, tz)
    raise Hl7Error("MSH", 7, ErrorCode.REQUIRED_FIELD_MISSING, "no usable time in MSH-7/EVN")


def map_adt(message: Message, *, tz: tzinfo, policy: PublicityPolicy | None = None) -> AdtEvent:
    """Map an ADT message. ``tz`` is the sending facility's zone, for times without an offset."""
    r = Reader(message, tz, policy or PublicityPolicy())
    e = _envelope(message, r)
    trigger, evn_type, evn, times = e.trigger, e.evn_type, e.evn, e.times
    groups = _groups(message)
    _check(trigger, groups)
    patients = tuple(_patient(g, r, i) for i, g in enumerate(groups, start=1))
    return AdtEvent(
        trigger=trigger,
        control_id=message.control_id,
        sending_application=message.header(3),
        sending_facility=message.header(4),
        receiving_application=message.header(5),
        receiving_facility=message.header(6),
        processing_id=message.processing_id,
        version=message.version,
        structure=message.structure,
        evn_type=evn_type,
        event_reason=evn.field(4).text(1).strip() if evn else "",
        message_time=times[0],
        recorded_time=times[1],
        occurred_time=times[2],
        patients=patients,
        z_segments=tuple(s.raw for s in message.z_segments),
        warnings=tuple(r.warnings),
    )


HANDLED_TRIGGERS = VISIT_TRIGGERS | MERGE_TRIGGERS | {"A08", "A11", "A28", "A31"}


def check_content(message: Message) -> None:
    """Raise the content error ``map_adt`` would raise (a handled trigger without the
    segments and fields it cannot do without), reading only those fields.

    A receiver that stores first and maps later calls it before the commit, so that such a
    message is still answered AE with the ERR ``map_adt`` would give, for a few microseconds
    instead of a full mapping. Call it after the header checks (``event_time``).
    """
    evn = message.segment("EVN")
    trigger = message.trigger or (evn.field(1).text().strip().upper() if evn else "")
    _check(trigger, _groups(message))


def _has_id(seg: Segment, n: int) -> bool:
    """Whether a CX field names any identifier (``Reader.cx_list`` would not be empty)."""
    return any(rep.text(1).strip() for rep in seg.field(n))


def _check(trigger: str, groups: list[dict[str, list[Segment]]]) -> None:
    """What a handled trigger cannot do without; anything else is left to ``interpret``."""
    if trigger not in HANDLED_TRIGGERS:
        return
    if not groups:
        raise Hl7Error("PID", 0, ErrorCode.SEGMENT_SEQUENCE, f"{trigger} needs a PID segment")
    if trigger == "A17" and len(groups) != 2:
        raise Hl7Error("PID", 0, ErrorCode.SEGMENT_SEQUENCE, "A17 needs two PID/PV1 pairs")
    for seq, group in enumerate(groups, start=1):
        pv1 = group["PV1"][0] if "PV1" in group else None
        if not _has_id(group["PID"][0], 3):
            raise Hl7Error(
                "PID", 3, ErrorCode.REQUIRED_FIELD_MISSING, "no patient identifier", sequence=seq
            )
        if trigger in VISIT_TRIGGERS and pv1 is None:
            raise Hl7Error(
                "PV1", 0, ErrorCode.SEGMENT_SEQUENCE, f"{trigger} needs a PV1", sequence=seq
            )
        if trigger in ("A02", "A17") and (pv1 is None or pl(pv1.field(3)) is None):
            raise Hl7Error(
                "PV1", 3, ErrorCode.REQUIRED_FIELD_MISSING, f"{trigger} without a new location",
                sequence=seq,
            )  # fmt: skip
        if trigger in MERGE_TRIGGERS and not ("MRG" in group and _has_id(group["MRG"][0], 1)):
            raise Hl7Error(
                "MRG", 1, ErrorCode.REQUIRED_FIELD_MISSING, f"{trigger} without a prior identifier",
                sequence=seq,
            )  # fmt: skip
