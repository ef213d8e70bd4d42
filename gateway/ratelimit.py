"""Sliding-window rate limits, counted in the shared cache so that every replica counts against one window."""

from __future__ import annotations

import math
from dataclasses import dataclass

from gateway.cache import Cache


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer to one `RateLimiter.hit`."""

    allowed: bool
    # Whole seconds until the refused hit would fit (at least 1); 0 when allowed.
    retry_after_seconds: int
    # Hits still allowed in the window after this one.
    remaining: int


class RateLimiter:
    """Limits of the form "at most `limit` hits within any `window_seconds`", per key.

    A sliding-window log: every allowed hit is remembered for `window_seconds`, so there is no
    boundary at which a fixed window resets and a burst of twice the limit slips through. A hit
    of `cost` n counts as n hits and is allowed only if all n fit; a refused hit counts nothing,
    so asking again later costs nothing extra. `cost=0` asks without counting.

    The count lives in the `Cache`: on Redis one atomic script per hit (every replica shares the
    window, and concurrent hits cannot both take the last place), in-process otherwise. Keys
    are namespaced under `ratelimit:`; callers choose the rest, and should hash anything
    personal before it becomes part of a key.
    """

    def __init__(self, cache: Cache, *, namespace: str = "ratelimit") -> None:
        self._cache = cache
        self._namespace = namespace

    async def hit(self, key: str, limit: int, window_seconds: float, cost: int = 1) -> Decision:
        """Count `cost` hits against `key` now, if they fit in `limit` within the last `window_seconds`."""
        if limit < 0 or cost < 0 or window_seconds <= 0:
            raise ValueError("limit and cost must not be negative, and the window must be positive")
        counted = await self._cache.count_in_window(
            f"{self._namespace}:{key}", cost=cost, limit=limit, window_seconds=window_seconds
        )
        if counted.allowed:
            return Decision(allowed=True, retry_after_seconds=0, remaining=max(0, limit - counted.used))
        return Decision(
            allowed=False,
            retry_after_seconds=max(1, math.ceil(counted.retry_after_seconds)),
            remaining=max(0, limit - counted.used),
        )
