"""``reunify dedupe``: propose likely duplicate people across the registry, for staff.

Nothing is merged here: staff confirm or reject each proposal
(``POST /api/v1/match/duplicates/{id}``).
"""

from __future__ import annotations

import time

import click

from reunify.cli.options import db_option, open_database
from reunify.linkage import dedupe as engine
from reunify.linkage import index, service
from reunify.store import audit


@click.command()
@db_option
@click.option("--reindex", is_flag=True, help="Rebuild the matching index first.")
@click.option(
    "--train",
    "retrain",
    is_flag=True,
    help="First estimate the model from the registry (u from random pairs, m by EM over "
    "candidate pairs), store it and use it from now on.",
)
def dedupe(db_url: str | None, reindex: bool, retrain: bool) -> None:
    """Find people registered twice (a trauma alias and a named record, two hospitals'
    record numbers) and store them as proposed duplicates."""
    database = open_database(db_url)
    try:
        started = time.perf_counter()
        with database.session() as session:
            if reindex or index.is_stale(session):
                click.echo(f"matching index rebuilt: {index.rebuild(session)} keys", err=True)
                session.commit()  # training may read the index from another process
            if retrain:
                done, params, summary = engine.train_and_run(session, actor="cli/dedupe")
                click.echo(f"model {done.params.version} trained in {done.seconds:.1f} s", err=True)
            else:
                params = service.prepare_run(session)
                summary = engine.run(session, params, actor="cli/dedupe")
            audit.record_event(
                session,
                "cli:match:dedupe",
                actor="cli/dedupe",
                subject_type="match",
                subject_id=params.version,
                data={
                    "model_version": params.version,
                    "pairs": summary.pairs,
                    "proposed": summary.proposed,
                    "confident": summary.confident,
                },
            )
        click.echo(
            f"{summary.pairs} candidate pairs scored, {summary.proposed} proposed "
            f"({summary.confident} confident), {summary.already} already proposed; "
            f"model {params.version}; {time.perf_counter() - started:.1f} s"
        )
    finally:
        database.dispose()
