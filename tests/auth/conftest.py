"""A small app of the auth routes and one protected route, over a directory seeded here on SQLite."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import func, insert, select, update
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.auth.authenticate import Authenticator
from gateway.auth.passwords import hash_password
from gateway.auth.routes import REFRESH_COOKIE, auth_routes
from gateway.cache import Cache, RedisCache
from gateway.clock import SYSTEM_CLOCK, Clock
from gateway.directory.generation import directory_changed
from gateway.directory.tables import associations, entities, users
from gateway.errors import Unauthenticated
from gateway.migrations import DIRECTORY_SCRIPTS, upgrade
from gateway.observability import Metrics
from gateway.runtime import Runtime
from gateway.settings import Settings
from regions.base.registry import REGION_CODES

PASSWORD = "Correct-Horse-Battery-9"
PASSWORD_HASH = hash_password(PASSWORD)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

# Tax IDs of the entities seeded below.
NW_GROUP = "111111111"
CO_GROUP = "222222222"
EMPLOYER = "333333333"


def base_settings(data_dir: Path, **overrides: Any) -> Settings:
    settings = Settings(
        data_dir=data_dir,
        directory_database_url=f"sqlite+aiosqlite:///{data_dir}/d.sqlite3",
        region_database_urls={
            code: f"sqlite+aiosqlite:///{data_dir}/{code}.sqlite3" for code in REGION_CODES
        },
        cookie_secure=False,
    )
    return replace(settings, **overrides)


async def seed_directory(runtime: Runtime) -> None:
    """alice: ACTIVE staff (one ACTIVE and one PENDING association, an employer); bob: DISABLED."""
    now = datetime.now(UTC)
    async with runtime.directory.engine.begin() as connection:
        if (await connection.execute(select(func.count()).select_from(users))).scalar_one():
            return
        for pk, tax_id in ((1, NW_GROUP), (2, CO_GROUP), (3, EMPLOYER)):
            await connection.execute(
                insert(entities).values(id=pk, tax_id=tax_id, name=f"Entity {pk}", kind="GROUP")
            )
        for pk, user_id, status, employer in ((1, "alice", "ACTIVE", 3), (2, "bob", "DISABLED", None)):
            await connection.execute(
                insert(users).values(
                    id=pk,
                    user_id=user_id,
                    kind="PROVIDER_STAFF",
                    status=status,
                    password_hash=PASSWORD_HASH,
                    first_name=user_id.title(),
                    last_name="Example",
                    email=f"{user_id}@example.test",
                    organization="Example Clinic",
                    employer_entity_id=employer,
                    created_at=now,
                )
            )
        for pk, entity, region, access, status in (
            (1, 1, "NW", "CLINICAL", "ACTIVE"),
            (2, 2, "CO", "ADMINISTRATIVE", "PENDING"),
        ):
            await connection.execute(
                insert(associations).values(
                    id=pk,
                    user_id=1,
                    entity_id=entity,
                    region=region,
                    access=access,
                    status=status,
                    requested_at=now,
                )
            )


async def whoami(authenticator: Authenticator, request: Request) -> Response:
    """The protected route: who the request's bearer token says is asking."""
    try:
        principal = await authenticator.principal_for(request)
    except Unauthenticated:
        return JSONResponse({"error": "unauthenticated"}, status_code=401)
    return JSONResponse(
        {
            "kind": principal.kind.value,
            "user_id": principal.user_id,
            "session_id": principal.session_id,
            "active_region": principal.active_region,
            "grants": sorted(f"{g.region}/{g.tax_id}/{g.access.value}" for g in principal.grants),
            "related_tax_ids": sorted(principal.related_tax_ids),
        }
    )


def build_app(authenticator: Authenticator) -> Starlette:
    async def protected(request: Request) -> Response:
        return await whoami(authenticator, request)

    return Starlette(routes=[*auth_routes(authenticator), Route("/whoami", protected)])


@dataclass
class Gateway:
    """One gateway replica: its runtime, authenticator, and an HTTP client with its own cookie jar."""

    runtime: Runtime
    authenticator: Authenticator
    client: httpx.AsyncClient

    async def sign_in(self, user_id: str = "alice", password: str = PASSWORD) -> httpx.Response:
        return await self.client.post("/auth/sign-in", json={"userId": user_id, "password": password})

    async def token(self, user_id: str = "alice") -> str:
        response = await self.sign_in(user_id)
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    async def whoami(self, token: str) -> httpx.Response:
        return await self.client.get("/whoami", headers={"authorization": f"Bearer {token}"})

    async def refresh(self, cookie: str | None = None) -> httpx.Response:
        """A refresh with this client's cookie, or with the given cookie value (from another replica)."""
        if cookie is None:
            return await self.client.post("/auth/refresh")
        return await self.client.post("/auth/refresh", headers={"cookie": f"{REFRESH_COOKIE}={cookie}"})

    def refresh_cookie(self) -> str:
        value = self.client.cookies.get(REFRESH_COOKIE, path="/auth")
        assert value, "no refresh cookie"
        return value

    async def execute(self, statement: Any) -> None:
        """A directory change made by hand, announced as gateway/directory/generation.py asks."""
        async with self.runtime.directory.engine.begin() as connection:
            await connection.execute(statement)
        await directory_changed(self.runtime.cache)

    async def set_user_status(self, user_id: str, status: str) -> None:
        await self.execute(update(users).where(users.c.user_id == user_id).values(status=status))


class MakeGateway(Protocol):
    def __call__(
        self,
        *,
        cache: Cache | None = None,
        oidc_client: httpx.AsyncClient | None = None,
        clock: Clock = SYSTEM_CLOCK,
        **overrides: Any,
    ) -> Awaitable[Gateway]: ...


@asynccontextmanager
async def running_gateway(
    settings: Settings,
    *,
    cache: Cache | None,
    oidc_client: httpx.AsyncClient | None,
    clock: Clock = SYSTEM_CLOCK,
) -> AsyncIterator[Gateway]:
    runtime = Runtime.create(settings, clock=clock)
    if cache is not None:
        await runtime.cache.close()
        runtime.cache = cache
    try:
        # Only the directory: sign-in never reaches a region, and migrating seven more stores per test is slow.
        await upgrade(runtime.directory.engine, DIRECTORY_SCRIPTS)
        await seed_directory(runtime)
        authenticator = Authenticator(runtime, oidc_client=oidc_client)
        await authenticator.start()
        try:
            transport = httpx.ASGITransport(app=build_app(authenticator))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                yield Gateway(runtime=runtime, authenticator=authenticator, client=client)
        finally:
            await authenticator.close()
    finally:
        await runtime.close()


@pytest.fixture
async def make_gateway(tmp_path: Path) -> AsyncIterator[MakeGateway]:
    """Starts gateway replicas over one directory in tmp_path; every call is one more replica."""
    async with AsyncExitStack() as stack:

        async def make(
            *,
            cache: Cache | None = None,
            oidc_client: httpx.AsyncClient | None = None,
            clock: Clock = SYSTEM_CLOCK,
            **overrides: Any,
        ) -> Gateway:
            settings = base_settings(tmp_path, **overrides)
            return await stack.enter_async_context(
                running_gateway(settings, cache=cache, oidc_client=oidc_client, clock=clock)
            )

        yield make


@pytest.fixture
async def gateway(make_gateway: MakeGateway) -> Gateway:
    return await make_gateway()


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix of this test's own on the test Redis; its keys are deleted afterwards."""
    redis: Redis = Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        await redis.ping()
    except (RedisError, OSError) as error:
        await redis.aclose()
        message = f"Redis at {REDIS_URL} is not reachable ({type(error).__name__})"
        if services_required():
            pytest.fail(message + " and REQUIRE_SERVICES=1")
        pytest.skip(message)
    prefix = f"gwtest-auth-{uuid.uuid4().hex}:"
    try:
        yield prefix
    finally:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()


def redis_cache(prefix: str) -> Cache:
    """A Redis cache under the test's own prefix; each replica gets its own connection pool."""
    return RedisCache(REDIS_URL, Metrics(), prefix=prefix)
