from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from reunify import __version__
from reunify.web.deps import SessionDep

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="health")
def health(session: SessionDep) -> dict[str, str]:
    """Liveness, database reachability and schema revision; no authentication, no personal data."""
    # Through the request's own session: a second connection would queue behind a writer.
    revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return {"status": "ok", "version": __version__, "schema": revision or "unknown"}
