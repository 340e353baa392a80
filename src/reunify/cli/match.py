"""``reunify match < inquiries.jsonl > results.jsonl``: batch look-ups for staff.

One JSON inquiry per line in, one result per line out in the same order. A bad line is
reported on stderr with its line number and skipped; every good line is still answered.
"""

from __future__ import annotations

import io
import json
import sys
from typing import TextIO

import click
from sqlalchemy.orm import Session

from reunify.cli.options import db_option, open_database
from reunify.domain import DomainError
from reunify.linkage import index, service, train
from reunify.matching import MatchRecord, ModelParams
from reunify.store import audit


@click.command()
@db_option
@click.option("--reindex", is_flag=True, help="Rebuild the matching index first.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 10))
@click.option(
    "--train",
    "retrain",
    is_flag=True,
    help="First estimate the model from these inquiries against the registry (EM), store "
    "it and use it from now on.",
)
def match(db_url: str | None, reindex: bool, limit: int, retrain: bool) -> None:
    """Match inquiries (JSON lines on stdin) against the registry; results on stdout.

    An inquiry holds ``id`` and any of name, given_name, family_name, sex, date_of_birth,
    age, phone, email, street, address_2, city, postcode, state, description.
    """
    database = open_database(db_url)
    try:
        with database.session() as session:
            if reindex or index.is_stale(session):
                click.echo(f"matching index rebuilt: {index.rebuild(session)} keys", err=True)
            lines: TextIO = sys.stdin
            if retrain:
                lines = io.StringIO(sys.stdin.read())
                _train(session, _records(lines))
                lines.seek(0)
            params = service.prepare_run(session)
            answered, bad = _run(session, lines, sys.stdout, limit, params)
            audit.record_event(
                session,
                "cli:match:batch",
                actor="cli/match",
                subject_type="match",
                subject_id=params.version,
                data={"model_version": params.version, "answered": answered, "bad_lines": bad},
            )
        click.echo(
            f"{answered} inquiries answered, {bad} bad lines (model {params.version})", err=True
        )
        if bad and not answered:
            raise SystemExit(1)
    finally:
        database.dispose()


def _run(
    session: Session, lines: TextIO, out: TextIO, limit: int, params: ModelParams
) -> tuple[int, int]:
    answered = bad = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            inquiry_id, record = service.parse_inquiry(json.loads(line))
        except json.JSONDecodeError as exc:
            bad += 1
            click.echo(f"line {number}: not JSON ({exc.msg})", err=True)
            continue
        except DomainError as exc:
            bad += 1
            click.echo(f"line {number}: {exc.field}: {exc.problem}", err=True)
            continue
        result = service.match(session, inquiry_id, record, params=params, limit=limit)
        out.write(json.dumps(result.body(), ensure_ascii=False) + "\n")
        answered += 1
    out.flush()
    return answered, bad


def _records(lines: TextIO) -> list[MatchRecord]:
    """The good inquiries (bad lines are reported when they are answered)."""
    records = []
    for line in lines:
        try:
            records.append(service.parse_inquiry(json.loads(line))[1])
        except (json.JSONDecodeError, DomainError):
            continue
    return records


def _train(session: Session, inquiries: list[MatchRecord]) -> None:
    done = train.train(session, inquiries=inquiries)
    pairs = ", ".join(f"{name} {count}" for name, count in done.sessions.items())
    click.echo(
        f"model {done.params.version} trained on {len(inquiries)} inquiries "
        f"(candidate pairs: {pairs}) in {done.seconds:.1f} s",
        err=True,
    )
