"""Schemathesis fuzzes the GraphQL endpoint of a live server, signed in as a demo person: no 5xx, every
response a GraphQL response, and no error that shows internals (a bounded run with a fixed seed)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from gateway.app import create_app
from tests.conftest import DEMO_PASSWORD, seed_stores, settings_for
from tests.live import free_port
from tests.services import sqlite_urls

EXAMPLES_PER_FIELD = 10
LEAKS = ("Traceback", "sqlalchemy", "asyncpg", "aiosqlite", "SELECT ", 'File "')


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server (its own thread and event loop) over freshly seeded SQLite stores."""
    data_dir = tmp_path_factory.mktemp("fuzz")
    urls = sqlite_urls(data_dir)
    asyncio.run(seed_stores(urls, data_dir))
    port = free_port()
    config = uvicorn.Config(
        create_app(settings_for(urls, data_dir)),
        host="127.0.0.1",
        port=port,
        log_config=None,
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def token(live_url: str) -> str:
    response = httpx.post(
        f"{live_url}/auth/sign-in", json={"userId": "dana.reyes", "password": DEMO_PASSWORD}
    )
    response.raise_for_status()
    value: str = response.json()["access_token"]
    return value


# Decimal, Date and Upload are the contract's own scalars: give schemathesis their shapes, with some junk.
schemathesis.graphql.scalar(
    "Decimal",
    st.one_of(
        st.decimals(min_value=-1e6, max_value=1e6, places=2, allow_nan=False).map(str), st.text(max_size=8)
    ).map(nodes.String),
)
schemathesis.graphql.scalar("Upload", st.just(nodes.Null))  # uploads are not fuzzed here


def _check_no_leaks(response: Any) -> None:
    assert response.status_code < 500, f"{response.status_code}: {response.text[:500]}"
    body = response.json()
    assert isinstance(body, dict | list), "not a GraphQL response"
    for leak in LEAKS:
        assert leak not in response.text, f"the response shows internals ({leak!r}): {response.text[:500]}"
    for error in body.get("errors", []) if isinstance(body, dict) else []:
        assert error.get("extensions", {}).get("code") != "INTERNAL_SERVER_ERROR", error


def test_generated_operations_never_break_the_gateway(live_url: str, token: str) -> None:
    schema = schemathesis.graphql.from_url(f"{live_url}/graphql")
    headers = {"authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9  # every root field of the contract is fuzzed

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_FIELD,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: Any) -> None:
            _check_no_leaks(case.call(headers=headers))

        fuzz()
