"""Ownership (only the originating domain may change a record), clones, expiry, newest wins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reunify.interop.pfif import (
    PfifNote,
    PfifPerson,
    domain_of,
    is_clone,
    is_expired,
    may_modify,
    placeholder_of,
    supersedes,
    without_fields,
)

T0 = datetime(2025, 11, 2, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("record_id", "domain"),
    [
        ("example.org/p1", "example.org"),
        ("Registry.Example.ORG/person/42", "registry.example.org"),
        ("a/b", "a"),
    ],
)
def test_domain_of(record_id: str, domain: str) -> None:
    assert domain_of(record_id) == domain


@pytest.mark.parametrize(
    "record_id", ["", "p1", "/p1", "example.org/", "ex ample.org/p1", "é.org/1"]
)
def test_domain_of_refuses_what_is_not_a_record_id(record_id: str) -> None:
    with pytest.raises(ValueError, match="is not a record id"):
        domain_of(record_id)


def test_only_the_originating_domain_may_modify() -> None:
    assert may_modify("example.org/p1", "example.org")
    assert may_modify("example.org/p1", " Example.Org ")
    assert not may_modify("example.org/p1", "elsewhere.net")
    assert not may_modify("example.org/p1", "sub.example.org")
    assert not may_modify("not-an-id", "not-an-id")
    assert is_clone("elsewhere.net/p1", "example.org")
    assert not is_clone("example.org/p1", "example.org")


def test_is_expired_from_the_expiry_date_on() -> None:
    person = PfifPerson("example.org/p1", expiry_date=T0)
    assert not is_expired(person, T0 - timedelta(seconds=1))
    assert is_expired(person, T0)
    assert not is_expired(PfifPerson("example.org/p2"), T0 + timedelta(days=9999))


def test_placeholder_keeps_only_id_expiry_and_fresh_dates() -> None:
    person = PfifPerson(
        "example.org/p1", expiry_date=T0, source_date=T0, full_name="Ana Exemplo", home_city="X"
    )
    now = T0 + timedelta(days=1)
    placeholder = placeholder_of(person, now)
    assert placeholder == PfifPerson(
        "example.org/p1", expiry_date=T0, source_date=now, entry_date=now
    )
    assert placeholder.is_placeholder
    assert not person.is_placeholder


def test_newer_source_date_supersedes() -> None:
    old = PfifNote("example.org/n1", "example.org/p1", source_date=T0, text="a")
    new = PfifNote(
        "example.org/n1", "example.org/p1", source_date=T0 + timedelta(hours=1), text="b"
    )
    assert supersedes(new, old)
    assert not supersedes(old, new)
    assert not supersedes(old, old)
    assert not supersedes(
        PfifNote("example.org/n2", "example.org/p1", source_date=T0 + timedelta(days=1)), old
    )
    undated = PfifNote("example.org/n1", "example.org/p1")
    assert not supersedes(undated, old)
    assert supersedes(old, undated)


def test_without_fields_empties_named_fields() -> None:
    person = PfifPerson(
        "example.org/p1", full_name="Ana", author_email="a@example.org", source_date=T0
    )
    trimmed = without_fields(person, "author_email", "source_date")
    assert (trimmed.author_email, trimmed.source_date, trimmed.full_name) == ("", None, "Ana")
