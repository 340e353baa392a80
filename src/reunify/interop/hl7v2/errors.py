"""Errors and warnings that point at a segment and field, in the shape of an HL7 ERR segment.

The codes are HL7 table 0357 (message error condition codes). The code decides the
acknowledgement: 2xx codes are about what this receiver supports or can do (AR, the
sender may resend unchanged later); the others are content errors (AE, fix first).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class ErrorCode(IntEnum):
    """HL7 table 0357."""

    ACCEPTED = 0
    SEGMENT_SEQUENCE = 100
    REQUIRED_FIELD_MISSING = 101
    DATA_TYPE = 102
    TABLE_VALUE_NOT_FOUND = 103
    VALUE_TOO_LONG = 104
    UNSUPPORTED_MESSAGE_TYPE = 200
    UNSUPPORTED_EVENT = 201
    UNSUPPORTED_PROCESSING_ID = 202
    UNSUPPORTED_VERSION = 203
    UNKNOWN_KEY = 204
    DUPLICATE_KEY = 205
    RECORD_LOCKED = 206
    INTERNAL_ERROR = 207

    @property
    def text(self) -> str:
        return self.name.replace("_", " ").capitalize()


class AckCode(StrEnum):
    """MSA-1, original acknowledgement mode (table 0008)."""

    AA = "AA"
    AE = "AE"
    AR = "AR"


class Severity(StrEnum):
    """ERR-4 (table 0516)."""

    ERROR = "E"
    WARNING = "W"
    INFO = "I"


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in a message. ``field_index`` 0 means the segment as a whole."""

    segment: str
    field_index: int
    code: ErrorCode
    text: str
    severity: Severity = Severity.ERROR
    sequence: int = 1
    component: int = 0

    @property
    def ack_code(self) -> AckCode:
        if self.severity is not Severity.ERROR:
            return AckCode.AA
        if 200 <= self.code <= 203 or self.code is ErrorCode.INTERNAL_ERROR:
            return AckCode.AR
        return AckCode.AE

    @property
    def location(self) -> str:
        """``PID-7``, ``PV1-3.4``, ``MSH`` — for logs and user messages."""
        if not self.segment:
            return "message"
        if not self.field_index:
            return self.segment
        where = f"{self.segment}-{self.field_index}"
        return f"{where}.{self.component}" if self.component else where

    def __str__(self) -> str:
        return f"{self.location}: {self.text} ({int(self.code)})"


class Hl7Error(ValueError):
    """A message that cannot be accepted as it is. Turn it into an ERR segment with ``.issue``."""

    def __init__(
        self,
        segment: str,
        field_index: int,
        code: ErrorCode,
        text: str,
        *,
        sequence: int = 1,
        component: int = 0,
    ) -> None:
        self.issue = Issue(segment, field_index, code, text, Severity.ERROR, sequence, component)
        super().__init__(str(self.issue))

    @property
    def segment(self) -> str:
        return self.issue.segment

    @property
    def field_index(self) -> int:
        return self.issue.field_index

    @property
    def code(self) -> ErrorCode:
        return self.issue.code

    @property
    def text(self) -> str:
        return self.issue.text

    @property
    def ack_code(self) -> AckCode:
        return self.issue.ack_code
