"""Manage My Account › Security lists the person's sessions (created, last seen, browser, which is this one)
and ends any one of them, at once, on every replica."""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.account_steps import USER_ERRORS, problems
from tests.conftest import DEMO_PASSWORD, Gateway, start_gateway

SESSIONS = "query { viewer { sessions { id createdAt lastSeenAt userAgent current } } }"
END = f"mutation ($id: ID!) {{ endSession(input: {{sessionId: $id}}) {{ ended {USER_ERRORS} }} }}"


async def _sign_in(gateway: Gateway, user_id: str, agent: str) -> str:
    response = await gateway.client.post(
        "/auth/sign-in", json={"userId": user_id, "password": DEMO_PASSWORD}, headers={"user-agent": agent}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def _as(gateway: Gateway, token: str, document: str, variables: dict[str, Any] | None = None) -> Any:
    return await gateway.client.post(
        "/graphql",
        json={"query": document, "variables": variables or {}},
        headers={"authorization": f"Bearer {token}"},
    )


async def test_a_person_lists_and_ends_their_sessions_on_every_replica(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    # given two sessions of one person, from two browsers
    laptop = await _sign_in(gateway, "omar.haddad", "Mozilla/5.0 (Macintosh) Firefox/140.0")
    phone = await _sign_in(gateway, "omar.haddad", "Mozilla/5.0 (iPhone) Safari/19.0")

    listed = (await _as(gateway, laptop, SESSIONS)).json()["data"]["viewer"]["sessions"]
    mine = {s["userAgent"]: s for s in listed}
    assert mine["Mozilla/5.0 (Macintosh) Firefox/140.0"]["current"] is True
    assert mine["Mozilla/5.0 (iPhone) Safari/19.0"]["current"] is False
    assert all(s["createdAt"] and s["lastSeenAt"] for s in listed)
    phone_id = mine["Mozilla/5.0 (iPhone) Safari/19.0"]["id"]

    # nobody ends someone else's session; an unknown one is the same answer
    dana = await _sign_in(gateway, "dana.reyes", "curl/8")
    for attempt in (phone_id, "not-a-session"):
        refused = (await _as(gateway, dana, END, {"id": attempt})).json()["data"]["endSession"]
        assert problems(refused) == [("NOT_FOUND", ["input", "sessionId"])]
    assert (await _as(gateway, phone, SESSIONS)).status_code == 200

    # when the laptop ends the phone's session on another replica (sharing Redis; without Redis there is one
    # process, and the same gateway ends it)
    if gateway.runtime.settings.redis_url is None:
        ended = (await _as(gateway, laptop, END, {"id": phone_id})).json()["data"]["endSession"]
    else:
        async for replica in start_gateway(dataclasses.replace(gateway.runtime.settings)):
            ended = (await _as(replica, laptop, END, {"id": phone_id})).json()["data"]["endSession"]
    assert ended == {"ended": True, "userErrors": []}

    # then the phone's token stops at once here too, and it is no longer listed
    assert (await _as(gateway, phone, SESSIONS)).status_code == 401
    left = (await _as(gateway, laptop, SESSIONS)).json()["data"]["viewer"]["sessions"]
    assert phone_id not in {s["id"] for s in left}
