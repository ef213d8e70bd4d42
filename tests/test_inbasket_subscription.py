"""The `inBasket` subscription over a real WebSocket (graphql-transport-ws): a person receives their own
new messages and nobody else's, each delivery re-checked against their access of the moment, and any
replica can deliver what another filed (Redis pub/sub)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import orjson
import pytest
import uvicorn
import websockets
from sqlalchemy import update
from starlette.types import ASGIApp
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from gateway.directory.generation import directory_changed
from gateway.directory.tables import associations, users
from gateway.ids import decode_id
from tests.conftest import Gateway, redis_prefix, start_gateway
from tests.live import free_port
from tests.services import REDIS_URL, clear_redis
from tests.test_claim_actions import DOCUMENTATION, claim_of, send

IN_BASKET = """
subscription { inBasket { id kind folder subject claim { claimNumber } } }
"""
# How long a delivery may take on a loaded machine, and how long silence must last to mean "nothing".
DELIVERY_SECONDS = 5.0
QUIET_SECONDS = 0.5


@asynccontextmanager
async def serving(app: ASGIApp) -> AsyncIterator[str]:
    """A real server for an app whose lifespan the test already runs; yields its WebSocket endpoint."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, lifespan="off", ws="websockets-sansio"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
        yield f"ws://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def subscribed(endpoint: str, token: str | None) -> AsyncIterator[ClientConnection]:
    """A graphql-transport-ws connection, its access token in `connection_init`, subscribed to inBasket."""
    payload = {} if token is None else {"authorization": f"Bearer {token}"}
    async with websockets.connect(endpoint, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        await socket.send(
            json.dumps({"id": "in-basket", "type": "subscribe", "payload": {"query": IN_BASKET}})
        )
        yield socket


async def received(
    socket: ClientConnection, count: int, seconds: float = DELIVERY_SECONDS
) -> list[dict[str, Any]]:
    """The next `count` messages the socket receives (fewer if they do not come within `seconds`)."""
    frames: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(seconds):
            while len(frames) < count:
                frames.append(json.loads(await socket.recv()))
    except TimeoutError:
        pass
    return frames


async def silent(socket: ClientConnection) -> bool:
    """Whether nothing arrives for a while."""
    return await received(socket, 1, QUIET_SECONDS) == []


def delivered(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert all(frame["type"] == "next" and "errors" not in frame["payload"] for frame in frames), frames
    return [frame["payload"]["data"]["inBasket"] for frame in frames]


async def submit(gateway: Gateway, user: str, claim_number: str, body: str) -> set[str]:
    """Send documentation; the ids of what was filed (the message and any acknowledgement letter)."""
    claim = await claim_of(gateway, claim_number, user)
    payload = await send(gateway, DOCUMENTATION, user, claimId=claim["id"], body=body)
    assert payload["userErrors"] == []
    return {
        payload["message"]["id"],
        *([payload["acknowledgement"]["id"]] if payload["acknowledgement"] else []),
    }


async def until_live(socket: ClientConnection, gateway: Gateway, user: str, claim_number: str) -> None:
    """The server subscribes a moment after the client asks: send until the person's own news arrives,
    then let whatever else those attempts sent arrive, so that later assertions start from silence."""
    filed: set[str] = set()
    for attempt in range(20):
        filed |= await submit(gateway, user, claim_number, f"Are you there? ({attempt})")
        news = delivered(await received(socket, 1, QUIET_SECONDS))
        if news:
            while more := await received(socket, 1, QUIET_SECONDS):
                news += delivered(more)
            assert {item["id"] for item in news} <= filed
            return
    raise AssertionError("the subscription never delivered")


async def test_a_person_receives_their_new_messages_and_nobody_elses(writable_gateway: Gateway) -> None:
    async with (
        serving(writable_gateway.app) as endpoint,
        subscribed(endpoint, await writable_gateway.token("dana.reyes")) as dana,
        subscribed(endpoint, await writable_gateway.token("omar.haddad")) as omar,
    ):
        await until_live(dana, writable_gateway, "dana.reyes", "SCAL0000000003")
        await until_live(omar, writable_gateway, "omar.haddad", "HI0000000001")
        # when
        filed = await submit(writable_gateway, "dana.reyes", "SCAL0000000002", "New records.")
        # then: the message and its acknowledgement letter reach dana, and nothing reaches omar
        news = delivered(await received(dana, len(filed)))
        assert {item["id"] for item in news} == filed
        assert {item["kind"] for item in news} == {"SUPPORTING_DOCUMENTATION", "ACKNOWLEDGEMENT_LETTER"}
        assert {item["claim"]["claimNumber"] for item in news} == {"SCAL0000000002"}
        assert await silent(omar)


async def test_every_delivery_is_checked_against_access_of_the_moment(writable_gateway: Gateway) -> None:
    runtime = writable_gateway.runtime
    omars = await submit(writable_gateway, "omar.haddad", "HI0000000001", "Omar's own.")
    omars_message = next(decode_id(i) for i in omars)
    assert omars_message is not None
    async with (
        serving(writable_gateway.app) as endpoint,
        subscribed(endpoint, await writable_gateway.token("dana.reyes")) as dana,
    ):
        await until_live(dana, writable_gateway, "dana.reyes", "SCAL0000000003")
        # a forged event naming omar's message on dana's channel is dropped at delivery
        forged = orjson.dumps({"region": omars_message.region, "message_pk": omars_message.pk})
        await runtime.cache.publish("inbasket:dana.reyes", forged)
        await runtime.cache.publish("inbasket:dana.reyes", b"not even json")
        assert await silent(dana)
        # her SCAL association removed after she subscribed: her next SCAL message is not delivered
        filed = await submit(writable_gateway, "dana.reyes", "SCAL0000000002", "Before removal.")
        assert {item["id"] for item in delivered(await received(dana, len(filed)))} == filed
        async with runtime.directory.engine.begin() as connection:
            dana_pk = (
                (await connection.execute(users.select().where(users.c.user_id == "dana.reyes"))).one().id
            )
            scal = (associations.c.user_id == dana_pk) & (associations.c.region == "SCAL")
            await connection.execute(update(associations).where(scal).values(status="REMOVED"))
        await directory_changed(runtime.cache)
        try:
            for message_id in filed:
                parts = decode_id(message_id)
                assert parts is not None
                await runtime.cache.publish(
                    "inbasket:dana.reyes", orjson.dumps({"region": parts.region, "message_pk": parts.pk})
                )
            assert await silent(dana)
        finally:
            async with runtime.directory.engine.begin() as connection:
                await connection.execute(update(associations).where(scal).values(status="ACTIVE"))
            await directory_changed(runtime.cache)


async def test_a_bad_token_closes_the_connection_and_no_token_gets_no_news(writable_gateway: Gateway) -> None:
    async with serving(writable_gateway.app) as endpoint:
        async with websockets.connect(endpoint, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
            await socket.send(
                json.dumps({"type": "connection_init", "payload": {"authorization": "Bearer forged"}})
            )
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(socket.recv(), 5)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 4403
        async with subscribed(endpoint, None) as anonymous:
            frames = await received(anonymous, 2)
            assert frames[0]["type"] == "next"
            assert frames[0]["payload"]["data"] is None
            assert frames[0]["payload"]["errors"]
            assert frames[-1]["type"] == "complete"


async def test_any_replica_delivers_what_another_filed(writable_gateway: Gateway) -> None:
    # given: two gateway processes over the same stores, sharing Redis
    prefix = redis_prefix("inbasket-replicas")
    settings = replace(writable_gateway.runtime.settings, redis_url=REDIS_URL, redis_prefix=prefix)
    try:
        async for first in start_gateway(settings):
            async for second in start_gateway(settings):
                token = await second.token("dana.reyes")
                async with serving(first.app) as endpoint, subscribed(endpoint, token) as dana:
                    # when: dana files on the second; then: the first delivers it
                    await until_live(dana, second, "dana.reyes", "SCAL0000000003")
                    filed = await submit(second, "dana.reyes", "NCAL0000000001", "Across replicas.")
                    assert {item["id"] for item in delivered(await received(dana, len(filed)))} == filed
    finally:
        await clear_redis(REDIS_URL, prefix)
