"""The ``reunify`` command: one click group, one module per command."""

from __future__ import annotations

import sys
from typing import Any

import click

from reunify import __version__
from reunify.cli.errors import ReportingGroup


@click.group(cls=ReportingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reunify")
def cli() -> None:
    """Reunify: where every person touched by an incident is, and who may know it."""


def _register() -> None:
    from reunify.cli import db, demo, locate, serve, user

    cli.add_command(serve.serve)
    cli.add_command(db.db)
    cli.add_command(demo.demo)
    cli.add_command(locate.locate)
    cli.add_command(user.user)
    from reunify.cli import importing, mllp

    cli.add_command(mllp.mllp)
    cli.add_command(importing.import_group)
    from reunify.cli import bench

    cli.add_command(bench.bench)
    from reunify.cli import notify

    cli.add_command(notify.notify)
    from reunify.cli import dedupe, match

    cli.add_command(match.match)
    cli.add_command(dedupe.dedupe)
    from reunify.cli import import_people

    importing.import_group.add_command(import_people.people)
    from reunify.cli import bench_matching

    bench.bench.add_command(bench_matching.matching)

    from reunify.cli import import_triage, pfif

    importing.import_group.add_command(import_triage.import_triage)
    importing.import_group.add_command(pfif.import_pfif)
    cli.add_command(pfif.export_group)


_register()


def main(*args: Any) -> None:
    sys.exit(cli.main(args=list(args) or None, prog_name="reunify", standalone_mode=True))
