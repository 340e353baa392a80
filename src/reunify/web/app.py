"""The app factory: settings and database come in, nothing is built at import time."""

from __future__ import annotations

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session, sessionmaker

from reunify import __version__
from reunify.config import Settings, get_settings
from reunify.store import Database
from reunify.web import errors, fhir, pages
from reunify.web.api import router as api_router
from reunify.web.api.health import router as health_router
from reunify.web.deps import refuse_nul


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    session_factory: sessionmaker[Session] | None = None,
) -> FastAPI:
    """Build the app. Tests pass a ``session_factory`` bound to a rolled-back connection."""
    settings = settings or get_settings()
    database = database or Database(settings.database_url)
    app = FastAPI(
        title="Reunify",
        version=__version__,
        summary="Where every person touched by an incident is, and who may know it.",
        openapi_url="/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        dependencies=[Depends(refuse_nul)],
    )
    app.state.settings = settings
    app.state.database = database
    app.state.session_factory = session_factory or database.sessions
    errors.install(app)
    app.include_router(health_router)
    app.include_router(api_router, prefix="/api/v1")
    app.include_router(fhir.router)
    pages.install(app)  # the Jinja2 pages, their sign-in sessions and /static
    return app
