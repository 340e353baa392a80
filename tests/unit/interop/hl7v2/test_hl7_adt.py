"""ADT mapping and tracking effects on synthetic messages (invented people, the scenario's).

The public samples have no publicity/protection values, no A12, no A17 and no transfer
between two hospitals, so those are written here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reunify.domain.facilities import Location
from reunify.domain.movements import Movement
from reunify.domain.types import IdentifierKind, NameUse, Sex, Status
from reunify.interop.hl7v2 import (
    NULL,
    UNCHANGED,
    Admit,
    AdtEvent,
    CancelAdmit,
    CancelTransfer,
    ConfirmLocation,
    Discharge,
    ErrorCode,
    Hl7Error,
    LeaveOfAbsence,
    MergePatients,
    PublicityPolicy,
    Swap,
    TemporaryMove,
    Transfer,
    UpdatePerson,
    cancel_conflict,
    interpret,
    map_adt,
    parse_message,
)

SEATTLE = ZoneInfo("America/Los_Angeles")
KAREV_PID = "PID|1||SPH-7781^^^SPH^MR~T-123^^^KC_MCI^TAG||KAREV^ALEXANDER^^^^^L||19930412|M"


def adt(
    trigger: str,
    *segments: str,
    sender: str = "SPH",
    evn: str = "EVN||20240605221500",
    control: str = "MSG1",
    delims: str = "|^~\\&",
) -> AdtEvent:
    f, c = delims[0], delims[1]
    msh = (
        f"MSH{delims}{f}ADT{f}{sender}{f}REUNIFY{f}REUNIFY{f}20240605221502{f}{f}ADT{c}{trigger}{f}"
    )
    msh += f"{control}{f}P{f}2.5.1"
    return map_adt(parse_message("\r".join([msh, evn, *segments])), tz=SEATTLE)


# --- the scenario: SGMW -> Seattle Pres ICU -> room 778 ---------------------------------


def test_sgmw_registers_karev_in_the_emergency_department() -> None:
    event = adt(
        "A04",
        "PID|1||SG-5521^^^SGMW^MR||KAREV^ALEXANDER||19930412|M",
        "PV1|1|E|ED^TRAUMA 2^^SGMW||||||||||||||||V-88^^^SGMW^VN",
        sender="SGMW",
    )
    person, admit = interpret(event)
    assert isinstance(person, UpdatePerson)
    assert isinstance(admit, Admit)
    assert admit.status is Status.EMERGENCY_DEPARTMENT
    assert admit.facility == "SGMW"
    assert admit.location is not None
    assert admit.location.location == Location(unit="ED", room="TRAUMA 2")
    assert admit.patient is not None
    assert admit.patient.visit_number == "V-88"
    assert admit.occurred_at == datetime(2024, 6, 6, 5, 15, tzinfo=UTC)  # 22:15 PDT


def test_sgmw_discharges_him_as_transferred_so_he_is_in_transit_to_seattle_pres() -> None:
    event = adt(
        "A03",
        "PID|1||SG-5521^^^SGMW^MR||KAREV^ALEXANDER||19930412|M",
        "PV1|1|E|ED^TRAUMA 2^^SGMW"
        + "|" * 33
        + "02|SPH^Seattle Presbyterian"
        + "|" * 8
        + "20240605230000",
        sender="SGMW",
        evn="EVN||20240605230500||||20240605230000-0700",
    )
    discharge = interpret(event)[-1]
    assert isinstance(discharge, Discharge)
    assert discharge.status is Status.IN_TRANSIT
    assert discharge.destination == "SPH"
    assert discharge.disposition == "02"
    assert discharge.discharge_time == datetime(2024, 6, 6, 6, 0, tzinfo=UTC)
    assert discharge.occurred_at == datetime(2024, 6, 6, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("disposition", "pid30", "status"),
    [("01", "", Status.DISCHARGED), ("20", "", Status.DECEASED), ("01", "Y", Status.DECEASED)],
)
def test_discharge_status_from_disposition_and_death_indicator(
    disposition: str, pid30: str, status: Status
) -> None:
    pid = "PID|1||OH-1^^^SPH^MR||HUNT^OWEN||19860101|M" + "|" * 22 + pid30
    pv1 = "PV1|1|I|4E^410^A^SPH" + "|" * 33 + disposition
    discharge = interpret(adt("A03", pid, pv1))[-1]
    assert isinstance(discharge, Discharge)
    assert discharge.status is status
    assert discharge.destination == ""


def test_seattle_pres_admits_him_to_icu_under_a_new_mrn_linked_to_his_tag() -> None:
    event = adt(
        "A01",
        KAREV_PID,
        "PV1|1|I|ICU^12^A^SPH^^^PRES^3" + "|" * 11 + "7" + "|" * 5 + "V-9001^^^SPH^VN",
    )
    p = event.patient
    assert [(i.kind, i.value, i.issuer) for i in p.identifiers] == [
        (IdentifierKind.MRN, "SPH-7781", "SPH"),
        (IdentifierKind.EXTERNAL, "T-123", "KC_MCI"),
    ]
    _, admit = interpret(event)
    assert isinstance(admit, Admit)
    assert admit.status is Status.ADMITTED
    assert admit.location is not None
    loc = admit.location
    assert (loc.facility, loc.location.building, loc.location.floor) == ("SPH", "PRES", "3")
    assert (loc.location.unit, loc.location.room, loc.location.bed) == ("ICU", "12", "A")
    assert admit.admit_source == "7"
    assert admit.patient is not None
    assert admit.patient.visit_number == "V-9001"


def test_a02_to_room_778_on_the_seventh_floor() -> None:
    event = adt(
        "A02",
        KAREV_PID,
        "PV1|1|I|7W^778^^SPH^^^^7|||ICU^12^A^SPH",
        evn="EVN|A01|20240606101000||||20240606100000",
    )
    (transfer,) = interpret(event)
    assert isinstance(transfer, Transfer)
    assert transfer.location.location == Location(unit="7W", room="778", floor="7")
    assert transfer.location.location.display == "7W, room 778"
    assert transfer.prior is not None
    assert transfer.prior.location == Location(unit="ICU", room="12", bed="A")
    assert transfer.occurred_at == datetime(2024, 6, 6, 10, 0, tzinfo=SEATTLE)
    assert transfer.recorded_at == datetime(2024, 6, 6, 10, 10, tzinfo=SEATTLE)


# --- A12 after a later A02 (gotcha 9) -------------------------------------------------------


def _move(at: str, unit: str, room: str, mid: int) -> Movement:
    when = datetime.fromisoformat(at).replace(tzinfo=SEATTLE)
    return Movement(
        person_id=1, status=Status.ADMITTED, occurred_at=when, recorded_at=when,
        facility_code="SPH", location=Location(unit=unit, room=room), id=mid,
    )  # fmt: skip


def _a12(evn6: str) -> CancelTransfer:
    event = adt(
        "A12",
        KAREV_PID,
        "PV1|1|I|ICU^12^^SPH|||7W^778^^SPH",
        evn=f"EVN|A02|20240606120000||||{evn6}",
    )
    (cancel,) = interpret(event)
    assert isinstance(cancel, CancelTransfer)
    return cancel


def test_a12_restores_the_location_before_the_transfer() -> None:
    cancel = _a12("20240606100000")
    assert cancel.restore_to is not None
    assert cancel.restore_to.location == Location(unit="ICU", room="12")
    assert cancel.cancelled is not None
    assert cancel.cancelled.location == Location(unit="7W", room="778")
    assert cancel.cancelled_event_time == datetime(2024, 6, 6, 10, 0, tzinfo=SEATTLE)
    history = [_move("2024-06-05T23:30", "ICU", "12", 1), _move("2024-06-06T10:00", "7W", "778", 2)]
    assert cancel_conflict(cancel, history) is None


def test_a12_arriving_after_a_later_a02_is_flagged_not_applied() -> None:
    cancel = _a12("20240606100000")
    history = [
        _move("2024-06-05T23:30", "ICU", "12", 1),
        _move("2024-06-06T10:00", "7W", "778", 2),
        _move("2024-06-06T11:00", "7W", "780", 3),  # a later, valid move
    ]
    reason = cancel_conflict(cancel, history)
    assert reason is not None
    assert "later movement" in reason


def test_a12_for_a_transfer_that_is_not_in_the_history_is_flagged() -> None:
    cancel = _a12("20240606090000")
    history = [_move("2024-06-05T23:30", "ICU", "12", 1), _move("2024-06-06T10:00", "5E", "501", 2)]
    assert (
        cancel_conflict(cancel, history) == "the transfer to cancel is not in the movement history"
    )


def test_a12_whose_pv1_3_disagrees_with_the_history_is_flagged() -> None:
    cancel = _a12("20240606100000")
    history = [_move("2024-06-05T23:30", "ED", "4", 1), _move("2024-06-06T10:00", "7W", "778", 2)]
    assert cancel_conflict(cancel, history) is not None


def test_near_empty_cancel_targets_the_most_recent_transfer() -> None:
    event = adt("A12", KAREV_PID, "PV1|1|||||||||||||||V-9001", evn="EVN||20240606120000")
    (cancel,) = interpret(event)
    assert isinstance(cancel, CancelTransfer)
    assert cancel.restore_to is None
    assert cancel.cancelled_event_time is None
    history = [_move("2024-06-05T23:30", "ICU", "12", 1), _move("2024-06-06T10:00", "7W", "778", 2)]
    assert cancel_conflict(cancel, history) is None


# --- other triggers -------------------------------------------------------------------------


def test_a17_swaps_two_beds() -> None:
    event = adt(
        "A17",
        "PID|1||SPH-1^^^SPH^MR||SHEPHERD^DEREK^CHRISTOPHER",
        "PV1|1|I|ICU^14^A^SPH|||ICU^12^A^SPH",
        "PID|2||SPH-2^^^SPH^MR||KAREV^ALEXANDER",
        "PV1|1|I|ICU^12^A^SPH|||ICU^14^A^SPH",
    )
    (swap,) = interpret(event)
    assert isinstance(swap, Swap)
    assert swap.patient is not None
    assert swap.patient.identifiers[0].value == "SPH-1"
    assert swap.location.location.room == "14"
    assert swap.other.identifiers[0].value == "SPH-2"
    assert swap.other_location.location.room == "12"


def test_a40_with_two_pairs_keeps_the_direction() -> None:
    event = adt(
        "A40",
        "PID|1||SPH-7781^^^SPH^MR||KAREV^ALEXANDER^^^^^L",
        "MRG|SPH-9990^^^SPH^MR",
        "PID|2||SPH-7782^^^SPH^MR||YANG^CRISTINA^^^^^L",
        "MRG|SPH-9991^^^SPH^MR~T-200^^^KC_MCI^TAG",
    )
    merges = interpret(event)
    assert [type(m) for m in merges] == [MergePatients, MergePatients]
    first, second = merges
    assert isinstance(first, MergePatients)
    assert isinstance(second, MergePatients)
    assert first.patient is not None
    assert [i.value for i in first.patient.identifiers] == ["SPH-7781"]
    assert [i.value for i in first.retired] == ["SPH-9990"]
    assert [(i.value, i.issuer) for i in second.retired] == [
        ("SPH-9991", "SPH"),
        ("T-200", "KC_MCI"),
    ]


def test_a08_updates_demographics_and_only_confirms_a_location() -> None:
    event = adt("A08", KAREV_PID, "PV1|1|I|7W^778^^SPH")
    person, confirm = interpret(event)
    assert isinstance(person, UpdatePerson)
    assert isinstance(confirm, ConfirmLocation)
    assert confirm.location.location.room == "778"
    # A pseudo-visit (PV1-2 = N) or no PV1-3 carries no location
    assert len(interpret(adt("A08", KAREV_PID, "PV1|1|N|7W^778^^SPH"))) == 1
    assert len(interpret(adt("A08", KAREV_PID, "PV1|1|I"))) == 1


@pytest.mark.parametrize("trigger", ["A28", "A31"])
def test_person_level_events_never_open_or_move_a_visit(trigger: str) -> None:
    effects = interpret(adt(trigger, KAREV_PID, "PV1|1|N|ICU^12^A^SPH"))
    assert [type(e) for e in effects] == [UpdatePerson]


def test_a11_a21_a22_a10() -> None:
    pv1 = "PV1|1|I|ICU^12^A^SPH||||||||RAD^X1^^SPH"
    assert isinstance(interpret(adt("A11", KAREV_PID, pv1))[0], CancelAdmit)
    out, back = interpret(adt("A21", KAREV_PID, pv1))[0], interpret(adt("A22", KAREV_PID, pv1))[0]
    assert isinstance(out, LeaveOfAbsence)
    assert isinstance(back, LeaveOfAbsence)
    assert (out.returning, back.returning) == (False, True)
    arriving = interpret(adt("A10", KAREV_PID, pv1))[0]
    assert isinstance(arriving, TemporaryMove)
    assert arriving.arriving
    assert arriving.location is not None
    assert arriving.location.location.unit == "RAD"


def test_z_segments_ride_along_unparsed() -> None:
    event = adt("A01", KAREV_PID, "ZLC|7W^778", "PV1|1|I|ICU^12^A^SPH", "ZPU|N^No Publicity")
    assert event.z_segments == ("ZLC|7W^778", "ZPU|N^No Publicity")
    assert event.patient.visit is not None  # a Z-segment inside the group does not break it


def test_a_made_up_msh9_3_is_tolerated() -> None:
    msh = "MSH|^~\\&|ADT|SPH|R|R|20240605221502||ADT^A02^NONSENSE|1|P|2.5.1"
    pv1 = "PV1|1|I|7W^778^^SPH"
    event = map_adt(parse_message(f"{msh}\r{KAREV_PID}\r{pv1}"), tz=SEATTLE)
    assert (event.trigger, event.structure) == ("A02", "NONSENSE")
    assert isinstance(interpret(event)[0], Transfer)


def test_unsupported_but_valid_event_is_ignored() -> None:
    (ignore,) = interpret(adt("A20", "NPU|ICU^12^A^SPH|C"))
    assert type(ignore).__name__ == "Ignore"
    assert ignore.patient is None


# --- directory opt-out: PD1-11/12, PV2-21/22 ------------------------------------------------


def _opt_out(pd1: str = "", pv2: str = "", policy: PublicityPolicy | None = None) -> bool | None:
    segs = [KAREV_PID]
    if pd1:
        segs.append(pd1)
    segs.append("PV1|1|I|ICU^12^A^SPH")
    if pv2:
        segs.append(pv2)
    msh = "MSH|^~\\&|ADT|SPH|R|R|20240605221502||ADT^A01|1|P|2.5.1"
    message = parse_message("\r".join([msh, "EVN||20240605221500", *segs]))
    return map_adt(message, tz=SEATTLE, policy=policy).patient.privacy.directory_opt_out


PD1 = "PD1" + "|" * 11  # PD1-11 comes next
PV2 = "PV2" + "|" * 21  # PV2-21 comes next


@pytest.mark.parametrize(
    ("pd1", "pv2", "expected"),
    [
        ("", "", None),  # nothing said: unchanged
        (PD1 + "N^No Publicity^HL70215", "", True),
        (PD1 + "F^Family only^HL70215", "", True),
        (PD1 + "|Y", "", True),  # PD1-12 protection
        (PD1 + "|N", "", False),
        (PD1 + '""', "", False),  # explicit clear: back to listed
        (PD1 + "U", "", None),  # unknown code: unchanged
        ("", PV2 + "N", True),
        ("", PV2 + "|Y", True),  # PV2-22 visit protection
        (PD1 + "N", PV2 + "|N", False),  # the visit overrides the patient level
        (PD1 + "|Y", PV2 + "|N", True),  # ... but protection Y wins wherever it is
    ],
)
def test_directory_opt_out(pd1: str, pv2: str, expected: bool | None) -> None:
    assert _opt_out(pd1, pv2) is expected


def test_site_publicity_codes_are_configurable() -> None:
    policy = PublicityPolicy(opt_out_codes=frozenset({"NP"}), listed_codes=frozenset({"YES"}))
    assert _opt_out(PD1 + "NP", policy=policy) is True
    assert _opt_out(PD1 + "YES", policy=policy) is False
    assert _opt_out(PD1 + "N", policy=policy) is None


# --- identity: unidentified patients, null vs empty, death ----------------------------------


def test_identity_reliability_al_marks_an_unidentified_patient() -> None:
    pid = "PID|1||SPH-8001^^^SPH^MR||TRAUMA^ZULU^^^^^L||1974|F" + "|" * 24 + "AL"
    d = adt("A04", pid, "PV1|1|E|ED^^^SPH").patient.demographics
    assert d.unidentified is True
    assert d.identity_reliability == ("AL",)
    assert str(d.birth_date) == "1974"


@pytest.mark.parametrize(
    ("names", "unidentified"),
    [
        ("TRAUMA^ZULU^^^^^A", True),
        ("TRAUMA^ZULU^^^^^S", True),
        ("TRAUMA^ZULU^^^^^TEMP", True),
        ("KAREV^ALEXANDER^^^^^L~TRAUMA^ZULU^^^^^A", False),
        ("KAREV^ALEX^^^^^N", False),
    ],
)
def test_alias_names_mark_unidentified(names: str, unidentified: bool) -> None:
    d = adt("A04", f"PID|1||SPH-1^^^SPH^MR||{names}", "PV1|1|E|ED^^^SPH").patient.demographics
    assert d.unidentified is unidentified


def test_name_types_map_to_name_use() -> None:
    pid = "PID|1||SPH-1^^^SPH^MR||GREY^ALEXANDRA^^^^^L~GREY^LEXIE^^^^^N~~DOE^JANE^^^^^A"
    names = adt("A08", pid).patient.demographics.names
    assert [(n.given, n.use) for n in names] == [
        ("ALEXANDRA", NameUse.LEGAL),
        ("LEXIE", NameUse.NICKNAME),
        ("JANE", NameUse.ALIAS),
    ]


def test_null_clears_and_empty_leaves_alone_on_an_update() -> None:
    cleared = adt("A08", 'PID|1||SPH-1^^^SPH^MR||KAREV^ALEX||""|""' + "|" * 21 + '""|""')
    d = cleared.patient.demographics
    assert (d.birth_date, d.sex, d.death_time, d.deceased) == (NULL, NULL, NULL, NULL)
    unchanged = adt("A08", "PID|1||SPH-1^^^SPH^MR||KAREV^ALEX").patient.demographics
    assert (unchanged.birth_date, unchanged.sex, unchanged.death_time, unchanged.deceased) == (
        UNCHANGED, UNCHANGED, UNCHANGED, UNCHANGED,
    )  # fmt: skip
    assert unchanged.names[0].given == "ALEX"


def test_death_time_sets_deceased_and_keeps_its_offset() -> None:
    pid = "PID|1||SPH-5^^^SPH^MR||ADAMSON^REED||19940101|F" + "|" * 21 + "202406051630-0700"
    d = adt("A08", pid).patient.demographics
    assert d.death_time == datetime(2024, 6, 5, 23, 30, tzinfo=UTC)
    assert d.deceased is True
    assert d.sex is Sex.FEMALE


def test_next_of_kin_becomes_contacts() -> None:
    phones = "^PRN^PH^^1^206^5550101~^NET^Internet^mg@example.org"
    nk1 = f"NK1|1|GREY^MEREDITH|SPO^Spouse|12 Main St^^Seattle^WA|{phones}"
    (contact,) = adt("A01", KAREV_PID, nk1, "PV1|1|I|ICU^12^A^SPH").patient.demographics.contacts
    assert (contact.name, contact.relationship) == ("MEREDITH GREY", "Spouse")
    assert (contact.phone, contact.email) == ("+1 206 5550101", "mg@example.org")


def test_escape_sequences_in_names_and_locations() -> None:
    event = adt("A01", "PID|1||SPH-3^^^SPH^MR||O\\S\\NEILL^MARY", "PV1|1|E|A\\T\\E^BAY 3^^SPH")
    assert event.patient.demographics.names[0].family == "O^NEILL"
    assert event.patient.visit is not None
    assert event.patient.visit.assigned is not None
    assert event.patient.visit.assigned.location.unit == "A&E"


def test_non_standard_delimiters_map_the_same() -> None:
    event = adt(
        "A01",
        "PID$1$$SPH-7781%%%SPH%MR~T-123%%%KC_MCI%TAG$$KAREV%ALEXANDER",
        "PV1$1$I$ICU%12%A%SPH",
        evn="EVN$$20240605221500",
        delims="$%~\\&",
    )
    assert [i.value for i in event.patient.identifiers] == ["SPH-7781", "T-123"]
    assert event.patient.visit is not None
    assert event.patient.visit.assigned is not None
    assert event.patient.visit.assigned.location.room == "12"


def test_leading_spaces_in_an_identifier_are_trimmed_and_flagged() -> None:
    event = adt("A08", "PID|1|| 863968^^^SPH^MR||KAREV^ALEX")
    assert event.patient.identifiers[0].value == "863968"
    assert [w.location for w in event.warnings] == ["PID-3"]


# --- times ------------------------------------------------------------------------------------


def test_event_time_prefers_evn6_then_evn2_then_msh7() -> None:
    both = adt("A08", KAREV_PID, evn="EVN||20240605221000||||20240605220000+0000")
    assert both.event_time == datetime(2024, 6, 5, 22, 0, tzinfo=UTC)
    assert both.recorded_time == datetime(2024, 6, 5, 22, 10, tzinfo=SEATTLE)
    evn2 = adt("A08", KAREV_PID, evn="EVN||20240605221000")
    assert evn2.event_time == datetime(2024, 6, 5, 22, 10, tzinfo=SEATTLE)
    msh7 = adt("A08", KAREV_PID, evn="EVN|A08")
    assert msh7.event_time == datetime(2024, 6, 5, 22, 15, 2, tzinfo=SEATTLE)
    assert msh7.event_time.utcoffset() == timedelta(hours=-7)


def test_an_unparseable_time_is_a_warning_and_falls_back() -> None:
    event = adt("A08", KAREV_PID, evn="EVN||2024-06-05||||yesterday")
    assert event.occurred_time is None
    assert event.event_time == event.message_time
    assert {w.location for w in event.warnings} == {"EVN-2", "EVN-6"}


# --- content errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "segments", "where", "code"),
    [
        ("A01", ["PV1|1|I|ICU"], "PID", ErrorCode.SEGMENT_SEQUENCE),
        (
            "A01",
            ["PID|1||^^^SPH^MR||X^Y", "PV1|1|I|ICU"],
            "PID-3",
            ErrorCode.REQUIRED_FIELD_MISSING,
        ),
        ("A01", [KAREV_PID], "PV1", ErrorCode.SEGMENT_SEQUENCE),
        ("A02", [KAREV_PID, "PV1|1|I||||ICU^12"], "PV1-3", ErrorCode.REQUIRED_FIELD_MISSING),
        ("A17", [KAREV_PID, "PV1|1|I|ICU^12"], "PID", ErrorCode.SEGMENT_SEQUENCE),
        ("A40", [KAREV_PID], "MRG-1", ErrorCode.REQUIRED_FIELD_MISSING),
    ],
)
def test_content_errors_name_segment_and_field(
    trigger: str, segments: list[str], where: str, code: ErrorCode
) -> None:
    with pytest.raises(Hl7Error) as exc:
        adt(trigger, *segments)
    assert exc.value.issue.location == where
    assert exc.value.code is code


def test_no_usable_time_at_all_is_an_error() -> None:
    msh = "MSH|^~\\&|ADT|SPH|R|R|||ADT^A08|1|P|2.5.1"
    with pytest.raises(Hl7Error) as exc:
        map_adt(parse_message(f"{msh}\rEVN|A08\r{KAREV_PID}"), tz=SEATTLE)
    assert exc.value.issue.location == "MSH-7"


def test_trigger_falls_back_to_evn1_when_msh9_2_is_empty() -> None:
    msh = "MSH|^~\\&|ADT|SPH|R|R|20240605||ADT|1|P|2.3"
    event = map_adt(parse_message(f"{msh}\rEVN|A08|20240605\r{KAREV_PID}"), tz=SEATTLE)
    assert event.trigger == "A08"
    assert event.warnings[0].location == "MSH-9"
