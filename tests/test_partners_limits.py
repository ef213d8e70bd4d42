"""Per-client limits of partner systems: requests and query cost per minute, each client its own, refused
with RATE_LIMITED (HTTP 429 and a retry hint), and counted once for every gateway replica sharing Redis."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Gateway, start_gateway
from tests.partner_steps import as_partner, audit_of, partner_token, register_client

GA_CLAIM = 'query ClaimByNumber { claims(search: {claimNumber: "GA0000000001"}) { totalCount } }'
PAGE = "query Page($first: Int!) { claims(search: {}, first: $first) { edges { node { claimNumber } } } }"


def assert_rate_limited(response: httpx.Response, what: str) -> int:
    """A refusal with a retry hint, as docs/http.md has it; returns the hint in seconds."""
    assert response.status_code == 429, response.text
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 60
    body: dict[str, Any] = response.json()
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] == retry_after
    assert what in error["message"]
    return retry_after


async def test_a_client_over_its_requests_per_minute_is_refused_and_others_are_not(
    writable_gateway: Gateway,
) -> None:
    # given
    secret = await register_client(writable_gateway, "acme-chatty", "claims:read", requests_per_minute=3)
    token = await partner_token(writable_gateway, "acme-chatty", secret)
    for _ in range(3):
        answer = await as_partner(writable_gateway, token, GA_CLAIM)
        assert answer.json()["data"]["claims"]["totalCount"] == 1
    # when
    refused = await as_partner(writable_gateway, token, GA_CLAIM)
    # then
    assert_rate_limited(refused, "3 requests a minute")
    # every operation counts, valid or not, and stays refused within the minute
    assert (await as_partner(writable_gateway, token, "query { nope }")).status_code == 200
    assert_rate_limited(await as_partner(writable_gateway, token, GA_CLAIM), "requests a minute")
    # another client keeps its own allowance
    other = await partner_token(writable_gateway)
    assert (await as_partner(writable_gateway, other, GA_CLAIM)).json()["data"]["claims"]["totalCount"] == 1
    # and the refusals are audited
    events = await audit_of(writable_gateway, "partner_request", actor="client:acme-chatty")
    assert [event["outcome"] for event in events] == ["ok"] * 3 + ["rate_limited", "rejected", "rate_limited"]


async def test_a_client_over_its_query_cost_per_minute_is_refused(writable_gateway: Gateway) -> None:
    # given a client that may spend 100 a minute
    secret = await register_client(writable_gateway, "acme-costly", "claims:read", cost_per_minute=100)
    token = await partner_token(writable_gateway, "acme-costly", secret)
    # when it asks for a page that costs more than half of that
    first = await as_partner(writable_gateway, token, PAGE, {"first": 20})
    assert len(first.json()["data"]["claims"]["edges"]) == 20
    [event] = await audit_of(writable_gateway, "partner_request", actor="client:acme-costly")
    cost = event["detail"]["cost"]
    assert 50 < cost <= 100
    # then the same page again does not fit in the minute
    assert_rate_limited(await as_partner(writable_gateway, token, PAGE, {"first": 20}), "query cost of 100")
    # a cheap operation still fits what is left
    assert (await as_partner(writable_gateway, token, GA_CLAIM)).json()["data"]["claims"]["totalCount"] == 1
    # and an operation that could never fit is too complex, not a matter of waiting
    too_big = (await as_partner(writable_gateway, token, PAGE, {"first": 100})).json()
    assert too_big["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert too_big["errors"][0]["extensions"]["limit"] == "clientCostPerMinute"


async def test_people_are_not_held_to_partner_limits(writable_gateway: Gateway) -> None:
    for _ in range(5):
        body = await writable_gateway.query(PAGE, {"first": 100}, as_user="tess.nguyen")
        assert len(body["data"]["claims"]["edges"]) == 100


@pytest.mark.redis
@pytest.mark.parametrize("writable_gateway", ["postgres"], indirect=True)
async def test_two_gateway_replicas_on_redis_share_one_allowance(writable_gateway: Gateway) -> None:
    # given a second replica over the same stores, Redis and signing key
    secret = await register_client(writable_gateway, "acme-replicated", "claims:read", requests_per_minute=4)
    async for second in start_gateway(writable_gateway.runtime.settings):
        token = await partner_token(second, "acme-replicated", secret)
        # when the client spreads its requests over both
        for replica in (writable_gateway, second, writable_gateway, second):
            answer = await as_partner(replica, token, GA_CLAIM)
            assert answer.json()["data"]["claims"]["totalCount"] == 1
        # then either refuses the fifth
        assert_rate_limited(await as_partner(second, token, GA_CLAIM), "4 requests a minute")
        assert_rate_limited(await as_partner(writable_gateway, token, GA_CLAIM), "4 requests a minute")
