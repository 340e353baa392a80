""" "Stop these emails": the link at the foot of every notification, and the button on the
"you follow" page.

The link's token is the only authority (``families.subscriptions.by_stop_token``), so it works
without a cookie or a sign-in, from any device the email is read on. Opening it only asks;
the POST stops, because mail scanners open links. Mail clients that offer one-click
unsubscribe (RFC 8058) POST ``List-Unsubscribe=One-Click`` to the same address.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from reunify.families import subscriptions
from reunify.web.deps import SessionDep
from reunify.web.pages.public import PublicPage, base_fields, show

router = APIRouter(tags=["pages"], include_in_schema=False)


class StopPage(PublicPage):
    # ask: still following; stopped: no more emails; unknown: not a link we sent (or mistyped)
    state: Literal["ask", "stopped", "unknown"]


def _page(request: Request, session: SessionDep, state: str) -> StopPage:
    return StopPage(**base_fields(request, session), state=state)


@router.get("/stop/{token}")
def ask(request: Request, session: SessionDep, token: str) -> Response:
    sub = subscriptions.by_stop_token(session, token)
    state = "unknown" if sub is None else "ask" if sub.active else "stopped"
    status = 404 if sub is None else 200
    return show(
        request, "public/stop.html", _page(request, session, state), status_code=status, forms=False
    )


@router.post("/stop/{token}")
def stop(
    request: Request,
    session: SessionDep,
    token: str,
    one_click: Annotated[str, Form(alias="List-Unsubscribe")] = "",
) -> Response:
    sub = subscriptions.by_stop_token(session, token)
    if sub is None:
        page = _page(request, session, "unknown")
        return show(request, "public/stop.html", page, status_code=404, forms=False)
    via = "one-click" if one_click == "One-Click" else "page"
    if subscriptions.stop(session, sub, via=via):
        session.commit()
    return show(request, "public/stop.html", _page(request, session, "stopped"), forms=False)
