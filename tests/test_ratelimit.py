"""The sliding-window rate limiter, in-process and on Redis (where every replica shares the count)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from gateway.cache import Cache, InProcessCache, RedisCache
from gateway.observability import Metrics
from gateway.ratelimit import RateLimiter
from tests.services import REDIS_URL, TEST_REDIS_PREFIX, clear_redis, unavailable


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limiter(clock: FakeClock) -> RateLimiter:
    return RateLimiter(InProcessCache(Metrics(), clock=clock))


@pytest.fixture
async def redis_caches() -> AsyncIterator[Callable[[str], Cache]]:
    """Redis caches as separate replicas would hold them: same server, a prefix of the test's choosing."""
    prefix = f"{TEST_REDIS_PREFIX}ratelimit-{uuid.uuid4().hex[:8]}:"
    caches: list[RedisCache] = []

    def make(suffix: str) -> Cache:
        cache = RedisCache(REDIS_URL, Metrics(), prefix=prefix + suffix)
        caches.append(cache)
        return cache

    try:
        await make("probe").ping()
    except (OSError, RedisError, TimeoutError) as error:
        for cache in caches:
            await cache.close()
        unavailable("Redis", error)
    yield make
    for cache in caches:
        await cache.close()
    await clear_redis(REDIS_URL, prefix)


async def test_hits_are_allowed_up_to_the_limit_then_refused_until_the_oldest_leaves_the_window(
    limiter: RateLimiter, clock: FakeClock
) -> None:
    # given three hits ten seconds apart, in a window of a minute
    decisions = []
    for second in (0, 10, 20):
        clock.now = 1000 + second
        decisions.append(await limiter.hit("caller", limit=3, window_seconds=60))
    # then each was allowed, with one place fewer left
    assert [(d.allowed, d.remaining) for d in decisions] == [(True, 2), (True, 1), (True, 0)]

    # when a fourth comes 59 seconds after the first
    clock.now = 1059
    refused = await limiter.hit("caller", limit=3, window_seconds=60)
    # then it is refused until the first hit leaves the window, a second later
    assert (refused.allowed, refused.retry_after_seconds, refused.remaining) == (False, 1, 0)

    # and once it has, one (and only one) more fits: the window slides, it does not reset
    clock.now += 1.001
    assert (await limiter.hit("caller", limit=3, window_seconds=60)).allowed
    assert not (await limiter.hit("caller", limit=3, window_seconds=60)).allowed


async def test_a_refused_hit_counts_nothing(limiter: RateLimiter, clock: FakeClock) -> None:
    for _ in range(3):
        assert (await limiter.hit("caller", limit=3, window_seconds=60)).allowed
    for _ in range(50):
        assert not (await limiter.hit("caller", limit=3, window_seconds=60)).allowed
    # Had the refusals counted, the window would still be full a minute after the first hits.
    clock.now += 60.001
    assert (await limiter.hit("caller", limit=3, window_seconds=60)).allowed


async def test_a_costly_hit_fits_whole_or_not_at_all(limiter: RateLimiter, clock: FakeClock) -> None:
    assert (await limiter.hit("caller", limit=5, window_seconds=60, cost=4)).remaining == 1
    # Two more do not fit in the one place left, so neither is counted ...
    refused = await limiter.hit("caller", limit=5, window_seconds=60, cost=2)
    assert (refused.allowed, refused.remaining) == (False, 1)
    # ... and the one place is still there.
    assert (await limiter.hit("caller", limit=5, window_seconds=60, cost=1)).allowed


async def test_more_than_the_limit_at_once_is_never_allowed(limiter: RateLimiter) -> None:
    refused = await limiter.hit("caller", limit=30, window_seconds=900, cost=200)
    assert (refused.allowed, refused.retry_after_seconds, refused.remaining) == (False, 900, 30)
    # and it took nothing from the allowance
    assert (await limiter.hit("caller", limit=30, window_seconds=900, cost=30)).allowed


async def test_cost_zero_asks_without_counting(limiter: RateLimiter) -> None:
    assert (await limiter.hit("caller", limit=2, window_seconds=60, cost=0)).remaining == 2
    await limiter.hit("caller", limit=2, window_seconds=60)
    assert (await limiter.hit("caller", limit=2, window_seconds=60, cost=0)).remaining == 1


async def test_keys_and_namespaces_count_apart(clock: FakeClock) -> None:
    cache = InProcessCache(Metrics(), clock=clock)
    guests, partners = RateLimiter(cache), RateLimiter(cache, namespace="partner")
    assert (await guests.hit("a", limit=1, window_seconds=60)).allowed
    assert not (await guests.hit("a", limit=1, window_seconds=60)).allowed
    assert (await guests.hit("b", limit=1, window_seconds=60)).allowed
    assert (await partners.hit("a", limit=1, window_seconds=60)).allowed


async def test_nonsense_limits_are_refused(limiter: RateLimiter) -> None:
    with pytest.raises(ValueError, match="window"):
        await limiter.hit("caller", limit=1, window_seconds=0)
    with pytest.raises(ValueError, match="negative"):
        await limiter.hit("caller", limit=1, window_seconds=60, cost=-1)


async def test_limit_checks_are_not_cache_lookups(clock: FakeClock) -> None:
    metrics = Metrics()
    await RateLimiter(InProcessCache(metrics, clock=clock)).hit("caller", limit=1, window_seconds=60)
    samples = [s for family in metrics.cache_requests.collect() for s in family.samples]
    assert all(sample.value == 0 for sample in samples)


@pytest.mark.redis
async def test_replicas_on_redis_share_one_window(redis_caches: Callable[[str], Cache]) -> None:
    # given two replicas of one deployment, and a third deployment on the same server
    first, second, other = (RateLimiter(redis_caches(name)) for name in ("deploy:", "deploy:", "other:"))
    # when the first uses the whole allowance
    for _ in range(3):
        assert (await first.hit("caller", limit=3, window_seconds=60)).allowed
    # then the second is refused, with a hint of when to come back, and the other deployment is not
    refused = await second.hit("caller", limit=3, window_seconds=60)
    assert not refused.allowed
    assert 1 <= refused.retry_after_seconds <= 60
    assert (await other.hit("caller", limit=3, window_seconds=60)).allowed


@pytest.mark.redis
async def test_concurrent_hits_on_redis_cannot_both_take_the_last_place(
    redis_caches: Callable[[str], Cache],
) -> None:
    replicas = [RateLimiter(redis_caches("deploy:")) for _ in range(3)]
    decisions = await asyncio.gather(
        *(replicas[i % 3].hit("caller", limit=10, window_seconds=60) for i in range(40))
    )
    assert sum(d.allowed for d in decisions) == 10


@pytest.mark.redis
async def test_the_redis_window_slides(redis_caches: Callable[[str], Cache]) -> None:
    cache = redis_caches("deploy:")
    assert isinstance(cache, RedisCache)
    limiter = RateLimiter(cache)
    assert (await limiter.hit("caller", limit=2, window_seconds=60, cost=2)).allowed
    assert not (await limiter.hit("caller", limit=2, window_seconds=60)).allowed
    assert not (await limiter.hit("caller", limit=2, window_seconds=60, cost=3)).allowed

    # Redis scores hits by its own clock: the test moves them a minute into the past instead of waiting.
    await _age_hits(cache, "ratelimit:caller", seconds=60)

    assert (await limiter.hit("caller", limit=2, window_seconds=60, cost=2)).allowed


async def _age_hits(cache: RedisCache, key: str, *, seconds: float) -> None:
    redis: Redis = Redis.from_url(REDIS_URL)
    try:
        full_key = cache.prefix + key
        for member, score in await redis.zrange(full_key, 0, -1, withscores=True):
            await redis.zadd(full_key, {member: score - seconds * 1000})
    finally:
        await redis.aclose()
