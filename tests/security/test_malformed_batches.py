"""Batches whose items are not operations: each is a 400 with a message, never a 500, and an empty batch
is no request at all."""

from __future__ import annotations

import orjson
import pytest

from tests.conftest import Gateway

PREFLIGHT = {"apollo-require-preflight": "true"}


def assert_refused(status: int, body: dict[str, object]) -> None:
    assert status == 400
    [error] = body["errors"]  # type: ignore[misc]
    assert error["message"]
    assert error["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    "batch",
    [
        [1, 2],
        [None],
        ["x"],
        [{"query": 1}],
        [{"query": "{ regions { code } }"}, 3],
        [{"query": "{ regions { code } }", "variables": [1]}],
        [{"query": "{ regions { code } }", "extensions": "x"}],
        [],
    ],
    ids=[
        "numbers",
        "null",
        "string",
        "query-not-a-string",
        "one-bad-item",
        "variables",
        "extensions",
        "empty",
    ],
)
async def test_a_json_batch_of_anything_but_operations_is_a_400(
    gateway: Gateway, batch: list[object]
) -> None:
    response = await gateway.client.post("/graphql", json=batch)

    assert_refused(response.status_code, response.json())
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "operations", [[1], [], [None], [{"query": 1}]], ids=["number", "empty", "null", "query"]
)
async def test_a_multipart_batch_of_anything_but_operations_is_a_400(
    gateway: Gateway, operations: list[object]
) -> None:
    response = await gateway.client.post(
        "/graphql",
        data={"operations": orjson.dumps(operations).decode(), "map": "{}"},
        files={"unused": ("a.txt", b"a", "text/plain")},
        headers=PREFLIGHT,
    )

    assert_refused(response.status_code, response.json())


async def test_a_well_formed_batch_still_runs(gateway: Gateway) -> None:
    response = await gateway.client.post("/graphql", json=[{"query": "{ regions { code } }"}] * 2)

    assert response.status_code == 200
    assert [len(item["data"]["regions"]) for item in response.json()] == [7, 7]
