"""What several gateway replicas share: Redis when configured, an in-process stand-in otherwise."""

from __future__ import annotations

import asyncio
import bisect
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol

from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from gateway.observability import Metrics

logger = logging.getLogger(__name__)

# Pub/sub: messages a slow in-process subscriber may have waiting; how long Redis may take to confirm a
# subscription; how long one wait for a Redis message lasts (shorter than the socket timeout).
_SUBSCRIBER_BACKLOG = 1000
_SUBSCRIBE_TIMEOUT_SECONDS = 2.0
_POLL_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class WindowCount:
    """The answer of `Cache.count_in_window`."""

    allowed: bool
    # Hits in the window once this call is counted (or, when refused, without it).
    used: int
    # When refused: seconds until `cost` more hits would fit (the window, when they never can).
    retry_after_seconds: float = 0.0


class Cache(Protocol):
    """Byte values under string keys, with expiry. The first `:`-separated part of a key names the cache
    in the `cache_requests_total` metric."""

    async def get(self, key: str) -> bytes | None: ...

    async def get_and_touch(self, key: str, ttl_seconds: float) -> bytes | None:
        """The value, its expiry pushed to `ttl_seconds` from now (Redis GETEX)."""

    async def get_and_touch_with(
        self, key: str, ttl_seconds: float, other: str
    ) -> tuple[bytes | None, bytes | None]:
        """`get_and_touch(key, ttl_seconds)` and `get(other)` in one round trip (one Redis pipeline)."""
        ...

    async def get_with(self, key: str, other: str) -> tuple[bytes | None, bytes | None]:
        """`get(key)` and `get(other)` in one round trip."""
        ...

    async def set(self, key: str, value: bytes, ttl_seconds: float | None = None) -> None: ...

    async def delete(self, key: str) -> None: ...

    async def count_in_window(self, key: str, *, cost: int, limit: int, window_seconds: float) -> WindowCount:
        """Sliding-window log (gateway/ratelimit.py): count `cost` hits now, unless that makes more than
        `limit` within the last `window_seconds`, in which case nothing is counted. Atomic across
        replicas. Not a look-up: `cache_requests_total` does not count it."""

    async def publish(self, channel: str, message: bytes) -> None:
        """Send `message` to whoever subscribes to `channel` right now, on every replica (no storage)."""

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[AsyncIterator[bytes]]:
        """The messages published to `channel` from the moment the context is entered until it exits."""
        ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


def _cache_name(key: str) -> str:
    return key.split(":", 1)[0]


@dataclass(slots=True)
class _Window:
    """The hits of one sliding window, oldest first."""

    seconds: float
    hits: list[float] = field(default_factory=list)


# Past this many windows, the in-process cache drops the ones whose hits have all expired.
_WINDOW_SWEEP_AT = 10_000


class InProcessCache:
    """The embedded default: a dict with expiry times, for one gateway process."""

    def __init__(self, metrics: Metrics, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._metrics = metrics
        self._values: dict[str, tuple[bytes, float | None]] = {}
        # The time source of expiry and rate-limit windows (the runtime's clock; tests move it by hand).
        self._clock = clock
        self._windows: dict[str, _Window] = {}
        self._subscribers: dict[str, set[asyncio.Queue[bytes]]] = {}

    def _live(self, key: str) -> tuple[bytes, float | None] | None:
        entry = self._values.get(key)
        if entry is not None and entry[1] is not None and entry[1] <= self._clock():
            del self._values[key]
            entry = None
        metrics = self._metrics
        metrics.labelled(metrics.cache_requests, _cache_name(key), "miss" if entry is None else "hit").inc()
        return entry

    def _get(self, key: str) -> bytes | None:
        entry = self._live(key)
        return None if entry is None else entry[0]

    def _get_and_touch(self, key: str, ttl_seconds: float) -> bytes | None:
        entry = self._live(key)
        if entry is None:
            return None
        self._values[key] = (entry[0], self._clock() + ttl_seconds)
        return entry[0]

    async def get(self, key: str) -> bytes | None:
        return self._get(key)

    async def get_and_touch(self, key: str, ttl_seconds: float) -> bytes | None:
        return self._get_and_touch(key, ttl_seconds)

    async def get_and_touch_with(
        self, key: str, ttl_seconds: float, other: str
    ) -> tuple[bytes | None, bytes | None]:
        return self._get_and_touch(key, ttl_seconds), self._get(other)

    async def get_with(self, key: str, other: str) -> tuple[bytes | None, bytes | None]:
        return self._get(key), self._get(other)

    async def set(self, key: str, value: bytes, ttl_seconds: float | None = None) -> None:
        expires = None if ttl_seconds is None else self._clock() + ttl_seconds
        self._values[key] = (value, expires)

    async def delete(self, key: str) -> None:
        self._values.pop(key, None)

    async def count_in_window(self, key: str, *, cost: int, limit: int, window_seconds: float) -> WindowCount:
        # No await in here: one event loop makes the check and the count one step.
        now = self._clock()
        if len(self._windows) > _WINDOW_SWEEP_AT:
            self._windows = {
                name: window
                for name, window in self._windows.items()
                if window.hits and window.hits[-1] > now - window.seconds
            }
        window = self._windows.setdefault(key, _Window(window_seconds))
        window.seconds = window_seconds
        del window.hits[: bisect.bisect_right(window.hits, now - window_seconds)]
        used = len(window.hits)
        if used + cost > limit:
            if cost > limit:
                retry = window_seconds
            else:
                # The hit whose expiry makes room for `cost` more.
                retry = window.hits[used + cost - limit - 1] + window_seconds - now
            return WindowCount(allowed=False, used=used, retry_after_seconds=max(retry, 0.0))
        window.hits.extend([now] * cost)
        return WindowCount(allowed=True, used=used + cost)

    async def publish(self, channel: str, message: bytes) -> None:
        for queue in self._subscribers.get(channel, ()):
            if queue.full():
                # A subscriber that does not keep up loses messages rather than the process its memory.
                logger.warning("subscriber too slow; message dropped", extra={"fields": {"channel": channel}})
                continue
            queue.put_nowait(message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[bytes]]:
        queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=_SUBSCRIBER_BACKLOG)
        self._subscribers.setdefault(channel, set()).add(queue)
        try:
            yield _drain(queue)
        finally:
            queues = self._subscribers.get(channel, set())
            queues.discard(queue)
            if not queues:
                self._subscribers.pop(channel, None)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._values.clear()
        self._windows.clear()


# A sliding-window log in a sorted set: one member per hit, scored by the Redis server's clock (one clock
# for every replica). Pruning, counting and adding happen in one script, so concurrent replicas cannot
# both take the last place. Answers {allowed, used, retry_after_ms}.
_COUNT_IN_WINDOW = """
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local nonce = ARGV[4]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local used = redis.call('ZCARD', key)
if used + cost > limit then
  local retry = window
  if cost <= limit then
    local oldest = redis.call('ZRANGE', key, used + cost - limit - 1, used + cost - limit - 1, 'WITHSCORES')
    retry = tonumber(oldest[2]) + window - now
  end
  return {0, used, retry}
end
for i = 1, cost do
  redis.call('ZADD', key, now, nonce .. ':' .. i)
end
redis.call('PEXPIRE', key, window)
return {1, used + cost, 0}
"""


class RedisCache:
    """Redis, shared by every replica."""

    def __init__(self, url: str, metrics: Metrics, *, prefix: str = "gw:") -> None:
        self._redis: Redis = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        self._metrics = metrics
        self._prefix = prefix
        self._count_in_window = self._redis.register_script(_COUNT_IN_WINDOW)

    def _hit(self, key: str, value: bytes | str | None) -> bytes | None:
        if isinstance(value, str):  # only when a client decodes responses, which this one does not
            value = value.encode()
        metrics = self._metrics
        metrics.labelled(metrics.cache_requests, _cache_name(key), "miss" if value is None else "hit").inc()
        return value

    @property
    def prefix(self) -> str:
        """What every key of this cache starts with in Redis."""
        return self._prefix

    async def get(self, key: str) -> bytes | None:
        return self._hit(key, await self._redis.get(self._prefix + key))

    async def get_and_touch(self, key: str, ttl_seconds: float) -> bytes | None:
        value = await self._redis.getex(self._prefix + key, px=max(1, int(ttl_seconds * 1000)))
        return self._hit(key, value)

    async def get_and_touch_with(
        self, key: str, ttl_seconds: float, other: str
    ) -> tuple[bytes | None, bytes | None]:
        # Not a transaction: the two keys need one round trip, not one another's isolation.
        async with self._redis.pipeline(transaction=False) as pipeline:
            pipeline.getex(self._prefix + key, px=max(1, int(ttl_seconds * 1000)))
            pipeline.get(self._prefix + other)
            touched, read = await pipeline.execute()
        return self._hit(key, touched), self._hit(other, read)

    async def get_with(self, key: str, other: str) -> tuple[bytes | None, bytes | None]:
        found = await self._redis.mget([self._prefix + key, self._prefix + other])
        return self._hit(key, found[0]), self._hit(other, found[1])

    async def set(self, key: str, value: bytes, ttl_seconds: float | None = None) -> None:
        px = None if ttl_seconds is None else max(1, int(ttl_seconds * 1000))
        await self._redis.set(self._prefix + key, value, px=px)

    async def delete(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)

    async def count_in_window(self, key: str, *, cost: int, limit: int, window_seconds: float) -> WindowCount:
        window_ms = max(1, int(window_seconds * 1000))
        allowed, used, retry_ms = await self._count_in_window(
            keys=[self._prefix + key], args=[limit, window_ms, cost, uuid.uuid4().hex]
        )
        return WindowCount(
            allowed=bool(allowed), used=int(used), retry_after_seconds=max(int(retry_ms), 0) / 1000
        )

    async def publish(self, channel: str, message: bytes) -> None:
        await self._redis.publish(self._prefix + channel, message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[bytes]]:
        pubsub = self._redis.pubsub()
        try:
            await pubsub.subscribe(self._prefix + channel)
            # Wait for the server to confirm: from then on nothing published to the channel is missed.
            async with asyncio.timeout(_SUBSCRIBE_TIMEOUT_SECONDS):
                while (await pubsub.get_message(timeout=_SUBSCRIBE_TIMEOUT_SECONDS)) is None:
                    pass
            yield _received(pubsub)
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated

    async def ping(self) -> None:
        await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()


async def _drain(queue: asyncio.Queue[bytes]) -> AsyncIterator[bytes]:
    while True:
        yield await queue.get()


async def _received(pubsub: PubSub) -> AsyncIterator[bytes]:
    while True:
        # A bounded wait: the connection's socket timeout would otherwise end a quiet subscription.
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=_POLL_SECONDS)
        if message is not None and message.get("type") == "message":
            data = message["data"]
            yield data.encode() if isinstance(data, str) else data


def create_cache(
    redis_url: str | None,
    metrics: Metrics,
    *,
    prefix: str = "gw:",
    clock: Callable[[], float] = time.monotonic,
) -> Cache:
    """Redis when configured (its own clock keeps expiry and windows), else the in-process cache on
    `clock`."""
    if redis_url:
        return RedisCache(redis_url, metrics, prefix=prefix)
    return InProcessCache(metrics, clock=clock)
