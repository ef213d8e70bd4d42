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
        redis_prefix=redis_prefix("shared"),
        cookie_secure=False,
        # Many gateways live at once in a run, each with a pool per store: keep PostgreSQL under its
        # connection limit.
        database_pool_size=2,
        # The shared test gateway lives for the whole run; its tokens must too.
        access_token_ttl_seconds=3600,
        session_idle_seconds=3600,
        # The suite signs in and asks for tokens from one address all day: tests/security/ checks the
        # throttles of guessing with limits of its own.
        attempts_per_address=100_000,
        attempts_per_account_and_address=100_000,
        attempts_per_account=100_000,
        # GRAPHQL_EXECUTOR=compiled|graphql-core runs the whole suite under either executor.
        graphql_executor=os.environ.get("GRAPHQL_EXECUTOR", Settings().graphql_executor),
        # The suite reads emails from the outbox as they were written; tests of delivery (test_mail.py) run a
        # worker of their own, or turn it on with an SMTP server of the test.
        mail_delivery=False,
    )
    return replace(settings, **overrides)


BACKENDS = ["sqlite", "postgres"]


async def open_stores(backend: str, tmp_path_factory: pytest.TempPathFactory, name: str) -> StoreUrls:
    """Empty stores on one backend: SQLite files, or PostgreSQL databases (one per region) with Redis."""
    if backend == "sqlite":
        return sqlite_urls(tmp_path_factory.mktemp(f"sqlite-{name}"))
    try:
        urls = await fresh_postgres_databases(f"gwtest_{os.getpid()}_{name}")
        assert urls.redis is not None
        await clear_redis(urls.redis, redis_prefix(name))
    except (OSError, asyncpg.PostgresError, RedisError, TimeoutError) as error:
        unavailable("PostgreSQL or Redis", error)
    return urls


async def close_stores(backend: str, name: str, urls: StoreUrls) -> None:
    if backend == "postgres":
        await drop_postgres_databases(f"gwtest_{os.getpid()}_{name}")
        assert urls.redis is not None
        await clear_redis(urls.redis, redis_prefix(name))


def redis_prefix(name: str) -> str:
    """Each gateway of a run keeps its keys (sessions, rate limits) apart from the others'."""
    return f"{TEST_REDIS_PREFIX}{name}:"


async def seed_stores(urls: StoreUrls, data_dir: Path) -> None:
    """Migrate the stores and load the demo data (docs/demo-data.md) with a little bulk data."""
    runtime = Runtime.create(settings_for(urls, data_dir))
    try:
        await runtime.migrate()
        await seed(
            runtime.directory.engine,
            {code: adapter.store.engine for code, adapter in runtime.regions.items()},
            claims_per_region=TEST_CLAIMS_PER_REGION,
        )
    finally:
        await runtime.close()


@pytest.fixture(scope="session", params=BACKENDS)
async def stores(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[StoreUrls]:
    """The stores of the shared, read-only gateway of one backend."""
    urls = await open_stores(request.param, tmp_path_factory, "shared")
    yield urls
    await close_stores(request.param, "shared", urls)


@pytest.fixture(scope="session")
async def seeded(stores: StoreUrls, tmp_path_factory: pytest.TempPathFactory) -> StoreUrls:
    await seed_stores(stores, tmp_path_factory.mktemp("seed"))
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


async def start_gateway(settings: Settings, runtime: Runtime | None = None) -> AsyncIterator[Gateway]:
    runtime = runtime or Runtime.create(settings)
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


@pytest.fixture(scope="module", params=BACKENDS)
async def writable_gateway(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Gateway]:
    """A gateway over freshly seeded stores of its own, for a test module that writes: the shared
    gateway's data stays exactly as docs/demo-data.md writes it."""
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")[:20]
    urls = await open_stores(request.param, tmp_path_factory, name)
    await seed_stores(urls, tmp_path_factory.mktemp(f"seed-{name}"))
    settings = settings_for(urls, tmp_path_factory.mktemp(f"gateway-{name}"), redis_prefix=redis_prefix(name))
    async for running in start_gateway(settings):
        yield running
    await close_stores(request.param, name, urls)
