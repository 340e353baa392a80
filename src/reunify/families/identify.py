"""The centre's description search: which unidentified patient or decedent could this be?

An officer types what a relative describes (sex, approximate age, height, hair, clothing,
marks) and gets the unidentified people it could fit, best first. Candidates are the same
as for inquiries (``unidentified.fits``: sex and age do not contradict); the order is the
matching engine's evidence from the facts a description carries (age, sex, the words of
the description), each shown with its level and weight so the officer sees why.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy.orm import Session

from reunify.domain import AgeRange, Sex
from reunify.domain.disclosure import StaffTask
from reunify.families import tasks
from reunify.families.centre_views import FieldLine, PersonCard, card, explanation
from reunify.families.disclose import age_reference
from reunify.families.unidentified import fits, unidentified_people
from reunify.linkage.models import current_params
from reunify.linkage.records import load_records
from reunify.matching import MatchRecord, Scored, prepare, score
from reunify.store import people

MAX_RESULTS = 25
PARTS = ("height", "hair", "clothing", "marks", "other")


@dataclass(frozen=True, slots=True)
class Description:
    """What a relative says they look like. Every part is optional."""

    sex: Sex = Sex.UNKNOWN
    age: AgeRange | None = None
    height: str = ""
    hair: str = ""
    clothing: str = ""
    marks: str = ""
    other: str = ""

    @property
    def text(self) -> str:
        return "; ".join(p for p in (getattr(self, k).strip() for k in PARTS) if p)

    @property
    def empty(self) -> bool:
        return not self.text and self.age is None and self.sex in (Sex.UNKNOWN, Sex.OTHER)


class IdentifyHit(BaseModel):
    person: PersonCard
    evidence: float  # bits, the prior left out: only what the description says
    fields: list[FieldLine]
    shared_words: list[str]
    open_inquiries: int


def search(
    session: Session, description: Description, *, limit: int = MAX_RESULTS
) -> list[IdentifyHit]:
    """Unidentified people the description fits, best first (all of them, by id, when the
    description says nothing)."""
    rows = unidentified_people(session)
    if not description.empty:
        rows = [
            r for r in rows if fits(r, description.sex, description.age, age_reference(session, r))
        ]
    records = load_records(session, [r.id for r in rows], include_merged=True)
    query = MatchRecord(
        record_id="description",
        sex=description.sex if description.sex in (Sex.MALE, Sex.FEMALE) else None,
        age=description.age,
        description=description.text,
        unidentified=True,  # no names on either side: only the facts count
    )
    words = prepare(query).description
    params = current_params(session)
    ranked: list[tuple[float, int, MatchRecord, Scored]] = []
    for row in rows:
        # An alias with no usable name (no record) still has a description to compare.
        record = records.get(row.id) or MatchRecord(
            record_id=str(row.id), description=row.description, unidentified=True
        )
        scored = score(query, record, params)
        ranked.append((sum(c.weight for c in scored.contributions), row.id, record, scored))
    if not description.empty:
        ranked.sort(key=lambda r: (-r[0], r[1]))
    ranked = ranked[:limit]  # cards (the policy, the whereabouts) only for those shown
    asked = tasks.open_counts(
        session, [pid for _, pid, _, _ in ranked], StaffTask.UNIDENTIFIED_CANDIDATE
    )
    hits: list[IdentifyHit] = []
    for evidence, person_id, record, scored in ranked:
        full = people.get(session, person_id)
        if full is None:
            continue
        hits.append(
            IdentifyHit(
                person=card(session, full),
                evidence=round(evidence, 2),
                fields=[f for f in explanation(scored).fields if not f.missing],
                shared_words=sorted(words & prepare(record).description),
                open_inquiries=asked.get(person_id, 0),
            )
        )
    return hits
