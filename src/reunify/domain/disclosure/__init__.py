"""The disclosure policy: what one audience may learn about one person, and which rule said so.

This is the single place that turns a person's state into words for somebody else; answers,
pages, notifications and exports all go through ``decide``. It implements the table
"Disclosure: the default policy" in DESIGN.md. Two guarantees shape it:

- Public answers must not leak why nothing was said: "protected", "not found" and "not enough
  detail" all become the same ``no_information`` body (``public_body``).
- A death is never announced by this system: seekers and front desks are sent to the family
  assistance centre, and staff are tasked to tell the family in person.
"""

from reunify.domain.disclosure.body import public_body
from reunify.domain.disclosure.model import (
    CARRIES,
    IN_CARE,
    PAYLOAD_FIELDS,
    AnswerKind,
    Audience,
    AudienceKind,
    Band,
    Basis,
    Disclosure,
    DisclosureSettings,
    FamilyAssistanceCentre,
    Flag,
    MatchBand,
    PfifStatus,
    StaffTask,
    SubjectState,
)
from reunify.domain.disclosure.policy import REGISTRY_TEXT, decide

__all__ = [
    "CARRIES",
    "IN_CARE",
    "PAYLOAD_FIELDS",
    "REGISTRY_TEXT",
    "AnswerKind",
    "Audience",
    "AudienceKind",
    "Band",
    "Basis",
    "Disclosure",
    "DisclosureSettings",
    "FamilyAssistanceCentre",
    "Flag",
    "MatchBand",
    "PfifStatus",
    "StaffTask",
    "SubjectState",
    "decide",
    "public_body",
]
