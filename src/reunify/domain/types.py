"""Enumerations shared by every layer. Stored by value, so never rename a value."""

from enum import StrEnum


class Status(StrEnum):
    """Where a person stands in the incident, in the words the desk and the policy use."""

    AT_SCENE = "at_scene"
    IN_TRANSIT = "in_transit"
    EMERGENCY_DEPARTMENT = "emergency_department"
    ADMITTED = "admitted"
    DISCHARGED = "discharged"
    DECEASED = "deceased"
    REPORTED_SAFE = "reported_safe"
    UNKNOWN = "unknown"


class Condition(StrEnum):
    """General condition in facility-directory terms (AHA one-word conditions)."""

    UNDETERMINED = "undetermined"
    GOOD = "good"
    FAIR = "fair"
    SERIOUS = "serious"
    CRITICAL = "critical"


class FacilityKind(StrEnum):
    HOSPITAL = "hospital"
    SHELTER = "shelter"
    MORGUE = "morgue"
    CASUALTY_COLLECTION_POINT = "casualty_collection_point"
    FAMILY_ASSISTANCE_CENTRE = "family_assistance_centre"


class BedType(StrEnum):
    """HAvBED bed types (AHRQ HAvBED2 definitions)."""

    ADULT_ICU = "adult_icu"
    MEDICAL_SURGICAL = "medical_surgical"
    BURN = "burn"
    PAEDIATRIC_ICU = "paediatric_icu"
    PAEDIATRICS = "paediatrics"
    PSYCHIATRIC = "psychiatric"
    ISOLATION = "isolation"
    OPERATING_ROOMS = "operating_rooms"


class NameUse(StrEnum):
    """How a name is used; mirrors HL7 table 0200 and PFIF's alternate names."""

    LEGAL = "legal"
    ALIAS = "alias"
    NICKNAME = "nickname"
    MAIDEN = "maiden"
    TRAUMA_ALIAS = "trauma_alias"


class IdentifierKind(StrEnum):
    MRN = "mrn"
    TRIAGE_TAG = "triage_tag"
    TRAUMA_ALIAS = "trauma_alias"
    VISIT = "visit"
    EXTERNAL = "external"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Role(StrEnum):
    ADMIN = "admin"
    FACILITY_STAFF = "facility_staff"
    REUNIFICATION_OFFICER = "reunification_officer"
    # A machine client of another registry: PFIF exchange only, and only for its own domain.
    REGISTRY = "registry"
