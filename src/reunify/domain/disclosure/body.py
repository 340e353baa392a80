"""The JSON ``answer`` body a seeker receives."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reunify.domain.disclosure.model import AnswerKind, Disclosure, FamilyAssistanceCentre
from reunify.domain.errors import DomainError


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def public_body(disclosure: Disclosure) -> dict[str, Any]:
    """The ``answer`` object of an API reply. Built from the kind's fields only: no rule, no
    basis, no tasks, so every ``no_information`` body is byte-identical whatever the reason."""
    kind = disclosure.kind
    body: dict[str, Any] = {"kind": kind.value}
    if kind is AnswerKind.LOCATED:
        body["facility"] = disclosure.facility
        body["condition"] = disclosure.condition.value if disclosure.condition else None
        for key in ("unit", "room"):
            if getattr(disclosure, key):
                body[key] = getattr(disclosure, key)
        if disclosure.badge_allowed:
            body["badge_allowed"] = True
    elif kind is AnswerKind.IN_TRANSIT:
        body["facility"] = disclosure.destination  # the API calls the destination "facility"
        if disclosure.expected_arrival:
            body["expected_arrival"] = _iso(disclosure.expected_arrival)
    elif kind is AnswerKind.REPORTED_SAFE:
        body["since"] = _iso(disclosure.since)
        body["message"] = disclosure.message
    elif kind is AnswerKind.CONTACT_FAMILY_ASSISTANCE_CENTRE:
        centre = disclosure.family_assistance_centre or FamilyAssistanceCentre()
        body["family_assistance_centre"] = {
            "name": centre.name,
            "phone": centre.phone,
            "address": centre.address,
        }
    elif kind in (AnswerKind.FULL_RECORD, AnswerKind.REGISTRY_NOTE):
        raise DomainError("disclosure.kind", f"a {kind} answer is not for the public")
    return body
