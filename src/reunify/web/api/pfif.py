"""PFIF 1.4 exchange: machine clients post records; other registries read our feed."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from reunify.domain import Role
from reunify.domain.errors import DomainError, NotFound
from reunify.interop import pfif
from reunify.registries.pfif_export import export
from reunify.registries.pfif_import import import_records
from reunify.store import incidents
from reunify.store import pfif_tables as pt
from reunify.store import tables as t
from reunify.web.deps import ClientDep, SessionDep, Staff
from reunify.web.schemas.common import MAX_ROW_ID

router = APIRouter(prefix="/pfif", tags=["pfif"])
PFIF_XML = "application/xml"
MAX_UPLOAD = 20 * 1024 * 1024


def _incident(session: SessionDep, slug: str | None) -> t.Incident:
    incident = incidents.get_by_slug(session, slug) if slug else incidents.current(session)
    if incident is None:
        raise NotFound("incident", "no such incident (and no open one)")
    return incident


def _sender(session: SessionDep, staff: Staff) -> pt.RegistryClient | None:
    """The registry a client speaks for; ``None`` for an admin, who may import any domain."""
    if staff.role is Role.ADMIN:
        return None
    client = session.get(pt.RegistryClient, staff.user_id) if staff.role is Role.REGISTRY else None
    if client is None:
        raise HTTPException(403, "role: this needs an admin or a registry client token")
    return client


@router.post("", operation_id="import_pfif")
async def import_pfif(
    request: Request, session: SessionDep, staff: ClientDep, incident: str | None = None
) -> dict[str, object]:
    """Import a PFIF 1.1-1.4 XML document (or Person Finder CSV with ``Content-Type: text/csv``).

    Needs an admin token or a registry client's token. A registry client may send only records
    whose ids are in its own domain (PFIF: only the originating repository changes a record),
    and ``believed_dead`` notes only if it was allowed to; each refused record is named in
    ``problems`` while the others are imported.
    """
    client = _sender(session, staff)
    domain = client.pfif_domain if client else None
    dead_ok = client.allow_believed_dead if client else True
    body = await request.body()
    if len(body) > MAX_UPLOAD:
        raise DomainError("body", f"is larger than {MAX_UPLOAD} bytes")
    settings = request.app.state.settings
    is_csv = request.headers.get("content-type", "").startswith("text/csv")
    try:
        if is_csv:
            parsed = pfif.read_csv(
                body, domain=domain, allow_believed_dead=dead_ok, authorized_domain=domain
            )
        else:
            parsed = pfif.parse(body, allow_believed_dead=dead_ok, authorized_domain=domain)
    except pfif.PfifError as exc:
        raise DomainError("body", str(exc)) from None
    summary = import_records(
        session,
        _incident(session, incident),
        parsed,
        actor=staff.actor,
        home_domain=settings.pfif_domain,
    )
    session.commit()
    return {
        "persons_added": summary.persons_added,
        "persons_updated": summary.persons_updated,
        "notes_added": summary.notes_added,
        "safe_reports": summary.safe_reports,
        "proposed_links": summary.proposed_links,
        "problems": summary.problems,
    }


def _feed(
    request: Request,
    session: SessionDep,
    staff: Staff,
    incident: str | None,
    since: datetime | None,
    skip: int,
    max_results: int,
    kind: str,
) -> Response:
    if staff.role is Role.FACILITY_STAFF:
        raise HTTPException(403, "role: the registry feed is for officers and registry clients")
    if since is not None and since.tzinfo is None:
        raise DomainError("since", "needs a time zone (e.g. 2026-11-20T22:00:00Z)")
    persons, notes = export(
        session,
        _incident(session, incident),
        home_domain=request.app.state.settings.pfif_domain,
        since=since,
        skip=skip,
        limit=max_results,
        actor=staff.actor,
    )
    session.commit()
    document = pfif.serialize(persons if kind == "persons" else [], notes)
    return Response(document, media_type=PFIF_XML)


@router.get("/persons", operation_id="pfif_persons", response_class=Response)
def persons_feed(
    request: Request,
    session: SessionDep,
    staff: ClientDep,
    incident: str | None = None,
    since: datetime | None = None,
    skip: int = Query(0, ge=0, le=MAX_ROW_ID),
    max_results: int = Query(100, ge=1, le=1000),
) -> Response:
    """Persons (with their notes nested) changed after ``since``, oldest first, paginated."""
    return _feed(request, session, staff, incident, since, skip, max_results, "persons")


@router.get("/notes", operation_id="pfif_notes", response_class=Response)
def notes_feed(
    request: Request,
    session: SessionDep,
    staff: ClientDep,
    incident: str | None = None,
    since: datetime | None = None,
    skip: int = Query(0, ge=0, le=MAX_ROW_ID),
    max_results: int = Query(100, ge=1, le=1000),
) -> Response:
    """Notes only (top-level, each naming its person), changed after ``since``."""
    return _feed(request, session, staff, incident, since, skip, max_results, "notes")
