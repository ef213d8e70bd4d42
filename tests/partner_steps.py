"""Steps the partner tests share: the demo client, token requests as a partner system sends them, and
clients registered with other scopes, bindings and limits."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from sqlalchemy import select

from gateway.directory.tables import audit_events
from gateway.partners.admin import NewClient, create_client
from tests.conftest import Gateway

DEMO_CLIENT = "summit-billing"
DEMO_SECRET = "demo-partner-secret"
DEMO_SCOPES = "claims:read eligibility:read messages:read messages:write"


def basic(client_id: str, secret: str) -> dict[str, str]:
    """HTTP Basic as RFC 6749 §2.3.1 has it: id and secret form-encoded (ours need no escaping), base64."""
    return {"authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


async def token_response(
    gateway: Gateway, client_id: str = DEMO_CLIENT, secret: str = DEMO_SECRET, scope: str | None = None
) -> httpx.Response:
    form = {"grant_type": "client_credentials"}
    if scope is not None:
        form["scope"] = scope
    return await gateway.client.post("/oauth/token", data=form, headers=basic(client_id, secret))


async def partner_token(
    gateway: Gateway, client_id: str = DEMO_CLIENT, secret: str = DEMO_SECRET, scope: str | None = None
) -> str:
    response = await token_response(gateway, client_id, secret, scope)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def as_partner(
    gateway: Gateway, token: str, document: str, variables: dict[str, Any] | None = None
) -> httpx.Response:
    return await gateway.client.post(
        "/graphql",
        json={"query": document, "variables": variables or {}},
        headers={"authorization": f"Bearer {token}"},
    )


async def partner_query(
    gateway: Gateway, token: str, document: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The JSON body of a partner's GraphQL request; asserts the HTTP exchange itself went well."""
    response = await as_partner(gateway, token, document, variables)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def register_client(
    gateway: Gateway,
    client_id: str,
    scopes: str,
    bindings: tuple[str, ...] = ("GA:58-6000006",),
    *,
    requests_per_minute: int = 1000,
    cost_per_minute: int = 1_000_000,
) -> str:
    """Register a client as `python -m gateway create-client` does; returns its secret."""
    return await create_client(
        gateway.runtime.directory,
        NewClient(
            client_id=client_id,
            name=f"Test partner {client_id}",
            scopes=[scopes],
            bindings=bindings,
            requests_per_minute=requests_per_minute,
            cost_per_minute=cost_per_minute,
        ),
    )


async def audit_of(gateway: Gateway, action: str, actor: str | None = None) -> list[dict[str, Any]]:
    statement = select(audit_events).where(audit_events.c.action == action).order_by(audit_events.c.id)
    if actor is not None:
        statement = statement.where(audit_events.c.actor == actor)
    async with gateway.runtime.directory.engine.connect() as connection:
        return [dict(row) for row in (await connection.execute(statement)).mappings()]
