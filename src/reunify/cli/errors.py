"""Every expected failure becomes one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import sys
from typing import Any

import click
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError

from reunify.domain.errors import DomainError


def one_line(exc: BaseException) -> str:
    if isinstance(exc, DomainError):
        return f"{exc.field}: {exc.problem}"
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "input"
        return f"{where}: {first['msg']}"
    if isinstance(exc, OperationalError | DBAPIError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        return f"database: {reason}"
    return f"{type(exc).__name__}: {exc}"


class ReportingGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # the reader went away (``| head``): stop quietly, as cat does
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no flush error
            ctx.exit(1)
        except (DomainError, ValidationError, OperationalError, DBAPIError, OSError) as exc:
            click.echo(f"error: {one_line(exc)}", err=True)
            ctx.exit(1)
