"""The centre's people queues: unidentified patients by description, unaccompanied minors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from reunify.domain import AgeRange, Sex
from reunify.domain.errors import DomainError, NotFound
from reunify.families import identify, minors
from reunify.families.centre_views import audit_view
from reunify.web import sessions
from reunify.web.deps import SessionDep, Staff
from reunify.web.pages.centre_common import incident, officer, timezone
from reunify.web.pages.rendering import render
from reunify.web.schemas.common import RowIdPath

router = APIRouter(tags=["pages"], include_in_schema=False)

SEXES = {"": Sex.UNKNOWN, "female": Sex.FEMALE, "male": Sex.MALE}


class DescriptionForm(BaseModel):
    sex: str = ""
    age: str = ""
    height: str = ""
    hair: str = ""
    clothing: str = ""
    marks: str = ""
    other: str = ""


class UnidentifiedPage(BaseModel):
    timezone: str
    query: DescriptionForm
    searched: bool
    error: str = ""
    hits: list[identify.IdentifyHit]
    count: int


def parse_description(form: DescriptionForm) -> identify.Description:
    """The typed description as the search reads it; a bad age or sex is a ``DomainError``."""
    if form.sex not in SEXES:
        raise DomainError("sex", "must be female, male or empty")
    age = AgeRange.parse(form.age.strip(), "age") if form.age.strip() else None
    return identify.Description(
        sex=SEXES[form.sex],
        age=age,
        height=form.height,
        hair=form.hair,
        clothing=form.clothing,
        marks=form.marks,
        other=form.other,
    )


@router.get("/centre/unidentified")
def unidentified(
    request: Request,
    session: SessionDep,
    staff: sessions.PageStaff,
    sex: str = "",
    age: str = "",
    height: str = "",
    hair: str = "",
    clothing: str = "",
    marks: str = "",
    other: str = "",
) -> Response:
    officer(staff)
    form = DescriptionForm(
        sex=sex, age=age, height=height, hair=hair, clothing=clothing, marks=marks, other=other
    )
    form = DescriptionForm(**{k: " ".join(v.split())[:200] for k, v in form.model_dump().items()})
    searched = any(form.model_dump().values())
    error, status = "", 200
    try:
        description = parse_description(form)
    except DomainError as exc:
        error, status = f"{exc.field}: {exc.problem}", 422
        description = identify.Description()
    hits = identify.search(session, description) if not error else []
    audit_view(
        session,
        "unidentified",
        [h.person for h in hits],
        actor=staff.actor,
        data={"query": form.model_dump(exclude_defaults=True)},
    )
    session.commit()
    page = UnidentifiedPage(
        timezone=timezone(incident(session)),
        query=form,
        searched=searched,
        error=error,
        hits=hits,
        count=len(hits),
    )
    return render(request, "pages/centre_unidentified.html", page, staff=staff, status_code=status)


class MinorsPage(BaseModel):
    timezone: str
    rows: list[minors.MinorRow]
    count: int
    relationships: list[str]
    saved: str = ""
    error: str = ""
    error_person_id: int | None = None


def _minors_page(
    request: Request,
    session: SessionDep,
    staff: Staff,
    *,
    saved: str = "",
    error: str = "",
    error_person_id: int | None = None,
    status_code: int = 200,
) -> Response:
    row = incident(session)
    rows = minors.unaccompanied(session, row.id if row else None)
    audit_view(session, "minors", [r.person for r in rows], actor=staff.actor)
    session.commit()
    page = MinorsPage(
        timezone=timezone(row),
        rows=rows,
        count=len(rows),
        relationships=list(minors.RELATIONSHIPS),
        saved=saved,
        error=error,
        error_person_id=error_person_id,
    )
    return render(request, "pages/centre_minors.html", page, staff=staff, status_code=status_code)


@router.get("/centre/minors")
def minors_page(
    request: Request, session: SessionDep, staff: sessions.PageStaff, saved: int | None = None
) -> Response:
    officer(staff)
    message = f"Guardian recorded for person {saved}." if saved is not None else ""
    return _minors_page(request, session, staff, saved=message)


@router.post("/centre/minors/{person_id}/guardian")
def record_guardian(
    request: Request,
    session: SessionDep,
    staff: sessions.PageStaff,
    person_id: RowIdPath,
    name: Annotated[str, Form(max_length=200)] = "",
    relationship: Annotated[str, Form(max_length=80)] = "",
    phone: Annotated[str, Form(max_length=40)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    officer(staff)
    if not sessions.csrf_ok(request, csrf_token):
        return _minors_page(
            request, session, staff, error="The form expired. Enter the guardian again.",
            error_person_id=person_id, status_code=400,
        )  # fmt: skip
    try:
        minors.record_guardian(
            session,
            person_id,
            name=name,
            relationship=relationship,
            phone=phone,
            email=email,
            actor=staff.actor,
        )
    except NotFound as exc:
        raise sessions.PageError(404, exc.problem) from None
    except DomainError as exc:
        session.rollback()
        return _minors_page(
            request, session, staff, error=f"Not recorded: {exc.problem}.",
            error_person_id=person_id, status_code=422,
        )  # fmt: skip
    session.commit()
    return RedirectResponse(f"/centre/minors?saved={person_id}", status_code=303)
