"""Sign-in, refresh, sign-out and sessions, through HTTP (docs/http.md, "Sign-in for people")."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy import select, update

from gateway.directory.tables import associations, audit_events, sessions
from tests.auth.conftest import (
    CO_GROUP,
    EMPLOYER,
    NW_GROUP,
    PASSWORD,
    REDIS_URL,
    Gateway,
    MakeGateway,
    redis_cache,
)
from tests.clock import FakeClock

INVALID_CREDENTIALS = {"error": "invalid_credentials"}
SESSION_EXPIRED = {"error": "session_expired"}


async def audit_rows(gateway: Gateway, action: str = "sign_in") -> list[dict[str, Any]]:
    async with gateway.runtime.directory.engine.connect() as connection:
        statement = select(audit_events).where(audit_events.c.action == action).order_by(audit_events.c.id)
        return [dict(row) for row in (await connection.execute(statement)).mappings()]


# ---------------------------------------------------------------------- sign-in


async def test_sign_in_answers_a_bearer_token_that_opens_the_api(gateway: Gateway) -> None:
    # when
    response = await gateway.sign_in()

    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 300
    assert response.headers["cache-control"] == "no-store"
    me = await gateway.whoami(body["access_token"])
    assert me.status_code == 200
    assert me.json()["user_id"] == "alice"
    assert me.json()["kind"] == "person"
    assert me.json()["session_id"]


async def test_user_ids_are_matched_whatever_their_case(gateway: Gateway) -> None:
    response = await gateway.sign_in("  Alice ")

    assert response.status_code == 200
    assert (await gateway.whoami(response.json()["access_token"])).json()["user_id"] == "alice"


async def test_refresh_cookie_is_http_only_strict_and_scoped_to_auth(make_gateway: MakeGateway) -> None:
    gateway = await make_gateway(cookie_secure=True)

    response = await gateway.sign_in()

    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("gateway_refresh=")
    for attribute in ("httponly", "secure", "samesite=strict", "path=/auth", "max-age=43200"):
        assert attribute in cookie


async def test_unknown_user_wrong_password_and_disabled_user_get_one_answer(gateway: Gateway) -> None:
    # when
    unknown = await gateway.sign_in("nobody", PASSWORD)
    wrong = await gateway.sign_in("alice", "not the password")
    disabled = await gateway.sign_in("bob", PASSWORD)

    # then
    for response in (unknown, wrong, disabled):
        assert response.status_code == 401
        assert response.json() == INVALID_CREDENTIALS
        assert "set-cookie" not in response.headers
    assert unknown.content == wrong.content == disabled.content


async def test_parallel_guesses_cannot_slip_past_the_throttle(gateway: Gateway) -> None:
    # when twenty guesses for one user id arrive at once from one address
    answers = await asyncio.gather(*(gateway.sign_in(password=f"guess {n}") for n in range(20)))

    # then only as many as the throttle allows had their password checked; the rest are told to wait
    statuses = sorted(response.status_code for response in answers)
    assert statuses == [401] * 10 + [429] * 10
    assert all(int(r.headers["retry-after"]) >= 1 for r in answers if r.status_code == 429)


async def test_sign_in_attempts_are_audited_without_the_password(gateway: Gateway) -> None:
    # when
    await gateway.sign_in("ALICE", "not the password")
    await gateway.sign_in("nobody", PASSWORD)
    await gateway.sign_in("alice", PASSWORD)

    # then
    rows = await audit_rows(gateway)
    assert [(row["actor"], row["outcome"]) for row in rows] == [
        ("ALICE", "invalid_credentials"),
        ("nobody", "invalid_credentials"),
        ("alice", "ok"),
    ]
    assert all(row["client_address"] == "127.0.0.1" for row in rows)
    for row in rows:
        assert PASSWORD not in str(row)
        assert "not the password" not in str(row)


async def test_a_throttled_answer_is_audited_as_rate_limited(make_gateway: MakeGateway) -> None:
    gateway = await make_gateway(attempts_per_account_and_address=1)
    await gateway.sign_in(password="not the password")

    await gateway.sign_in()

    assert [row["outcome"] for row in await audit_rows(gateway)] == ["invalid_credentials", "rate_limited"]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        pytest.param(b"not json", "application/json", id="not-json"),
        pytest.param(b"", "application/json", id="empty"),
        pytest.param(b"[]", "application/json", id="array"),
        pytest.param(b"null", "application/json", id="null"),
        pytest.param(b'"alice"', "application/json", id="string"),
        pytest.param(b'{"userId": "alice"}', "application/json", id="no-password"),
        pytest.param(b'{"password": "x"}', "application/json", id="no-user-id"),
        pytest.param(b'{"userId": 1, "password": "x"}', "application/json", id="number-user-id"),
        pytest.param(b'{"userId": "alice", "password": null}', "application/json", id="null-password"),
        pytest.param(b'{"userId": "", "password": "x"}', "application/json", id="empty-user-id"),
        pytest.param(b'{"userId": "al\\u0000ice", "password": "x"}', "application/json", id="nul-in-user-id"),
        pytest.param(b'{"userId": "alice", "password": "\\ud800"}', "application/json", id="lone-surrogate"),
        pytest.param(
            b'{"userId": "' + b"a" * 1025 + b'", "password": "x"}', "application/json", id="long-user-id"
        ),
        pytest.param(
            b'{"userId": "alice", "password": "' + b"p" * 1025 + b'"}', "application/json", id="long-pw"
        ),
        pytest.param(
            b'{"userId": "alice", "password": "' + b"p" * 100_000 + b'"}', "application/json", id="huge"
        ),
        pytest.param(b"[" * 5000, "application/json", id="deep"),
        pytest.param(b"\xff\xfe", "application/json", id="not-utf8"),
        pytest.param(b'{"userId": "alice", "password": "x"}', "text/plain", id="text-plain"),
        pytest.param(b"userId=alice&password=x", "application/x-www-form-urlencoded", id="form"),
    ],
)
async def test_malformed_sign_in_requests_are_refused(
    gateway: Gateway, content: bytes, content_type: str
) -> None:
    response = await gateway.client.post(
        "/auth/sign-in", content=content, headers={"content-type": content_type}
    )

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request"}


async def test_sign_in_without_content_type_is_refused(gateway: Gateway) -> None:
    response = await gateway.client.post("/auth/sign-in", content=b'{"userId": "alice", "password": "x"}')

    assert response.status_code == 400


# ------------------------------------------------------------ refresh, sign-out


async def test_refresh_issues_a_new_token_for_the_same_session_until_sign_out(gateway: Gateway) -> None:
    # given
    first = (await gateway.sign_in()).json()["access_token"]
    cookie = gateway.refresh_cookie()
    session_id = (await gateway.whoami(first)).json()["session_id"]

    # when
    refreshed = await gateway.refresh()

    # then
    assert refreshed.status_code == 200
    body = refreshed.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["access_token"] != first
    assert (await gateway.whoami(body["access_token"])).json()["session_id"] == session_id

    # when
    signed_out = await gateway.client.post("/auth/sign-out")

    # then
    assert signed_out.status_code == 204
    assert "max-age=0" in signed_out.headers["set-cookie"].lower()
    expired = await gateway.refresh(cookie)
    assert expired.status_code == 401
    assert expired.json() == SESSION_EXPIRED


async def test_sign_out_stops_the_access_token_at_once(gateway: Gateway) -> None:
    token = await gateway.token()
    gateway.client.cookies.clear()

    # when: signed out with the bearer token only
    response = await gateway.client.post("/auth/sign-out", headers={"authorization": f"Bearer {token}"})

    # then
    assert response.status_code == 204
    assert (await gateway.whoami(token)).status_code == 401


async def test_sign_out_by_cookie_stops_the_access_token_at_once(gateway: Gateway) -> None:
    token = await gateway.token()

    await gateway.client.post("/auth/sign-out")

    assert (await gateway.whoami(token)).status_code == 401


async def test_sign_out_is_idempotent_and_audited_once(gateway: Gateway) -> None:
    token = await gateway.token()
    cookie = gateway.refresh_cookie()
    headers = {"authorization": f"Bearer {token}", "cookie": f"gateway_refresh={cookie}"}

    answers = [await gateway.client.post("/auth/sign-out", headers=headers) for _ in range(2)]
    nothing = await gateway.client.post("/auth/sign-out")

    assert [response.status_code for response in [*answers, nothing]] == [204, 204, 204]
    assert [(row["actor"], row["outcome"]) for row in await audit_rows(gateway, "sign_out")] == [
        ("alice", "ok")
    ]


async def test_a_forged_refresh_cookie_is_refused(gateway: Gateway) -> None:
    await gateway.sign_in()
    session_id, _, _ = gateway.refresh_cookie().partition(".")

    for cookie in (f"{session_id}.not-the-secret", "nonsense", ".", "x" * 500):
        response = await gateway.refresh(cookie)
        assert response.status_code == 401
        assert response.json() == SESSION_EXPIRED
    assert (await gateway.client.post("/auth/refresh", headers={"cookie": ""})).status_code == 401


async def test_a_forged_cookie_cannot_sign_anyone_out(gateway: Gateway) -> None:
    token = await gateway.token()
    session_id, _, _ = gateway.refresh_cookie().partition(".")
    gateway.client.cookies.clear()

    await gateway.client.post("/auth/sign-out", headers={"cookie": f"gateway_refresh={session_id}.forged"})

    assert (await gateway.whoami(token)).status_code == 200


# --------------------------------------------------------- idle and absolute


async def test_an_idle_session_ends(make_gateway: MakeGateway) -> None:
    clock = FakeClock()
    gateway = await make_gateway(clock=clock, session_idle_seconds=60)
    token = await gateway.token()

    clock.advance(61)

    assert (await gateway.whoami(token)).status_code == 401
    refresh = await gateway.refresh()
    assert refresh.status_code == 401
    assert refresh.json() == SESSION_EXPIRED


async def test_api_use_keeps_a_session_alive(make_gateway: MakeGateway) -> None:
    clock = FakeClock()
    gateway = await make_gateway(clock=clock, session_idle_seconds=60)
    token = await gateway.token()

    # Two minutes of use, never a minute apart: longer than the idle timeout.
    for _ in range(4):
        clock.advance(30)
        assert (await gateway.whoami(token)).status_code == 200

    assert (await gateway.refresh()).status_code == 200


async def test_a_session_ends_at_its_absolute_limit_however_active(make_gateway: MakeGateway) -> None:
    clock = FakeClock()
    gateway = await make_gateway(clock=clock, session_absolute_seconds=120, session_idle_seconds=600)
    response = await gateway.sign_in()
    token = response.json()["access_token"]
    assert response.json()["expires_in"] <= 120

    clock.advance(30)
    assert (await gateway.whoami(token)).status_code == 200
    clock.advance(91)

    assert (await gateway.whoami(token)).status_code == 401
    assert (await gateway.refresh()).status_code == 401


# -------------------------------------------------------------- the principal


async def test_grants_follow_the_directory_at_once(gateway: Gateway) -> None:
    token = await gateway.token()

    # then: only ACTIVE associations grant; every association and the employer relate
    me = (await gateway.whoami(token)).json()
    assert me["grants"] == [f"NW/{NW_GROUP}/CLINICAL"]
    assert me["related_tax_ids"] == sorted([NW_GROUP, CO_GROUP, EMPLOYER])
    assert me["active_region"] == "NW"

    # when the pending association is approved
    await gateway.execute(update(associations).where(associations.c.id == 2).values(status="ACTIVE"))

    # then
    me = (await gateway.whoami(token)).json()
    assert me["grants"] == [f"CO/{CO_GROUP}/ADMINISTRATIVE", f"NW/{NW_GROUP}/CLINICAL"]

    # when the first association is removed
    await gateway.execute(update(associations).where(associations.c.id == 1).values(status="REMOVED"))

    # then
    me = (await gateway.whoami(token)).json()
    assert me["grants"] == [f"CO/{CO_GROUP}/ADMINISTRATIVE"]
    assert me["related_tax_ids"] == sorted([NW_GROUP, CO_GROUP, EMPLOYER])


# A REGISTERING person keeps signing in, to Manage My Account only (tests/test_finish_setup.py).
@pytest.mark.parametrize("status", ["DISABLED", "LOCKED"])
async def test_a_user_no_longer_active_is_refused_at_once(gateway: Gateway, status: str) -> None:
    token = await gateway.token()

    await gateway.set_user_status("alice", status)

    assert (await gateway.whoami(token)).status_code == 401
    assert (await gateway.refresh()).status_code == 401
    # The refused refresh signed the session off: re-activation does not bring it back.
    await gateway.set_user_status("alice", "ACTIVE")
    assert (await gateway.whoami(token)).status_code == 401


async def test_no_authorization_header_is_anonymous(gateway: Gateway) -> None:
    response = await gateway.client.get("/whoami")

    assert response.json()["kind"] == "anonymous"


@pytest.mark.parametrize(
    "header",
    ["Basic YWxpY2U6eA==", "Bearer", "Bearer   ", "Token abc", "Bearer a.b.c", "Bearer " + "x" * 5000],
)
async def test_malformed_authorization_is_refused(gateway: Gateway, header: str) -> None:
    response = await gateway.client.get("/whoami", headers={"authorization": header})

    assert response.status_code == 401


# ---------------------------------------------------- sessions for later flows


async def test_revoke_all_for_user_spares_only_the_named_session(gateway: Gateway) -> None:
    tokens = [await gateway.token() for _ in range(3)]
    keep = (await gateway.whoami(tokens[2])).json()["session_id"]

    ended = await gateway.authenticator.sessions.revoke_all_for_user(1, except_session_id=keep)

    assert ended == 2
    assert [(await gateway.whoami(token)).status_code for token in tokens] == [401, 401, 200]
    async with gateway.runtime.directory.engine.connect() as connection:
        statement = select(sessions.c.id).where(sessions.c.revoked_at.is_(None))
        assert list((await connection.execute(statement)).scalars()) == [keep]


async def test_set_active_region_changes_the_principal_at_once(gateway: Gateway) -> None:
    token = await gateway.token()
    session_id = (await gateway.whoami(token)).json()["session_id"]

    assert await gateway.authenticator.sessions.set_active_region(session_id, "CO")

    assert (await gateway.whoami(token)).json()["active_region"] == "CO"
    await gateway.client.post("/auth/sign-out")
    assert not await gateway.authenticator.sessions.set_active_region(session_id, "NW")
    assert (await gateway.whoami(token)).status_code == 401


# ---------------------------------------------------------- replicas on Redis


@pytest.mark.redis
async def test_sign_out_on_one_replica_is_honoured_at_once_by_another(
    make_gateway: MakeGateway, redis_prefix: str
) -> None:
    # given two replicas over one directory, one signing key file and one Redis
    first = await make_gateway(redis_url=REDIS_URL, cache=redis_cache(redis_prefix))
    second = await make_gateway(redis_url=REDIS_URL, cache=redis_cache(redis_prefix))
    token = await first.token()
    cookie = first.refresh_cookie()
    assert (await second.whoami(token)).status_code == 200
    assert (await second.refresh(cookie)).status_code == 200

    # when
    signed_out = await first.client.post("/auth/sign-out")

    # then
    assert signed_out.status_code == 204
    assert (await second.whoami(token)).status_code == 401
    assert (await second.refresh(cookie)).status_code == 401


@pytest.mark.redis
async def test_activity_on_one_replica_keeps_the_session_alive_on_another(
    make_gateway: MakeGateway, redis_prefix: str
) -> None:
    # Redis keeps the idle timer by its own clock: the test shortens what is left of it by hand.
    first = await make_gateway(redis_url=REDIS_URL, cache=redis_cache(redis_prefix), session_idle_seconds=60)
    second = await make_gateway(redis_url=REDIS_URL, cache=redis_cache(redis_prefix), session_idle_seconds=60)
    token = await first.token()
    session_id = (await first.whoami(token)).json()["session_id"]
    key = f"{redis_prefix}session:{session_id}"
    redis: Redis = Redis.from_url(REDIS_URL)
    try:
        for replica in (second, first):
            await redis.pexpire(key, 1000)  # as if 59 of the 60 seconds had passed
            assert (await replica.whoami(token)).status_code == 200
            assert await redis.pttl(key) > 55_000  # the request pushed the idle timer on, for everyone
        await redis.delete(key)  # as if the 60 seconds had passed

        assert (await first.whoami(token)).status_code == 401
        assert (await second.whoami(token)).status_code == 401
    finally:
        await redis.aclose()
