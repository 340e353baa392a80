"""PFIF (People Finder Interchange Format) 1.1-1.4: records, XML and CSV, ownership and expiry.

Pure: no database. ``parse``/``read_csv`` turn a document into checked PFIF 1.4 records plus
errors (rejected records) and warnings (kept records), each naming the record and the field;
``serialize``/``write_csv`` write records back; ``policy`` holds who may change a record and
when it expires.
"""

from reunify.interop.pfif.csv import CSV_COLUMNS, read_csv, write_csv
from reunify.interop.pfif.policy import (
    domain_of,
    is_clone,
    is_expired,
    is_record_id,
    may_modify,
    placeholder_of,
    supersedes,
    without_fields,
)
from reunify.interop.pfif.records import (
    NAMESPACES,
    VERSIONS,
    NoteStatus,
    ParseResult,
    PfifError,
    PfifIssue,
    PfifNote,
    PfifPerson,
    Severity,
)
from reunify.interop.pfif.xml import DEFAULT_MAX_BYTES, parse, schema_errors, serialize

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_MAX_BYTES",
    "NAMESPACES",
    "VERSIONS",
    "NoteStatus",
    "ParseResult",
    "PfifError",
    "PfifIssue",
    "PfifNote",
    "PfifPerson",
    "Severity",
    "domain_of",
    "is_clone",
    "is_expired",
    "is_record_id",
    "may_modify",
    "parse",
    "placeholder_of",
    "read_csv",
    "schema_errors",
    "serialize",
    "supersedes",
    "without_fields",
    "write_csv",
]
