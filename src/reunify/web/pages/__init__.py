"""Server-rendered pages (Jinja2): one module per page family, each with a JSON twin."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from reunify.web import sessions
from reunify.web.errors import error_response
from reunify.web.pages import (
    about,
    beds,
    centre,
    dashboard,
    frontdesk,
    public,
    public_follow,
    public_safe,
    public_stop,
    signin,
)
from reunify.web.pages.rendering import render

STATIC_DIR = Path(__file__).parent.parent / "static"


def install(app: FastAPI) -> None:
    """Mount the page routers, the static files and the sign-in redirects on ``app``."""
    sessions.install(app)
    app.add_exception_handler(sessions.PageError, _page_error)
    for module in (
        signin,
        frontdesk,
        beds,
        dashboard,
        about,
        public,
        public_follow,
        public_safe,
        public_stop,
    ):
        app.include_router(module.router)
    app.include_router(centre.router)  # the reunification centre's pages
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


class ErrorPage(BaseModel):
    status: int
    message: str


async def _page_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, sessions.PageError)
    if sessions.wants_json(request):
        return error_response(exc.status, exc.message)
    page = ErrorPage(status=exc.status, message=exc.message)
    return render(request, "pages/error.html", page, staff=None, status_code=exc.status)
