"""What ``reunify match``, ``POST /api/v1/match`` and ``reunify locate`` ask of the engine.

One inquiry in (a JSON object), one result out: ``{"id", "candidates": [{"record_id",
"probability", "band", "why"}]}``, best first. A staff tool: no disclosure filtering here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from reunify.domain import AgeRange, BirthDate, DomainError, Sex
from reunify.linkage import dedupe, pool, terms
from reunify.linkage.models import current_params, ensure_stored
from reunify.linkage.records import load_records, record_ids
from reunify.linkage.search import find, find_ids
from reunify.matching import Band, MatchRecord, ModelParams, Scored, score, why
from reunify.store import tables as t
from reunify.store.match_tables import MatchDecision

MAX_CANDIDATES = 10
TEXT_FIELDS = (
    "name", "given_name", "family_name", "phone", "email", "street", "address_2", "city",
    "postcode", "state",
)  # fmt: skip
FIELDS = frozenset(("id", *TEXT_FIELDS, "sex", "date_of_birth", "age", "description"))
# Enough to look someone up by: a name, a phone number or an email address.
FINDING = ("name", "given_name", "family_name", "phone", "email")
_SEXES = {
    "f": Sex.FEMALE, "female": Sex.FEMALE, "m": Sex.MALE, "male": Sex.MALE,
    "o": Sex.OTHER, "other": Sex.OTHER, "u": None, "unknown": None, "": None,
}  # fmt: skip


def _text(data: Mapping[str, Any], field: str) -> str:
    value = data.get(field)
    if value is None:
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise DomainError(field, "must be a string")
    return str(value).strip()


def parse_sex(text: str, field: str = "sex") -> Sex | None:
    try:
        return _SEXES[text.strip().lower()]
    except KeyError:
        raise DomainError(field, f"{text!r} is not one of female, male, other, unknown") from None


def parse_inquiry(data: object) -> tuple[str, MatchRecord]:
    """Validate one inquiry object; returns (its id, the record to look up)."""
    if not isinstance(data, dict):
        raise DomainError("inquiry", "must be a JSON object")
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise DomainError(unknown[0], "is not an inquiry field")
    inquiry_id = _text(data, "id")
    if not inquiry_id:
        raise DomainError("id", "is required")
    values = {f: _text(data, f) for f in (*TEXT_FIELDS, "description", "sex")}
    if not any(values[f] for f in FINDING):
        raise DomainError("name", "an inquiry needs a name, a phone number or an email")
    dob, age = _text(data, "date_of_birth"), data.get("age")
    record = MatchRecord(
        record_id=inquiry_id,
        names=((values["given_name"], values["family_name"]),)
        if values["given_name"] or values["family_name"]
        else (),
        full_names=(values["name"],) if values["name"] else (),
        sex=parse_sex(values["sex"]),
        birth_date=BirthDate.parse(dob) if dob else None,
        age=AgeRange.parse(age if isinstance(age, int) else str(age))
        if age not in (None, "")
        else None,
        phone=values["phone"],
        email=values["email"],
        city=values["city"],
        postcode=values["postcode"],
        street=values["street"],
        address_2=values["address_2"],
        state=values["state"],
        description=values["description"],
    )
    return inquiry_id, record


@dataclass(frozen=True, slots=True)
class Result:
    id: str
    candidates: list[dict[str, Any]]
    model_version: str
    scored: list[Scored]

    def body(self) -> dict[str, Any]:
        return {"id": self.id, "candidates": self.candidates}


def match(
    session: Session,
    inquiry_id: str,
    record: MatchRecord,
    *,
    params: ModelParams | None = None,
    incident_id: int | None = None,
    limit: int = MAX_CANDIDATES,
) -> Result:
    params = params or current_params(session)
    scored = find(
        session, record, incident_id=incident_id, limit=min(limit, MAX_CANDIDATES), params=params
    )
    names = record_ids(session, [int(s.record_id) for s in scored])
    candidates = [
        {
            "record_id": names[int(s.record_id)],
            "probability": round(s.probability, 4),
            "band": s.band.value,
            "why": why(s),
        }
        for s in scored
    ]
    return Result(inquiry_id, candidates, params.version, scored)


def prepare_run(session: Session) -> ModelParams:
    """The parameters for a run of decisions, stored so each decision's version resolves."""
    params = current_params(session)
    ensure_stored(session, params)
    return params


def tolerant_ids(
    session: Session, name: str, *, incident_id: int | None = None, confident_only: bool = False
) -> list[int]:
    """People a typed name plausibly means (confident, and unless ``confident_only``
    uncertain), best first."""
    if not name.strip():
        return []
    record = MatchRecord(record_id="locate", full_names=(name,))
    scored = find(session, record, incident_id=incident_id, limit=MAX_CANDIDATES)
    wanted = {Band.CONFIDENT} if confident_only else {Band.CONFIDENT, Band.UNCERTAIN}
    return [int(s.record_id) for s in scored if s.band in wanted]


PROPOSE_AT_MOST = 5  # a new record with more look-alikes than this needs a person anyway


def propose_duplicates(session: Session, person_id: int, *, actor: str) -> list[MatchDecision]:
    """Store the likely duplicates of a person just registered as proposals for staff
    (``match_decisions``, state ``proposed``, exactly as ``reunify dedupe`` stores them):
    the same patient under two hospitals' record numbers, a trauma alias at one hospital and
    a named record at another. Nothing is merged here; each pair is scored on its own, as
    the batch run scores it.

    Only people of the same incident are considered. A pair with an unidentified patient
    is weighed against the incident's few unidentified patients (``dedupe.run`` does the
    same), and a new unidentified patient is compared with the incident's named people of
    a compatible sex and age (placeholders share no name key with anyone).
    """
    session.flush()  # the person's rows, written through the ORM, must be readable here
    person = session.get(t.Person, person_id)
    record = load_records(session, [person_id]).get(person_id)
    if person is None or record is None:
        return []
    params = current_params(session)
    local = dedupe.unidentified_params(session, person.incident_id, params)
    if record.unidentified:
        ids = dedupe.named_candidates(session, person_id, person.incident_id)
    else:
        vocabulary = terms.vocabulary_for(session, params)
        ids = find_ids(session, record, incident_id=person.incident_id, vocabulary=vocabulary)
    tf = terms.for_params(session, params)
    candidates = list(load_records(session, [i for i in ids if i != person_id]).values())
    scored = [
        score(record, c, local if record.unidentified or c.unidentified else params, tf)
        for c in candidates
        if c.unidentified != record.unidentified or not c.unidentified
    ]
    by_id = {c.record_id: c for c in candidates}
    likely = sorted(
        (
            s
            for s in scored
            if dedupe.worth_proposing(s, record.unidentified or by_id[s.record_id].unidentified)
        ),
        key=lambda s: (-s.weight, s.record_id),
    )[:PROPOSE_AT_MOST]
    pairs = {
        (min(person_id, int(s.record_id)), max(person_id, int(s.record_id))): s for s in likely
    }
    done = dedupe.existing_pairs(session, list(pairs))
    now = datetime.now(UTC)
    rows = []
    for (a, b), found in pairs.items():
        if (a, b) in done:
            continue
        ensure_stored(session, local if found.model_version == local.version else params)
        row = dedupe.proposal(pool.proposed(found), a, b, person.incident_id, actor, now)
        rows.append(MatchDecision(**row))
    session.add_all(rows)
    session.flush()
    return rows
