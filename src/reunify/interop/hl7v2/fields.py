"""Readers for the HL7 data types ADT mapping needs: CX, XPN, PL, HD, XTN, and timestamps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from reunify.domain.facilities import Location
from reunify.domain.people import Contact, Identifier, PersonName
from reunify.domain.types import IdentifierKind, NameUse, Sex
from reunify.interop.hl7v2.errors import ErrorCode, Issue, Severity
from reunify.interop.hl7v2.parse import UNCHANGED, Field, Message, Repetition, Segment, Update
from reunify.interop.hl7v2.timestamps import parse_timestamp

NAME_USE = {  # table 0200 name types; anything else is read as an alias
    "": NameUse.LEGAL,
    "L": NameUse.LEGAL,
    "D": NameUse.LEGAL,
    "R": NameUse.LEGAL,
    "U": NameUse.LEGAL,
    "B": NameUse.MAIDEN,
    "M": NameUse.MAIDEN,
    "N": NameUse.NICKNAME,
    "A": NameUse.ALIAS,
    "S": NameUse.TRAUMA_ALIAS,  # coded pseudo-name
    "TEMP": NameUse.TRAUMA_ALIAS,
    "NAV": NameUse.TRAUMA_ALIAS,  # temporarily unavailable
}
SEX = {  # table 0001
    "F": Sex.FEMALE,
    "M": Sex.MALE,
    "O": Sex.OTHER,
    "A": Sex.OTHER,
    "X": Sex.OTHER,
    "U": Sex.UNKNOWN,
    "N": Sex.UNKNOWN,
}
ID_KIND = {  # table 0203 identifier types
    "MR": IdentifierKind.MRN,
    "MRN": IdentifierKind.MRN,
    "MRT": IdentifierKind.MRN,
    "PI": IdentifierKind.MRN,
    "PT": IdentifierKind.MRN,
    "VN": IdentifierKind.VISIT,
    "AN": IdentifierKind.VISIT,
}


@dataclass(frozen=True, slots=True)
class PublicityPolicy:
    """How local publicity codes (table 0215 is user-defined) map to the directory opt-out."""

    opt_out_codes: frozenset[str] = frozenset({"N", "F"})  # no publicity, family only
    listed_codes: frozenset[str] = frozenset()  # none is standard; other codes change nothing


@dataclass(frozen=True, slots=True)
class PatientLocation:
    """PL: facility plus the domain ``Location`` (unit = point of care), and the field as sent."""

    facility: str
    location: Location
    status: str = ""
    kind: str = ""
    raw: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.facility and self.location.is_empty


@dataclass(frozen=True, slots=True)
class PatientIdentifier:
    """A CX: the domain identifier (scoped to its assigning authority) and the CX.5 type code."""

    identifier: Identifier
    type_code: str = ""


class Reader:
    """Per-message state: the facility time zone and the warnings collected so far."""

    def __init__(self, message: Message, tz: tzinfo, policy: PublicityPolicy) -> None:
        self.message = message
        self.tz = tz
        self.policy = policy
        self.warnings: list[Issue] = list(message.warnings)
        self.default_issuer = message.header(4) or message.header(3)

    def warn(self, seg: str, n: int, code: ErrorCode, text: str, sequence: int = 1) -> None:
        self.warnings.append(Issue(seg, n, code, text, Severity.WARNING, sequence))

    def time(self, seg: Segment | None, n: int, sequence: int = 1) -> Update[datetime]:
        if seg is None:
            return UNCHANGED
        value = seg.field(n).get()
        if not isinstance(value, str):
            return value
        try:
            return parse_timestamp(value, self.tz)
        except ValueError as exc:
            self.warn(seg.name, n, ErrorCode.DATA_TYPE, str(exc), sequence)
            return UNCHANGED

    def when(self, seg: Segment | None, n: int) -> datetime | None:
        value = self.time(seg, n)
        return value if isinstance(value, datetime) else None

    def cx(self, rep: Repetition, seg: str, n: int) -> PatientIdentifier | None:
        value = rep.text(1)
        if value != value.strip():
            self.warn(seg, n, ErrorCode.DATA_TYPE, f"identifier {value!r} has surrounding spaces")
        value = value.strip()
        if not value:
            return None  # e.g. ``^^^^TEAM``: a type with no identifier
        issuer = hd(rep, 4) or hd(rep, 6) or self.default_issuer
        type_code = rep.text(5).strip().upper()
        kind = ID_KIND.get(type_code, IdentifierKind.EXTERNAL)
        return PatientIdentifier(Identifier(kind, value, issuer or "unknown"), type_code)

    def cx_list(self, seg: Segment, n: int) -> tuple[PatientIdentifier, ...]:
        found = (self.cx(rep, seg.name, n) for rep in seg.field(n))
        return tuple(p for p in found if p is not None)


def hd(rep: Repetition, component: int) -> str:
    """HD: namespace ID, else universal ID (``HUH AE OMU&9.8&ISO`` -> ``HUH AE OMU``)."""
    subs = rep.subcomponents(component)
    return next((s.strip() for s in subs[:2] if s.strip()), "")


def pl(f: Field) -> PatientLocation | None:
    """PL, most general first: facility (PL.4, else PL.11), building, floor, unit, room, bed."""
    if f.is_empty or f.is_null:
        return None
    r = f.rep()
    loc = Location(
        unit=hd(r, 1), room=hd(r, 2), bed=hd(r, 3), building=r.text(7).strip(),
        floor=r.text(8).strip(), description=r.text(9).strip(),
    )  # fmt: skip
    return PatientLocation(hd(r, 4) or hd(r, 11), loc, r.text(5), r.text(6), f.raw)


def xpn(rep: Repetition) -> PersonName | None:
    family = rep.text(1, 1).strip()
    given = " ".join(f"{rep.text(2)} {rep.text(3)}".split())
    use = rep.text(7).strip().upper()
    if not (family or given):
        return None
    return PersonName(given=given, family=family, use=NAME_USE.get(use, NameUse.ALIAS))


def code(seg: Segment | None, n: int) -> Update[str]:
    if seg is None:
        return UNCHANGED
    value = seg.field(n).get()
    return value.strip().upper() if isinstance(value, str) else value


def phone(rep: Repetition) -> str:
    """XTN: the formatted number (XTN.1, deprecated but common), else +country area local."""
    if rep.text(1).strip():
        return rep.text(1).strip()
    local = " ".join(f"{rep.text(6)} {rep.text(7)}".split())
    country = rep.text(5).strip()
    return f"+{country} {local}" if country and local else local


def contact(seg: Segment) -> Contact | None:
    """NK1: name (NK1-2), relationship (NK1-3 text, else code), phone and email (NK1-5)."""
    names = [n for n in (xpn(r) for r in seg.field(2)) if n is not None]
    if not names:
        return None
    relationship = seg.field(3).text(2).strip() or seg.field(3).text(1).strip()
    phones = [phone(rep) for rep in seg.field(5)]
    emails = [rep.text(4).strip() for rep in seg.field(5)]
    return Contact(
        name=names[0].display,
        relationship=relationship,
        phone=next((p for p in phones if p), ""),
        email=next((e for e in emails if "@" in e), ""),
    )
