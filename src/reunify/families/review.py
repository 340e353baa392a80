"""The reunification centre's queue of uncertain matches, and an officer's decision on one.

Two kinds of pair wait for a person to decide:

- ``duplicate``: two registered records the engine proposed as one person
  (``linkage.dedupe``, ``match_decisions`` in state ``proposed``);
- ``inquiry``: a seeker's inquiry and a registered person the answer could not be sure of
  (an open ``review_uncertain_match`` or ``unidentified_candidate`` task).

Each is shown with the engine's field-by-field explanation (each comparison's level and
how many bits it added). Confirming or rejecting stores a labelled pair
(``linkage.labels``) for the model's estimation. A confirmed duplicate is merged by
``linkage.dedupe.decide`` (both records and their identifiers and movements kept); a
confirmed inquiry is linked to the person by ``families.changes.link``, which tells any
seeker who follows it exactly what the disclosure policy now allows, and opens the staff
tasks that answer calls for. Every step is audited.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from reunify.domain.disclosure import Band as PolicyBand
from reunify.domain.disclosure import MatchBand, StaffTask, public_body
from reunify.domain.errors import Conflict, DomainError, NotFound
from reunify.families import tasks
from reunify.families.candidates import Sought, sought_record
from reunify.families.centre_views import (
    KINDS,
    Kind,
    Outcome,
    PairView,
    QueueItem,
    SoughtCard,
    card,
    explanation,
)
from reunify.families.changes import link
from reunify.families.disclose import disclose
from reunify.families.inquiries import sought_of
from reunify.linkage import dedupe, labels
from reunify.linkage.models import current_params, load
from reunify.linkage.records import load_records
from reunify.matching import ModelParams, Scored, score
from reunify.store import audit, people
from reunify.store import families_tables as ft
from reunify.store import tables as t
from reunify.store.match_tables import MatchDecision

REVIEW_TASKS = (StaffTask.REVIEW_UNCERTAIN_MATCH.value, StaffTask.UNIDENTIFIED_CANDIDATE.value)
QUEUE_LIMIT = 200


def _params(session: Session, version: str) -> ModelParams:
    """The parameters a stored proposal was scored with, if they still load; else today's."""
    try:
        found = load(session, version)
    except (KeyError, ValueError):  # written before the comparisons changed
        found = None
    return found or current_params(session)


def _score_people(session: Session, a: int, b: int, params: ModelParams) -> Scored:
    records = load_records(session, [a, b], include_merged=True)
    if a not in records or b not in records:
        raise NotFound("person_id", "one of the pair has no name to compare")
    try:
        return score(records[a], records[b], params)
    except KeyError:  # stored parameters lack a comparison added since
        return score(records[a], records[b], current_params(session))


def _score_inquiry(session: Session, sought: Sought, person_id: int) -> Scored:
    records = load_records(session, [person_id], include_merged=True)
    if person_id not in records:
        raise NotFound("person_id", f"person {person_id} has no name to compare")
    return score(sought_record(sought), records[person_id], current_params(session))


# --- the queue ------------------------------------------------------------------------------


def _name(row: t.Person | None) -> str:
    return people.to_domain(row).primary_name.display if row is not None else "?"


def _live(session: Session, person_id: int | None) -> t.Person | None:
    row = people.get(session, person_id) if person_id is not None else None
    return row if row is not None and row.merged_into_id is None else None


def _sought_name(inquiry: ft.Inquiry) -> str:
    raw = inquiry.sought
    name = str(raw.get("name") or "").strip()
    return name or " ".join(str(raw.get(k, "")) for k in ("given_name", "family_name")).strip()


def queue(session: Session, *, limit: int = QUEUE_LIMIT) -> list[QueueItem]:
    """Pairs waiting for an officer, most probable first. Pairs whose records were merged
    away since, and inquiries withdrawn or already matched, are left out."""
    items: list[QueueItem] = []
    first, second = aliased(t.Person), aliased(t.Person)
    stmt = (
        select(MatchDecision)
        .join(first, first.id == MatchDecision.person_id)
        .join(second, second.id == MatchDecision.other_id)
        .where(
            MatchDecision.state == "proposed",
            first.merged_into_id.is_(None),
            second.merged_into_id.is_(None),
        )
        .order_by(MatchDecision.probability.desc(), MatchDecision.id)
        .limit(limit)  # a registry of millions may hold thousands: the likeliest first
    )
    for d in session.scalars(stmt):
        a, b = _live(session, d.person_id), _live(session, d.other_id)
        if a is None or b is None:
            continue
        items.append(
            QueueItem(
                kind="duplicate",
                item_id=d.id,
                title=f"{_name(a)} / {_name(b)}",
                reason="Possibly one person registered twice",
                probability=round(d.probability, 4),
                band=d.band,
                left=_name(a),
                right=_name(b),
                person_ids=[a.id, b.id],
                created_at=d.created_at,
            )
        )
    task_stmt = (
        select(ft.Task, ft.Inquiry)
        .join(ft.Inquiry, ft.Inquiry.id == ft.Task.inquiry_id)
        .where(
            ft.Task.state == "open",
            ft.Task.kind.in_(REVIEW_TASKS),
            ft.Task.person_id.is_not(None),
            ft.Inquiry.state == "open",
        )
        .order_by(ft.Task.created_at, ft.Task.id)
        .limit(limit)
    )
    for task, inquiry in session.execute(task_stmt):
        person = _live(session, task.person_id)
        if person is None:
            continue
        earlier = labels.label_for(session, inquiry_id=inquiry.id, person_id=person.id)
        if earlier is not None and not earlier.same:
            continue  # an officer already said no; a later movement must not ask again
        scored = _score_inquiry(session, sought_of(inquiry), person.id)
        items.append(
            QueueItem(
                kind="inquiry",
                item_id=task.id,
                title=f"Inquiry for “{_sought_name(inquiry)}” / {_name(person)}",
                reason=tasks.SUMMARIES[StaffTask(task.kind)],
                probability=round(scored.probability, 4),
                band=scored.band.value,
                left=_sought_name(inquiry),
                right=_name(person),
                person_ids=[person.id],
                created_at=task.created_at,
            )
        )
    items.sort(key=lambda i: (-i.probability, i.created_at))
    return items[:limit]


# --- one pair -------------------------------------------------------------------------------


def _sought_card(inquiry: ft.Inquiry, sought: Sought) -> SoughtCard:
    raw = inquiry.sought
    age = raw.get("age") or raw.get("date_of_birth")
    return SoughtCard(
        inquiry_ref=inquiry.public_id[:8],
        name=_sought_name(inquiry),
        age=str(age) if age not in (None, "") else None,
        sex=sought.sex.value,
        city=str(raw.get("city") or ""),
        postcode=sought.postcode,
        phone_known=bool(sought.phone),
        description=sought.description,
        seeker_relationship=inquiry.seeker_relationship,
        asked_at=inquiry.created_at,
        state=inquiry.state,
    )


def _decision(session: Session, item_id: int) -> MatchDecision:
    row = session.get(MatchDecision, item_id)
    if row is None:
        raise NotFound("item_id", f"no proposed duplicate {item_id}")
    return row


def _review_task(session: Session, item_id: int) -> tuple[ft.Task, ft.Inquiry, t.Person]:
    task = session.get(ft.Task, item_id)
    if task is None or task.kind not in REVIEW_TASKS or task.inquiry_id is None:
        raise NotFound("item_id", f"no inquiry candidate {item_id}")
    inquiry = session.get(ft.Inquiry, task.inquiry_id)
    person = people.get(session, task.person_id) if task.person_id is not None else None
    if inquiry is None or person is None:
        raise NotFound("item_id", f"no inquiry candidate {item_id}")
    return task, inquiry, person


def pair(session: Session, kind: Kind, item_id: int) -> PairView:
    """Two records side by side (or an inquiry and a record), with the explanation."""
    if kind == "duplicate":
        d = _decision(session, item_id)
        a, b = people.get(session, d.person_id), people.get(session, d.other_id)
        if a is None or b is None:
            raise NotFound("item_id", f"no proposed duplicate {item_id}")
        scored = _score_people(session, a.id, b.id, _params(session, d.model_version))
        lines = [str(x) for x in (d.why or {}).get("lines", [])]
        return PairView(
            kind=kind,
            item_id=d.id,
            state=d.state,
            reason="Possibly one person registered twice",
            left=card(session, a),
            sought=None,
            right=card(session, b),
            explanation=explanation(scored, lines),
        )
    task, inquiry, person = _review_task(session, item_id)
    sought = sought_of(inquiry)
    answer = None
    if inquiry.state == "open" and task.state == "open":
        answer = public_body(disclose(session, person, _confirmed_band(sought)))
    return PairView(
        kind=kind,
        item_id=task.id,
        state=task.state if inquiry.state == "open" else f"inquiry {inquiry.state}",
        reason=tasks.SUMMARIES[StaffTask(task.kind)],
        left=None,
        sought=_sought_card(inquiry, sought),
        right=card(session, person),
        explanation=explanation(_score_inquiry(session, sought, person.id)),
        seeker_answer_if_confirmed=answer,
    )


def _confirmed_band(sought: Sought) -> MatchBand:
    """Once an officer confirms, the match is confident; what the seeker gave still counts."""
    return MatchBand(
        PolicyBand.CONFIDENT, full_name=sought.full_name, other_fact=bool(sought.other_facts)
    )


# --- deciding -------------------------------------------------------------------------------


def decide(
    session: Session,
    kind: Kind,
    item_id: int,
    *,
    confirm: bool,
    actor: str,
    keep: int | None = None,
    note: str = "",
) -> Outcome:
    """Confirm or reject one pair; the caller commits. A refused decision changes nothing
    the caller commits (it raises before or instead of writing)."""
    if kind not in KINDS:
        raise DomainError("kind", f"must be one of {', '.join(KINDS)}")
    if kind == "duplicate":
        return _decide_duplicate(session, item_id, confirm, actor, keep, note)
    if keep is not None:
        raise DomainError("keep", "only a duplicate has a record to keep")
    return _decide_inquiry(session, item_id, confirm, actor, note)


def _decide_duplicate(
    session: Session, item_id: int, confirm: bool, actor: str, keep: int | None, note: str
) -> Outcome:
    d = _decision(session, item_id)
    if d.state != "proposed":
        raise Conflict("item_id", f"already {d.state}")
    if keep is not None and keep not in (d.person_id, d.other_id):
        raise DomainError("keep", f"person {keep} is not one of this pair")
    # Labelled as the records read before the merge: that is what the engine compared.
    scored = _score_people(session, d.person_id, d.other_id, _params(session, d.model_version))
    label = labels.record(
        session,
        scored,
        same=confirm,
        source="duplicate",
        person_id=d.person_id,
        other_id=d.other_id,
        decision_id=d.id,
        incident_id=d.incident_id,
        actor=actor,
        note=note,
    )
    decided = dedupe.decide(session, d.id, confirm=confirm, actor=actor, keep=keep)
    if not confirm:
        return Outcome(
            kind="duplicate",
            item_id=d.id,
            confirmed=False,
            label_id=label.id,
            message="Recorded: these are two different people. Both records stay as they are.",
        )
    first = session.get(t.Person, d.person_id)
    retired = d.person_id if first is not None and first.merged_into_id else d.other_id
    survivor = d.other_id if retired == d.person_id else d.person_id
    return Outcome(
        kind="duplicate",
        item_id=decided.id,
        confirmed=True,
        label_id=label.id,
        message=(
            f"Merged: record {retired} now points to record {survivor}. Both records, "
            "their identifiers and their movements are kept."
        ),
        survivor_id=survivor,
        retired_id=retired,
    )


def _decide_inquiry(
    session: Session, item_id: int, confirm: bool, actor: str, note: str
) -> Outcome:
    task, inquiry, person = _review_task(session, item_id)
    if task.state != "open":
        raise Conflict("item_id", "this candidate was already decided")
    if inquiry.state != "open":
        raise Conflict("item_id", f"the inquiry is {inquiry.state}")
    if person.merged_into_id is not None:
        raise Conflict("item_id", f"person {person.id} was merged into {person.merged_into_id}")
    sought = sought_of(inquiry)
    label = labels.record(
        session,
        _score_inquiry(session, sought, person.id),
        same=confirm,
        source="inquiry",
        person_id=person.id,
        inquiry_id=inquiry.id,
        task_id=task.id,
        incident_id=person.incident_id,
        actor=actor,
        note=note,
    )
    verdict = "confirmed: the inquiry is about this person" if confirm else "rejected"
    tasks.complete(
        session, task.id, outcome=f"{verdict}. {note}".strip(), family_told=False, actor=actor
    )
    answer = None
    if confirm:
        link(session, inquiry, person.id, person.incident_id)
        disclosure = disclose(session, person, _confirmed_band(sought))
        answer = public_body(disclosure)
        for kind in disclosure.staff_tasks:
            if kind.value in REVIEW_TASKS:
                continue  # just reviewed: only what the answer asks next (a visit, a guardian)
            tasks.open_task(
                session,
                kind,
                person_id=person.id,
                inquiry_id=inquiry.id,
                incident_id=person.incident_id,
                actor=actor,
            )
        _close_other_candidates(session, inquiry.id, task.id, person.id, actor)
    audit.record_event(
        session,
        f"staff:inquiry:{'confirm' if confirm else 'reject'}-match",
        actor=actor,
        subject_type="inquiry",
        subject_id=inquiry.id,
        incident_id=person.incident_id,
        data={"person_id": person.id, "task_id": task.id, "label_id": label.id, "answer": answer},
    )
    message = (
        "Confirmed. The inquiry is linked to this person; anyone following it is told what "
        "the disclosure policy allows."
        if confirm
        else "Rejected. The inquiry stays open for other candidates."
    )
    return Outcome(
        kind="inquiry",
        item_id=task.id,
        confirmed=confirm,
        label_id=label.id,
        message=message,
        seeker_answer=answer,
    )


def _close_other_candidates(
    session: Session, inquiry_id: int, done_id: int, person_id: int, actor: str
) -> None:
    stmt = select(ft.Task).where(
        ft.Task.inquiry_id == inquiry_id,
        ft.Task.state == "open",
        ft.Task.kind.in_(REVIEW_TASKS),
        ft.Task.id != done_id,
    )
    for other in session.scalars(stmt).all():
        tasks.complete(
            session,
            other.id,
            outcome=f"closed: the inquiry was confirmed as person {person_id}",
            family_told=False,
            actor=actor,
        )
