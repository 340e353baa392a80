"""The token bucket and the notification texts."""

from __future__ import annotations

from reunify.families.messages import language_of, render
from reunify.families.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_burst_then_says_how_long_to_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(3, clock=clock)
    assert [limiter.take("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.take("a") == 20  # one token every 20 s at 3 a minute
    assert limiter.take("b") == 0  # keys are independent
    clock.now = 20.0
    assert limiter.take("a") == 0


def test_idle_buckets_are_pruned() -> None:
    clock = Clock()
    limiter = RateLimiter(3, clock=clock)
    limiter.take("a")
    clock.now = 1000.0
    limiter.prune(idle_seconds=600)
    assert limiter.take("a") == 0


def test_messages_are_rendered_from_the_public_answer_only() -> None:
    subject, text = render(
        {"kind": "located", "facility": "Seattle Presbyterian Hospital", "condition": "fair"},
        name="Alex Karev",
        language="en-US",
        ref="abcd1234",
    )
    assert subject == "News about Alex Karev"
    assert "Alex Karev is being cared for at Seattle Presbyterian Hospital" in text
    assert "abcd1234" in text


def test_a_known_language_is_used_and_an_unknown_one_falls_back_to_english() -> None:
    _, spanish = render({"kind": "discharged"}, name="Owen Hunt", language="es", ref="r")
    assert "ha sido dado/a de alta" in spanish
    assert language_of("xx") == "en"
