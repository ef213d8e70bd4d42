"""The backends the suite runs on: embedded SQLite always, PostgreSQL with Redis where the services are up
(always in CI, where REQUIRE_SERVICES=1 turns a missing service into a failure)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from redis.asyncio import Redis

from regions.base.registry import REGION_CODES

POSTGRES_ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
POSTGRES_URL_BASE = os.environ.get("TEST_POSTGRES_URL_BASE", "postgresql+asyncpg://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"


def unavailable(what: str, error: BaseException) -> None:
    """Skip a test that needs a service that is down, or fail it where services are required."""
    message = f"{what} is not reachable ({type(error).__name__}: {error})"
    if services_required():
        pytest.fail(message + " and REQUIRE_SERVICES=1")
    pytest.skip(message)


@dataclass(frozen=True, slots=True)
class StoreUrls:
    directory: str
    regions: Mapping[str, str]
    redis: str | None


def sqlite_urls(directory: Path) -> StoreUrls:
    return StoreUrls(
        directory=f"sqlite+aiosqlite:///{directory / 'directory.sqlite3'}",
        regions={
            code: f"sqlite+aiosqlite:///{directory / f'region-{code.lower()}.sqlite3'}"
            for code in REGION_CODES
        },
        redis=None,
    )


async def fresh_postgres_databases(prefix: str) -> StoreUrls:
    """Drop and create one database for the directory and one per region: each region its own store."""
    names = {
        "directory": f"{prefix}_directory",
        **{code: f"{prefix}_{code.lower()}" for code in REGION_CODES},
    }
    connection = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
    try:
        for name in names.values():
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return StoreUrls(
        directory=f"{POSTGRES_URL_BASE}/{names['directory']}",
        regions={code: f"{POSTGRES_URL_BASE}/{names[code]}" for code in REGION_CODES},
        redis=REDIS_URL,
    )


async def drop_postgres_databases(prefix: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
    try:
        for name in ["directory", *(code.lower() for code in REGION_CODES)]:
            await connection.execute(f'DROP DATABASE IF EXISTS "{prefix}_{name}" WITH (FORCE)')
    finally:
        await connection.close()


TEST_REDIS_PREFIX = f"gwtest{os.getpid()}:"


async def clear_redis(url: str, prefix: str = TEST_REDIS_PREFIX) -> None:
    """Delete this test run's keys only: other runs may share the server."""
    redis = Redis.from_url(url, socket_connect_timeout=2)
    try:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}*", count=500)]
        if keys:
            await asyncio.wait_for(redis.delete(*keys), 5)
    finally:
        await redis.aclose()
