"""`POST /oauth/token` (RFC 6749 §4.4 client credentials): tokens for the demo partner, every error of §5.2,
disabled clients and rotated secrets, the audit trail, and partner tokens that never pass for a person's."""

from __future__ import annotations

import asyncio
import base64
import os
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey
from sqlalchemy import select

from gateway.auth.authenticate import Authenticator
from gateway.auth.tokens import InvalidTokenError
from gateway.directory.tables import audit_events, partner_clients
from gateway.partners.admin import ClientSetupError, rotate_client_secret
from gateway.partners.store import PartnerStore
from tests.conftest import Gateway
from tests.partner_steps import (
    DEMO_CLIENT,
    DEMO_SCOPES,
    DEMO_SECRET,
    as_partner,
    audit_of,
    basic,
    partner_token,
    register_client,
    token_response,
)

GA_CLAIM = (
    'query { claims(search: {claimNumber: "GA0000000001"}) { totalCount edges { node { claimNumber } } } }'
)


def claims_of(token: str) -> dict[str, Any]:
    segment = token.split(".")[1]
    payload: dict[str, Any] = orjson.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    return payload


def authenticator_of(gateway: Gateway) -> Authenticator:
    authenticator = gateway.app.state.authenticator
    assert isinstance(authenticator, Authenticator)
    return authenticator


def assert_oauth_error(response: Any, status: int, error: str) -> None:
    """An error exactly as RFC 6749 §5.2 words it, never to be cached."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["error"] == error
    assert set(body) <= {"error", "error_description", "error_uri"}


# ------------------------------------------------------------------- issuance


async def test_the_demo_partner_gets_a_short_lived_token_with_its_scopes(writable_gateway: Gateway) -> None:
    # when
    response = await token_response(writable_gateway)
    # then
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == writable_gateway.runtime.settings.partner_token_ttl_seconds == 600
    assert body["scope"] == DEMO_SCOPES
    claims = claims_of(body["access_token"])
    assert claims["sub"] == claims["client_id"] == DEMO_CLIENT
    assert claims["scope"] == DEMO_SCOPES
    assert claims["exp"] - claims["iat"] == 600
    assert "uid" not in claims
    assert "sid" not in claims
    # and the token works at once
    reply = await as_partner(writable_gateway, body["access_token"], GA_CLAIM)
    assert reply.json()["data"]["claims"]["totalCount"] == 1


async def test_a_token_gets_the_scopes_asked_for_and_no_more(writable_gateway: Gateway) -> None:
    response = await token_response(writable_gateway, scope="claims:read")
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "claims:read"
    assert claims_of(response.json()["access_token"])["scope"] == "claims:read"
    # the order and spacing of the request do not matter
    response = await token_response(writable_gateway, scope="messages:read  claims:read")
    assert response.json()["scope"] == "claims:read messages:read"


# --------------------------------------------------------------------- errors


async def test_a_scope_beyond_the_clients_is_invalid_scope(writable_gateway: Gateway) -> None:
    for scope in ("clinical:read", "claims:read clinical:read", "admin", "claims:write"):
        response = await token_response(writable_gateway, scope=scope)
        assert_oauth_error(response, 400, "invalid_scope")
        assert "access_token" not in response.json()


async def test_other_grant_types_are_unsupported(writable_gateway: Gateway) -> None:
    for grant_type in ("password", "authorization_code", "refresh_token", "client_credential"):
        response = await writable_gateway.client.post(
            "/oauth/token", data={"grant_type": grant_type}, headers=basic(DEMO_CLIENT, DEMO_SECRET)
        )
        assert_oauth_error(response, 400, "unsupported_grant_type")


async def test_malformed_requests_are_invalid_request(writable_gateway: Gateway) -> None:
    client, auth = writable_gateway.client, basic(DEMO_CLIENT, DEMO_SECRET)
    form = {**auth, "content-type": "application/x-www-form-urlencoded"}
    refused = [
        # no grant type at all
        await client.post("/oauth/token", data={"scope": "claims:read"}, headers=auth),
        await client.post("/oauth/token", headers=form, content=b""),
        # a parameter twice (§3.2)
        await client.post(
            "/oauth/token",
            headers=form,
            content=b"grant_type=client_credentials&grant_type=client_credentials",
        ),
        # not a form
        await client.post("/oauth/token", json={"grant_type": "client_credentials"}, headers=auth),
        await client.post(
            "/oauth/token", headers=form, content=b"grant_type=client_credentials&scope=\xff\xfe"
        ),
        await client.post("/oauth/token", headers=form, content=b"grant_type=client_credentials&scope=a%0Ab"),
        await client.post(
            "/oauth/token", headers=form, content=b"grant_type=client_credentials&x=" + b"a" * 5000
        ),
    ]
    for response in refused:
        assert_oauth_error(response, 400, "invalid_request")


async def test_a_client_that_does_not_authenticate_is_invalid_client(writable_gateway: Gateway) -> None:
    client = writable_gateway.client
    grant = {"grant_type": "client_credentials"}
    refused = {
        "wrong secret": await token_response(writable_gateway, secret="not-the-secret"),
        "unknown client": await token_response(writable_gateway, client_id="no-such-client"),
        "no credentials": await client.post("/oauth/token", data=grant),
        # HTTP Basic only (docs/http.md); credentials in the body are not a way in
        "secret in the body": await client.post(
            "/oauth/token", data={**grant, "client_id": DEMO_CLIENT, "client_secret": DEMO_SECRET}
        ),
        "a bearer token": await client.post(
            "/oauth/token", data=grant, headers={"authorization": "Bearer x"}
        ),
        "not base64": await client.post("/oauth/token", data=grant, headers={"authorization": "Basic !!!"}),
        "not UTF-8": await client.post(
            "/oauth/token",
            data=grant,
            headers={"authorization": "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode()},
        ),
        "no secret": await client.post(
            "/oauth/token",
            data=grant,
            headers={"authorization": "Basic " + base64.b64encode(DEMO_CLIENT.encode()).decode()},
        ),
    }
    for what, response in refused.items():
        assert_oauth_error(response, 401, "invalid_client")
        # §5.2: a client that tried HTTP Basic is told which scheme to use
        assert response.headers["www-authenticate"].startswith("Basic"), what
    # an unknown client and a wrong secret answer alike, so that client ids cannot be discovered
    assert refused["wrong secret"].json() == refused["unknown client"].json()
    # a client that sent its credentials with HTTP Basic is not told to send them that way
    assert "Basic" not in refused["wrong secret"].json()["error_description"]
    assert "HTTP Basic" in refused["no credentials"].json()["error_description"]


async def test_the_token_endpoint_takes_post_only(writable_gateway: Gateway) -> None:
    response = await writable_gateway.client.get("/oauth/token?grant_type=client_credentials")
    assert response.status_code == 405


# ------------------------------------------------- disabled clients, rotation


async def test_a_disabled_client_gets_no_token_and_its_tokens_stop_at_once(writable_gateway: Gateway) -> None:
    # given
    secret = await register_client(writable_gateway, "acme-disabled", "claims:read")
    token = await partner_token(writable_gateway, "acme-disabled", secret)
    store = PartnerStore(writable_gateway.runtime.directory.engine)
    # when
    assert await store.set_disabled("acme-disabled", datetime.now(UTC))
    # then
    assert_oauth_error(await token_response(writable_gateway, "acme-disabled", secret), 401, "invalid_client")
    answer = await as_partner(writable_gateway, token, GA_CLAIM)
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # and switched on again, it works again
    assert await store.set_disabled("acme-disabled", None)
    answer = await as_partner(writable_gateway, token, GA_CLAIM)
    assert answer.json()["data"]["claims"]["totalCount"] == 1


async def test_a_rotated_secret_replaces_the_old_one_and_its_tokens(writable_gateway: Gateway) -> None:
    # given
    old_secret = await register_client(writable_gateway, "acme-rotated", "claims:read")
    assert (await token_response(writable_gateway, "acme-rotated", old_secret)).status_code == 200
    # Tokens name the second they were issued in: this one is from a second before the rotation.
    old_token = (
        authenticator_of(writable_gateway)
        .partner_tokens.issue("acme-rotated", ["claims:read"], now=datetime.now(UTC) - timedelta(seconds=2))
        .token
    )
    assert (await as_partner(writable_gateway, old_token, GA_CLAIM)).status_code == 200
    # when
    new_secret = await rotate_client_secret(writable_gateway.runtime.directory, "acme-rotated")
    # then
    assert new_secret != old_secret
    assert_oauth_error(
        await token_response(writable_gateway, "acme-rotated", old_secret), 401, "invalid_client"
    )
    assert (await as_partner(writable_gateway, old_token, GA_CLAIM)).status_code == 401
    new_token = await partner_token(writable_gateway, "acme-rotated", new_secret)
    answer = await as_partner(writable_gateway, new_token, GA_CLAIM)
    assert answer.json()["data"]["claims"]["totalCount"] == 1


# The command line is the same whatever the backend: SQLite is enough, and spares two slow subprocesses.
@pytest.mark.parametrize("writable_gateway", ["sqlite"], indirect=True)
async def test_the_command_line_prints_the_secret_once_and_keeps_its_hash(writable_gateway: Gateway) -> None:
    settings = writable_gateway.runtime.settings
    env = {
        **os.environ,
        "DATA_DIR": str(settings.data_dir),
        "DIRECTORY_DATABASE_URL": settings.directory_database_url,
        **{f"REGION_{code}_DATABASE_URL": url for code, url in settings.region_database_urls.items()},
    }

    async def cli(*args: str) -> tuple[int, str, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gateway", *args, env=env, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await process.communicate()
        assert process.returncode is not None
        return process.returncode, out.decode(), err.decode()

    # when
    code, out, err = await cli(
        "create-client", "--client-id", "acme-cli", "--name", "Acme Billing",
        "--scope", "claims:read messages:read", "--bind", "GA:58-6000006", "--requests-per-minute", "60",
    )  # fmt: skip
    # then
    assert code == 0, err
    lines = dict(line.split("=", 1) for line in out.splitlines())
    assert lines["client_id"] == "acme-cli"
    secret = lines["client_secret"]
    assert len(secret) >= 40
    assert "only this once" in err
    async with writable_gateway.runtime.directory.engine.connect() as connection:
        row = (
            (
                await connection.execute(
                    select(partner_clients).where(partner_clients.c.client_id == "acme-cli")
                )
            )
            .mappings()
            .one()
        )
    assert row["secret_hash"].startswith("$argon2id$")
    assert secret not in row["secret_hash"]
    assert (row["scopes"], row["requests_per_minute"]) == ("claims:read messages:read", 60)
    assert (await token_response(writable_gateway, "acme-cli", secret)).json()["scope"] == (
        "claims:read messages:read"
    )
    # rotating prints a new secret, and only the new one works
    code, out, err = await cli("rotate-client-secret", "acme-cli")
    assert code == 0, err
    rotated = dict(line.split("=", 1) for line in out.splitlines())["client_secret"]
    assert rotated != secret
    assert (await token_response(writable_gateway, "acme-cli", secret)).status_code == 401
    assert (await token_response(writable_gateway, "acme-cli", rotated)).status_code == 200
    # a client id is registered once
    with pytest.raises(ClientSetupError, match="already registered"):
        await register_client(writable_gateway, "acme-cli", "claims:read")


WRONG_CLIENTS = [
    ("Acme:Billing", "claims:read", ("GA:58-6000006",), "client id"),
    ("acme-wrong", "claims:read admin", ("GA:58-6000006",), "admin"),
    ("acme-wrong", "", ("GA:58-6000006",), "Scopes"),
    ("acme-wrong", "claims:read", ("ZZ:58-6000006",), "REGION:TAX-ID"),
    ("acme-wrong", "claims:read", ("GA:12-3456789",), "12-3456789"),
    ("acme-wrong", "claims:read", (), "at least one"),
]


async def test_a_client_registered_wrongly_is_refused_with_its_reason(writable_gateway: Gateway) -> None:
    store = PartnerStore(writable_gateway.runtime.directory.engine)
    for client_id, scopes, bindings, reason in WRONG_CLIENTS:
        with pytest.raises(ClientSetupError, match=reason):
            await register_client(writable_gateway, client_id, scopes, bindings)
        assert await store.client(client_id) is None
    with pytest.raises(ClientSetupError, match="No client"):
        await rotate_client_secret(writable_gateway.runtime.directory, "no-such-client")


# ------------------------------------------------ never a person's token


async def test_a_partner_token_is_not_a_person(writable_gateway: Gateway) -> None:
    token = await partner_token(writable_gateway)
    client = writable_gateway.client
    # not a session: it refreshes nothing and signs nobody out
    refresh = await client.post("/auth/refresh", headers={"authorization": f"Bearer {token}"})
    assert refresh.status_code == 401
    assert (
        await client.post("/auth/sign-out", headers={"authorization": f"Bearer {token}"})
    ).status_code == 204
    assert (await as_partner(writable_gateway, token, GA_CLAIM)).status_code == 200
    # a partner has no viewer: it is not a person
    body = (await as_partner(writable_gateway, token, "query { viewer { user { userId } } }")).json()
    assert body == {"data": {"viewer": None}}
    # and each kind of token fails the other kind's verification
    authenticator = authenticator_of(writable_gateway)
    person = await writable_gateway.token("tess.nguyen")
    with pytest.raises(InvalidTokenError):
        authenticator.tokens.verify(token)
    with pytest.raises(InvalidTokenError):
        authenticator.partner_tokens.verify(person)


async def test_forged_and_expired_partner_tokens_are_refused(writable_gateway: Gateway) -> None:
    authenticator = authenticator_of(writable_gateway)
    genuine = claims_of(await partner_token(writable_gateway))
    other_key = ECKey.generate_key("P-256", parameters={"alg": "ES256"}, auto_kid=True)
    forged = [
        # signed with another key
        jwt.encode({"alg": "ES256", "kid": other_key.kid}, genuine, other_key, algorithms=["ES256"]),
        # no signature at all
        ".".join(
            base64.urlsafe_b64encode(orjson.dumps(part)).rstrip(b"=").decode()
            for part in ({"alg": "none"}, genuine)
        )
        + ".",
        # expired long ago
        authenticator.partner_tokens.issue(
            DEMO_CLIENT, DEMO_SCOPES.split(), now=datetime.now(UTC) - timedelta(hours=1)
        ).token,
        # a client that does not exist
        authenticator.partner_tokens.issue("no-such-client", ["claims:read"]).token,
    ]
    for token in forged:
        answer = await as_partner(writable_gateway, token, GA_CLAIM)
        assert answer.status_code == 401
        assert answer.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_token_cannot_widen_what_the_client_is_allowed_now(writable_gateway: Gateway) -> None:
    """A scope the directory no longer allows is gone at the next request, whatever the token says."""
    secret = await register_client(writable_gateway, "acme-narrowed", "claims:read messages:read")
    token = await partner_token(writable_gateway, "acme-narrowed", secret)
    async with writable_gateway.runtime.directory.engine.begin() as connection:
        await connection.execute(
            partner_clients.update()
            .where(partner_clients.c.client_id == "acme-narrowed")
            .values(scopes="messages:read")
        )
    answer = await as_partner(writable_gateway, token, GA_CLAIM)
    assert answer.json()["data"]["claims"]["totalCount"] == 0


# ---------------------------------------------------------------------- audit


async def test_every_token_request_is_audited_without_the_secret(writable_gateway: Gateway) -> None:
    # given
    before = len(await audit_of(writable_gateway, "partner_token"))
    # when
    await token_response(writable_gateway, scope="claims:read")
    await token_response(writable_gateway, secret="a-wrong-secret")
    await token_response(writable_gateway, scope="clinical:read")
    # then
    events = (await audit_of(writable_gateway, "partner_token"))[before:]
    assert [(e["actor"], e["outcome"]) for e in events] == [
        ("client:summit-billing", "ok"),
        ("client:summit-billing", "invalid_client"),
        ("client:summit-billing", "invalid_scope"),
    ]
    assert events[0]["detail"] == {"scope": "claims:read"}
    async with writable_gateway.runtime.directory.engine.connect() as connection:
        everything = repr([dict(row) for row in (await connection.execute(select(audit_events))).mappings()])
    assert DEMO_SECRET not in everything
    assert "a-wrong-secret" not in everything
