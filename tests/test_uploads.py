"""The streaming multipart parser (gateway/uploads.py) under load: a request over its cap is cut off with
HTTP 413 while it streams in (the app stops reading a 2 GB body at the cap), and a live server's memory
stays flat through a 100 MB upload and a 400 MB one. The limits do not depend on the store, so SQLite is enough here."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import orjson
import pytest

from tests.conftest import DEMO_PASSWORD, Gateway, open_stores, seed_stores, settings_for, start_gateway
from tests.live import free_port
from tests.services import StoreUrls

MIB = 1024 * 1024
BOUNDARY = "gateway-test-boundary"
DOCUMENTATION = """
mutation Send($input: SupportingDocumentationInput!) {
  submitSupportingDocumentation(input: $input) { message { id } userErrors { code field message } }
}
"""
CLAIM = 'query { claims(search: {claimNumber: "SCAL0000000002"}) { edges { node { id } } } }'
# What the server may grow by while a 100 MB file streams through it.
FLAT_RSS_BYTES = 40 * MIB


@pytest.fixture(scope="module")
async def upload_stores(tmp_path_factory: pytest.TempPathFactory) -> StoreUrls:
    urls = await open_stores("sqlite", tmp_path_factory, "uploads")
    await seed_stores(urls, tmp_path_factory.mktemp("seed-uploads"))
    return urls


def preamble(claim_id: str, filename: str) -> bytes:
    """The multipart fields before the file's bytes: `operations`, `map`, and the file part's headers."""
    operations = {
        "query": DOCUMENTATION,
        "variables": {"input": {"claimId": claim_id, "body": "Big.", "attachments": [None]}},
    }
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'.encode()
        + orjson.dumps(operations)
        + f'\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name="map"\r\n\r\n'.encode()
        + b'{"0": ["variables.input.attachments.0"]}'
        + f'\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name="0"; filename="{filename}"\r\n'.encode()
        + b"Content-Type: application/pdf\r\n\r\n"
    )


EPILOGUE = f"\r\n--{BOUNDARY}--\r\n".encode()


class StreamedFile:
    """A multipart body of one file, produced a chunk at a time, counting what the server has pulled."""

    def __init__(self, head: bytes, file_bytes: int) -> None:
        self.head, self.file_bytes = head, file_bytes
        self.sent = 0

    @property
    def length(self) -> int:
        return len(self.head) + self.file_bytes + len(EPILOGUE)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self.sent += len(self.head)
        yield self.head
        chunk = b"%PDF-1.7\n" + b"\0" * (MIB - 9)
        left = self.file_bytes
        while left > 0:
            part = chunk[: min(MIB, left)]
            left -= len(part)
            self.sent += len(part)
            yield part
            chunk = b"\0" * MIB
        self.sent += len(EPILOGUE)
        yield EPILOGUE


def multipart_headers(token: str, length: int | None) -> dict[str, str]:
    headers = {
        "authorization": f"Bearer {token}",
        "apollo-require-preflight": "true",
        "content-type": f"multipart/form-data; boundary={BOUNDARY}",
    }
    if length is not None:
        headers["content-length"] = str(length)
    return headers


async def claim_id(client: httpx.AsyncClient, token: str) -> str:
    response = await client.post(
        "/graphql", json={"query": CLAIM}, headers={"authorization": f"Bearer {token}"}
    )
    node_id: str = response.json()["data"]["claims"]["edges"][0]["node"]["id"]
    return node_id


# ------------------------------------------------------------ in-process cap


@asynccontextmanager
async def capped_gateway(stores: StoreUrls, data_dir: Path, cap: int) -> AsyncIterator[Gateway]:
    async for running in start_gateway(settings_for(stores, data_dir, upload_request_max_bytes=cap)):
        yield running


async def test_a_declared_length_over_the_cap_is_refused_before_reading(
    upload_stores: StoreUrls, tmp_path: Path
) -> None:
    async with capped_gateway(upload_stores, tmp_path, 4 * MIB) as gateway:
        token = await gateway.token("dana.reyes")
        body = StreamedFile(preamble("x", "a.pdf"), 8 * MIB)
        response = await gateway.client.post(
            "/graphql", content=body, headers=multipart_headers(token, body.length)
        )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert body.sent == 0


async def test_an_endless_upload_is_cut_off_at_the_cap(upload_stores: StoreUrls, tmp_path: Path) -> None:
    cap = 4 * MIB
    async with capped_gateway(upload_stores, tmp_path, cap) as gateway:
        token = await gateway.token("dana.reyes")
        claim = await claim_id(gateway.client, token)
        # 2 GB announced by nothing (chunked): the server must stop reading on its own
        body = StreamedFile(preamble(claim, "endless.pdf"), 2 * 1024 * MIB)
        response = await gateway.client.post("/graphql", content=body, headers=multipart_headers(token, None))
        messages = await gateway.query(
            'query { claims(search: {claimNumber: "SCAL0000000002"}) { edges { node { messages { totalCount } } } } }',
            as_user="dana.reyes",
        )
    assert response.status_code == 413
    assert "upload limit" in response.json()["errors"][0]["message"]
    assert body.sent <= cap + 2 * MIB
    assert messages["data"]["claims"]["edges"][0]["node"]["messages"]["totalCount"] == 2  # the demo's two


# ---------------------------------------------------------- a live server


def spooled_bytes(pid: int, spool_dir: Path) -> int:
    """The size of the temporary files the server holds open (uploads past 1 MiB are spooled there)."""
    total = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd).startswith(str(spool_dir)):
                total += fd.stat().st_size
        except OSError:  # closed while we looked
            continue
    return total


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@asynccontextmanager
async def server_process(stores: StoreUrls, data_dir: Path) -> AsyncIterator[tuple[httpx.AsyncClient, int]]:
    """`python -m gateway serve` in a process of its own, over the stores, with an HTTP client to it."""
    port = free_port()
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DATA_DIR": str(data_dir),
        "DIRECTORY_DATABASE_URL": stores.directory,
        **{f"REGION_{code}_DATABASE_URL": url for code, url in stores.regions.items()},
        "COOKIE_SECURE": "false",
        "LOG_LEVEL": "WARNING",
        "TMPDIR": str(data_dir / "spool"),
    }
    (data_dir / "spool").mkdir()
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(  # noqa: ASYNC220 - started once, then only polled
        [sys.executable, "-m", "gateway", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.poll() is None, "the server did not start"
                assert time.monotonic() < deadline, "the server did not answer in time"
                await asyncio.sleep(0.1)
            yield client, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            server.kill()
            server.wait()


@dataclass
class Samples:
    rss: list[int] = field(default_factory=list)
    spooled: list[int] = field(default_factory=list)

    @property
    def rss_growth(self) -> int:
        return max(self.rss) - self.rss[0]


@asynccontextmanager
async def sampled(pid: int, spool_dir: Path) -> AsyncIterator[Samples]:
    """The server's resident memory and spooled upload bytes, sampled every 10 ms while the block runs."""
    samples = Samples()

    def sample() -> None:
        samples.rss.append(rss_bytes(pid))
        samples.spooled.append(spooled_bytes(pid, spool_dir))

    async def keep_sampling() -> None:
        while True:
            sample()
            await asyncio.sleep(0.01)

    sample()
    task = asyncio.create_task(keep_sampling())
    try:
        yield samples
    finally:
        task.cancel()
        sample()


async def test_memory_stays_flat_through_a_100_mb_upload_and_one_over_the_request_cap(
    upload_stores: StoreUrls, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spool = tmp_path / "spool"
    async with server_process(upload_stores, tmp_path) as (client, pid):
        signed_in = await client.post(
            "/auth/sign-in", json={"userId": "dana.reyes", "password": DEMO_PASSWORD}
        )
        token = signed_in.json()["access_token"]
        claim = await claim_id(client, token)
        # warm up: a small upload, so the baseline includes everything a first request loads
        small = StreamedFile(preamble(claim, "small.pdf"), 64 * 1024)
        warm = await client.post("/graphql", content=small, headers=multipart_headers(token, small.length))
        assert warm.json()["data"]["submitSupportingDocumentation"]["userErrors"] == []

        # when: 100 MB in one file
        big = StreamedFile(preamble(claim, "huge.pdf"), 100 * 1000 * 1000)
        async with sampled(pid, spool) as during_big:
            response = await client.post(
                "/graphql", content=big, headers=multipart_headers(token, big.length)
            )
        # then: refused by name, and the server never held the file
        payload = response.json()["data"]["submitSupportingDocumentation"]
        assert payload["userErrors"] == [
            {
                "code": "ATTACHMENT_TOO_LARGE",
                "field": ["input", "attachments", "0"],
                "message": "Attachment 1 is larger than the 20 MB limit (20971520 bytes).",
            }
        ]
        assert big.sent == big.length

        # when: 400 MB without a length, past the request cap (201 MiB): answered 413 once the cap is
        # passed; the server drops whatever the client still sends (an HTTP/1.1 client reads the answer
        # only once it has sent everything, so it cannot tell where the server stopped)
        endless = StreamedFile(preamble(claim, "endless.pdf"), 400 * 1000 * 1000)
        async with sampled(pid, spool) as during_endless:
            cut = await client.post("/graphql", content=endless, headers=multipart_headers(token, None))
        assert cut.status_code == 413

    with capsys.disabled():
        print(
            f"\nserver RSS {during_big.rss[0] / MIB:.1f} MiB before; largest during the 100 MB upload "
            f"{max(during_big.rss) / MIB:.1f} MiB (+{during_big.rss_growth / MIB:.1f}), spooled at most "
            f"{max(during_big.spooled) / MIB:.1f} MiB; during the 400 MB one {max(during_endless.rss) / MIB:.1f} "
            f"MiB (+{during_endless.rss_growth / MIB:.1f}), spooled at most {max(during_endless.spooled) / MIB:.1f} MiB"
        )
    assert during_big.rss_growth < FLAT_RSS_BYTES
    assert during_endless.rss_growth < FLAT_RSS_BYTES
    # on disk, never more of a file than the per-file limit, and nothing once it is refused
    assert 0 < max(during_big.spooled) <= 20 * MIB
    assert during_big.spooled[-1] == 0
    assert max(during_endless.spooled) <= 20 * MIB
