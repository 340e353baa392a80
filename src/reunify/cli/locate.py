"""``reunify locate``: the reunification officer's full view of a person, by name."""

from __future__ import annotations

import json

import click

from reunify.cli.options import db_option, open_database
from reunify.domain.errors import NotFound
from reunify.store import incidents
from reunify.tracking.service import locate as locate_people
from reunify.tracking.views import PersonView


@click.command()
@click.argument("name")
@db_option
@click.option("--incident", "incident_slug", default=None, help="Incident slug (default: all).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def locate(name: str, db_url: str | None, incident_slug: str | None, as_json: bool) -> None:
    """Find a person by NAME and show where they are and how they got there."""
    database = open_database(db_url)
    with database.session() as session:
        incident_id = None
        if incident_slug:
            incident = incidents.get_by_slug(session, incident_slug)
            if incident is None:
                raise NotFound("incident", f"no incident {incident_slug!r}")
            incident_id = incident.id
        found = locate_people(session, name, actor="cli/locate", incident_id=incident_id)
    if as_json:
        body = {"query": name, "results": [view.model_dump(mode="json") for view in found]}
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo(f"nobody named {name!r}")
        raise SystemExit(1)
    for view in found:
        _print_view(view)


def _print_view(view: PersonView) -> None:
    names = "; ".join(f"{n.display} ({n.use})" for n in view.names)
    click.secho(f"#{view.person_id}  {names}", bold=True)
    where = view.facility or (f"in transit to {view.destination}" if view.destination else "-")
    if view.location:
        where += f", {view.location}"
    click.echo(f"  status:    {view.status}" + (f" ({view.condition})" if view.condition else ""))
    click.echo(f"  where:     {where}")
    for move in view.history:
        place = move.facility or (f"-> {move.destination}" if move.destination else "")
        if move.location:
            place += f", {move.location}"
        mark = "  (cancelled)" if move.cancelled else ""
        click.echo(f"    {move.occurred_at:%Y-%m-%d %H:%M}Z  {move.status:<22} {place}{mark}")
