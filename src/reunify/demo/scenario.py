"""The shooting at Seattle Grace Mercy West, as data: who, where and when.

Only the fictional people of the reference scenario. Ages are as of day 1; dates of
birth are invented to match them. Phone numbers use the fictional 555-01xx range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from reunify import domain
from reunify.domain import (
    AgeRange,
    BedCount,
    BedType,
    BirthDate,
    Condition,
    Contact,
    Facility,
    FacilityKind,
    Identifier,
    IdentifierKind,
    Location,
    NameUse,
    PersonName,
    Sex,
    Status,
)

TZ = ZoneInfo("America/Los_Angeles")
DAY1 = date(2026, 11, 20)
INCIDENT_SLUG = "sgmw-shooting"
INCIDENT_NAME = "Shooting at Seattle Grace Mercy West Hospital"
DEMO_ISSUER = "reunify-demo"

SGMW = Facility(
    "SGMW",
    "Seattle Grace Mercy West Hospital",
    FacilityKind.HOSPITAL,
    "Seattle",
    "America/Los_Angeles",
    "+1 206 555 0110",
)
SPH = Facility(
    "SPH",
    "Seattle Presbyterian Hospital",
    FacilityKind.HOSPITAL,
    "Seattle",
    "America/Los_Angeles",
    "+1 206 555 0120",
)
KCME = Facility(
    "KCME",
    "King County Medical Examiner's Office",
    FacilityKind.MORGUE,
    "Seattle",
    "America/Los_Angeles",
    "+1 206 555 0130",
)
FACILITIES = (SGMW, SPH, KCME)

FAMILY_ASSISTANCE_CENTRE = {
    "fac_name": "Seattle Family Assistance Center, Seattle Center Armory",
    "fac_phone": "+1 206 555 0100",
    "fac_address": "305 Harrison St, Seattle, WA 98109",
}

BEDS = {
    # SGMW is closed by the police for 24 hours: no bed is available.
    "SGMW": [
        BedCount(BedType.ADULT_ICU, 20, 0),
        BedCount(BedType.MEDICAL_SURGICAL, 180, 0),
        BedCount(BedType.OPERATING_ROOMS, 12, 0),
    ],
    "SPH": [
        BedCount(BedType.ADULT_ICU, 24, 3),
        BedCount(BedType.MEDICAL_SURGICAL, 210, 17),
        BedCount(BedType.BURN, 6, 2),
        BedCount(BedType.PAEDIATRIC_ICU, 8, 4),
        BedCount(BedType.PAEDIATRICS, 30, 11),
        BedCount(BedType.PSYCHIATRIC, 16, 5),
        BedCount(BedType.ISOLATION, 10, 6),
        BedCount(BedType.OPERATING_ROOMS, 14, 2),
    ],
}

ED = Location(unit="ED")
SGMW_OR = Location(unit="OR", room="2")
SPH_ICU = Location(unit="ICU", room="12", bed="A")
SPH_ICU_B = Location(unit="ICU", room="14", bed="A")
ROOM_778 = Location(unit="7W", room="778", floor="7")
MORGUE = Location(unit="Morgue")


def at(day: int, hh: int, mm: int) -> datetime:
    """Seattle local time on day 1 or 2 of the incident, as an aware UTC datetime."""
    local = datetime.combine(DAY1 + timedelta(days=day - 1), time(hh, mm), TZ)
    return local.astimezone(UTC)


STARTED_AT = at(1, 14, 5)


@dataclass(frozen=True)
class Step:
    when: datetime
    status: Status
    facility: str | None = None
    location: Location = field(default_factory=Location)
    condition: Condition | None = None
    destination: str | None = None
    note: str = ""
    source: str = "demo"


@dataclass(frozen=True)
class DemoPerson:
    key: str
    person: domain.Person
    steps: tuple[Step, ...]


def _names(given: str, family: str, known_as: str | None = None) -> list[PersonName]:
    names = [PersonName(given=given, family=family, use=NameUse.LEGAL)]
    if known_as:
        g, f = known_as.rsplit(" ", 1)
        names.append(PersonName(given=g, family=f, use=NameUse.NICKNAME))
    return names


def _ids(key: str, *mrns: tuple[str, str]) -> list[Identifier]:
    ids = [Identifier(IdentifierKind.EXTERNAL, key, DEMO_ISSUER)]
    ids += [Identifier(IdentifierKind.MRN, value, issuer) for issuer, value in mrns]
    return ids


def _patient(
    key: str,
    given: str,
    family: str,
    sex: Sex,
    dob: str,
    steps: list[Step],
    *,
    known_as: str | None = None,
    mrns: tuple[tuple[str, str], ...] = (),
    contacts: tuple[Contact, ...] = (),
) -> DemoPerson:
    person = domain.Person(
        names=_names(given, family, known_as),
        sex=sex,
        birth_date=BirthDate.parse(dob),
        identifiers=_ids(key, *mrns),
        contacts=list(contacts),
        home_city="Seattle",
    )
    return DemoPerson(key, person, tuple(steps))


def _safe(
    key: str,
    given: str,
    family: str,
    sex: Sex,
    age: int,
    when: datetime,
    message: str,
    known_as: str | None = None,
) -> DemoPerson:
    person = domain.Person(
        names=_names(given, family, known_as),
        sex=sex,
        age=AgeRange(age, age),
        identifiers=_ids(key),
        home_city="Seattle",
    )
    return DemoPerson(
        key, person, (Step(when, Status.REPORTED_SAFE, note=message, source="self-report"),)
    )


def _unidentified(
    key: str, alias: str, tag: str, sex: Sex, age: AgeRange, description: str, died: datetime
) -> DemoPerson:
    given, family = alias.split(" ", 1)
    person = domain.Person(
        names=[PersonName(given=given, family=family, use=NameUse.TRAUMA_ALIAS)],
        sex=sex,
        age=age,
        unidentified=True,
        description=description,
        identifiers=[*_ids(key), Identifier(IdentifierKind.TRAUMA_ALIAS, tag, "KCME")],
    )
    steps = (
        Step(died, Status.DECEASED, "SGMW", note="Unidentified decedent at the scene"),
        Step(
            at(1, 21, 30), Status.DECEASED, "KCME", MORGUE, note="Received by the medical examiner"
        ),
    )
    return DemoPerson(key, person, steps)


MEREDITH_AS_CONTACT = Contact("Meredith Grey", "spouse", "+1 206 555 0141", "", True)

PEOPLE: tuple[DemoPerson, ...] = (
    _patient(
        "alex-karev",
        "Alexander",
        "Karev",
        Sex.MALE,
        "1995-04-12",
        [
            Step(
                at(1, 14, 12), Status.AT_SCENE, "SGMW", note="Shot in the chest; treated on scene"
            ),
            Step(
                at(1, 14, 40),
                Status.EMERGENCY_DEPARTMENT,
                "SGMW",
                ED,
                Condition.CRITICAL,
                note="Intubated by Dr. Altman",
            ),
            Step(
                at(1, 19, 30),
                Status.IN_TRANSIT,
                condition=Condition.CRITICAL,
                destination="SPH",
                note="SGMW closed by police; critical patients moved to Seattle Presbyterian",
            ),
            Step(at(1, 20, 5), Status.ADMITTED, "SPH", SPH_ICU, Condition.CRITICAL),
            Step(
                at(2, 10, 30),
                Status.ADMITTED,
                "SPH",
                ROOM_778,
                Condition.FAIR,
                note="Moved from the ICU to a private room",
            ),
        ],
        known_as="Alex Karev",
        mrns=(("SGMW", "SG100231"), ("SPH", "SP778001")),
    ),
    _patient(
        "derek-shepherd",
        "Derek Christopher",
        "Shepherd",
        Sex.MALE,
        "1981-05-02",
        [
            Step(at(1, 14, 20), Status.AT_SCENE, "SGMW", note="Shot in the chest"),
            Step(
                at(1, 14, 35),
                Status.EMERGENCY_DEPARTMENT,
                "SGMW",
                SGMW_OR,
                Condition.CRITICAL,
                note="Operated on during the incident",
            ),
            Step(at(1, 19, 40), Status.IN_TRANSIT, condition=Condition.CRITICAL, destination="SPH"),
            Step(at(1, 20, 15), Status.ADMITTED, "SPH", SPH_ICU_B, Condition.SERIOUS),
        ],
        known_as="Derek Shepherd",
        mrns=(("SGMW", "SG100245"), ("SPH", "SP778002")),
        contacts=(MEREDITH_AS_CONTACT,),
    ),
    _patient(
        "owen-hunt",
        "Owen",
        "Hunt",
        Sex.MALE,
        "1988-02-14",
        [
            Step(at(1, 14, 30), Status.AT_SCENE, "SGMW", note="Shot in the shoulder"),
            Step(at(1, 14, 45), Status.EMERGENCY_DEPARTMENT, "SGMW", ED, Condition.FAIR),
            Step(at(1, 18, 50), Status.DISCHARGED, "SGMW", note="Treated and released home"),
        ],
        mrns=(("SGMW", "SG100252"),),
    ),
    _patient(
        "reed-adamson",
        "Reed",
        "Adamson",
        Sex.FEMALE,
        "1996-07-30",
        [
            Step(at(1, 14, 15), Status.DECEASED, "SGMW", note="Killed in the shooting"),
            Step(at(1, 21, 30), Status.DECEASED, "KCME", MORGUE),
        ],
        mrns=(("SGMW", "SG100260"),),
    ),
    _patient(
        "charles-percy",
        "Charles",
        "Percy",
        Sex.MALE,
        "1995-09-08",
        [
            Step(at(1, 14, 25), Status.AT_SCENE, "SGMW", note="Shot"),
            Step(at(1, 14, 50), Status.DECEASED, "SGMW", note="Died at the scene"),
            Step(at(1, 21, 30), Status.DECEASED, "KCME", MORGUE),
        ],
        mrns=(("SGMW", "SG100261"),),
    ),
    _unidentified(
        "unidentified-nurse",
        "Juniper Doe",
        "KCME-4411",
        Sex.FEMALE,
        AgeRange(45, 55),
        "Woman of about 50; navy nurse's scrubs; short grey hair; reading glasses",
        at(1, 14, 18),
    ),
    _unidentified(
        "unidentified-guard",
        "Cedar Doe",
        "KCME-4412",
        Sex.MALE,
        AgeRange(35, 45),
        "Man of about 40; security guard uniform; dark hair; beard",
        at(1, 14, 10),
    ),
    _safe(
        "meredith-grey",
        "Meredith",
        "Grey",
        Sex.FEMALE,
        31,
        at(1, 16, 5),
        "I'm safe. I'm at Seattle Pres with Derek.",
    ),
    _safe("cristina-yang", "Cristina", "Yang", Sex.FEMALE, 31, at(1, 16, 20), "I'm fine."),
    _safe(
        "lexie-grey",
        "Alexandra",
        "Grey",
        Sex.FEMALE,
        27,
        at(1, 17, 0),
        "Safe, at Seattle Pres with the patients.",
        known_as="Lexie Grey",
    ),
    _safe(
        "miranda-bailey",
        "Miranda",
        "Bailey",
        Sex.FEMALE,
        41,
        at(1, 16, 45),
        "Unhurt. Working at Seattle Pres tonight.",
    ),
    _safe(
        "richard-webber",
        "Richard",
        "Webber",
        Sex.MALE,
        61,
        at(1, 16, 10),
        "Unhurt. At Seattle Pres.",
    ),
    _safe("mark-sloan", "Mark", "Sloan", Sex.MALE, 44, at(1, 16, 30), "I'm safe."),
    _safe("jackson-avery", "Jackson", "Avery", Sex.MALE, 29, at(1, 16, 35), "Safe and unhurt."),
    _safe(
        "teddy-altman",
        "Theodora",
        "Altman",
        Sex.FEMALE,
        38,
        at(1, 20, 45),
        "Safe. Came with Alex to Seattle Pres.",
        known_as="Teddy Altman",
    ),
)
