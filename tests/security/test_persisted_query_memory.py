"""Anonymous clients must not fill the gateway's memory through automatic persisted queries: nothing a
request is refused for is kept, the in-process store is bounded in entries and bytes, the shared one
expires, and a body too large for any document is cut off with 413 while it streams in."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Any

from redis.asyncio import Redis

from gateway.graphql_http import GraphQLEndpoint
from gateway.limits import QueryLimits
from gateway.persisted import APQ_TTL_SECONDS, RecentPersistedQueries
from tests.conftest import Gateway

LIMITS = QueryLimits()


def apq(document: str | None, digest: str) -> dict[str, Any]:
    body: dict[str, Any] = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
    if document is not None:
        body["query"] = document
    return body


def digest_of(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


async def is_kept(gateway: Gateway, digest: str) -> bool:
    """Whether the gateway answers the hash alone (it kept the document)."""
    response = await gateway.client.post("/graphql", json=apq(None, digest))
    codes = [error["extensions"]["code"] for error in response.json().get("errors", [])]
    return "PERSISTED_QUERY_NOT_FOUND" not in codes


def endpoint(gateway: Gateway) -> GraphQLEndpoint:
    [graphql] = [route.endpoint for route in gateway.app.routes if getattr(route, "path", "") == "/graphql"][
        :1
    ]
    assert isinstance(graphql, GraphQLEndpoint)
    return graphql


async def test_a_document_too_large_to_run_is_not_kept(gateway: Gateway) -> None:
    # given: just over the document limit, well within the body limit
    document = "query Padded { regions { code } }" + " " * LIMITS.max_document_bytes

    response = await gateway.client.post("/graphql", json=apq(document, digest_of(document)))

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["limit"] == "documentBytes"
    assert not await is_kept(gateway, digest_of(document))


async def test_documents_that_cannot_run_are_not_kept(gateway: Gateway) -> None:
    invalid = "query Invalid { noSuchField }"
    unparsable = "query Broken { regions { code }"
    over_a_limit = "query Aliases { " + " ".join(f"a{i}: __typename" for i in range(100)) + " }"

    answers = [
        await gateway.client.post("/graphql", json=apq(d, digest_of(d)))
        for d in (invalid, unparsable, over_a_limit)
    ]

    assert [bool(answer.json().get("errors")) for answer in answers] == [True, True, True]
    assert [await is_kept(gateway, digest_of(d)) for d in (invalid, unparsable, over_a_limit)] == [False] * 3


async def test_a_document_that_runs_is_kept(gateway: Gateway) -> None:
    document = "query Kept { regions { name } }"

    registered = await gateway.client.post("/graphql", json=apq(document, digest_of(document)))

    assert len(registered.json()["data"]["regions"]) == 7
    assert await is_kept(gateway, digest_of(document))


async def test_a_body_larger_than_a_document_and_its_variables_is_cut_off_while_it_streams(
    gateway: Gateway,
) -> None:
    # given: five MiB sent in chunks, with no length announced
    chunk = b" " * (64 * 1024)
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'{"query": "{ regions { code } }", "x": "'
        for _ in range(80):
            sent += 1
            yield chunk
        yield b'"}'

    streamed = await gateway.client.post(
        "/graphql", content=body(), headers={"content-type": "application/json"}
    )
    declared = await gateway.client.post(
        "/graphql", json={"query": "{ regions { code } }", "variables": {"x": " " * (5 * 1024 * 1024)}}
    )

    assert streamed.status_code == 413
    assert declared.status_code == 413
    assert streamed.json()["errors"][0]["message"]
    limit = LIMITS.max_document_bytes + LIMITS.max_variables_bytes
    assert sent * len(chunk) <= limit + 2 * len(chunk)  # cut off near the limit, not at the end


async def test_the_store_is_bounded_or_expires(gateway: Gateway) -> None:
    document = "query Expires { regions { code name } }"
    await gateway.client.post("/graphql", json=apq(document, digest_of(document)))
    settings = gateway.runtime.settings

    if settings.redis_url is None:
        # in this process: kept within its bounds (their keeping is the next test's)
        store = endpoint(gateway).persisted
        assert isinstance(store, RecentPersistedQueries)
        assert await store.get(digest_of(document)) == document
        assert len(store) <= store.max_entries
        assert store.bytes <= store.max_bytes
    else:
        redis = Redis.from_url(settings.redis_url)
        try:
            ttl = await redis.ttl(f"{settings.redis_prefix}apq:{digest_of(document)}")
        finally:
            await redis.aclose()
        assert 0 < ttl <= APQ_TTL_SECONDS


async def test_the_in_process_store_keeps_the_documents_used_last_within_its_bounds() -> None:
    store = RecentPersistedQueries(max_entries=3, max_bytes=100)

    for name in "abcd":
        await store.put(name, name * 10)
    assert await store.get("a") is None  # the oldest of four went
    assert await store.get("b") == "b" * 10  # and b is now the most recent
    await store.put("e", "e" * 60)  # 10 + 10 + 10 + 60 > 100 bytes: the least recent go
    await store.put("huge", "h" * 101)  # never kept: larger than the whole store

    assert len(store) <= 3
    assert store.bytes <= 100
    assert await store.get("e") == "e" * 60
    assert await store.get("b") == "b" * 10
    assert await store.get("c") is None
    assert await store.get("huge") is None
