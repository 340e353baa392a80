from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from reunify.domain import AgeRange, Condition, Sex
from reunify.interop.triage import parse

CSV = b"""tag,category,sex,age,description,scene,destination,time
T-001,red,M,about 40,"blue jacket, leg wound",SGMW lobby,SPH,2026-11-20T14:30:00-08:00
T-002,Delayed,f,25-30,,SGMW lobby,,2026-11-20T14:35:00
T-003,purple,m,,,,,2026-11-20T14:40:00Z
T-004,black,,,,SGMW car park,,yesterday
,green,,,,,,2026-11-20T14:50:00Z
T-006,minor,x,,,,,2026-11-20T14:55:00Z
"""

LA = ZoneInfo("America/Los_Angeles")


def test_csv_good_rows_kept_and_bad_rows_named() -> None:
    records, errors = parse(CSV, filename="tags.csv", tz=LA)
    assert [r.tag for r in records] == ["T-001", "T-002"]
    first, second = records
    assert first.category == "immediate"
    assert first.condition is Condition.CRITICAL
    assert first.age == AgeRange(36, 44)
    assert first.sex is Sex.MALE
    assert first.destination == "SPH"
    assert first.description == "blue jacket, leg wound"
    assert second.time == datetime(2026, 11, 20, 22, 35, tzinfo=UTC)  # local time of the incident
    assert [(e.line, e.field) for e in errors] == [
        (4, "category"),
        (5, "time"),
        (6, "tag"),
        (7, "sex"),
    ]
    assert "purple" in str(errors[0])


def test_json_array_and_lines() -> None:
    array = b'[{"tag": "A1", "category": "dead", "time": "2026-11-20T14:10:00Z"}]'
    records, errors = parse(array, filename="x.json")
    assert (records[0].category, records[0].condition, errors) == ("dead", None, [])
    lines = b'{"tag": "B1", "category": "minimal", "time": "2026-11-20T15:00:00Z"}\n{oops\n'
    records, errors = parse(lines, filename="x.jsonl")
    assert [r.tag for r in records] == ["B1"]
    assert errors[0].line == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (b"a,b\n1,2\n", "header"),
        (b"[1, 2", "file"),
        (
            b'[{"tag": "Z", "category": "red", "time": "2026-11-20T15:00:00Z", "colour": 1}]',
            "colour",
        ),
    ],
)
def test_whole_file_problems(data: bytes, field: str) -> None:
    _, errors = parse(data)
    assert errors[0].field == field
