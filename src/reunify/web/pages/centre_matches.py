"""The centre's queue of uncertain matches: the list, one pair side by side, the decision."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from reunify.domain.errors import Conflict, DomainError, NotFound
from reunify.families import centre_views as views
from reunify.families import review
from reunify.families.centre_views import audit_view
from reunify.store import audit
from reunify.web import sessions
from reunify.web.deps import SessionDep, Staff
from reunify.web.pages.centre_common import incident, officer, timezone
from reunify.web.pages.rendering import render
from reunify.web.schemas.common import RowIdPath

router = APIRouter(tags=["pages"], include_in_schema=False)


class MatchesPage(BaseModel):
    timezone: str
    items: list[views.QueueItem]
    count: int
    decided: str = ""


class PairPage(BaseModel):
    timezone: str
    pair: views.PairView
    error: str = ""
    note: str = ""


_DECIDED = {"confirmed": "confirmed", "rejected": "rejected"}


def _decided_message(value: str) -> str:
    kind, _, rest = value.partition("-")
    item, _, verdict = rest.partition("-")
    if kind not in views.KINDS or not item.isdigit() or verdict not in _DECIDED:
        return ""
    what = "Duplicate proposal" if kind == "duplicate" else "Inquiry candidate"
    return f"{what} {item} {verdict}. The decision is recorded as a labelled pair."


@router.get("/centre/matches")
def matches(
    request: Request, session: SessionDep, staff: sessions.PageStaff, decided: str = ""
) -> Response:
    officer(staff)
    items = review.queue(session)
    audit.record_event(
        session,
        "staff:centre:matches",
        actor=staff.actor,
        subject_type="centre",
        subject_id="matches",
        data={
            "items": [[i.kind, i.item_id] for i in items],
            "people": sorted({p for i in items for p in i.person_ids}),
        },
    )
    session.commit()
    page = MatchesPage(
        timezone=timezone(incident(session)),
        items=items,
        count=len(items),
        decided=_decided_message(decided),
    )
    return render(request, "pages/centre_matches.html", page, staff=staff)


def _pair_page(
    request: Request,
    session: SessionDep,
    staff: Staff,
    kind: views.Kind,
    item_id: RowIdPath,
    *,
    error: str = "",
    note: str = "",
    status_code: int = 200,
) -> Response:
    try:
        pair = review.pair(session, kind, item_id)
    except NotFound as exc:
        raise sessions.PageError(404, exc.problem) from None
    shown = [c for c in (pair.left, pair.right) if c is not None]
    audit_view(session, "match", shown, actor=staff.actor, data={"kind": kind, "item": item_id})
    session.commit()
    page = PairPage(timezone=timezone(incident(session)), pair=pair, error=error, note=note)
    return render(request, "pages/centre_pair.html", page, staff=staff, status_code=status_code)


def _kind(kind: str) -> views.Kind:
    for known in views.KINDS:
        if kind == known:
            return known
    raise sessions.PageError(404, f"No queue called {kind[:40]!r}.")


@router.get("/centre/matches/{kind}/{item_id}")
def pair_page(
    request: Request, session: SessionDep, staff: sessions.PageStaff, kind: str, item_id: RowIdPath
) -> Response:
    officer(staff)
    return _pair_page(request, session, staff, _kind(kind), item_id)


@router.post("/centre/matches/{kind}/{item_id}")
def decide(
    request: Request,
    session: SessionDep,
    staff: sessions.PageStaff,
    kind: str,
    item_id: RowIdPath,
    decision: Annotated[str, Form()] = "",
    keep: Annotated[str, Form()] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    officer(staff)
    args = (request, session, staff, _kind(kind), item_id)
    if not sessions.csrf_ok(request, csrf_token):
        return _pair_page(*args, error="The form expired. Decide again.", status_code=400)
    if decision not in ("confirm", "reject"):
        return _pair_page(*args, error="Choose confirm or reject.", note=note, status_code=422)
    if keep and not keep.isdigit():
        return _pair_page(*args, error="Choose which record to keep.", note=note, status_code=422)
    try:
        outcome = review.decide(
            session,
            _kind(kind),
            item_id,
            confirm=decision == "confirm",
            actor=staff.actor,
            keep=int(keep) if keep else None,
            note=note.strip(),
        )
    except NotFound as exc:
        raise sessions.PageError(404, exc.problem) from None
    except DomainError as exc:
        session.rollback()
        status = 409 if isinstance(exc, Conflict) else 422
        return _pair_page(
            *args, error=f"Not recorded: {exc.problem}.", note=note, status_code=status
        )
    session.commit()
    verdict = "confirmed" if outcome.confirmed else "rejected"
    return RedirectResponse(f"/centre/matches?decided={kind}-{item_id}-{verdict}", status_code=303)
