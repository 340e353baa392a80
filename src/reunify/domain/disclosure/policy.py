"""The policy itself: one function per kind of audience, each reading as a column of the table."""

from __future__ import annotations

from collections.abc import Mapping

from reunify.domain.disclosure.model import (
    IN_CARE,
    AnswerKind,
    Audience,
    AudienceKind,
    Band,
    Basis,
    Disclosure,
    DisclosureSettings,
    Flag,
    MatchBand,
    PfifStatus,
    StaffTask,
    SubjectState,
)
from reunify.domain.types import Condition, Status


def decide(
    subject: SubjectState, audience: Audience, match: MatchBand, settings: DisclosureSettings
) -> Disclosure:
    """What ``audience`` may learn about ``subject`` given how the inquiry matched."""
    if audience.kind is AudienceKind.REUNIFICATION_OFFICER:
        return _for_officer(subject, match)
    if audience.kind is AudienceKind.EXTERNAL_REGISTRY:
        return _for_registry(subject, settings)
    return _for_seeker(subject, audience, match, settings)


def _nothing(rule: str) -> Disclosure:
    return Disclosure(AnswerKind.NO_INFORMATION, rule)


def _refer(rule: str, settings: DisclosureSettings, tasks: tuple[StaffTask, ...]) -> Disclosure:
    return Disclosure(
        AnswerKind.CONTACT_FAMILY_ASSISTANCE_CENTRE,
        rule,
        Basis.NOTIFICATION,  # (b)(1)(ii): assisting in notifying the family
        family_assistance_centre=settings.family_assistance_centre,
        staff_tasks=tasks,
    )


# The table's last row, named by the first reason that put the person in it.
_REVIEW_ROW: Mapping[StaffTask, str] = {
    StaffTask.REVIEW_UNCERTAIN_MATCH: "uncertain_match",
    StaffTask.UNIDENTIFIED_CANDIDATE: "unidentified_candidate",
    StaffTask.MINOR: "minor",
}


def _for_seeker(
    subject: SubjectState, audience: Audience, match: MatchBand, settings: DisclosureSettings
) -> Disclosure:
    """Public seekers and front desks. Where the table says "-" the desk gives the public answer."""
    desk = audience.kind is AudienceKind.FRONT_DESK
    designated = audience.is_designated_for(subject)
    col = "front_desk" if desk else ("designated" if designated else "public")

    # No enumeration. The directory answers only those "who ask for the individual by name"
    # (164.510(a)(1)(ii)); the public must also give one more fact. The desk sees the
    # visitor in person but still needs given and family name (R-PRIV-01).
    if not (match.full_name if desk else match.enough_detail):
        return _nothing(f"not_enough_detail:{col}")
    if match.band is Band.NO_MATCH:
        return _nothing(f"no_match:{col}")
    # An objection to the directory reads exactly like "not found" (R-PRIV-02); only contacts
    # the patient named still learn what a family may under 164.510(b).
    if subject.shielded and not designated:
        return _nothing(f"{'protected' if subject.protected else 'opted_out'}:{col}")
    if subject.status is Status.UNKNOWN:
        return _nothing(f"whereabouts_unknown:{col}")

    review: list[StaffTask] = []
    if match.band is Band.UNCERTAIN:
        review.append(StaffTask.REVIEW_UNCERTAIN_MATCH)
    if subject.unidentified:
        review.append(StaffTask.UNIDENTIFIED_CANDIDATE)
    if subject.minor:
        review.append(StaffTask.MINOR)  # released only to a verified guardian (R-FRC-03)

    if subject.status is Status.DECEASED:
        # Never at a desk, on a page or by phone, even after next of kin is told; a trained
        # team tells each family in person, and only after positive identification, so an
        # uncertain or unidentified candidate gets a review task instead.
        if match.band is Band.CONFIDENT and not subject.unidentified:
            review.append(StaffTask.NOTIFY_NEXT_OF_KIN_IN_PERSON)
        return _refer(f"deceased:{col}", settings, tuple(review))
    if review:
        return _refer(f"{_REVIEW_ROW[review[0]]}:{col}", settings, tuple(review))
    if subject.status is Status.AT_SCENE:
        return _refer(f"at_scene:{col}", settings, (StaffTask.AT_SCENE,))
    if subject.status is Status.REPORTED_SAFE:
        return Disclosure(
            AnswerKind.REPORTED_SAFE,
            f"reported_safe:{col}",
            Basis.SELF_REPORT,
            since=subject.since,
            message=subject.message,
        )
    if subject.status is Status.DISCHARGED:
        basis = Basis.NOTIFICATION if designated else Basis.DIRECTORY
        return Disclosure(AnswerKind.DISCHARGED, f"discharged:{col}", basis)

    here = desk and audience.facility_code == (
        subject.destination_code if subject.status is Status.IN_TRANSIT else subject.facility_code
    )
    if not (here or designated or settings.public_gets_facility):
        return _refer(f"facility_withheld_by_setting:{col}", settings, ())
    if desk and not here:
        col = "front_desk_other_facility"  # another hospital's directory: the public view
    row = "admitted_opted_out" if subject.shielded else "admitted"

    if subject.status is Status.IN_TRANSIT:
        return Disclosure(
            AnswerKind.IN_TRANSIT,
            f"in_transit:{col}",
            Basis.NOTIFICATION if designated else Basis.DIRECTORY,
            destination=subject.destination,
            expected_arrival=subject.expected_arrival if here else None,
        )
    condition = subject.condition or Condition.UNDETERMINED
    if here:
        # The desk's own directory: location in the facility, and a badge only for listed
        # patients (R-FRC-05); a shielded patient never reaches this line.
        return Disclosure(
            AnswerKind.LOCATED,
            f"{row}:{col}",
            Basis.DIRECTORY,
            facility=subject.facility,
            condition=condition,
            unit=subject.unit or None,
            room=subject.room or None,
            badge_allowed=True,
        )
    if designated:
        unit = subject.unit if settings.designated_contacts_get_unit else ""
        return Disclosure(
            AnswerKind.LOCATED,
            f"{row}:{col}",
            Basis.NOTIFICATION,
            facility=subject.facility,
            condition=condition,
            unit=unit or None,
        )
    return Disclosure(
        AnswerKind.LOCATED,
        f"{row}:{col}",
        Basis.DIRECTORY,
        facility=subject.facility,
        condition=condition,
    )


def _for_officer(subject: SubjectState, match: MatchBand) -> Disclosure:
    """Everything, with the reasons it must be handled with care as flags."""
    flags = {
        flag
        for flag, on in (
            (Flag.PROTECTED, subject.protected),
            (Flag.DIRECTORY_OPT_OUT, subject.directory_opt_out),
            (Flag.MINOR, subject.minor),
            (Flag.UNIDENTIFIED, subject.unidentified),
            (Flag.UNCERTAIN_MATCH, match.band is Band.UNCERTAIN),
            (
                Flag.NEXT_OF_KIN_NOT_NOTIFIED,
                subject.status is Status.DECEASED and not subject.next_of_kin_notified,
            ),
        )
        if on
    }
    review = flags & {Flag.MINOR, Flag.UNIDENTIFIED, Flag.UNCERTAIN_MATCH}
    return Disclosure(
        AnswerKind.FULL_RECORD,
        f"{'review_queue' if review else subject.status}:officer",
        Basis.DISASTER_RELIEF,  # the family assistance centre coordinates under (b)(4)
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


# Neutral words for a public registry: no unit, room, condition or clinical detail.
REGISTRY_TEXT: Mapping[Status, str] = {
    Status.ADMITTED: "Reported to be receiving hospital care.",
    Status.EMERGENCY_DEPARTMENT: "Reported to be receiving hospital care.",
    Status.IN_TRANSIT: "Reported to be receiving hospital care.",
    Status.DISCHARGED: "Reported to have left hospital care.",
    Status.DECEASED: "Reported deceased. Please contact the family assistance centre.",
}


def _for_registry(subject: SubjectState, settings: DisclosureSettings) -> Disclosure:
    """A PFIF note for another registry, or nothing. An export answers no inquiry, so no band.

    Opted-out, protected, minors (their registry is NCMEC's, through staff) and unidentified
    patients (descriptions are matched by staff, R-FRC-01) are never exported.
    """
    for reason, on in (
        ("protected", subject.protected),
        ("opted_out", subject.directory_opt_out),
        ("minor", subject.minor),
        ("unidentified", subject.unidentified),
    ):
        if on:
            return _nothing(f"{reason}:registry")
    status = subject.status
    if status is Status.REPORTED_SAFE:
        # The person wrote it themself for people looking for them: PFIF's is_note_author.
        return Disclosure(
            AnswerKind.REGISTRY_NOTE,
            "reported_safe:registry",
            Basis.SELF_REPORT,
            pfif_status=PfifStatus.IS_NOTE_AUTHOR,
            message=subject.message or None,
            since=subject.since,
        )
    if status is Status.DECEASED and not subject.death_released:
        return _nothing("deceased_not_released:registry")
    if status not in REGISTRY_TEXT:  # at the scene or unknown: nothing worth saying yet
        return _nothing(f"{status}:registry")
    named = settings.registry_may_name_facility
    return Disclosure(
        AnswerKind.REGISTRY_NOTE,
        f"{status}:registry",
        Basis.DISASTER_RELIEF,
        pfif_status=PfifStatus.BELIEVED_DEAD
        if status is Status.DECEASED
        else PfifStatus.BELIEVED_ALIVE,
        message=REGISTRY_TEXT[status],
        facility=subject.facility if named and status in IN_CARE else None,
        destination=subject.destination if named and status is Status.IN_TRANSIT else None,
        since=subject.since,
    )
