"""What several gateway replicas share: Redis when configured, an in-process stand-in otherwise."""

from __future__ import annotations

import time
from typing import Protocol

from redis.asyncio import Redis

from gateway.observability import Metrics


class Cache(Protocol):
    """Byte values under string keys, with expiry. The first `:`-separated part of a key names the cache
    in the `cache_requests_total` metric."""

    async def get(self, key: str) -> bytes | None: ...

    async def get_and_touch(self, key: str, ttl_seconds: float) -> bytes | None:
        """The value, its expiry pushed to `ttl_seconds` from now (Redis GETEX)."""

    async def set(self, key: str, value: bytes, ttl_seconds: float | None = None) -> None: ...

    async def delete(self, key: str) -> None: ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


def _cache_name(key: str) -> str:
    return key.split(":", 1)[0]


class InProcessCache:
    """The embedded default: a dict with expiry times, for one gateway process."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics
        self._values: dict[str, tuple[bytes, float | None]] = {}

    def _live(self, key: str) -> tuple[bytes, float | None] | None:
        entry = self._values.get(key)
        if entry is not None and entry[1] is not None and entry[1] <= time.monotonic():
            del self._values[key]
            entry = None
        self._metrics.cache_requests.labels(_cache_name(key), "miss" if entry is None else "hit").inc()
        return entry

    async def get(self, key: str) -> bytes | None:
        entry = self._live(key)
        return None if entry is None else entry[0]

    async def get_and_touch(self, key: str, ttl_seconds: float) -> bytes | None:
        entry = self._live(key)
        if entry is None:
            return None
        self._values[key] = (entry[0], time.monotonic() + ttl_seconds)
        return entry[0]

    async def set(self, key: str, value: bytes, ttl_seconds: float | None = None) -> None:
        expires = None if ttl_seconds is None else time.monotonic() + ttl_seconds
        self._values[key] = (value, expires)

    async def delete(self, key: str) -> None:
        self._values.pop(key, None)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._values.clear()


class RedisCache:
    """Redis, shared by every replica."""

    def __init__(self, url: str, metrics: Metrics, *, prefix: str = "gw:") -> None:
        self._redis: Redis = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        self._metrics = metrics
        self._prefix = prefix

    def _hit(self, key: str, value: bytes | str | None) -> bytes | None:
        if isinstance(value, str):  # only when a client decodes responses, which this one does not
            value = value.encode()
        self._metrics.cache_requests.labels(_cache_name(key), "miss" if value is None else "hit").inc()
        return value

    async def get(self, key: str) -> bytes | None:
        return self._hit(key, await self._redis.get(self._prefix + key))

    async def get_and_touch(self, key: str, ttl_seconds: float) -> bytes | None:
        value = await self._redis.getex(self._prefix + key, px=max(1, int(ttl_seconds * 1000)))
        return self._hit(key, value)

    async def set(self, key: str, value: bytes, ttl_seconds: float | None = None) -> None:
        px = None if ttl_seconds is None else max(1, int(ttl_seconds * 1000))
        await self._redis.set(self._prefix + key, value, px=px)

    async def delete(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)

    async def ping(self) -> None:
        await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()


def create_cache(redis_url: str | None, metrics: Metrics, *, prefix: str = "gw:") -> Cache:
    if redis_url:
        return RedisCache(redis_url, metrics, prefix=prefix)
    return InProcessCache(metrics)
