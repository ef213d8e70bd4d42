"""Repeated wrong passwords must neither tell which user IDs exist nor let a stranger lock a person out:
guessing is throttled (429 `rate_limited` with `Retry-After`) per client address and per user ID, alike
for user IDs that exist and that do not, and nothing is locked for longer than the window (NIST SP
800-63B 5.2.2). The same throttle guards every other place a secret is checked or an email is sent on
request: the current-password check, password reset, user ID recovery, support cases, partner tokens."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest

from gateway.runtime import Runtime
from gateway.settings import Settings
from tests.account_steps import USER_ERRORS
from tests.clock import FakeClock
from tests.conftest import DEMO_PASSWORD, Gateway, start_gateway
from tests.partner_steps import DEMO_CLIENT, DEMO_SECRET, basic
from tests.services import REDIS_URL, TEST_REDIS_PREFIX, clear_redis

# Small limits, so that the tests reach them quickly (the defaults are 100, 10 and 50 in 5 minutes).
SMALL = {
    "attempts_per_address": 8,
    "attempts_per_account_and_address": 3,
    "attempts_per_account": 5,
    "attempts_window_seconds": 300,
}
CHANGE = f"""mutation ($current: String!) {{ changePassword(input: {{currentPassword: $current,
  newPassword: "a brand new passphrase"}}) {{ changed {USER_ERRORS} }} }}"""
REQUEST_RESET = f"""mutation ($userId: String!) {{ requestPasswordReset(input: {{userId: $userId,
  email: "someone@example.com"}}) {{ accepted {USER_ERRORS} }} }}"""
RECOVER = f"""mutation ($email: String!) {{ recoverUserId(input: {{email: $email}}) {{ accepted {USER_ERRORS} }} }}"""
OPEN_CASE = f"""mutation {{ openSupportCase(input: {{region: SCAL, topic: AGREEMENT_ON_FILE,
  groupName: "Sunrise Urgent Care", taxId: "338000008", contactEmail: "office@sunriseurgent.example",
  description: "Is our agreement on file?"}}) {{ supportCase {{ id }} {USER_ERRORS} }} }}"""

Client = Callable[[str], httpx.AsyncClient]


class Replica:
    """A gateway over the module's stores on a clock of the test's, reached from any client address."""

    def __init__(self, gateway: Gateway, clients: list[httpx.AsyncClient]) -> None:
        self.gateway = gateway
        self._clients = clients

    def at(self, address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.gateway.app, client=(address, 50000))
        client = httpx.AsyncClient(transport=transport, base_url="http://gateway.test")
        self._clients.append(client)
        return client


StartReplica = Callable[..., Awaitable[Replica]]


@pytest.fixture
async def start(writable_gateway: Gateway) -> AsyncIterator[StartReplica]:
    running: list[AsyncIterator[Gateway]] = []
    clients: list[httpx.AsyncClient] = []

    async def make(clock: FakeClock | None = None, **overrides: Any) -> Replica:
        # The in-process cache on the test's clock, unless a test asks for Redis (which keeps its own time).
        settings = replace(
            writable_gateway.runtime.settings,
            **{
                "redis_url": None,
                "redis_prefix": f"{TEST_REDIS_PREFIX}throttle-{uuid.uuid4().hex[:8]}:",
                **overrides,
            },
        )
        gateway = start_gateway(settings, Runtime.create(settings, clock=clock or FakeClock()))
        running.append(gateway)
        return Replica(await anext(gateway), clients)

    yield make
    for client in clients:
        await client.aclose()
    for gateway in reversed(running):
        async for _ in gateway:  # the rest of the generator: the gateway's shutdown
            pass
    await clear_redis(REDIS_URL, f"{TEST_REDIS_PREFIX}throttle-")


async def sign_in(client: httpx.AsyncClient, user_id: str, password: str) -> httpx.Response:
    return await client.post("/auth/sign-in", json={"userId": user_id, "password": password})


def answer(response: httpx.Response) -> tuple[int, bytes, str | None]:
    return response.status_code, response.content, response.headers.get("retry-after")


async def test_a_user_id_that_exists_and_one_that_does_not_get_the_same_answers_at_every_step(
    start: StartReplica,
) -> None:
    defaults = Settings()
    replica = await start(
        attempts_per_address=defaults.attempts_per_address,
        attempts_per_account_and_address=defaults.attempts_per_account_and_address,
        attempts_per_account=defaults.attempts_per_account,
        attempts_window_seconds=defaults.attempts_window_seconds,
    )
    existing, unknown = replica.at("10.0.0.1"), replica.at("10.0.0.2")

    real = [answer(await sign_in(existing, "dana.reyes", f"guess {n}")) for n in range(12)]
    made_up = [answer(await sign_in(unknown, "no.such.person", f"guess {n}")) for n in range(12)]

    assert real == made_up
    assert [status for status, _, _ in real] == [401] * 10 + [429] * 2
    assert real[-1][1] == b'{"error":"rate_limited"}'


async def test_a_stranger_guessing_cannot_lock_the_person_out(start: StartReplica) -> None:
    clock = FakeClock()
    replica = await start(clock, **SMALL)
    stranger, person = replica.at("203.0.113.9"), replica.at("10.1.2.3")
    for n in range(5):
        await sign_in(stranger, "dana.reyes", f"guess {n}")
    refused = await sign_in(stranger, "dana.reyes", "guess again")
    assert refused.status_code == 429
    assert refused.json() == {"error": "rate_limited"}

    # the person, at their own address, signs in at once
    assert (await sign_in(person, "dana.reyes", DEMO_PASSWORD)).status_code == 200
    # and the stranger's address is slowed, not shut: once Retry-After has passed it may try again
    clock.advance(int(refused.headers["retry-after"]))
    assert (await sign_in(stranger, "dana.reyes", DEMO_PASSWORD)).status_code == 200


async def test_one_address_spraying_many_user_ids_is_slowed(start: StartReplica) -> None:
    replica = await start(**SMALL)
    sprayer = replica.at("198.51.100.7")

    statuses = [(await sign_in(sprayer, f"user.{n}", "Spring2026!")).status_code for n in range(9)]

    assert statuses == [401] * 8 + [429]


async def test_one_user_id_guessed_from_many_addresses_is_slowed(start: StartReplica) -> None:
    replica = await start(**SMALL)

    statuses = [
        (await sign_in(replica.at(f"192.0.2.{n}"), "dana.reyes", f"guess {n}")).status_code for n in range(6)
    ]

    assert statuses == [401] * 5 + [429]


@pytest.mark.redis
async def test_replicas_sharing_redis_share_the_throttle(start: StartReplica) -> None:
    prefix = f"{TEST_REDIS_PREFIX}throttle-{uuid.uuid4().hex[:8]}:"
    first = await start(redis_url=REDIS_URL, redis_prefix=prefix, **SMALL)
    second = await start(redis_url=REDIS_URL, redis_prefix=prefix, **SMALL)

    statuses = [
        (await sign_in(replica.at("10.9.9.9"), "dana.reyes", "guess")).status_code
        for replica in (first, second, first, second)
    ]

    assert statuses == [401, 401, 401, 429]


async def test_the_current_password_check_is_throttled(start: StartReplica) -> None:
    replica = await start(**SMALL)
    client = replica.at("10.3.3.3")
    token = (await sign_in(client, "omar.haddad", DEMO_PASSWORD)).json()["access_token"]

    codes = []
    for n in range(4):
        response = await client.post(
            "/graphql",
            json={"query": CHANGE, "variables": {"current": f"guess {n}"}},
            headers={"authorization": f"Bearer {token}"},
        )
        codes.append([e["code"] for e in response.json()["data"]["changePassword"]["userErrors"]])

    assert codes == [["WRONG_PASSWORD"]] * 3 + [["RATE_LIMITED"]]


async def test_password_reset_requests_are_throttled_alike_for_any_user_id(start: StartReplica) -> None:
    replica = await start(**SMALL)

    async def requests(user_id: str, address: str) -> list[dict[str, Any]]:
        client = replica.at(address)
        answers = []
        for _ in range(4):
            response = await client.post(
                "/graphql", json={"query": REQUEST_RESET, "variables": {"userId": user_id}}
            )
            answers.append(response.json()["data"]["requestPasswordReset"])
        return answers

    real, made_up = await requests("dana.reyes", "10.4.4.4"), await requests("no.such.person", "10.4.4.5")

    assert real == made_up
    assert [a["accepted"] for a in real] == [True] * 3 + [False]
    assert real[-1]["userErrors"][0]["code"] == "RATE_LIMITED"


async def test_user_id_recovery_is_throttled(start: StartReplica) -> None:
    replica = await start(**SMALL)
    client = replica.at("10.5.5.5")

    answers = [
        (
            await client.post(
                "/graphql",
                json={"query": RECOVER, "variables": {"email": "tess.nguyen@summitbilling.example"}},
            )
        ).json()["data"]["recoverUserId"]["accepted"]
        for _ in range(4)
    ]

    assert answers == [True] * 3 + [False]


async def test_support_cases_are_throttled_per_address(start: StartReplica) -> None:
    replica = await start(**SMALL)
    flooder, other = replica.at("10.6.6.6"), replica.at("10.6.6.7")

    async def opened(client: httpx.AsyncClient) -> list[str]:
        response = await client.post("/graphql", json={"query": OPEN_CASE})
        return [e["code"] for e in response.json()["data"]["openSupportCase"]["userErrors"]]

    answers = [await opened(flooder) for _ in range(9)]

    assert answers == [[]] * 8 + [["RATE_LIMITED"]]
    assert await opened(other) == []


async def test_partner_token_requests_are_throttled_per_client_alike_for_unknown_clients(
    start: StartReplica,
) -> None:
    replica = await start(**SMALL)

    async def tokens(client_id: str, secret: str, address: str) -> list[tuple[int, str | None]]:
        client = replica.at(address)
        answers = []
        for _ in range(4):
            response = await client.post(
                "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(client_id, secret)
            )
            answers.append((response.status_code, response.json().get("error")))
        return answers

    known = await tokens(DEMO_CLIENT, "not-the-secret", "10.7.7.7")
    unknown = await tokens("no-such-client", "not-the-secret", "10.7.7.8")

    assert known == unknown == [(401, "invalid_client")] * 3 + [(429, "rate_limited")]
    # another address with the right secret is not held up by the guesses
    ok = await replica.at("10.7.7.9").post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(DEMO_CLIENT, DEMO_SECRET)
    )
    assert ok.status_code == 200
