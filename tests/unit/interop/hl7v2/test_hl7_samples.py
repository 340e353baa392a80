"""Every public sample file is applied or answered with a precise AE/AR; none crashes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from reunify.domain.types import IdentifierKind, NameUse, Sex, Status
from reunify.interop.hl7v2 import (
    AckCode,
    AckPolicy,
    Admit,
    CancelDischarge,
    Discharge,
    ErrorCode,
    MergePatients,
    TemporaryMove,
    Transfer,
    build_ack,
    evaluate,
    interpret,
    map_adt,
    parse_message,
    split_messages,
)

DATA = Path(__file__).parents[3] / "data" / "hl7"
FILES = sorted(p for p in DATA.glob("*/*") if p.name != "SOURCE.md")
TZ = ZoneInfo("America/Los_Angeles")
ANY_MODE = AckPolicy(processing_ids=frozenset({"P", "T", "D"}))

ADT = {  # file -> (trigger, effect types)
    "ADT_A01.txt": ("A01", ["UpdatePerson", "Admit"]),
    "adt_a03.txt": ("A03", ["UpdatePerson", "Discharge"]),
    "segmentfinder_a24.hl7": ("A24", ["Ignore"]),
    "sample_unix.hl7": ("A01", ["UpdatePerson", "Admit"]),
    "sample_win.hl7": ("A01", ["UpdatePerson", "Admit"]),
    "ADT01-23.hl7": ("A01", ["UpdatePerson", "Admit"]),
    "ADT01-28.hl7": ("A01", ["UpdatePerson", "Admit"]),
    "ADT04-23.hl7": ("A04", ["UpdatePerson", "Admit"]),
    "ADT04-251.hl7": ("A04", ["UpdatePerson", "Admit"]),
    "ADT04-28.hl7": ("A04", ["UpdatePerson", "Admit"]),
}
BY_TRIGGER = {
    "A01": ["UpdatePerson", "Admit"],
    "A02": ["Transfer"],
    "A03": ["UpdatePerson", "Discharge"],
    "A04": ["UpdatePerson", "Admit"],
    "A06": ["UpdatePerson", "Admit"],
    "A07": ["UpdatePerson", "Admit"],
    "A08": ["UpdatePerson", "ConfirmLocation"],
    "A09": ["TemporaryMove"],
    "A10": ["TemporaryMove"],
    "A11": ["CancelAdmit"],
    "A13": ["CancelDischarge"],
    "A28": ["UpdatePerson"],
    "A31": ["UpdatePerson"],
    "A40": ["MergePatients"],
    "A47": ["ChangeIdentifier"],
}
for number in ("05", "14", "15", "16", "25", "26", "27", "29", "41", "45", "60"):
    BY_TRIGGER[f"A{number}"] = ["Ignore"]
for path in FILES:
    if path.name.startswith("ADT-A"):
        trigger = path.name[4:7]
        effects = BY_TRIGGER[trigger] * (
            2 if path.name in ("ADT-A40-02.hl7", "ADT-A47-02.hl7") else 1
        )
        ADT[path.name] = (trigger, effects)
REJECTED = {  # file -> (ACK code, table 0357 code) for each message in it
    "adt_a17.xml": [(AckCode.AR, ErrorCode.UNSUPPORTED_MESSAGE_TYPE)],
    "messages.txt": [(AckCode.AR, ErrorCode.UNSUPPORTED_MESSAGE_TYPE)] * 18,
    "ORU-multiline-short.hl7": [(AckCode.AR, ErrorCode.UNSUPPORTED_MESSAGE_TYPE)],
    "ORU-multiline-short-mixed.hl7": [(AckCode.AR, ErrorCode.UNSUPPORTED_MESSAGE_TYPE)],
}


def test_every_file_has_an_expectation() -> None:
    assert len(FILES) == 66
    assert {p.name for p in FILES} == set(ADT) | set(REJECTED)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sample_is_applied_or_precisely_rejected(path: Path) -> None:
    messages = split_messages(path.read_bytes())
    if path.name in REJECTED:
        expected = REJECTED[path.name]
        assert len(messages) == len(expected)
        for raw, (ack_code, error_code) in zip(messages, expected, strict=True):
            message, decision = evaluate(raw, tz=TZ, policy=ANY_MODE)
            assert decision.code is ack_code
            assert decision.issues[0].code is error_code
            assert decision.event is None
            ack = build_ack(message or raw, decision).decode()
            assert f"MSA|{ack_code.value}|" in ack.replace("^", "|")
            assert "ERR" in ack
        return
    trigger, effect_types = ADT[path.name]
    assert len(messages) == 1
    message, decision = evaluate(messages[0], tz=TZ, policy=ANY_MODE)
    assert decision.code is AckCode.AA, decision.issues
    assert decision.event is not None
    assert decision.event.trigger == trigger
    assert [type(e).__name__ for e in interpret(decision.event)] == effect_types
    for effect in interpret(decision.event):
        assert effect.occurred_at.utcoffset() is not None


def test_test_traffic_is_refused_by_the_default_policy() -> None:
    raw = (DATA / "linuxforhealth" / "sample_unix.hl7").read_bytes()
    _, decision = evaluate(raw, tz=TZ)
    assert decision.code is AckCode.AR
    assert (decision.issues[0].location, decision.issues[0].code) == (
        "MSH-11",
        ErrorCode.UNSUPPORTED_PROCESSING_ID,
    )


def _event(name: str, folder: str = "microsoft-fhir-converter"):  # type: ignore[no-untyped-def]
    return map_adt(parse_message((DATA / folder / name).read_bytes()), tz=TZ)


def test_a02_uses_msh9_not_the_wrong_evn1_and_reads_pl_with_hd_subcomponents() -> None:
    event = _event("ADT-A02-01.hl7")
    assert event.trigger == "A02"
    assert event.evn_type == "A01"
    assert any(w.location == "EVN-1" for w in event.warnings)
    assert event.structure == "ADT_A02"
    # EVN-6 first, with fractional seconds and its own offset
    assert event.event_time == datetime(2021, 8, 17, 13, 19, 43, 400000, tzinfo=UTC)
    assert event.recorded_time == datetime(
        2029, 8, 1, 7, 6, 24, tzinfo=timezone(timedelta(hours=1, minutes=15))
    )
    visit = event.patient.visit
    assert visit is not None
    assert visit.assigned is not None
    assert visit.assigned.facility == "HOMERTON UNIVER"
    loc = visit.assigned.location
    assert (loc.unit, loc.room, loc.bed, loc.building, loc.floor) == (
        "HUH AE OMU", "OMU B", "Bed 03", "Homerton UH", "Floor5",
    )  # fmt: skip
    assert visit.assigned.raw.startswith("HUH AE OMU&9.8&ISO^")
    assert visit.prior is not None
    assert visit.prior.location.unit == "4 East, room 136, bed B 4E"  # free text with commas
    assert visit.prior.facility == "CommunityHospital"
    (transfer,) = interpret(event)
    assert isinstance(transfer, Transfer)
    assert transfer.location == visit.assigned
    assert transfer.prior == visit.prior


def test_identifiers_are_scoped_to_their_assigning_authority() -> None:
    ids = _event("ADT-A01-01.hl7").patient.patient_ids
    assert [(p.identifier.value, p.identifier.issuer, p.type_code) for p in ids] == [
        ("PATID1234", "test1", "MR"),
        ("123456789", "USSSA", "SS"),
    ]
    assert ids[0].identifier.kind is IdentifierKind.MRN
    # No CX.4: the assigning facility (CX.6) scopes it
    (only,) = _event("ADT04-251.hl7").patient.patient_ids
    assert (only.identifier.value, only.identifier.issuer) == ("MRN12345", "Special Hospital")


def test_hapi_a03_skips_the_id_less_repetition_and_reads_a_description_only_location() -> None:
    event = _event("adt_a03.txt", "hapi")
    p = event.patient
    assert [i.value for i in p.identifiers] == ["5520255", "ZZZZZZ83M64Z148R", "ZZZZZZ83M64Z148R"]
    assert [i.issuer for i in p.identifiers] == ["PK", "CF", "SSN"]
    assert p.visit is not None
    assert p.visit.assigned is not None
    assert p.visit.assigned.facility == "OSPEDALE MAGGIORE DI LODI"  # PL.11 as HD
    assert p.visit.assigned.location.description == "MED. 1 - ONCOLOGIA"
    assert p.visit.prior is not None
    assert p.visit.prior.location.is_empty
    assert p.visit.prior.facility == "OSPEDALE MAGGIORE DI LODI"
    assert p.visit.discharge_time == datetime(2008, 3, 3, 15, 8, tzinfo=TZ)
    assert event.occurred_time == datetime(2008, 3, 3, 15, 8, tzinfo=TZ)  # no offset: facility zone
    (_, discharge) = interpret(event)
    assert isinstance(discharge, Discharge)
    assert discharge.status is Status.DISCHARGED


def test_a03_with_death_in_pid30_is_a_death() -> None:
    event = _event("ADT-A03-01.hl7")
    assert event.patient.demographics.deceased is True
    assert isinstance(event.patient.demographics.death_time, datetime)
    discharge = interpret(event)[-1]
    assert isinstance(discharge, Discharge)
    assert discharge.status is Status.DECEASED


def test_names_dob_sex_and_next_of_kin() -> None:
    d = _event("ADT-A01-01.hl7").patient.demographics
    assert [(n.family, n.given, n.use) for n in d.names] == [
        ("EVERYMAN", "ADAM A", NameUse.LEGAL),
        ("Josh", "stanley", NameUse.LEGAL),
    ]
    assert str(d.birth_date) == "1988-08-18"
    assert d.sex is Sex.MALE
    assert d.unidentified is False
    nk = _event("ADT04-251.hl7").patient.demographics.contacts
    assert [(c.name, c.relationship, c.phone) for c in nk] == [
        ("CONWAY JOHNSON", "SPOUS", "(130) 724-0433")
    ]


def test_a04_in_the_emergency_department_without_a_location() -> None:
    (_, admit) = interpret(_event("ADT04-251.hl7"))
    assert isinstance(admit, Admit)
    assert admit.status is Status.EMERGENCY_DEPARTMENT
    assert admit.location is None
    assert admit.facility == "RDX"  # MSH-4 when PV1-3 names none


def test_invalid_patient_class_is_accepted_and_flagged() -> None:
    event = _event("sample_unix.hl7", "linuxforhealth")
    assert event.patient.visit is not None
    assert event.patient.visit.patient_class == "FF"
    assert [w.location for w in event.warnings] == ["PV1-2"]


def test_a09_goes_to_the_temporary_location_and_keeps_the_census_bed() -> None:
    (move,) = interpret(_event("ADT-A09-01.hl7"))
    assert isinstance(move, TemporaryMove)
    assert not move.arriving
    assert move.location is not None
    assert move.location.location.unit == "OTWAITROOM"
    assert move.census is not None
    assert move.census.location.unit == "OT"
    assert move.prior is not None
    assert move.prior.location.bed == "BED-24"


def test_a13_reopens_at_pv1_3() -> None:
    (cancel,) = interpret(_event("ADT-A13-01.hl7"))
    assert isinstance(cancel, CancelDischarge)
    assert cancel.location is not None
    assert cancel.location.location.unit == "HUH AE OMU"


def test_a40_with_two_pid_mrg_pairs_gives_two_directional_merges() -> None:
    event = _event("ADT-A40-02.hl7")
    assert [(m.survivor[0].value, m.retired[0].value) for m in event.merges] == [
        ("12345", "56789"),
        ("145", "569"),
    ]
    merges = interpret(event)
    assert all(isinstance(m, MergePatients) for m in merges)
    assert [m.retired[0].issuer for m in merges if isinstance(m, MergePatients)] == ["BCBS", "BCBS"]


def test_a28_and_a31_never_move_anyone() -> None:
    for name in ("ADT-A28-01.hl7", "ADT-A31-01.hl7", "ADT-A28-02.hl7", "ADT-A31-02.hl7"):
        effects = interpret(_event(name))
        assert [type(e).__name__ for e in effects] == ["UpdatePerson"]
