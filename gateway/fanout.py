"""Calls to the regional backends: grouped by region, all regions at once, each under a deadline and a
circuit breaker, results handed back in key order."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import asyncpg
from opentelemetry.trace import NoOpTracer, Tracer
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from gateway.errors import RegionUnavailable
from gateway.gather import gather
from gateway.observability import Metrics
from regions.base.adapter import RegionAdapter
from regions.base.errors import RegionUnavailableError

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")


@dataclass(slots=True)
class CircuitBreaker:
    """Opens after `threshold` failures in a row; after `cooldown` seconds lets one probe through."""

    threshold: int = 5
    cooldown: float = 10.0
    failures: int = 0
    opened_at: float | None = None
    probing: bool = False
    clock: Callable[[], float] = field(default=time.monotonic)

    def allow(self) -> bool:
        if self.opened_at is None:
            return True
        if self.clock() - self.opened_at >= self.cooldown and not self.probing:
            self.probing = True
            return True
        return False

    def succeeded(self) -> None:
        self.failures, self.opened_at, self.probing = 0, None, False

    def failed(self) -> None:
        self.failures += 1
        self.probing = False
        if self.failures >= self.threshold:
            self.opened_at = self.clock()


def _refused_connection(error: BaseException) -> bool:
    """Whether a database error is the server turning the connection away (e.g. too many clients)."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, OSError | asyncpg.exceptions.TooManyConnectionsError):
            return True
        if isinstance(cause, asyncpg.exceptions.CannotConnectNowError):
            return True
        cause = cause.__cause__
    return False


def _failure_kind(error: BaseException) -> str | None:
    """What kind of unavailability an exception means, or None when it is not one (a bug: let it rise)."""
    if isinstance(error, TimeoutError | PoolTimeoutError):
        return "timeout"
    if isinstance(error, OSError):
        return "refused"
    if isinstance(error, OperationalError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    ):
        return "refused"
    if isinstance(error, DBAPIError) and _refused_connection(error):
        return "refused"
    if isinstance(error, RegionUnavailableError):
        return error.kind
    return None


class Fanout:
    """The gateway's only way to call a region."""

    def __init__(
        self,
        regions: Mapping[str, RegionAdapter],
        metrics: Metrics,
        *,
        timeout_seconds: float,
        breakers: Mapping[str, CircuitBreaker] | None = None,
        tracer: Tracer | None = None,
    ) -> None:
        self.regions = regions
        self.metrics = metrics
        self.timeout_seconds = timeout_seconds
        self.breakers = dict(breakers) if breakers else {code: CircuitBreaker() for code in regions}
        # Without a tracer provider every span would be a no-op: skip making them (as RequestMiddleware does).
        self.tracer = None if tracer is None or isinstance(tracer, NoOpTracer) else tracer

    async def call(self, region: str, call: Callable[[RegionAdapter], Awaitable[T]]) -> T:
        """One call to one region; any unavailability becomes `RegionUnavailable`."""
        adapter = self.regions.get(region)
        if adapter is None:
            raise RegionUnavailable(region)
        breaker = self.breakers[region]
        if not breaker.allow():
            self.metrics.region_errors.labels(region, "circuit_open").inc()
            raise RegionUnavailable(region)
        started = time.perf_counter()
        spanned = (
            contextlib.nullcontext(None)
            if self.tracer is None
            else self.tracer.start_as_current_span("region call", attributes={"region": region})
        )
        with spanned as span:
            try:
                async with asyncio.timeout(self.timeout_seconds):
                    result = await call(adapter)
            except Exception as error:
                kind = _failure_kind(error)
                if kind is None:
                    raise
                breaker.failed()
                self.metrics.region_errors.labels(region, kind).inc()
                if span is not None:
                    span.set_attribute("region.failure", kind)
                raise RegionUnavailable(region) from error
            finally:
                self.metrics.labelled(self.metrics.region_duration, region).observe(
                    time.perf_counter() - started
                )
        breaker.succeeded()
        return result

    async def by_region(
        self,
        keys: Sequence[K],
        region_of: Callable[[K], str],
        fetch: Callable[[RegionAdapter, list[K]], Awaitable[Mapping[K, V]]],
    ) -> list[V | RegionUnavailable | None]:
        """Group keys by region, one `fetch` per region, all regions concurrently; results in key order.

        A key the region does not know maps to None; every key of a failed region to its error.
        """
        grouped: dict[str, list[K]] = {}
        for key in keys:
            grouped.setdefault(region_of(key), []).append(key)
        regions = list(grouped)

        def fetch_region(region: str) -> Callable[[RegionAdapter], Awaitable[Mapping[K, V]]]:
            return lambda adapter: fetch(adapter, grouped[region])

        outcomes = await gather(
            *(self.call(region, fetch_region(region)) for region in regions), return_exceptions=True
        )
        found: dict[K, V | RegionUnavailable | None] = {}
        for region, outcome in zip(regions, outcomes, strict=True):
            if isinstance(outcome, RegionUnavailable):
                found.update(dict.fromkeys(grouped[region], outcome))
            elif isinstance(outcome, BaseException):
                raise outcome
            else:
                found.update({key: outcome.get(key) for key in grouped[region]})
        return [found[key] for key in keys]
