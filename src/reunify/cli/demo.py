"""``reunify demo``: load the reference scenario."""

from __future__ import annotations

import click

from reunify.cli.options import db_option, open_database
from reunify.demo.load import load
from reunify.demo.review_cases import load_review_cases


@click.command()
@db_option
@click.option(
    "--via-hl7",
    is_flag=True,
    help="Send the hospitals' events as HL7 v2 ADT messages through the feed's receiver.",
)
@click.option(
    "--scenario-only",
    is_flag=True,
    help="Leave out the reunification centre's synthetic review cases (a child, an uncertain "
    "inquiry, proposed duplicates).",
)
def demo(db_url: str | None, via_hl7: bool, scenario_only: bool) -> None:
    """Load the reference scenario (the SGMW shooting) into the database. Safe to run twice."""
    database = open_database(db_url, upgrade=True)
    if via_hl7:
        from reunify.demo.hl7_messages import load_via_hl7

        result = load_via_hl7(database)
    else:
        with database.session() as session:
            result = load(session)
    click.echo(
        f"demo scenario loaded: {result.people_created} people and "
        f"{result.movements_created} movements added"
    )
    if scenario_only:
        return
    with database.session() as session:
        cases = load_review_cases(session)
    click.echo(
        f"centre review cases: {cases.people_created} people, {cases.inquiries_created} "
        f"inquiries and {cases.duplicates_proposed} proposed duplicates added"
    )
