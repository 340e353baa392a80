"""The public answers a browser was given, held in a signed cookie on that browser only.

The search form posts, then redirects to ``/answers/<inquiry id>`` (so a reload does not ask
again). That page shows the answer kept here, not a new one: nothing is disclosed twice, the
inquiry id stays in the address and out of the page (three different "no information" answers
are the very same bytes), and a link to an answer is worthless on any other browser. Holding
an answer here is also what lets this browser follow the inquiry it asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from reunify.config import Settings

COOKIE = "reunify_answers"
PATH = "/"  # the search form posts to /search and must see (and add to) the answers held
MAX_AGE = 2 * 3600  # long enough to read, follow and type the emailed code; short on a shared PC
KEEP = 5  # answers in other tabs stay usable; the cookie stays far below 4 kB
_SALT = "reunify.public.answers"


@dataclass(frozen=True, slots=True)
class Held:
    inquiry_id: str
    answer: dict[str, Any]
    email: str = ""  # the address a code was sent to, until the seeker types the code


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=_SALT)


def held(request: Request) -> list[Held]:
    settings: Settings = request.app.state.settings
    raw = request.cookies.get(COOKIE, "")
    if not raw:
        return []
    try:
        data: Any = _serializer(settings).loads(raw, max_age=MAX_AGE)
    except BadSignature:  # includes SignatureExpired
        return []
    if not isinstance(data, list):
        return []
    found = []
    for item in data:
        if isinstance(item, dict) and isinstance(item.get("a"), dict):
            found.append(Held(str(item.get("i", "")), item["a"], str(item.get("e", ""))))
    return found


def find(request: Request, inquiry_id: str) -> Held | None:
    return next((h for h in held(request) if h.inquiry_id == inquiry_id), None)


def keep(request: Request, response: Response, entry: Held) -> None:
    """Remember ``entry`` (replacing an older one for the same inquiry), newest first."""
    settings: Settings = request.app.state.settings
    others = [h for h in held(request) if h.inquiry_id != entry.inquiry_id]
    entries = [entry, *others][:KEEP]
    value = _serializer(settings).dumps(
        [{"i": h.inquiry_id, "a": h.answer, "e": h.email} for h in entries]
    )
    # The same rule as the staff session cookie: Secure unless told otherwise in development.
    secure = (
        settings.cookie_secure
        if settings.cookie_secure is not None
        else settings.environment == "production"
    )
    response.set_cookie(
        COOKIE,
        value,
        max_age=MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=secure,
        path=PATH,
    )
