"""One error shape for every failure: ``{"status", "error", "detail", "fields"}``."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from reunify.domain.errors import Conflict, DomainError, Forbidden, NotFound
from reunify.web.schemas.common import ErrorBody, FieldProblem

log = logging.getLogger("reunify.web")

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal_error",
}


def error_response(
    status: int,
    detail: str,
    fields: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(
        status=status, error=_CODES.get(status, "error"), detail=detail, fields=fields or []
    )
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _fhir(request: Request) -> bool:
    return request.url.path.startswith("/fhir")


_FHIR_CODES = {401: "login", 403: "forbidden", 404: "not-found", 409: "conflict", 422: "invalid"}


def _outcome(
    status: int, field: str | None, detail: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """FHIR clients expect an OperationOutcome, so /fhir errors are one."""
    issue: dict[str, Any] = {
        "severity": "error",
        "code": _FHIR_CODES.get(status, "exception" if status >= 500 else "processing"),
        "diagnostics": detail,
    }
    if field:
        issue["expression"] = [field]
    return JSONResponse(
        {"resourceType": "OperationOutcome", "issue": [issue]},
        status_code=status,
        media_type="application/fhir+json",
        headers=headers,
    )


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for err in exc.errors():
        message = err["msg"]
        if err["type"] == "json_invalid":
            message = f"malformed JSON ({err.get('ctx', {}).get('error', 'syntax error')})"
        problems.append(FieldProblem(field=_field_path(err["loc"]), problem=message))
    first = problems[0] if problems else FieldProblem(field="body", problem="invalid")
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    if _fhir(request):
        return _outcome(422, first.field, f"{first.field}: {first.problem}{more}")
    return error_response(422, f"{first.field}: {first.problem}{more}", problems)


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status = 422
    if isinstance(exc, NotFound):
        status = 404
    elif isinstance(exc, Conflict):
        status = 409
    elif isinstance(exc, Forbidden):
        status = 403
    if _fhir(request):
        return _outcome(status, exc.field, str(exc))
    return error_response(status, str(exc), [FieldProblem(field=exc.field, problem=exc.problem)])


_FIELD_NAME = re.compile(r"[a-z_][a-z0-9_.]*")


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else "request failed"
    field, sep, problem = detail.partition(": ")
    named = bool(sep) and _FIELD_NAME.fullmatch(field) is not None
    if _fhir(request):
        return _outcome(exc.status_code, None, detail, getattr(exc, "headers", None))
    # Our own refusals are written "field: problem"; name the field as every other error does.
    fields = [FieldProblem(field=field, problem=problem)] if named else None
    return error_response(exc.status_code, detail, fields, headers=getattr(exc, "headers", None))


async def _data_error(request: Request, exc: Exception) -> JSONResponse:
    """A value the database refuses (out of range, malformed) is bad input, not a crash. Models
    name such fields first; this is the net for what they missed, and it is logged to fix."""
    assert isinstance(exc, DBAPIError)
    log.warning("database refused a value on %s %s: %s", request.method, request.url.path, exc)
    reason = str(exc.orig).splitlines()[0] if exc.orig is not None else "refused by the database"
    detail = f"request: a value cannot be stored ({reason})"
    if _fhir(request):
        return _outcome(422, None, detail)
    return error_response(422, detail, [FieldProblem(field="request", problem=reason)])


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    if _fhir(request):
        return _outcome(500, None, "internal error; it has been logged")
    return error_response(500, "internal error; it has been logged")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(Exception, _unexpected)
