"""The vocabulary of the disclosure policy: who asks, about whom, how well it matched, what to say.

``Disclosure`` checks that an answer carries only the fields its kind may carry, so a bug in
the policy cannot smuggle a room number into a public answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from reunify.domain.errors import DomainError
from reunify.domain.facilities import Location
from reunify.domain.movements import Whereabouts
from reunify.domain.types import Condition, Status

# ---------------------------------------------------------------------------------------------
# Vocabulary


class AnswerKind(StrEnum):
    LOCATED = "located"
    IN_TRANSIT = "in_transit"
    DISCHARGED = "discharged"
    REPORTED_SAFE = "reported_safe"
    CONTACT_FAMILY_ASSISTANCE_CENTRE = "contact_family_assistance_centre"
    NO_INFORMATION = "no_information"
    # Staff and machine audiences only; ``public_body`` refuses them.
    FULL_RECORD = "full_record"
    REGISTRY_NOTE = "registry_note"


class AudienceKind(StrEnum):
    PUBLIC = "public"
    FRONT_DESK = "front_desk"
    REUNIFICATION_OFFICER = "reunification_officer"
    EXTERNAL_REGISTRY = "external_registry"


class Band(StrEnum):
    CONFIDENT = "confident"
    UNCERTAIN = "uncertain"
    NO_MATCH = "no_match"


class StaffTask(StrEnum):
    NOTIFY_NEXT_OF_KIN_IN_PERSON = "notify_next_of_kin_in_person"
    REVIEW_UNCERTAIN_MATCH = "review_uncertain_match"
    UNIDENTIFIED_CANDIDATE = "unidentified_candidate"
    MINOR = "minor"
    AT_SCENE = "at_scene"


class Flag(StrEnum):
    PROTECTED = "protected"
    DIRECTORY_OPT_OUT = "directory_opt_out"
    MINOR = "minor"
    UNIDENTIFIED = "unidentified"
    UNCERTAIN_MATCH = "uncertain_match"
    NEXT_OF_KIN_NOT_NOTIFIED = "next_of_kin_not_notified"


class PfifStatus(StrEnum):
    """PFIF 1.4 note statuses this system may export (``believed_dead`` only once released)."""

    BELIEVED_ALIVE = "believed_alive"
    BELIEVED_DEAD = "believed_dead"
    IS_NOTE_AUTHOR = "is_note_author"


class Basis(StrEnum):
    """The legal basis recorded in the audit log with every disclosure (R-AUD-01)."""

    DIRECTORY = "45 CFR 164.510(a)"
    NOTIFICATION = "45 CFR 164.510(b)(1)(ii)"
    DISASTER_RELIEF = "45 CFR 164.510(b)(4)"
    SELF_REPORT = "self_report"
    NONE = "none"


# Emergency department and inpatient read the same to everyone outside the care team.
IN_CARE = frozenset({Status.ADMITTED, Status.EMERGENCY_DEPARTMENT})

# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True, slots=True)
class SubjectState:
    """Everything the policy may consider about one person. Names of places, never codes alone."""

    status: Status
    directory_opt_out: bool = False  # the patient objected to the facility directory (PD1-11)
    protected: bool = False  # staff flagged confidential / security-sensitive (PD1-12, R-PRIV-04)
    facility_code: str | None = None
    facility: str | None = None
    unit: str = ""
    room: str = ""  # room, bed or place description as the desk reads it: "room 778"
    condition: Condition | None = None
    destination_code: str | None = None
    destination: str | None = None
    expected_arrival: datetime | None = None
    since: datetime | None = None  # when the current status began (time of a safe report)
    message: str = ""  # the person's own "I'm safe" message
    minor: bool = False
    unidentified: bool = False  # a patient or decedent known only by an alias
    next_of_kin_notified: bool = False
    death_released: bool = False
    designated_contact_ids: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        if self.death_released and not self.next_of_kin_notified:
            raise DomainError(
                "death_released", "a death is released only after next of kin is told"
            )

    @property
    def shielded(self) -> bool:
        return self.directory_opt_out or self.protected

    @classmethod
    def from_whereabouts(
        cls, where: Whereabouts, facility_names: Mapping[str, str]
    ) -> SubjectState:
        """The place and status part; add the person's flags with ``dataclasses.replace``."""
        unit, room = _split_location(where.location)
        return cls(
            status=where.status,
            facility_code=where.facility_code,
            facility=_name_of(where.facility_code, facility_names),
            unit=unit,
            room=room,
            condition=where.condition,
            destination_code=where.destination_code,
            destination=_name_of(where.destination_code, facility_names),
            since=where.since,
        )


def _name_of(code: str | None, names: Mapping[str, str]) -> str | None:
    return None if code is None else names.get(code, code)


def _split_location(loc: Location) -> tuple[str, str]:
    unit = ", ".join(
        p for p in (loc.building, loc.unit or (loc.floor and f"floor {loc.floor}")) if p
    )
    parts = [f"room {loc.room}"] if loc.room else []
    if loc.bed:
        parts.append(f"bed {loc.bed}")
    return unit, ", ".join(parts) or loc.description


@dataclass(frozen=True, slots=True)
class Audience:
    """Who is asking. Build one with the class methods."""

    kind: AudienceKind
    verified: bool = False  # the seeker proved control of their email/phone (issue 5 item 4)
    contact_id: int | None = None  # the patient's contact record the verified seeker matches
    facility_code: str | None = None  # the front desk's own facility

    def __post_init__(self) -> None:
        if self.kind is AudienceKind.FRONT_DESK and not self.facility_code:
            raise DomainError("audience.facility_code", "a front desk belongs to one facility")
        if self.kind is not AudienceKind.FRONT_DESK and self.facility_code:
            raise DomainError("audience.facility_code", "only a front desk has a facility")
        if self.kind is not AudienceKind.PUBLIC and (self.verified or self.contact_id is not None):
            raise DomainError("audience.contact_id", "only a public seeker can be a contact")

    @classmethod
    def public(cls, *, verified: bool = False, contact_id: int | None = None) -> Audience:
        return cls(AudienceKind.PUBLIC, verified=verified, contact_id=contact_id)

    @classmethod
    def front_desk(cls, facility_code: str) -> Audience:
        return cls(AudienceKind.FRONT_DESK, facility_code=facility_code)

    @classmethod
    def reunification_officer(cls) -> Audience:
        return cls(AudienceKind.REUNIFICATION_OFFICER)

    @classmethod
    def external_registry(cls) -> Audience:
        return cls(AudienceKind.EXTERNAL_REGISTRY)

    def is_designated_for(self, subject: SubjectState) -> bool:
        # An unverified claim to be a contact is worth nothing: anyone can type a name.
        return (
            self.kind is AudienceKind.PUBLIC
            and self.verified
            and self.contact_id is not None
            and self.contact_id in subject.designated_contact_ids
        )


@dataclass(frozen=True, slots=True)
class MatchBand:
    """How the inquiry matched this person, and how much the seeker told us.

    The detail flags default to False so that forgetting them fails closed.
    """

    band: Band
    full_name: bool = False  # given and family name, no wildcard, not a single token
    other_fact: bool = False  # age or date of birth, sex, city or postcode, or phone

    @property
    def enough_detail(self) -> bool:
        return self.full_name and self.other_fact


@dataclass(frozen=True, slots=True)
class FamilyAssistanceCentre:
    name: str = ""
    phone: str = ""
    address: str = ""


_SETTING_KEYS = (
    "public_gets_facility",
    "designated_contacts_get_unit",
    "registry_may_name_facility",
)


@dataclass(frozen=True, slots=True)
class DisclosureSettings:
    """Per-incident knobs. The defaults are the DESIGN.md table."""

    public_gets_facility: bool = True  # False: public seekers are sent to the centre instead
    designated_contacts_get_unit: bool = True
    registry_may_name_facility: bool = False
    family_assistance_centre: FamilyAssistanceCentre = field(default_factory=FamilyAssistanceCentre)

    @classmethod
    def from_incident(
        cls, settings: Mapping[str, Any], centre: FamilyAssistanceCentre
    ) -> DisclosureSettings:
        """Read the ``disclosure`` knobs of an incident's settings; unknown keys are errors."""
        knobs = dict(settings.get("disclosure", {}))
        for key, value in knobs.items():
            if key not in _SETTING_KEYS:
                raise DomainError(f"settings.disclosure.{key}", "is not a disclosure setting")
            if not isinstance(value, bool):
                raise DomainError(f"settings.disclosure.{key}", "must be true or false")
        return cls(family_assistance_centre=centre, **knobs)


# ---------------------------------------------------------------------------------------------
# The answer


@dataclass(frozen=True, slots=True)
class Disclosure:
    """What to say and what to do. A field the kind may not carry must stay empty."""

    kind: AnswerKind
    rule: str  # "<row>:<column>" of the table, for the audit log
    basis: Basis = Basis.NONE
    facility: str | None = None
    condition: Condition | None = None
    unit: str | None = None
    room: str | None = None
    badge_allowed: bool = False
    destination: str | None = None
    expected_arrival: datetime | None = None
    since: datetime | None = None
    message: str | None = None
    family_assistance_centre: FamilyAssistanceCentre | None = None
    status: Status | None = None
    pfif_status: PfifStatus | None = None
    staff_tasks: tuple[StaffTask, ...] = ()
    flags: frozenset[Flag] = frozenset()

    def __post_init__(self) -> None:
        allowed = CARRIES[self.kind]
        for name in PAYLOAD_FIELDS:
            value = getattr(self, name)
            if name not in allowed and not _is_empty(value):
                raise DomainError(f"disclosure.{name}", f"a {self.kind} answer may not carry it")


def _is_empty(value: object) -> bool:
    return value is None or value is False or (isinstance(value, tuple | frozenset) and not value)


PAYLOAD_FIELDS = (
    "facility",
    "condition",
    "unit",
    "room",
    "badge_allowed",
    "destination",
    "expected_arrival",
    "since",
    "message",
    "family_assistance_centre",
    "status",
    "pfif_status",
    "staff_tasks",
    "flags",
)
_K = AnswerKind
CARRIES: Mapping[AnswerKind, frozenset[str]] = {
    _K.LOCATED: frozenset({"facility", "condition", "unit", "room", "badge_allowed"}),
    _K.IN_TRANSIT: frozenset({"destination", "expected_arrival"}),
    _K.DISCHARGED: frozenset(),  # never an address, never a time
    _K.REPORTED_SAFE: frozenset({"since", "message"}),
    # Staff tasks only ride on a referral: the seeker is sent to the people who will act.
    _K.CONTACT_FAMILY_ASSISTANCE_CENTRE: frozenset({"family_assistance_centre", "staff_tasks"}),
    _K.NO_INFORMATION: frozenset(),
    _K.FULL_RECORD: frozenset(PAYLOAD_FIELDS)
    - {"badge_allowed", "family_assistance_centre", "pfif_status", "staff_tasks"},
    _K.REGISTRY_NOTE: frozenset({"pfif_status", "message", "facility", "destination", "since"}),
}
