"""A forged X-Forwarded-For must not choose the client address that rate limits count against: the
header is believed only from the proxies FORWARDED_ALLOW_IPS names, and from none by default, not even
from 127.0.0.1 (a local proxy that passes the header through would otherwise hand every forged address a
fresh guest window)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest

from gateway import __main__ as cli
from gateway.settings import Settings
from tests.conftest import Gateway, start_gateway

CLAIM_STATUS = """query ($input: GuestClaimStatusInput!) { guestClaimStatus(input: $input) { guidance } }"""
GUESS = {
    "region": "SCAL",
    "claimNumber": "SCAL0000000001",
    "memberId": "M999999999",
    "memberDateOfBirth": "1980-04-12",
    "billedAmount": "1.00",
}
ALLOWANCE = 3


@asynccontextmanager
async def guest_gateway(base: Gateway, **overrides: Any) -> AsyncIterator[Gateway]:
    """A gateway over `base`'s stores allowing each address three guest look-ups, with keys of its own."""
    settings = replace(
        base.runtime.settings,
        redis_prefix=f"{base.runtime.settings.redis_prefix}{uuid.uuid4().hex[:8]}:",
        guest_lookups_per_address=ALLOWANCE,
        guest_lookups_per_member=1000,
        guest_min_response_ms=0,
        **overrides,
    )
    async with aclosing(start_gateway(settings)) as running:
        async for gateway in running:
            yield gateway


async def guess_as(gateway: Gateway, forwarded_for: str) -> int:
    """The status of a guest look-up sent from 127.0.0.1 (the test transport) claiming another address."""
    response = await gateway.client.post(
        "/graphql",
        json={"query": CLAIM_STATUS, "variables": {"input": GUESS}},
        headers={"x-forwarded-for": forwarded_for},
    )
    return response.status_code


async def test_forged_addresses_from_a_local_proxy_share_one_window(writable_gateway: Gateway) -> None:
    async with guest_gateway(writable_gateway) as gateway:
        # when each look-up claims a different address
        statuses = [await guess_as(gateway, f"203.0.113.{i}") for i in range(ALLOWANCE + 1)]

    # then they are all counted against the one address that sent them
    assert statuses == [200] * ALLOWANCE + [429]


async def test_a_trusted_proxy_s_forwarded_address_is_believed(writable_gateway: Gateway) -> None:
    async with guest_gateway(writable_gateway, forwarded_allow_ips=("127.0.0.1",)) as gateway:
        used_up = [await guess_as(gateway, "203.0.113.1") for _ in range(ALLOWANCE + 1)]
        another = await guess_as(gateway, "203.0.113.2")

    assert used_up == [200] * ALLOWANCE + [429]
    assert another == 200


def test_no_proxy_is_trusted_unless_configured() -> None:
    assert Settings.from_env({}).forwarded_allow_ips == ()
    assert Settings.from_env({"FORWARDED_ALLOW_IPS": "10.0.0.5, 10.0.0.6"}).forwarded_allow_ips == (
        "10.0.0.5",
        "10.0.0.6",
    )


def test_the_server_leaves_forwarded_headers_to_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    # uvicorn's own proxy headers setting believes 127.0.0.1 unless told otherwise
    import uvicorn

    given: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: given.update(kwargs))

    cli._serve(Settings(), workers=1, announce=False)

    assert given["proxy_headers"] is False
