"""Message-IDs and backoff of the outbox (pure parts)."""

from __future__ import annotations

from datetime import timedelta

from reunify.notify.outbox import backoff, message_id_for


def test_the_message_id_is_stable_per_subscription_and_change() -> None:
    assert message_id_for("sub7.m42") == message_id_for("sub7.m42")
    assert message_id_for("sub7.m42") != message_id_for("sub7.m43")
    assert message_id_for("sub7.m42") == "<sub7.m42@reunify.invalid>"


def test_odd_characters_cannot_break_the_header() -> None:
    assert message_id_for("a b>c\r\n") == "<a.b.c..@reunify.invalid>"


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [2, 4, 8]
    assert backoff(30) == timedelta(minutes=10)
