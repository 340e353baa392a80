"""FHIR R4 facade: Patient, Encounter, Location and RelatedPerson built from the registry.

Resources are validated with the ``fhir.resources`` R4B models (R4B is R4 for these four
resources; the package ships no plain R4 module).
"""

from reunify.interop.fhir.resources import (
    EncounterInput,
    Stay,
    encounter,
    facility_location,
    location,
    operation_outcome,
    parse_encounter,
    patient,
    related_person,
    searchset,
    split_stays,
)

__all__ = [
    "EncounterInput",
    "Stay",
    "encounter",
    "facility_location",
    "location",
    "operation_outcome",
    "parse_encounter",
    "patient",
    "related_person",
    "searchset",
    "split_stays",
]
