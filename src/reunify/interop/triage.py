"""Field-triage records (START/SALT tags) from CSV or JSON, validated row by row.

A triage tag is all a casualty has until a hospital registers them: the tag number stays an
identifier of the person until staff reconcile it with a hospital record.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from reunify.domain import AgeRange, Condition, DomainError, Sex

# START and SALT categories with their tag colours; "expectant" is SALT's grey tag.
CATEGORIES = {
    "immediate": "immediate",
    "red": "immediate",
    "p1": "immediate",
    "t1": "immediate",
    "delayed": "delayed",
    "yellow": "delayed",
    "p2": "delayed",
    "t2": "delayed",
    "minimal": "minimal",
    "minor": "minimal",
    "green": "minimal",
    "p3": "minimal",
    "t3": "minimal",
    "expectant": "expectant",
    "grey": "expectant",
    "gray": "expectant",
    "dead": "dead",
    "deceased": "dead",
    "black": "dead",
}
# What a triage category says about general condition, in facility-directory words.
CONDITION = {
    "immediate": Condition.CRITICAL,
    "delayed": Condition.SERIOUS,
    "minimal": Condition.FAIR,
    "expectant": Condition.CRITICAL,
}
COLUMNS = ("tag", "category", "sex", "age", "description", "scene", "destination", "time")


@dataclass(frozen=True)
class TriageRecord:
    line: int
    tag: str
    category: str
    time: datetime
    sex: Sex = Sex.UNKNOWN
    age: AgeRange | None = None
    description: str = ""
    scene: str = ""
    destination: str = ""

    @property
    def condition(self) -> Condition | None:
        return CONDITION.get(self.category)


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    problem: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.problem}"


def _record(line: int, raw: dict[str, Any], tz: ZoneInfo) -> TriageRecord:
    unknown = set(raw) - set(COLUMNS)
    if unknown:
        raise DomainError(sorted(unknown)[0], "is not a triage column")
    values = {k: str(v).strip() if v is not None else "" for k, v in raw.items()}
    tag = values.get("tag", "")
    if not tag:
        raise DomainError("tag", "is required")
    category = CATEGORIES.get(values.get("category", "").lower())
    if category is None:
        raise DomainError(
            "category",
            f"{values.get('category', '')!r} is not immediate, delayed, minimal, "
            "expectant or dead (or their tag colours)",
        )
    text_time = values.get("time", "")
    if not text_time:
        raise DomainError("time", "is required")
    try:
        when = datetime.fromisoformat(text_time.replace("Z", "+00:00"))
    except ValueError:
        raise DomainError("time", f"{text_time!r} is not an ISO 8601 time") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    sex_text = values.get("sex", "").lower()
    sexes = {
        "m": Sex.MALE,
        "male": Sex.MALE,
        "f": Sex.FEMALE,
        "female": Sex.FEMALE,
        "o": Sex.OTHER,
        "other": Sex.OTHER,
        "": Sex.UNKNOWN,
        "u": Sex.UNKNOWN,
        "unknown": Sex.UNKNOWN,
    }
    if sex_text not in sexes:
        raise DomainError("sex", f"{sex_text!r} is not male, female, other or unknown")
    age = AgeRange.parse(values["age"]) if values.get("age") else None
    return TriageRecord(
        line=line,
        tag=tag,
        category=category,
        time=when,
        sex=sexes[sex_text],
        age=age,
        description=values.get("description", ""),
        scene=values.get("scene", ""),
        destination=values.get("destination", ""),
    )


def parse(
    data: bytes, *, filename: str = "", tz: ZoneInfo | None = None
) -> tuple[list[TriageRecord], list[RowError]]:
    """Parse CSV (header row) or JSON (an array, or one object per line). Bad rows are reported,
    good rows kept. Times without an offset are read in ``tz`` (the incident's zone)."""
    zone = tz or ZoneInfo("UTC")
    text = data.decode("utf-8-sig")
    rows: list[tuple[int, dict[str, Any]]] = []
    errors: list[RowError] = []
    stripped = text.lstrip()
    if filename.endswith((".json", ".jsonl")) or stripped.startswith(("[", "{")):
        if stripped.startswith("["):
            try:
                items = json.loads(text)
            except json.JSONDecodeError as exc:
                return [], [RowError(exc.lineno, "file", f"malformed JSON ({exc.msg})")]
            rows = [(i, item) for i, item in enumerate(items, start=1)]
        else:
            for number, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    rows.append((number, json.loads(line)))
                except json.JSONDecodeError as exc:
                    errors.append(RowError(number, "line", f"malformed JSON ({exc.msg})"))
    else:
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is None or "tag" not in reader.fieldnames:
            return [], [RowError(1, "header", f"needs the columns {', '.join(COLUMNS)}")]
        rows = [(reader.line_num, dict(row)) for row in reader]
    records = []
    for number, raw in rows:
        if not isinstance(raw, dict):
            errors.append(RowError(number, "record", "is not an object"))
            continue
        try:
            records.append(_record(number, raw, zone))
        except DomainError as exc:
            errors.append(RowError(number, exc.field, exc.problem))
    return records, errors
