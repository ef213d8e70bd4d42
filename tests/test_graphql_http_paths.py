"""A JSON POST, the common request, is answered by a shorter path than strawberry's `run`
(`GraphQLEndpoint._run_json_post`): every such request answers exactly as `run` answers it, refusals and
their order included, and the request metrics count it the same way."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
import pytest

from gateway.graphql_http import GraphQLEndpoint
from tests.conftest import Gateway

RESPONSE_JSON = "application/graphql-response+json"
REGIONS = "query Regions { regions { code } }"
CLAIM = 'query Claim { claims(search: {claimNumber: "SCAL0000000001"}) { edges { node { claimNumber status } } } }'
SIGNED_IN = "signed-in"  # stands for a demo person's bearer token, filled in by the test
UNKNOWN_HASH = hashlib.sha256(b"never registered").hexdigest()


def _json(body: object) -> bytes:
    return orjson.dumps(body)


# (name, body, headers): what a client may send as a JSON POST, well-formed or not.
REQUESTS: list[tuple[str, bytes, dict[str, str]]] = [
    ("query", _json({"query": REGIONS}), {}),
    ("signed-in claim", _json({"query": CLAIM, "variables": {}}), {"authorization": SIGNED_IN}),
    ("signed-out claim", _json({"query": CLAIM}), {}),
    ("bad token, bad body", b"{not json", {"authorization": "Bearer nope"}),
    ("bad token", _json({"query": REGIONS}), {"authorization": "Bearer nope"}),
    ("charset", _json({"query": REGIONS}), {"content-type": "application/json; charset=utf-8"}),
    ("newer media type", _json({"query": REGIONS}), {"accept": RESPONSE_JSON}),
    ("parse error", _json({"query": "{ regions { code }"}), {"accept": RESPONSE_JSON}),
    ("validation error", _json({"query": "{ regions { nope } }"}), {}),
    ("bad variables", _json({"query": "query ($f: Int) { regions { code } }", "variables": {"f": "x"}}), {}),
    ("too deep", _json({"query": "{" + "viewer { user { " * 9 + "userId" + " } }" * 9 + "}"}), {}),
    ("operation name", _json({"query": REGIONS, "operationName": "Regions"}), {}),
    ("unknown operation", _json({"query": REGIONS, "operationName": "Other"}), {}),
    ("no query", _json({"variables": {}}), {}),
    ("null query", _json({"query": None}), {}),
    ("subscription", _json({"query": "subscription { inBasket { id } }"}), {}),
    ("mutation error", _json({"query": "mutation { noSuchMutation }"}), {}),
    ("not json", b"{not json", {}),
    ("not utf-8", b'{"query": "{ regions { code } }", "x": "\xff\xfe"}', {}),
    ("empty", b"", {}),
    ("query not a string", _json({"query": 42}), {}),
    ("variables not an object", _json({"query": REGIONS, "variables": [1]}), {}),
    ("extensions not an object", _json({"query": REGIONS, "extensions": "x"}), {}),
    ("operation name not a string", _json({"query": REGIONS, "operationName": 7}), {}),
    (
        "unknown persisted hash",
        _json({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": UNKNOWN_HASH}}}),
        {},
    ),
    (
        "persisted hash mismatch",
        _json({"query": REGIONS, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}}),
        {},
    ),
    (
        "malformed persisted query",
        _json({"query": REGIONS, "extensions": {"persistedQuery": {"version": 2}}}),
        {},
    ),
    ("too large", _json({"query": "{ regions { code } }" + " " * 70_000}), {}),
    ("batch", _json([{"query": REGIONS}, {"query": "{ viewer { user { userId } } }"}]), {}),
    ("batch too large", _json([{"query": REGIONS}] * 11), {}),
    ("empty batch", b"[]", {}),
]


@pytest.mark.parametrize("body", [b'"{ regions { code } }"', b"null", b"42", b"true"])
async def test_a_json_body_that_is_no_operation_is_a_400_with_a_message(
    gateway: Gateway, body: bytes
) -> None:
    response = await gateway.client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def _endpoint(gateway: Gateway) -> GraphQLEndpoint:
    for route in gateway.app.routes:
        endpoint = getattr(route, "endpoint", None)
        if isinstance(endpoint, GraphQLEndpoint):
            return endpoint
    raise AssertionError("no GraphQL endpoint")


async def _answer(gateway: Gateway, body: bytes, headers: dict[str, str], request_id: str) -> tuple[Any, ...]:
    sent = {"content-type": "application/json", "x-request-id": request_id, **headers}
    if sent.get("authorization") == SIGNED_IN:
        sent["authorization"] = f"Bearer {await gateway.token('dana.reyes')}"
    response = await gateway.client.post("/graphql", content=body, headers=sent)
    answered = response.json() if response.content else None
    kept = ("content-type", "retry-after", "x-request-id")
    return response.status_code, answered, {name: response.headers.get(name) for name in kept}


def _requests_counted(gateway: Gateway) -> dict[tuple[str, ...], float]:
    counted: dict[tuple[str, ...], float] = {}
    for metric in gateway.runtime.metrics.registry.collect():
        if metric.name == "graphql_requests":
            for sample in metric.samples:
                if sample.name == "graphql_requests_total":
                    counted[(sample.labels["operation_type"], sample.labels["outcome"])] = sample.value
    return counted


@pytest.mark.parametrize(
    ("name", "body", "headers"), REQUESTS, ids=[name for name, _body, _headers in REQUESTS]
)
async def test_a_json_post_answers_as_strawberry_s_run_answers_it(
    gateway: Gateway, name: str, body: bytes, headers: dict[str, str]
) -> None:
    endpoint = _endpoint(gateway)
    assert endpoint.json_posts_direct  # the short way is the one taken by default
    answers: list[tuple[Any, ...]] = []
    counted: list[dict[tuple[str, ...], float]] = []
    try:
        for direct in (False, True):
            endpoint.json_posts_direct = direct
            before = _requests_counted(gateway)
            answers.append(await _answer(gateway, body, headers, request_id=f"paths-{len(answers)}"))
            after = _requests_counted(gateway)
            counted.append(
                {
                    key: value - before.get(key, 0.0)
                    for key, value in after.items()
                    if value != before.get(key)
                }
            )
    finally:
        endpoint.json_posts_direct = True

    through_run, direct_answer = answers
    # The request id is the client's, and so differs between the two requests; nothing else may.
    assert _without_request_ids(direct_answer, "paths-1") == _without_request_ids(through_run, "paths-0")
    assert counted[1] == counted[0]


def _without_request_ids(answer: tuple[Any, ...], request_id: str) -> Any:
    return orjson.loads(orjson.dumps(answer).replace(request_id.encode(), b"REQUEST-ID"))
