"""An open WebSocket must not keep access after its session ends: every operation it starts is authorized
as of that moment, and the server closes it with 4401 when the session ends (sign-out on any replica, the
idle or absolute limit, a disabled person, a token that cannot be renewed), with no operation needed."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest
import websockets
from sqlalchemy import select, update
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from gateway.directory.generation import directory_changed
from gateway.directory.tables import associations, users
from gateway.runtime import Runtime
from gateway.settings import Settings
from tests.clock import FakeClock
from tests.conftest import Gateway, start_gateway
from tests.partner_steps import partner_token
from tests.services import REDIS_URL, TEST_REDIS_PREFIX, clear_redis
from tests.test_inbasket_subscription import IN_BASKET, serving

# How long the server may take to notice on a loaded machine (it looks every CHECK_SECONDS).
NOTICE_SECONDS = 10.0
CHECK_SECONDS = 0.05
CLAIM_REGIONS = "{ claims(search: {}, first: 100) { edges { node { region { code } } } } }"

StartGateway = Callable[..., Awaitable[Gateway]]


@pytest.fixture
async def start(writable_gateway: Gateway) -> AsyncIterator[StartGateway]:
    """Starts gateways over the module's stores, each on a clock of the test's and looking at its sockets'
    sessions every CHECK_SECONDS; `**overrides` are settings."""
    stack: list[AsyncIterator[Gateway]] = []

    async def make(clock: FakeClock, **overrides: Any) -> Gateway:
        settings = replace(
            writable_gateway.runtime.settings,
            websocket_check_seconds=CHECK_SECONDS,
            **{"redis_prefix": f"{TEST_REDIS_PREFIX}ws-{uuid.uuid4().hex[:8]}:", **overrides},
        )
        running = start_gateway(settings, Runtime.create(settings, clock=clock))
        stack.append(running)
        return await anext(running)

    yield make
    for running in reversed(stack):
        async for _ in running:  # the rest of the generator: the gateway's shutdown
            pass
    await clear_redis(REDIS_URL, f"{TEST_REDIS_PREFIX}ws-")


@asynccontextmanager
async def connected(
    gateway: Gateway, token: str, protocol: str = "graphql-transport-ws"
) -> AsyncIterator[ClientConnection]:
    """A WebSocket to the gateway, its access token in `connection_init`, subscribed to the in-basket."""
    async with (
        serving(gateway.app) as endpoint,
        websockets.connect(endpoint, subprotocols=[Subprotocol(protocol)]) as socket,
    ):
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        start = "subscribe" if protocol == "graphql-transport-ws" else "start"
        await socket.send(json.dumps({"id": "in-basket", "type": start, "payload": {"query": IN_BASKET}}))
        if protocol == "graphql-transport-ws":
            # Messages are handled in order: once this answers, the subscription has started (before the
            # test moves the clock on).
            await operation(socket, "{ __typename }")
        yield socket


async def close_code(socket: ClientConnection) -> int | None:
    """The code the server closes the socket with, once it does (None if it stays open that long)."""
    try:
        async with asyncio.timeout(NOTICE_SECONDS):
            while True:
                await socket.recv()
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd is not None else None
    except TimeoutError:
        return None


async def still_open(socket: ClientConnection) -> bool:
    """Whether the socket stays open over several of the server's looks at it."""
    try:
        async with asyncio.timeout(CHECK_SECONDS * 10):
            while True:
                await socket.recv()
    except TimeoutError:
        return True
    except ConnectionClosed:
        return False


async def operation(socket: ClientConnection, document: str) -> dict[str, Any]:
    """Run one query on the socket; its result."""
    operation_id = uuid.uuid4().hex
    await socket.send(json.dumps({"id": operation_id, "type": "subscribe", "payload": {"query": document}}))
    async with asyncio.timeout(NOTICE_SECONDS):
        while True:
            frame = json.loads(await socket.recv())
            if frame.get("id") == operation_id and frame["type"] == "next":
                payload: dict[str, Any] = frame["payload"]
                return payload


async def sign_out(gateway: Gateway, token: str) -> None:
    response = await gateway.client.post("/auth/sign-out", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 204


async def test_sign_out_closes_the_socket_with_no_operation_needed(start: StartGateway) -> None:
    gateway = await start(FakeClock())
    token = await gateway.sign_in("dana.reyes")
    async with connected(gateway, token) as socket:
        assert await still_open(socket)

        await sign_out(gateway, token)

        assert await close_code(socket) == 4401


async def test_sign_out_closes_the_older_protocols_socket_too(start: StartGateway) -> None:
    gateway = await start(FakeClock())
    token = await gateway.sign_in("dana.reyes")
    async with connected(gateway, token, protocol="graphql-ws") as socket:
        await sign_out(gateway, token)

        assert await close_code(socket) == 4401


async def test_sign_out_on_another_replica_closes_the_socket(start: StartGateway) -> None:
    # given two replicas sharing Redis, the socket on the first, the sign-out on the second
    clock = FakeClock()
    shared = f"{TEST_REDIS_PREFIX}ws-{uuid.uuid4().hex[:8]}:"
    first = await start(clock, redis_url=REDIS_URL, redis_prefix=shared)
    second = await start(clock, redis_url=REDIS_URL, redis_prefix=shared)
    token = await second.sign_in("dana.reyes")
    async with connected(first, token) as socket:
        assert await still_open(socket)

        await sign_out(second, token)

        assert await close_code(socket) == 4401


@pytest.mark.parametrize("redis", [False, True], ids=["in-process", "redis"])
async def test_an_idle_session_closes_the_socket_and_an_open_socket_is_no_activity(
    start: StartGateway, redis: bool
) -> None:
    clock = FakeClock()
    gateway = await start(clock, session_idle_seconds=600, redis_url=REDIS_URL if redis else None)
    token = await gateway.sign_in("dana.reyes")
    async with connected(gateway, token) as socket:
        clock.advance(590)
        assert await still_open(socket)

        clock.advance(20)
        if redis:
            # Redis keeps the idle timer by its own clock: let the session's entry run out there.
            await _expire_session_entries(gateway.runtime.settings)

        assert await close_code(socket) == 4401


async def _expire_session_entries(settings: Settings) -> None:
    from redis.asyncio import Redis

    redis: Redis = Redis.from_url(REDIS_URL)
    try:
        async for key in redis.scan_iter(match=f"{settings.redis_prefix}session:*"):
            await redis.delete(key)
    finally:
        await redis.aclose()


async def test_the_absolute_limit_closes_the_socket_however_active(start: StartGateway) -> None:
    clock = FakeClock()
    gateway = await start(clock, session_absolute_seconds=1200, session_idle_seconds=600)
    token = await gateway.sign_in("dana.reyes")
    async with connected(gateway, token) as socket:
        for _ in range(3):  # an operation every 5 minutes keeps it from idling out
            clock.advance(300)
            assert "errors" not in await operation(socket, CLAIM_REGIONS)

        clock.advance(301)

        assert await close_code(socket) == 4401


async def test_a_disabled_person_is_closed_out(start: StartGateway, writable_gateway: Gateway) -> None:
    gateway = await start(FakeClock())
    token = await gateway.sign_in("tess.nguyen")
    async with connected(gateway, token) as socket:
        try:
            await _set_status(gateway, "tess.nguyen", "DISABLED")

            assert await close_code(socket) == 4401
        finally:
            await _set_status(gateway, "tess.nguyen", "ACTIVE")


async def _set_status(gateway: Gateway, user_id: str, status: str) -> None:
    async with gateway.runtime.directory.engine.begin() as connection:
        await connection.execute(update(users).where(users.c.user_id == user_id).values(status=status))
    await directory_changed(gateway.runtime.cache)


async def test_an_expired_token_of_a_live_session_keeps_the_socket(start: StartGateway) -> None:
    # The web app renews its token with the session's cookie: the socket lasts as long as the session.
    clock = FakeClock()
    gateway = await start(clock, access_token_ttl_seconds=300, session_idle_seconds=3600)
    token = await gateway.sign_in("dana.reyes")
    async with connected(gateway, token) as socket:
        clock.advance(400)

        assert await still_open(socket)
        assert "errors" not in await operation(socket, CLAIM_REGIONS)


async def test_a_partner_token_that_expires_closes_the_socket(start: StartGateway) -> None:
    # A client-credentials token is not renewed on the socket: the client asks for a new one.
    clock = FakeClock()
    gateway = await start(clock, partner_token_ttl_seconds=600)
    token = await partner_token(gateway)
    async with connected(gateway, token) as socket:
        clock.advance(590)
        assert await still_open(socket)

        clock.advance(30)

        assert await close_code(socket) == 4401


async def test_each_operation_sees_the_associations_of_its_moment(start: StartGateway) -> None:
    gateway = await start(FakeClock())
    token = await gateway.sign_in("dana.reyes")
    async with connected(gateway, token) as socket:
        before = await operation(socket, CLAIM_REGIONS)
        assert _regions(before) == {"SCAL", "NCAL"}
        async with gateway.runtime.directory.engine.begin() as connection:
            dana = (
                await connection.execute(select(users.c.id).where(users.c.user_id == "dana.reyes"))
            ).scalar_one()
            scal = (associations.c.user_id == dana) & (associations.c.region == "SCAL")
            await connection.execute(update(associations).where(scal).values(status="REMOVED"))
        await directory_changed(gateway.runtime.cache)
        try:
            after = await operation(socket, CLAIM_REGIONS)

            assert _regions(after) == {"NCAL"}
            assert await still_open(socket)  # losing one association is not the end of the session
        finally:
            async with gateway.runtime.directory.engine.begin() as connection:
                await connection.execute(update(associations).where(scal).values(status="ACTIVE"))
            await directory_changed(gateway.runtime.cache)


def _regions(payload: dict[str, Any]) -> set[str]:
    assert "errors" not in payload, payload
    return {edge["node"]["region"]["code"] for edge in payload["data"]["claims"]["edges"]}
