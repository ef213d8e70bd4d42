"""What one gateway process holds for its whole life: settings, stores, region adapters, cache, metrics."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Tracer
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.cache import Cache, create_cache
from gateway.clock import SYSTEM_CLOCK, Clock
from gateway.directory.store import DirectoryStore
from gateway.fanout import CircuitBreaker, Fanout
from gateway.migrations import DIRECTORY_SCRIPTS, REGION_SCRIPTS, upgrade
from gateway.observability import Metrics
from gateway.settings import Settings
from gateway.tracing import create_tracer
from regions.base.adapter import RegionAdapter
from regions.base.engine import create_store_engine
from regions.base.registry import ADAPTERS
from regions.base.store import RegionStore

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Runtime:
    settings: Settings
    metrics: Metrics
    cache: Cache
    directory: DirectoryStore
    regions: Mapping[str, RegionAdapter]
    fanout: Fanout
    tracer: Tracer
    tracer_provider: TracerProvider | None = None
    # What the process's sessions, tokens, limits and breakers go by; tests pass one they move by hand.
    clock: Clock = SYSTEM_CLOCK

    @classmethod
    def create(
        cls,
        settings: Settings,
        metrics: Metrics | None = None,
        tracer_provider: TracerProvider | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> Runtime:
        """Engines are lazy: nothing connects until the first statement, so an unreachable region
        cannot stop the gateway from starting."""
        metrics = metrics or Metrics()
        if tracer_provider is None:
            tracer, tracer_provider = create_tracer(settings.otel_endpoint)
        else:
            tracer = tracer_provider.get_tracer("gateway")
        directory_engine = create_store_engine(
            settings.directory_database_url,
            on_statement=metrics.directory_statements.inc,
            pool_size=settings.database_pool_size,
        )
        regions: dict[str, RegionAdapter] = {}
        for code, adapter in ADAPTERS.items():
            engine = create_store_engine(
                settings.region_database_urls[code],
                on_statement=metrics.region_statements.labels(code).inc,
                pool_size=settings.database_pool_size,
            )
            regions[code] = adapter(RegionStore(code, engine))
        return cls(
            settings=settings,
            metrics=metrics,
            cache=create_cache(
                settings.redis_url, metrics, prefix=settings.redis_prefix, clock=clock.monotonic
            ),
            directory=DirectoryStore(directory_engine),
            regions=regions,
            fanout=Fanout(
                regions,
                metrics,
                timeout_seconds=settings.region_timeout_ms / 1000,
                breakers={
                    code: CircuitBreaker(
                        threshold=settings.breaker_failures,
                        cooldown=settings.breaker_cooldown_seconds,
                        clock=clock.monotonic,
                    )
                    for code in regions
                },
                tracer=tracer,
            ),
            tracer=tracer,
            tracer_provider=tracer_provider,
            clock=clock,
        )

    @property
    def engines(self) -> dict[str, AsyncEngine]:
        found = {"directory": self.directory.engine}
        found.update({code: adapter.store.engine for code, adapter in self.regions.items()})
        return found

    async def migrate(self) -> dict[str, str]:
        """Apply migrations to every store that answers; returns the stores that failed and why."""
        failures: dict[str, str] = {}
        await upgrade(self.directory.engine, DIRECTORY_SCRIPTS)
        for code, adapter in self.regions.items():
            try:
                await upgrade(adapter.store.engine, REGION_SCRIPTS)
            except (OSError, TimeoutError, SQLAlchemyError) as error:
                failures[code] = type(error).__name__
                logger.warning("region store not migrated", extra={"fields": {"region": code}})
        return failures

    async def close(self) -> None:
        if self.tracer_provider is not None:
            self.tracer_provider.shutdown()
        await self.cache.close()
        for adapter in self.regions.values():
            await adapter.store.close()
        await self.directory.close()
        for engine in self.engines.values():
            await engine.dispose()
