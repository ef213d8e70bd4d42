"""The gateway with one region slowed by an injected delay: a slow region must cost its own delay only."""

from __future__ import annotations

import asyncio
import os

from starlette.applications import Starlette

from gateway.app import create_app as create_gateway
from gateway.runtime import Runtime
from gateway.settings import Settings
from regions.base.adapter import RegionAdapter
from regions.base.queries import ClaimSearch
from regions.base.records import ClaimRecord, Page


def create_app() -> Starlette:
    settings = Settings.from_env()
    runtime = Runtime.create(settings)
    region = os.environ.get("BENCH_SLOW_REGION", "NCAL")
    delay = int(os.environ.get("BENCH_SLOW_MS", "50")) / 1000
    original = runtime.regions[region]

    class Slowed(type(original)):  # type: ignore[misc]
        async def search_claims(self, search: ClaimSearch) -> Page[ClaimRecord]:
            await asyncio.sleep(delay)
            return await RegionAdapter.search_claims(self, search)

    regions = dict(runtime.regions)
    regions[region] = Slowed(original.store)
    runtime.regions = regions
    runtime.fanout.regions = regions
    return create_gateway(runtime=runtime)
