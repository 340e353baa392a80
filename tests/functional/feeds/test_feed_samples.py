"""Every public sample file is applied or answered with a precise AE/AR; none crashes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from reunify.feeds import Receiver, set_alias
from reunify.feeds.replay import Summary, read, replay
from reunify.interop.hl7v2 import AckCode, AckPolicy, Hl7Error, parse_message
from reunify.store import Database
from reunify.store import hl7_tables as h

DATA = Path(__file__).parents[2] / "data" / "hl7"
FILES = sorted(p for p in DATA.glob("*/*") if p.name != "SOURCE.md")
# Every facility name the samples send, mapped to a scenario facility.
SAMPLE_FACILITIES = (
    "W", "SANTER", "OSPEDALE MAGGIORE DI LODI", "HOMERTON UNIVER", "FACILITY-1", "FACI-1",
    "GOOD HEALTH HOSPITAL", "1", "NINTENDO", "RDX", "200M", "050", "Special Hospital",
    "GHHSFacility", "Ntierprise Clinic", "IBM_Toronto_Lab", "RES General Hospital",
)  # fmt: skip


def _unique(messages: list[tuple[Path, int, bytes]]) -> list[tuple[Path, int, bytes]]:
    """Several samples share a control ID; give each its own so that each is applied."""
    out = []
    for i, (path, number, raw) in enumerate(messages):
        try:
            control = parse_message(raw).control_id
        except Hl7Error:
            control = ""
        if control:
            raw = raw.replace(f"|{control}|".encode(), f"|{control}-{i}|".encode(), 1)
        out.append((path, number, raw))
    return out


def _replay(
    database: Database, policy: AckPolicy | None = None, *, unique: bool = False
) -> Summary:
    summary = Summary()
    messages = read(FILES, summary)
    if unique:
        messages = _unique(messages)
    return replay(Receiver(database, channel="file", policy=policy), messages, summary)


def test_unknown_sending_facilities_are_answered_ae_naming_the_field(feed_db: Database) -> None:
    summary = _replay(feed_db)
    assert not summary.unreadable
    assert sum(summary.counts.values()) == 83  # 66 files, messages.txt holds 18
    for problem in summary.problems:
        assert problem.code in (AckCode.AE, AckCode.AR)
        assert "(207)" not in problem.text, problem  # never an internal error
    facility_errors = [p for p in summary.problems if "not a known facility" in p.text]
    assert facility_errors
    assert all(p.text.startswith(("MSH-4:", "PV1-3.4:")) for p in facility_errors)


def test_with_the_facilities_mapped_every_adt_sample_is_applied_or_precisely_answered(
    feed_db: Database,
) -> None:
    with feed_db.session() as session:
        for name in SAMPLE_FACILITIES:
            set_alias(session, name, "SGMW")
    summary = _replay(feed_db, AckPolicy(processing_ids=frozenset({"P", "T", "D"})), unique=True)
    assert not summary.unreadable
    for problem in summary.problems:
        assert "(207)" not in problem.text, problem
        assert "not a known facility" not in problem.text, problem
    # Only non-ADT messages (and the XML encoding) are refused.
    assert {p.text.split(":")[0] for p in summary.problems} <= {"MSH-9", "message"}
    assert summary.duplicates == 0
    assert summary.states.get("applied", 0) >= 30
    with feed_db.session() as session:
        states = set(session.scalars(select(h.Hl7Message.state)))
    assert states <= {"applied", "ignored", "needs_review", "error"}
