"""Interfaces to hospital systems: HL7 v2 ADT over MLLP (``hl7v2``) and, later, FHIR R4."""
