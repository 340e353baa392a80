"""Rate limits for public endpoints: an in-process token bucket per key.

In-process means each app worker keeps its own buckets, so N workers allow N times the rate;
a shared store (the database or Redis) is the next step when several workers serve the public.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """``per_minute`` requests a minute per key, with bursts up to ``per_minute``."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> int:
        """Spend one token for ``key``. Returns 0 when allowed, else seconds to wait."""
        now = self.clock()
        if len(self._buckets) > 50_000:  # idle keys go, so the dict cannot grow forever
            self.prune()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(self.capacity, now)
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0
            return max(1, math.ceil((1.0 - bucket.tokens) / self.rate))

    def prune(self, idle_seconds: float = 600.0) -> None:
        now = self.clock()
        with self._lock:
            for key in [k for k, b in self._buckets.items() if now - b.updated > idle_seconds]:
                del self._buckets[key]
