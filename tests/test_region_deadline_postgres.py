"""A PostgreSQL region that answers slowly is cut off at its deadline: the other regions answer, the slow
one is REGION_UNAVAILABLE, and its connections are fit for use once it is quick again. The delay is real:
a TCP proxy in front of the PostgreSQL server holds back every byte the server sends.

(SQLite regions read on the event loop itself, so no deadline can interrupt a slow SQLite read: the README
says which backends honour REGION_TIMEOUT_MS.)"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import Gateway, settings_for, start_gateway
from tests.services import StoreUrls

CLAIMS = """query { claims(search: {}, first: 50) { totalCount edges { node { claimNumber region { code } } } } }"""
DEADLINE_MS = 400
SERVER_DELAY_SECONDS = 5.0


class DelayingProxy:
    """Forwards TCP connections to a server, holding back what the server sends by `delay` seconds."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.delay = 0.0
        self.port = 0
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> DelayingProxy:
        self._server = await asyncio.start_server(self._connect, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for pipe in self._pipes:
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _connect(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        server_reader, server_writer = await asyncio.open_connection(*self.target)
        for pipe in (
            self._pipe(client_reader, server_writer, delayed=False),
            self._pipe(server_reader, client_writer, delayed=True),
        ):
            task = asyncio.create_task(pipe)
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, delayed: bool) -> None:
        try:
            while data := await source.read(65536):
                if delayed and self.delay:
                    await asyncio.sleep(self.delay)  # the injected fault: a server this slow to answer
                sink.write(data)
                await sink.drain()
        except ConnectionError:
            pass
        finally:
            sink.close()
            with contextlib.suppress(ConnectionError):
                await sink.wait_closed()


@pytest.fixture
async def ncal_behind_proxy(
    seeded: StoreUrls, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[Gateway, DelayingProxy]]:
    url = make_url(seeded.regions["NCAL"])
    assert url.host is not None
    async with DelayingProxy(url.host, url.port or 5432) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        urls = replace(seeded, regions={**seeded.regions, "NCAL": proxied})
        settings = settings_for(urls, tmp_path_factory.mktemp("ncal-proxy"), region_timeout_ms=DEADLINE_MS)
        async for running in start_gateway(settings):
            yield running, proxy


@pytest.mark.postgres
@pytest.mark.parametrize("stores", ["postgres"], indirect=True)
async def test_a_slow_postgresql_region_is_cut_off_at_its_deadline(
    ncal_behind_proxy: tuple[Gateway, DelayingProxy],
) -> None:
    gateway, proxy = ncal_behind_proxy
    # given both of Dana's regions answer
    body = await gateway.query(CLAIMS, as_user="dana.reyes")
    assert "errors" not in body
    assert {e["node"]["region"]["code"] for e in body["data"]["claims"]["edges"]} == {"SCAL", "NCAL"}
    # when Northern California's server takes seconds to answer
    proxy.delay = SERVER_DELAY_SECONDS
    started = time.perf_counter()
    body = await gateway.query(CLAIMS, as_user="dana.reyes")
    elapsed = time.perf_counter() - started
    # then the answer comes at the deadline, with Southern California's claims and NCAL named
    assert {e["node"]["region"]["code"] for e in body["data"]["claims"]["edges"]} == {"SCAL"}
    assert [error["extensions"] for error in body["errors"]] == [
        {"code": "REGION_UNAVAILABLE", "region": "NCAL"}
    ]
    assert DEADLINE_MS / 1000 <= elapsed < SERVER_DELAY_SECONDS / 2
    # and once the server is quick again, the region answers again
    proxy.delay = 0.0
    body = await gateway.query(CLAIMS, as_user="dana.reyes")
    assert "errors" not in body, body["errors"]
    assert {e["node"]["region"]["code"] for e in body["data"]["claims"]["edges"]} == {"SCAL", "NCAL"}
