"""The disclosure policy, cell by cell of the DESIGN.md table, on the scenario's people."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from reunify.domain.disclosure import (
    CARRIES,
    PAYLOAD_FIELDS,
    REGISTRY_TEXT,
    AnswerKind,
    Audience,
    AudienceKind,
    Band,
    Basis,
    Disclosure,
    DisclosureSettings,
    FamilyAssistanceCentre,
    Flag,
    MatchBand,
    PfifStatus,
    StaffTask,
    SubjectState,
    decide,
    public_body,
)
from reunify.domain.errors import DomainError
from reunify.domain.facilities import Location
from reunify.domain.movements import Whereabouts
from reunify.domain.types import Condition, Status

# --- the scenario ----------------------------------------------------------------------------

PRES, PRES_NAME = "SPH", "Seattle Presbyterian Hospital"
SGMW, SGMW_NAME = "SGMW", "Seattle Grace Mercy West Hospital"
EVENING = datetime(2010, 5, 20, 19, 30, tzinfo=UTC)
IZZIE = 7  # a contact id the patient named

ALEX = SubjectState(
    status=Status.ADMITTED,
    facility_code=PRES,
    facility=PRES_NAME,
    unit="7W",
    room="room 778",
    condition=Condition.FAIR,
    since=EVENING,
    designated_contact_ids=frozenset({IZZIE}),
)
ALEX_OPTED_OUT = replace(ALEX, directory_opt_out=True)
ALEX_PROTECTED = replace(ALEX, protected=True)
DEREK_MOVING = SubjectState(
    status=Status.IN_TRANSIT,
    facility_code=SGMW,
    facility=SGMW_NAME,
    destination_code=PRES,
    destination=PRES_NAME,
    expected_arrival=EVENING + timedelta(minutes=40),
    condition=Condition.CRITICAL,
    since=EVENING,
    designated_contact_ids=frozenset({IZZIE}),
)
OWEN = SubjectState(
    status=Status.DISCHARGED,
    facility_code=SGMW,
    facility=SGMW_NAME,
    since=EVENING,
    designated_contact_ids=frozenset({IZZIE}),
)
REED = SubjectState(
    status=Status.DECEASED,
    facility_code=SGMW,
    facility=SGMW_NAME,
    since=EVENING,
    designated_contact_ids=frozenset({IZZIE}),
)
REED_TOLD = replace(REED, next_of_kin_notified=True)
REED_RELEASED = replace(REED_TOLD, death_released=True)
MEREDITH = SubjectState(
    status=Status.REPORTED_SAFE,
    since=EVENING + timedelta(hours=3),
    message="I'm fine. At Seattle Pres with Derek.",
    designated_contact_ids=frozenset({IZZIE}),
)
DOE_PATIENT = replace(ALEX, unidentified=True, designated_contact_ids=frozenset())
NURSE = replace(REED, unidentified=True, designated_contact_ids=frozenset())
CHILD = replace(ALEX, minor=True, condition=Condition.GOOD)

PUBLIC = Audience.public()
DESIGNATED = Audience.public(verified=True, contact_id=IZZIE)
DESK = Audience.front_desk(PRES)
DESK_SGMW = Audience.front_desk(SGMW)
OFFICER = Audience.reunification_officer()
REGISTRY = Audience.external_registry()

CONFIDENT = MatchBand(Band.CONFIDENT, full_name=True, other_fact=True)
UNCERTAIN = MatchBand(Band.UNCERTAIN, full_name=True, other_fact=True)
NO_MATCH = MatchBand(Band.NO_MATCH, full_name=True, other_fact=True)
NAME_ONLY = MatchBand(Band.CONFIDENT, full_name=True)
PARTIAL_NAME = MatchBand(Band.CONFIDENT, other_fact=True)  # "Alex", aged 31

FAC = FamilyAssistanceCentre(
    name="Seattle Center Family Assistance Centre",
    phone="+1 206 555 0100",
    address="305 Harrison St, Seattle, WA 98109",
)
SETTINGS = DisclosureSettings(family_assistance_centre=FAC)

# --- expected answers ------------------------------------------------------------------------


def located(rule: str, *, basis: Basis = Basis.DIRECTORY, **fields: Any) -> Disclosure:
    return Disclosure(AnswerKind.LOCATED, rule, basis, **fields)


def refer(rule: str, *tasks: StaffTask) -> Disclosure:
    return Disclosure(
        AnswerKind.CONTACT_FAMILY_ASSISTANCE_CENTRE,
        rule,
        Basis.NOTIFICATION,
        family_assistance_centre=FAC,
        staff_tasks=tasks,
    )


def nothing(rule: str) -> Disclosure:
    return Disclosure(AnswerKind.NO_INFORMATION, rule)


def everything(subject: SubjectState, rule: str, *flags: Flag) -> Disclosure:
    """What "everything" means for an officer: every fact of the subject, plus the flags."""
    return Disclosure(
        AnswerKind.FULL_RECORD,
        rule,
        Basis.DISASTER_RELIEF,
        facility=subject.facility,
        condition=subject.condition,
        unit=subject.unit or None,
        room=subject.room or None,
        destination=subject.destination,
        expected_arrival=subject.expected_arrival,
        since=subject.since,
        message=subject.message or None,
        status=subject.status,
        flags=frozenset(flags),
    )


FAIR = Condition.FAIR
ALEX_AT: dict[str, Any] = {"facility": PRES_NAME, "condition": FAIR}
DEATH_TASK = StaffTask.NOTIFY_NEXT_OF_KIN_IN_PERSON
SAFE = Disclosure(
    AnswerKind.REPORTED_SAFE,
    "reported_safe:public",
    Basis.SELF_REPORT,
    since=MEREDITH.since,
    message=MEREDITH.message,
)


def cell(
    subject: SubjectState,
    audience: Audience,
    expected: Disclosure,
    match: MatchBand = CONFIDENT,
    *,
    id: str,
) -> object:
    return pytest.param(subject, audience, match, expected, id=id)


# One row per cell of the table: (row)-(column).
TABLE = [
    # admitted, in directory
    cell(ALEX, PUBLIC, located("admitted:public", **ALEX_AT), id="admitted-public"),
    cell(
        ALEX,
        DESIGNATED,
        located("admitted:designated", basis=Basis.NOTIFICATION, **ALEX_AT, unit="7W"),
        id="admitted-designated",
    ),
    cell(
        ALEX,
        DESK,
        located("admitted:front_desk", **ALEX_AT, unit="7W", room="room 778", badge_allowed=True),
        id="admitted-front_desk",
    ),
    cell(ALEX, OFFICER, everything(ALEX, "admitted:officer"), id="admitted-officer"),
    # admitted, opted out / protected
    cell(ALEX_OPTED_OUT, PUBLIC, nothing("opted_out:public"), id="opted_out-public"),
    cell(ALEX_PROTECTED, PUBLIC, nothing("protected:public"), id="protected-public"),
    cell(
        ALEX_OPTED_OUT,
        DESIGNATED,
        located("admitted_opted_out:designated", basis=Basis.NOTIFICATION, **ALEX_AT, unit="7W"),
        id="opted_out-designated",
    ),
    cell(
        ALEX_PROTECTED,
        DESIGNATED,
        located("admitted_opted_out:designated", basis=Basis.NOTIFICATION, **ALEX_AT, unit="7W"),
        id="protected-designated",
    ),
    cell(ALEX_OPTED_OUT, DESK, nothing("opted_out:front_desk"), id="opted_out-front_desk"),
    cell(ALEX_PROTECTED, DESK, nothing("protected:front_desk"), id="protected-front_desk"),
    cell(
        ALEX_OPTED_OUT,
        OFFICER,
        everything(ALEX_OPTED_OUT, "admitted:officer", Flag.DIRECTORY_OPT_OUT),
        id="opted_out-officer",
    ),
    cell(
        ALEX_PROTECTED,
        OFFICER,
        everything(ALEX_PROTECTED, "admitted:officer", Flag.PROTECTED),
        id="protected-officer",
    ),
    # in transit between facilities
    cell(
        DEREK_MOVING,
        PUBLIC,
        Disclosure(
            AnswerKind.IN_TRANSIT, "in_transit:public", Basis.DIRECTORY, destination=PRES_NAME
        ),
        id="in_transit-public",
    ),
    cell(
        DEREK_MOVING,
        DESIGNATED,
        Disclosure(
            AnswerKind.IN_TRANSIT,
            "in_transit:designated",
            Basis.NOTIFICATION,
            destination=PRES_NAME,
        ),
        id="in_transit-designated",
    ),
    cell(
        DEREK_MOVING,
        DESK,
        Disclosure(
            AnswerKind.IN_TRANSIT,
            "in_transit:front_desk",
            Basis.DIRECTORY,
            destination=PRES_NAME,
            expected_arrival=DEREK_MOVING.expected_arrival,
        ),
        id="in_transit-front_desk",
    ),
    cell(
        DEREK_MOVING,
        OFFICER,
        everything(DEREK_MOVING, "in_transit:officer"),
        id="in_transit-officer",
    ),
    # discharged
    cell(
        OWEN,
        PUBLIC,
        Disclosure(AnswerKind.DISCHARGED, "discharged:public", Basis.DIRECTORY),
        id="discharged-public",
    ),
    cell(
        OWEN,
        DESIGNATED,
        Disclosure(AnswerKind.DISCHARGED, "discharged:designated", Basis.NOTIFICATION),
        id="discharged-designated",
    ),
    cell(
        OWEN,
        DESK,
        Disclosure(AnswerKind.DISCHARGED, "discharged:front_desk", Basis.DIRECTORY),
        id="discharged-front_desk",
    ),
    cell(OWEN, OFFICER, everything(OWEN, "discharged:officer"), id="discharged-officer"),
    # deceased
    cell(REED, PUBLIC, refer("deceased:public", DEATH_TASK), id="deceased-public"),
    cell(REED, DESIGNATED, refer("deceased:designated", DEATH_TASK), id="deceased-designated"),
    cell(REED, DESK_SGMW, refer("deceased:front_desk", DEATH_TASK), id="deceased-front_desk"),
    cell(
        REED,
        OFFICER,
        everything(REED, "deceased:officer", Flag.NEXT_OF_KIN_NOT_NOTIFIED),
        id="deceased-officer",
    ),
    # self-reported safe; the desk has no cell ("-") and gives the public answer
    cell(MEREDITH, PUBLIC, SAFE, id="reported_safe-public"),
    cell(
        MEREDITH,
        DESIGNATED,
        replace(SAFE, rule="reported_safe:designated"),
        id="reported_safe-designated",
    ),
    cell(
        MEREDITH,
        DESK,
        replace(SAFE, rule="reported_safe:front_desk"),
        id="reported_safe-front_desk(-)",
    ),
    cell(
        MEREDITH, OFFICER, everything(MEREDITH, "reported_safe:officer"), id="reported_safe-officer"
    ),
    # possible match to an unidentified patient / a minor / an uncertain match
    cell(
        DOE_PATIENT,
        PUBLIC,
        refer("unidentified_candidate:public", StaffTask.UNIDENTIFIED_CANDIDATE),
        id="unidentified-public",
    ),
    cell(CHILD, PUBLIC, refer("minor:public", StaffTask.MINOR), id="minor-public"),
    cell(
        ALEX,
        PUBLIC,
        refer("uncertain_match:public", StaffTask.REVIEW_UNCERTAIN_MATCH),
        UNCERTAIN,
        id="uncertain-public",
    ),
    cell(
        replace(DOE_PATIENT, designated_contact_ids=frozenset({IZZIE})),
        DESIGNATED,
        refer("unidentified_candidate:designated", StaffTask.UNIDENTIFIED_CANDIDATE),
        id="unidentified-designated",
    ),
    cell(CHILD, DESIGNATED, refer("minor:designated", StaffTask.MINOR), id="minor-designated"),
    cell(
        ALEX,
        DESIGNATED,
        refer("uncertain_match:designated", StaffTask.REVIEW_UNCERTAIN_MATCH),
        UNCERTAIN,
        id="uncertain-designated",
    ),
    cell(
        DOE_PATIENT,
        DESK,
        refer("unidentified_candidate:front_desk", StaffTask.UNIDENTIFIED_CANDIDATE),
        id="unidentified-front_desk(-)",
    ),
    cell(CHILD, DESK, refer("minor:front_desk", StaffTask.MINOR), id="minor-front_desk(-)"),
    cell(
        ALEX,
        DESK,
        refer("uncertain_match:front_desk", StaffTask.REVIEW_UNCERTAIN_MATCH),
        UNCERTAIN,
        id="uncertain-front_desk(-)",
    ),
    cell(
        DOE_PATIENT,
        OFFICER,
        everything(DOE_PATIENT, "review_queue:officer", Flag.UNIDENTIFIED),
        id="unidentified-officer",
    ),
    cell(CHILD, OFFICER, everything(CHILD, "review_queue:officer", Flag.MINOR), id="minor-officer"),
    cell(
        ALEX,
        OFFICER,
        everything(ALEX, "review_queue:officer", Flag.UNCERTAIN_MATCH),
        UNCERTAIN,
        id="uncertain-officer",
    ),
]

EDGES = [
    # No enumeration: short of a confident match on a full name plus one fact, nothing.
    cell(ALEX, PUBLIC, nothing("not_enough_detail:public"), NAME_ONLY, id="name_only-public"),
    cell(ALEX, PUBLIC, nothing("not_enough_detail:public"), PARTIAL_NAME, id="partial_name-public"),
    cell(
        ALEX,
        DESIGNATED,
        nothing("not_enough_detail:designated"),
        PARTIAL_NAME,
        id="partial_name-designated",
    ),
    cell(
        REED,
        PUBLIC,
        nothing("not_enough_detail:public"),
        MatchBand(Band.UNCERTAIN, full_name=True),
        id="uncertain_without_detail-public",
    ),
    cell(ALEX, PUBLIC, nothing("no_match:public"), NO_MATCH, id="no_match-public"),
    cell(ALEX, DESK, nothing("no_match:front_desk"), NO_MATCH, id="no_match-front_desk"),
    cell(ALEX, DESK, nothing("not_enough_detail:front_desk"), PARTIAL_NAME, id="partial_name-desk"),
    # The desk needs given and family name, not a second fact: the visitor is in front of it.
    cell(
        ALEX,
        DESK,
        located("admitted:front_desk", **ALEX_AT, unit="7W", room="room 778", badge_allowed=True),
        NAME_ONLY,
        id="name_only-front_desk",
    ),
    # A claim to be a contact counts only once verified, and only for that patient's contacts.
    cell(
        ALEX,
        Audience.public(contact_id=IZZIE),
        located("admitted:public", **ALEX_AT),
        id="unverified_contact-public",
    ),
    cell(
        ALEX_OPTED_OUT,
        Audience.public(contact_id=IZZIE),
        nothing("opted_out:public"),
        id="unverified_contact-opted_out",
    ),
    cell(
        ALEX_OPTED_OUT,
        Audience.public(verified=True, contact_id=99),
        nothing("opted_out:public"),
        id="other_contact-opted_out",
    ),
    # A desk elsewhere gets the public view of another hospital's patient: no unit, no badge.
    cell(
        ALEX,
        DESK_SGMW,
        located("admitted:front_desk_other_facility", **ALEX_AT),
        id="admitted-front_desk_other_facility",
    ),
    cell(
        DEREK_MOVING,
        DESK_SGMW,
        Disclosure(
            AnswerKind.IN_TRANSIT,
            "in_transit:front_desk_other_facility",
            Basis.DIRECTORY,
            destination=PRES_NAME,
        ),
        id="in_transit-front_desk_of_origin",
    ),
    # The deceased are never shown as deceased at a desk, not even after next of kin is told.
    cell(REED_TOLD, DESK_SGMW, refer("deceased:front_desk", DEATH_TASK), id="deceased_told-desk"),
    cell(
        REED_RELEASED, PUBLIC, refer("deceased:public", DEATH_TASK), id="deceased_released-public"
    ),
    cell(REED_TOLD, OFFICER, everything(REED_TOLD, "deceased:officer"), id="deceased_told-officer"),
    cell(
        replace(REED, directory_opt_out=True),
        PUBLIC,
        nothing("opted_out:public"),
        id="deceased_opted_out-public",
    ),
    # Death is told in person only after positive identification: review tasks instead.
    cell(
        REED,
        PUBLIC,
        refer("deceased:public", StaffTask.REVIEW_UNCERTAIN_MATCH),
        UNCERTAIN,
        id="deceased_uncertain-public",
    ),
    cell(
        NURSE,
        PUBLIC,
        refer("deceased:public", StaffTask.UNIDENTIFIED_CANDIDATE),
        id="unidentified_decedent-public",
    ),
    cell(
        replace(REED, minor=True),
        PUBLIC,
        refer("deceased:public", StaffTask.MINOR, DEATH_TASK),
        id="deceased_minor-public",
    ),
    cell(
        replace(MEREDITH, minor=True),
        PUBLIC,
        refer("minor:public", StaffTask.MINOR),
        id="reported_safe_minor-public",
    ),
    cell(
        replace(DOE_PATIENT, minor=True),
        PUBLIC,
        refer(
            "uncertain_match:public",
            StaffTask.REVIEW_UNCERTAIN_MATCH,
            StaffTask.UNIDENTIFIED_CANDIDATE,
            StaffTask.MINOR,
        ),
        UNCERTAIN,
        id="every_review_reason-public",
    ),
    # States the table has no row for.
    cell(
        SubjectState(Status.AT_SCENE, since=EVENING),
        PUBLIC,
        refer("at_scene:public", StaffTask.AT_SCENE),
        id="at_scene-public",
    ),
    cell(SubjectState(Status.UNKNOWN), PUBLIC, nothing("whereabouts_unknown:public"), id="unknown"),
    cell(
        replace(ALEX, status=Status.EMERGENCY_DEPARTMENT),
        PUBLIC,
        located("admitted:public", **ALEX_AT),
        id="emergency_department_reads_as_admitted",
    ),
    cell(
        replace(ALEX, condition=None),
        PUBLIC,
        located("admitted:public", facility=PRES_NAME, condition=Condition.UNDETERMINED),
        id="no_condition_is_undetermined",
    ),
]


@pytest.mark.parametrize(("subject", "audience", "match", "expected"), TABLE + EDGES)
def test_policy(
    subject: SubjectState, audience: Audience, match: MatchBand, expected: Disclosure
) -> None:
    assert decide(subject, audience, match, SETTINGS) == expected


# --- the external registry (PFIF export) -----------------------------------------------------


def note(rule: str, status: PfifStatus, text: str | None, **fields: object) -> Disclosure:
    basis = Basis.SELF_REPORT if status is PfifStatus.IS_NOTE_AUTHOR else Basis.DISASTER_RELIEF
    return Disclosure(
        AnswerKind.REGISTRY_NOTE,
        rule,
        basis,
        pfif_status=status,
        message=text,
        since=EVENING if status is not PfifStatus.IS_NOTE_AUTHOR else MEREDITH.since,
        **fields,  # type: ignore[arg-type]
    )


ALIVE = PfifStatus.BELIEVED_ALIVE
IN_CARE_TEXT = REGISTRY_TEXT[Status.ADMITTED]
NAMING = replace(SETTINGS, registry_may_name_facility=True)

REGISTRY_ROWS = [
    pytest.param(ALEX, SETTINGS, note("admitted:registry", ALIVE, IN_CARE_TEXT), id="admitted"),
    pytest.param(
        ALEX,
        NAMING,
        note("admitted:registry", ALIVE, IN_CARE_TEXT, facility=PRES_NAME),
        id="admitted-facility_allowed",
    ),
    pytest.param(
        DEREK_MOVING, SETTINGS, note("in_transit:registry", ALIVE, IN_CARE_TEXT), id="in_transit"
    ),
    pytest.param(
        DEREK_MOVING,
        NAMING,
        note("in_transit:registry", ALIVE, IN_CARE_TEXT, destination=PRES_NAME),
        id="in_transit-facility_allowed",
    ),
    pytest.param(
        OWEN,
        NAMING,
        note("discharged:registry", ALIVE, REGISTRY_TEXT[Status.DISCHARGED]),
        id="discharged-never_a_facility",
    ),
    pytest.param(
        MEREDITH,
        SETTINGS,
        note("reported_safe:registry", PfifStatus.IS_NOTE_AUTHOR, MEREDITH.message),
        id="reported_safe",
    ),
    pytest.param(
        replace(MEREDITH, message=""),
        SETTINGS,
        note("reported_safe:registry", PfifStatus.IS_NOTE_AUTHOR, None),
        id="reported_safe-no_message",
    ),
    pytest.param(REED, NAMING, nothing("deceased_not_released:registry"), id="deceased"),
    pytest.param(REED_TOLD, NAMING, nothing("deceased_not_released:registry"), id="deceased-told"),
    pytest.param(
        REED_RELEASED,
        NAMING,
        note("deceased:registry", PfifStatus.BELIEVED_DEAD, REGISTRY_TEXT[Status.DECEASED]),
        id="deceased-released",
    ),
    pytest.param(ALEX_OPTED_OUT, NAMING, nothing("opted_out:registry"), id="opted_out"),
    pytest.param(ALEX_PROTECTED, NAMING, nothing("protected:registry"), id="protected"),
    pytest.param(CHILD, NAMING, nothing("minor:registry"), id="minor"),
    pytest.param(NURSE, NAMING, nothing("unidentified:registry"), id="unidentified"),
    pytest.param(
        SubjectState(Status.AT_SCENE), NAMING, nothing("at_scene:registry"), id="at_scene"
    ),
    pytest.param(SubjectState(Status.UNKNOWN), NAMING, nothing("unknown:registry"), id="unknown"),
]


@pytest.mark.parametrize(("subject", "settings", "expected"), REGISTRY_ROWS)
def test_registry_export(
    subject: SubjectState, settings: DisclosureSettings, expected: Disclosure
) -> None:
    assert decide(subject, REGISTRY, CONFIDENT, settings) == expected


def test_registry_never_gets_unit_room_or_condition() -> None:
    for subject in (ALEX, DEREK_MOVING, OWEN, MEREDITH, REED_RELEASED):
        answer = decide(subject, REGISTRY, CONFIDENT, NAMING)
        assert (answer.unit, answer.room, answer.condition) == (None, None, None)


# --- the incident's settings -----------------------------------------------------------------

SEND_TO_CENTRE = replace(SETTINGS, public_gets_facility=False)


@pytest.mark.parametrize(
    ("subject", "audience", "expected"),
    [
        pytest.param(
            ALEX, PUBLIC, refer("facility_withheld_by_setting:public"), id="admitted-public"
        ),
        pytest.param(
            DEREK_MOVING,
            PUBLIC,
            refer("facility_withheld_by_setting:public"),
            id="in_transit-public",
        ),
        pytest.param(
            ALEX,
            DESK_SGMW,
            refer("facility_withheld_by_setting:front_desk"),
            id="admitted-other_desk",
        ),
        pytest.param(
            ALEX,
            DESIGNATED,
            located("admitted:designated", basis=Basis.NOTIFICATION, **ALEX_AT, unit="7W"),
            id="admitted-designated_still_told",
        ),
        pytest.param(
            ALEX,
            DESK,
            located(
                "admitted:front_desk", **ALEX_AT, unit="7W", room="room 778", badge_allowed=True
            ),
            id="admitted-own_desk_still_told",
        ),
        pytest.param(
            OWEN,
            PUBLIC,
            Disclosure(AnswerKind.DISCHARGED, "discharged:public", Basis.DIRECTORY),
            id="discharged-unaffected",
        ),
    ],
)
def test_public_sent_to_centre_instead_of_facility(
    subject: SubjectState, audience: Audience, expected: Disclosure
) -> None:
    assert decide(subject, audience, CONFIDENT, SEND_TO_CENTRE) == expected


def test_designated_contacts_without_unit() -> None:
    settings = replace(SETTINGS, designated_contacts_get_unit=False)
    assert decide(ALEX, DESIGNATED, CONFIDENT, settings) == located(
        "admitted:designated", basis=Basis.NOTIFICATION, **ALEX_AT
    )


def test_settings_from_incident() -> None:
    incident = {"disclosure": {"public_gets_facility": False}, "other": 1}
    settings = DisclosureSettings.from_incident(incident, FAC)
    assert settings == replace(SETTINGS, public_gets_facility=False)
    assert DisclosureSettings.from_incident({}, FAC) == SETTINGS


@pytest.mark.parametrize(
    ("knobs", "problem"),
    [
        ({"show_room_to_public": True}, "is not a disclosure setting"),
        ({"public_gets_facility": "no"}, "must be true or false"),
    ],
)
def test_settings_from_incident_refuses(knobs: dict[str, object], problem: str) -> None:
    with pytest.raises(DomainError) as caught:
        DisclosureSettings.from_incident({"disclosure": knobs}, FAC)
    assert caught.value.problem == problem


# --- the public body -------------------------------------------------------------------------


def _dumps(disclosure: Disclosure) -> str:
    return json.dumps(public_body(disclosure), sort_keys=True)


def test_no_information_is_identical_whatever_the_reason() -> None:
    reasons = {
        "protected": decide(ALEX_PROTECTED, PUBLIC, CONFIDENT, SETTINGS),
        "opted out": decide(ALEX_OPTED_OUT, PUBLIC, CONFIDENT, SETTINGS),
        "opted out, dead": decide(
            replace(REED, directory_opt_out=True), PUBLIC, CONFIDENT, SETTINGS
        ),
        "not found": decide(ALEX, PUBLIC, NO_MATCH, SETTINGS),
        "not enough detail": decide(ALEX, PUBLIC, NAME_ONLY, SETTINGS),
        "partial name": decide(REED, PUBLIC, PARTIAL_NAME, SETTINGS),
        "nowhere yet": decide(SubjectState(Status.UNKNOWN), PUBLIC, CONFIDENT, SETTINGS),
        "desk, protected": decide(ALEX_PROTECTED, DESK, CONFIDENT, SETTINGS),
        "desk, not found": decide(ALEX, DESK, NO_MATCH, SETTINGS),
        "not exported": decide(REED, REGISTRY, CONFIDENT, SETTINGS),
    }
    assert {d.kind for d in reasons.values()} == {AnswerKind.NO_INFORMATION}
    # The audit log still knows why.
    assert {d.rule for d in reasons.values()} == {
        "protected:public",
        "opted_out:public",
        "no_match:public",
        "not_enough_detail:public",
        "whereabouts_unknown:public",
        "protected:front_desk",
        "no_match:front_desk",
        "deceased_not_released:registry",
    }
    assert {_dumps(d) for d in reasons.values()} == {'{"kind": "no_information"}'}
    assert {d.staff_tasks for d in reasons.values()} == {()}


@pytest.mark.parametrize(
    ("disclosure", "body"),
    [
        pytest.param(
            decide(ALEX, PUBLIC, CONFIDENT, SETTINGS),
            {"kind": "located", "facility": PRES_NAME, "condition": "fair"},
            id="located-public",
        ),
        pytest.param(
            decide(ALEX, DESIGNATED, CONFIDENT, SETTINGS),
            {"kind": "located", "facility": PRES_NAME, "condition": "fair", "unit": "7W"},
            id="located-designated",
        ),
        pytest.param(
            decide(ALEX, DESK, CONFIDENT, SETTINGS),
            {
                "kind": "located",
                "facility": PRES_NAME,
                "condition": "fair",
                "unit": "7W",
                "room": "room 778",
                "badge_allowed": True,
            },
            id="located-front_desk",
        ),
        pytest.param(
            Disclosure(AnswerKind.LOCATED, "test"),
            {"kind": "located", "facility": None, "condition": None},
            id="located-empty",
        ),
        pytest.param(
            decide(DEREK_MOVING, PUBLIC, CONFIDENT, SETTINGS),
            {"kind": "in_transit", "facility": PRES_NAME},
            id="in_transit-public",
        ),
        pytest.param(
            decide(DEREK_MOVING, DESK, CONFIDENT, SETTINGS),
            {
                "kind": "in_transit",
                "facility": PRES_NAME,
                "expected_arrival": "2010-05-20T20:10:00+00:00",
            },
            id="in_transit-front_desk",
        ),
        pytest.param(
            decide(OWEN, PUBLIC, CONFIDENT, SETTINGS), {"kind": "discharged"}, id="discharged"
        ),
        pytest.param(
            decide(MEREDITH, PUBLIC, CONFIDENT, SETTINGS),
            {
                "kind": "reported_safe",
                "since": "2010-05-20T22:30:00+00:00",
                "message": MEREDITH.message,
            },
            id="reported_safe",
        ),
        pytest.param(
            decide(REED, PUBLIC, CONFIDENT, SETTINGS),
            {
                "kind": "contact_family_assistance_centre",
                "family_assistance_centre": {
                    "name": FAC.name,
                    "phone": FAC.phone,
                    "address": FAC.address,
                },
            },
            id="deceased",
        ),
        pytest.param(
            Disclosure(AnswerKind.CONTACT_FAMILY_ASSISTANCE_CENTRE, "test"),
            {
                "kind": "contact_family_assistance_centre",
                "family_assistance_centre": {"name": "", "phone": "", "address": ""},
            },
            id="centre-not_configured",
        ),
    ],
)
def test_public_body(disclosure: Disclosure, body: dict[str, object]) -> None:
    assert public_body(disclosure) == body


def test_a_death_and_a_referral_read_the_same() -> None:
    """A seeker cannot tell a death from a minor, an unidentified patient or a review."""
    bodies = {
        _dumps(decide(subject, PUBLIC, match, SETTINGS))
        for subject, match in (
            (REED, CONFIDENT),
            (REED_RELEASED, CONFIDENT),
            (NURSE, CONFIDENT),
            (CHILD, CONFIDENT),
            (DOE_PATIENT, CONFIDENT),
            (ALEX, UNCERTAIN),
            (SubjectState(Status.AT_SCENE), CONFIDENT),
        )
    }
    assert len(bodies) == 1


@pytest.mark.parametrize("kind", [AnswerKind.FULL_RECORD, AnswerKind.REGISTRY_NOTE])
def test_public_body_refuses_staff_answers(kind: AnswerKind) -> None:
    with pytest.raises(DomainError, match="not for the public"):
        public_body(Disclosure(kind, "test"))


# --- only the fields a kind may carry --------------------------------------------------------

# What each public kind's body may contain, from issue 5 item 1 and the table.
PUBLIC_KEYS = {
    AnswerKind.LOCATED: {"kind", "facility", "condition", "unit", "room", "badge_allowed"},
    AnswerKind.IN_TRANSIT: {"kind", "facility", "expected_arrival"},
    AnswerKind.DISCHARGED: {"kind"},
    AnswerKind.REPORTED_SAFE: {"kind", "since", "message"},
    AnswerKind.CONTACT_FAMILY_ASSISTANCE_CENTRE: {"kind", "family_assistance_centre"},
    AnswerKind.NO_INFORMATION: {"kind"},
}
FILLED: dict[str, object] = {
    "facility": PRES_NAME,
    "condition": FAIR,
    "unit": "7W",
    "room": "room 778",
    "badge_allowed": True,
    "destination": PRES_NAME,
    "expected_arrival": EVENING,
    "since": EVENING,
    "message": "hello",
    "family_assistance_centre": FAC,
    "status": Status.ADMITTED,
    "pfif_status": ALIVE,
    "staff_tasks": (StaffTask.MINOR,),
    "flags": frozenset({Flag.MINOR}),
}


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        pytest.param(kind, name, id=f"{kind}-{name}")
        for kind in AnswerKind
        for name in PAYLOAD_FIELDS
        if name not in CARRIES[kind]
    ],
)
def test_a_kind_refuses_fields_it_may_not_carry(kind: AnswerKind, name: str) -> None:
    with pytest.raises(DomainError) as caught:
        Disclosure(kind, "test", **{name: FILLED[name]})  # type: ignore[arg-type]
    assert caught.value.field == f"disclosure.{name}"


@pytest.mark.parametrize("kind", list(AnswerKind))
def test_a_kind_accepts_fields_it_may_carry(kind: AnswerKind) -> None:
    fields = {name: FILLED[name] for name in CARRIES[kind]}
    Disclosure(kind, "test", **fields)  # type: ignore[arg-type]


def test_public_kinds_carry_nothing_unexpected() -> None:
    assert set(FILLED) == set(PAYLOAD_FIELDS)
    for kind, keys in PUBLIC_KEYS.items():
        fields = {name: FILLED[name] for name in CARRIES[kind]}
        assert set(public_body(Disclosure(kind, "test", **fields))) <= keys  # type: ignore[arg-type]


# --- properties over every combination -------------------------------------------------------

BOTH = (False, True)
SUBJECT_SHAPES = [
    replace(
        base,
        status=status,
        directory_opt_out=opt_out,
        protected=protected,
        minor=minor,
        unidentified=unidentified,
        next_of_kin_notified=told,
    )
    for base in (ALEX, DEREK_MOVING, MEREDITH)
    for status, opt_out, protected, minor, unidentified, told in itertools.product(
        list(Status), BOTH, BOTH, BOTH, BOTH, BOTH
    )
]
SEEKERS = [PUBLIC, DESIGNATED, DESK, DESK_SGMW, Audience.public(contact_id=IZZIE)]
MATCHES = [
    MatchBand(band, full_name=full, other_fact=fact)
    for band, full, fact in itertools.product(list(Band), (False, True), (False, True))
]


def test_seekers_and_desks_never_learn_more_than_the_table_allows() -> None:
    for subject, audience, match in itertools.product(SUBJECT_SHAPES, SEEKERS, MATCHES):
        answer = decide(subject, audience, match, SETTINGS)
        case = (subject, audience, match, answer)
        body = public_body(answer)  # never a staff kind
        assert set(body) <= PUBLIC_KEYS[answer.kind], case
        designated = audience.is_designated_for(subject)
        desk = audience.kind is AudienceKind.FRONT_DESK
        enough = match.full_name if desk else match.enough_detail
        if not enough or match.band is Band.NO_MATCH or subject.status is Status.UNKNOWN:
            assert answer.kind is AnswerKind.NO_INFORMATION, case
        if (subject.directory_opt_out or subject.protected) and not designated:
            assert answer.kind is AnswerKind.NO_INFORMATION, case
        if subject.status is Status.DECEASED:
            assert answer.kind in {
                AnswerKind.NO_INFORMATION,
                AnswerKind.CONTACT_FAMILY_ASSISTANCE_CENTRE,
            }, case
        if match.band is Band.UNCERTAIN or subject.minor or subject.unidentified:
            assert answer.kind in {
                AnswerKind.NO_INFORMATION,
                AnswerKind.CONTACT_FAMILY_ASSISTANCE_CENTRE,
            }, case
        if answer.room or answer.badge_allowed:
            assert desk, case
            assert audience.facility_code == subject.facility_code, case
        if answer.unit:
            assert designated or audience.facility_code == subject.facility_code, case
        if answer.expected_arrival:
            assert desk, case
            assert audience.facility_code == subject.destination_code, case
        if answer.kind is AnswerKind.CONTACT_FAMILY_ASSISTANCE_CENTRE:
            assert answer.staff_tasks, case  # someone will act on the referral
        if StaffTask.NOTIFY_NEXT_OF_KIN_IN_PERSON in answer.staff_tasks:
            assert match.band is Band.CONFIDENT, case
            assert not subject.unidentified, case


def test_officers_see_everything_with_flags() -> None:
    for subject, match in itertools.product(SUBJECT_SHAPES, MATCHES):
        answer = decide(subject, OFFICER, match, SETTINGS)
        assert answer.kind is AnswerKind.FULL_RECORD
        assert answer.status is subject.status
        assert (Flag.PROTECTED in answer.flags) is subject.protected
        assert (Flag.DIRECTORY_OPT_OUT in answer.flags) is subject.directory_opt_out
        assert (Flag.UNCERTAIN_MATCH in answer.flags) is (match.band is Band.UNCERTAIN)


def test_registry_never_learns_an_unreleased_death() -> None:
    for subject in SUBJECT_SHAPES:
        answer = decide(subject, REGISTRY, CONFIDENT, NAMING)
        if answer.pfif_status is PfifStatus.BELIEVED_DEAD:
            assert subject.death_released


# --- building the inputs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "unit", "room"),
    [
        (Location(unit="7W", room="778"), "7W", "room 778"),
        (Location(unit="ICU", room="12", bed="A"), "ICU", "room 12, bed A"),
        (Location(building="Tower B", floor="3", bed="4"), "Tower B, floor 3", "bed 4"),
        (Location(description="ED hallway"), "", "ED hallway"),
        (Location(), "", ""),
    ],
)
def test_subject_from_whereabouts(location: Location, unit: str, room: str) -> None:
    where = Whereabouts(
        person_id=1,
        status=Status.ADMITTED,
        since=EVENING,
        facility_code=PRES,
        location=location,
        condition=FAIR,
    )
    subject = SubjectState.from_whereabouts(where, {PRES: PRES_NAME})
    assert subject == SubjectState(
        status=Status.ADMITTED,
        facility_code=PRES,
        facility=PRES_NAME,
        unit=unit,
        room=room,
        condition=FAIR,
        since=EVENING,
    )


def test_subject_from_whereabouts_in_transit_names_the_destination() -> None:
    where = Whereabouts(
        person_id=1,
        status=Status.IN_TRANSIT,
        since=EVENING,
        facility_code=SGMW,
        destination_code="UNLISTED",
    )
    subject = SubjectState.from_whereabouts(where, {SGMW: SGMW_NAME})
    assert (subject.facility, subject.destination) == (SGMW_NAME, "UNLISTED")
    nowhere = SubjectState.from_whereabouts(
        Whereabouts(person_id=2, status=Status.UNKNOWN, since=None), {}
    )
    assert (nowhere.facility, nowhere.destination) == (None, None)


def test_a_death_is_released_only_after_next_of_kin_is_told() -> None:
    with pytest.raises(DomainError) as caught:
        SubjectState(Status.DECEASED, death_released=True)
    assert caught.value.field == "death_released"


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Audience(AudienceKind.FRONT_DESK), "audience.facility_code"),
        (lambda: Audience(AudienceKind.PUBLIC, facility_code=PRES), "audience.facility_code"),
        (
            lambda: Audience(AudienceKind.REUNIFICATION_OFFICER, verified=True),
            "audience.contact_id",
        ),
        (lambda: Audience(AudienceKind.EXTERNAL_REGISTRY, contact_id=IZZIE), "audience.contact_id"),
    ],
)
def test_audience_refuses_impossible_shapes(make: object, field: str) -> None:
    with pytest.raises(DomainError) as caught:
        make()  # type: ignore[operator]
    assert caught.value.field == field


def test_only_a_verified_public_seeker_named_by_the_patient_is_designated() -> None:
    assert DESIGNATED.is_designated_for(ALEX)
    assert not Audience.public(contact_id=IZZIE).is_designated_for(ALEX)
    assert not Audience.public(verified=True).is_designated_for(ALEX)
    assert not Audience.public(verified=True, contact_id=99).is_designated_for(ALEX)
    assert not DESK.is_designated_for(ALEX)
