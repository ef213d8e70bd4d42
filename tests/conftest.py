"""Fixtures shared by the suite: seeded stores on every backend, and a gateway to talk to over HTTP."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from redis.exceptions import RedisError
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.runtime import Runtime
from gateway.seed import seed
from gateway.settings import Settings
from tests.services import (
    TEST_REDIS_PREFIX,
    StoreUrls,
    clear_redis,
    drop_postgres_databases,
    fresh_postgres_databases,
    sqlite_urls,
    unavailable,
)

DEMO_PASSWORD = "Affiliate-Demo-2026!"
DEMO_PEOPLE = ("dana.reyes", "omar.haddad", "tess.nguyen", "rep.scal", "rep.ga")
TEST_CLAIMS_PER_REGION = 40


def settings_for(urls: StoreUrls, data_dir: Path, **overrides: Any) -> Settings:
    settings = Settings(
        data_dir=data_dir,
        directory_database_url=urls.directory,
        region_database_urls=dict(urls.regions),
        redis_url=urls.redis,
        redis_prefix=TEST_REDIS_PREFIX,
        cookie_secure=False,
        # The shared test gateway lives for the whole run; its tokens must too.
        access_token_ttl_seconds=3600,
        session_idle_seconds=3600,
    )
    return replace(settings, **overrides)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
async def stores(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[StoreUrls]:
    """Empty stores on one backend: SQLite files, or PostgreSQL databases (one per region) with Redis."""
    if request.param == "sqlite":
        yield sqlite_urls(tmp_path_factory.mktemp("sqlite"))
        return
    prefix = f"gwtest_{os.getpid()}"
    try:
        urls = await fresh_postgres_databases(prefix)
        assert urls.redis is not None
        await clear_redis(urls.redis)
    except (OSError, asyncpg.PostgresError, RedisError, TimeoutError) as error:
        unavailable("PostgreSQL or Redis", error)
    yield urls
    await drop_postgres_databases(prefix)
    await clear_redis(urls.redis)


@pytest.fixture(scope="session")
async def seeded(stores: StoreUrls, tmp_path_factory: pytest.TempPathFactory) -> StoreUrls:
    """The stores, migrated and loaded with the demo data (DEMO_DATA.md) and a little bulk data."""
    runtime = Runtime.create(settings_for(stores, tmp_path_factory.mktemp("seed")))
    try:
        await runtime.migrate()
        await seed(
            runtime.directory.engine,
            {code: adapter.store.engine for code, adapter in runtime.regions.items()},
            claims_per_region=TEST_CLAIMS_PER_REGION,
        )
    finally:
        await runtime.close()
    return stores


@dataclass
class Gateway:
    """A running gateway app and an HTTP client to it."""

    app: Starlette
    runtime: Runtime
    client: httpx.AsyncClient
    tokens: dict[str, str] = field(default_factory=dict)

    async def sign_in(self, user_id: str, password: str = DEMO_PASSWORD) -> str:
        response = await self.client.post("/auth/sign-in", json={"userId": user_id, "password": password})
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    async def token(self, user_id: str) -> str:
        """A token of a demo person, signed in once for the whole run."""
        if user_id not in self.tokens:
            self.tokens[user_id] = await self.sign_in(user_id)
        return self.tokens[user_id]

    async def post(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        *,
        as_user: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if as_user is not None:
            all_headers["authorization"] = f"Bearer {await self.token(as_user)}"
        return await self.client.post(
            "/graphql", json={"query": document, "variables": variables or {}}, headers=all_headers
        )

    async def query(
        self, document: str, variables: dict[str, Any] | None = None, *, as_user: str | None = None
    ) -> dict[str, Any]:
        """The JSON body of a GraphQL request; asserts the HTTP exchange itself went well."""
        response = await self.post(document, variables, as_user=as_user)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def statements(self, region: str) -> float:
        """The N+1 meter of one region, as /metrics reports it."""
        value = self.runtime.metrics.registry.get_sample_value(
            "region_backend_statements_total", {"region": region}
        )
        return value or 0.0


async def start_gateway(settings: Settings) -> AsyncIterator[Gateway]:
    runtime = Runtime.create(settings)
    app = create_app(runtime=runtime)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield Gateway(app=app, runtime=runtime, client=client)


@pytest.fixture(scope="session")
async def gateway(seeded: StoreUrls, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Gateway]:
    """One gateway over the seeded stores, shared by the read-only tests of a backend."""
    async for running in start_gateway(settings_for(seeded, tmp_path_factory.mktemp("gateway"))):
        yield running
