"""``reunify user``: staff accounts and machine tokens."""

from __future__ import annotations

import secrets
import sys
from datetime import UTC, datetime

import click
from sqlalchemy import select

from reunify.accounts.passwords import hash_password
from reunify.cli.options import db_option, open_database
from reunify.domain import Role
from reunify.domain.errors import Conflict, DomainError, NotFound
from reunify.store import facilities, users
from reunify.store import pfif_tables as pt
from reunify.store import tables as t


@click.group()
def user() -> None:
    """Manage staff accounts and tokens."""


@user.command("add")
@click.argument("username")
@click.option(
    "--role", required=True, type=click.Choice([r.value for r in Role]), help="The staff role."
)
@click.option("--facility", "facility_codes", multiple=True, help="Facility code (repeatable).")
@click.option("--name", "display_name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--pfif-domain", default="", help="registry: the PFIF domain it speaks for.")
@click.option("--allow-believed-dead", is_flag=True, help="registry: may send believed_dead notes.")
@db_option
def add(
    username: str,
    role: str,
    facility_codes: tuple[str, ...],
    display_name: str,
    password_stdin: bool,
    pfif_domain: str,
    allow_believed_dead: bool,
    db_url: str | None,
) -> None:
    """Create a staff account (a random password is printed once unless --password-stdin), or a
    registry client (no password; then `reunify user token` gives it a token)."""
    if role == Role.FACILITY_STAFF and not facility_codes:
        raise DomainError("--facility", "facility_staff needs at least one facility")
    if role == Role.REGISTRY:
        _add_registry(username, display_name, pfif_domain, allow_believed_dead, db_url)
        return
    if pfif_domain or allow_believed_dead:
        raise DomainError("--pfif-domain", "is only for the registry role")
    password = sys.stdin.readline().strip() if password_stdin else ""
    generated = not password
    if generated:
        password = secrets.token_urlsafe(12)
    if len(password) < 10:
        raise DomainError("password", "must be at least 10 characters")
    database = open_database(db_url)
    with database.session() as session:
        if users.get_by_username(session, username) is not None:
            raise Conflict("username", f"{username!r} already exists")
        row = t.User(
            username=username,
            display_name=display_name or username,
            password_hash=hash_password(password),
            role=role,
            created_at=datetime.now(UTC),
        )
        for code in facility_codes:
            facility = facilities.get_by_code(session, code)
            if facility is None:
                raise NotFound("--facility", f"no facility with code {code!r}")
            row.facilities.append(t.UserFacility(facility_id=facility.id))
        session.add(row)
    click.echo(f"user {username} created with role {role}")
    if generated:
        click.echo(f"password (shown once): {password}")


def _add_registry(
    username: str, display_name: str, domain: str, allow_believed_dead: bool, db_url: str | None
) -> None:
    domain = domain.strip().lower()
    if not domain or "/" in domain or " " in domain:
        raise DomainError("--pfif-domain", "a registry needs its PFIF domain, e.g. example.org")
    database = open_database(db_url)
    with database.session() as session:
        if users.get_by_username(session, username) is not None:
            raise Conflict("username", f"{username!r} already exists")
        row = t.User(
            username=username,
            display_name=display_name or username,
            password_hash=None,  # a machine account never signs in to pages
            role=Role.REGISTRY.value,
            created_at=datetime.now(UTC),
        )
        session.add(row)
        session.flush()
        session.add(
            pt.RegistryClient(
                user_id=row.id, pfif_domain=domain, allow_believed_dead=allow_believed_dead
            )
        )
    click.echo(f"registry client {username} created for PFIF domain {domain}")


@user.command("token")
@click.argument("username")
@click.option("--name", "token_name", default="machine client", help="What the token is for.")
@db_option
def token(username: str, token_name: str, db_url: str | None) -> None:
    """Issue a bearer token for a machine client (shown once; it does not expire)."""
    database = open_database(db_url)
    with database.session() as session:
        row = users.get_by_username(session, username)
        if row is None:
            raise NotFound("username", f"no user {username!r}")
        click.echo(users.issue_token(session, row, token_name, ttl=None))


@user.command("list")
@db_option
def list_users(db_url: str | None) -> None:
    """List staff accounts."""
    database = open_database(db_url)
    with database.session() as session:
        for row in session.scalars(select(t.User).order_by(t.User.username)):
            click.echo(f"{row.username:<24} {row.role:<24} {'active' if row.active else 'off'}")
