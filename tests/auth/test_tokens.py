"""Access tokens, the signing key and its JWKS, and tokens of an external OpenID Connect provider."""

from __future__ import annotations

import base64
import hashlib
import hmac
import stat
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, RSAKey

from gateway.auth.keys import SigningKeyError, load_signing_key, public_jwks
from gateway.auth.tokens import AccessTokens
from tests.auth.conftest import Gateway, MakeGateway

ISSUER = "https://login.example.test"
JWKS_URL = f"{ISSUER}/jwks"
AUDIENCE = "provider-portal"
# RSA keys are slow to make: a few for the whole module.
PROVIDER_RSA_KEY = RSAKey.generate_key(2048, parameters={"alg": "RS256"}, auto_kid=True)
ROTATED_RSA_KEY = RSAKey.generate_key(2048, parameters={"alg": "RS256"}, auto_kid=True)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def claims_of(token: str) -> dict[str, Any]:
    payload: dict[str, Any] = orjson.loads(unb64(token.split(".")[1]))
    return payload


async def signed_in(gateway: Gateway) -> tuple[str, str]:
    """A token of alice's and its session id."""
    token = await gateway.token()
    return token, claims_of(token)["sid"]


# ----------------------------------------------------------------- signing key


def test_signing_key_is_created_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "signing-key.json"

    key = load_signing_key(path)
    again = load_signing_key(path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert again.kid == key.kid == key.thumbprint()
    assert again.as_dict(private=True) == key.as_dict(private=True)
    assert [p.name for p in path.parent.iterdir()] == ["signing-key.json"]


def test_jwks_publishes_the_public_half_only(tmp_path: Path) -> None:
    key = load_signing_key(tmp_path / "signing-key.json")

    (published,) = public_jwks(key)["keys"]

    assert "d" not in published
    assert published["kid"] == key.kid
    assert (published["kty"], published["crv"], published["alg"], published["use"]) == (
        "EC",
        "P-256",
        "ES256",
        "sig",
    )


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        orjson.dumps(ECKey.generate_key("P-256").as_dict(private=False)),
        orjson.dumps(ECKey.generate_key("P-384").as_dict(private=True)),
    ],
    ids=["not-json", "public-only", "other-curve"],
)
def test_an_unusable_key_file_stops_the_start(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "signing-key.json"
    path.write_bytes(content)

    with pytest.raises(SigningKeyError):
        load_signing_key(path)


async def test_replicas_sharing_the_key_file_accept_each_others_tokens(make_gateway: MakeGateway) -> None:
    first = await make_gateway()
    second = await make_gateway()
    token, session_id = await signed_in(first)

    claims = second.authenticator.tokens.verify(token)

    assert (claims.user_id, claims.user_pk, claims.session_id) == ("alice", 1, session_id)


async def test_the_jwks_endpoint_verifies_the_gateways_tokens(gateway: Gateway) -> None:
    token, session_id = await signed_in(gateway)

    response = await gateway.client.get("/.well-known/jwks.json")

    assert response.status_code == 200
    keys = KeySet.import_key_set(response.json())
    claims = jwt.decode(token, keys, algorithms=["ES256"]).claims
    assert claims["iss"] == claims["aud"] == "provider-gateway"
    assert (claims["sub"], claims["uid"], claims["sid"]) == ("alice", 1, session_id)
    assert claims["exp"] - claims["iat"] == 300
    assert claims["jti"]


# --------------------------------------------------------- refused gateway tokens


async def test_a_tampered_token_is_refused(gateway: Gateway) -> None:
    token, _ = await signed_in(gateway)
    header, _, signature = token.split(".")
    claims = claims_of(token) | {"sub": "bob", "uid": 2}

    forged = f"{header}.{b64(orjson.dumps(claims))}.{signature}"

    assert (await gateway.whoami(forged)).status_code == 401
    assert (
        await gateway.whoami(token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB"))
    ).status_code == 401


async def test_an_expired_token_is_refused(gateway: Gateway) -> None:
    _, session_id = await signed_in(gateway)

    expired = gateway.authenticator.tokens.issue(
        user_pk=1,
        user_id="alice",
        session_id=session_id,
        session_expires_at=datetime.now(UTC) + timedelta(hours=1),
        now=datetime.now(UTC) - timedelta(minutes=10),
    )

    assert (await gateway.whoami(expired.token)).status_code == 401


async def test_an_unsigned_token_is_refused(gateway: Gateway) -> None:
    token, _ = await signed_in(gateway)
    payload = token.split(".")[1]

    for header in (
        {"alg": "none", "typ": "JWT"},
        {"alg": "None"},
        {"alg": "none", "kid": claims_of(token)["sid"]},
    ):
        assert (await gateway.whoami(f"{b64(orjson.dumps(header))}.{payload}.")).status_code == 401


async def test_hs256_keyed_with_the_public_key_is_refused(gateway: Gateway) -> None:
    token, _ = await signed_in(gateway)
    payload = token.split(".")[1]
    key = load_signing_key(gateway.runtime.settings.signing_key_path)
    kid = key.kid

    for secret in (key.as_pem(private=False), orjson.dumps(key.as_dict(private=False))):
        signing_input = f"{b64(orjson.dumps({'alg': 'HS256', 'kid': kid}))}.{payload}"
        signature = b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())
        assert (await gateway.whoami(f"{signing_input}.{signature}")).status_code == 401


async def test_a_token_signed_by_another_key_is_refused(gateway: Gateway) -> None:
    token, _ = await signed_in(gateway)
    stranger = ECKey.generate_key("P-256")

    forged = jwt.encode(
        {"alg": "ES256", "kid": gateway.authenticator.tokens.kid},
        claims_of(token),
        stranger,
        algorithms=["ES256"],
    )

    assert (await gateway.whoami(forged)).status_code == 401


@pytest.mark.parametrize(
    ("issuer", "audience"),
    [("someone-else", "provider-gateway"), ("provider-gateway", "other")],
    ids=["issuer", "audience"],
)
async def test_a_token_for_another_issuer_or_audience_is_refused(
    gateway: Gateway, issuer: str, audience: str
) -> None:
    _, session_id = await signed_in(gateway)
    key = load_signing_key(gateway.runtime.settings.signing_key_path)
    tokens = AccessTokens(key, issuer=issuer, audience=audience, ttl_seconds=300)

    issued = tokens.issue(
        user_pk=1,
        user_id="alice",
        session_id=session_id,
        session_expires_at=datetime.now(UTC) + timedelta(hours=1),
    )

    assert (await gateway.whoami(issued.token)).status_code == 401


async def test_a_token_of_no_live_session_is_refused(gateway: Gateway) -> None:
    issued = gateway.authenticator.tokens.issue(
        user_pk=1,
        user_id="alice",
        session_id="no-such-session",
        session_expires_at=datetime.now(UTC) + timedelta(1),
    )

    assert (await gateway.whoami(issued.token)).status_code == 401


async def test_a_token_naming_another_user_than_its_session_is_refused(gateway: Gateway) -> None:
    _, session_id = await signed_in(gateway)

    issued = gateway.authenticator.tokens.issue(
        user_pk=2, user_id="bob", session_id=session_id, session_expires_at=datetime.now(UTC) + timedelta(1)
    )

    assert (await gateway.whoami(issued.token)).status_code == 401


async def test_principal_from_token_serves_websocket_payloads(gateway: Gateway) -> None:
    token, session_id = await signed_in(gateway)

    principal = await gateway.authenticator.principal_from_token(token)

    assert (principal.user_id, principal.user_pk, principal.session_id) == ("alice", 1, session_id)


# ------------------------------------------------------- external provider


@dataclass
class Provider:
    """An OpenID Connect provider's JWKS endpoint, served by httpx.MockTransport."""

    keys: list[Any] = field(default_factory=lambda: [PROVIDER_RSA_KEY])
    fetches: int = 0
    down: bool = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert str(request.url) == JWKS_URL
        self.fetches += 1
        if self.down:
            return httpx.Response(503)
        return httpx.Response(200, json={"keys": [dict(key.as_dict(private=False)) for key in self.keys]})

    def token(self, key: Any = PROVIDER_RSA_KEY, **claims: Any) -> str:
        now = int(time.time())
        body = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "f3b1c2",
            "preferred_username": "Alice",
            "iat": now,
            "exp": now + 300,
        } | claims
        body = {name: value for name, value in body.items() if value is not None}
        algorithm = "RS256" if isinstance(key, RSAKey) else "ES256"
        return jwt.encode({"alg": algorithm, "kid": key.kid}, body, key, algorithms=[algorithm])


@pytest.fixture
def provider() -> Provider:
    return Provider()


@pytest.fixture
async def oidc_gateway(make_gateway: MakeGateway, provider: Provider) -> AsyncIterator[Gateway]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(provider.handle)) as client:
        yield await make_gateway(
            auth_issuer=ISSUER, auth_jwks_url=JWKS_URL, auth_audience=AUDIENCE, oidc_client=client
        )


async def test_provider_tokens_are_accepted_for_the_directory_user(
    oidc_gateway: Gateway, provider: Provider
) -> None:
    response = await oidc_gateway.whoami(provider.token())

    assert response.status_code == 200
    me = response.json()
    assert (me["kind"], me["user_id"], me["session_id"]) == ("person", "alice", None)
    assert me["grants"] == ["NW/111111111/CLINICAL"]


async def test_provider_tokens_fall_back_to_the_subject(oidc_gateway: Gateway, provider: Provider) -> None:
    response = await oidc_gateway.whoami(provider.token(sub="ALICE", preferred_username=None))

    assert response.json()["user_id"] == "alice"


async def test_provider_es256_tokens_are_accepted(oidc_gateway: Gateway, provider: Provider) -> None:
    key = ECKey.generate_key("P-256", parameters={"alg": "ES256"}, auto_kid=True)
    provider.keys.append(key)

    assert (await oidc_gateway.whoami(provider.token(key))).status_code == 200


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "https://evil.example.test"},
        {"aud": "someone-else"},
        {"aud": None},
        {"exp": int(time.time()) - 3600},
        {"exp": None},
        {"preferred_username": "nobody"},
        {"preferred_username": "bob"},
        {"preferred_username": None, "sub": None},
    ],
    ids=[
        "issuer",
        "audience",
        "no-audience",
        "expired",
        "no-expiry",
        "unknown-user",
        "disabled-user",
        "no-name",
    ],
)
async def test_provider_tokens_that_do_not_hold_are_refused(
    oidc_gateway: Gateway, provider: Provider, claims: dict[str, Any]
) -> None:
    assert (await oidc_gateway.whoami(provider.token(**claims))).status_code == 401


async def test_provider_token_signed_by_another_key_is_refused(
    oidc_gateway: Gateway, provider: Provider
) -> None:
    header, payload, _ = provider.token().split(".")
    _, _, signature = provider.token(ROTATED_RSA_KEY).split(".")

    assert (await oidc_gateway.whoami(f"{header}.{payload}.{signature}")).status_code == 401


async def test_provider_keys_are_cached(oidc_gateway: Gateway, provider: Provider) -> None:
    for _ in range(3):
        assert (await oidc_gateway.whoami(provider.token())).status_code == 200

    assert provider.fetches == 1


async def test_provider_keys_are_fetched_again_once_for_an_unknown_kid(
    oidc_gateway: Gateway, provider: Provider
) -> None:
    # given the provider's keys are cached
    assert (await oidc_gateway.whoami(provider.token())).status_code == 200

    # when the provider rotates to a new key
    provider.keys = [ROTATED_RSA_KEY]

    # then one refetch finds it
    assert (await oidc_gateway.whoami(provider.token(ROTATED_RSA_KEY))).status_code == 200
    assert provider.fetches == 2
    # and made-up kids do not make the gateway fetch again and again
    stranger = RSAKey.import_key(ROTATED_RSA_KEY.as_dict(private=True) | {"kid": "made-up"})
    for _ in range(3):
        assert (await oidc_gateway.whoami(provider.token(stranger))).status_code == 401
    assert provider.fetches == 2


async def test_an_unreachable_provider_means_401_not_500(oidc_gateway: Gateway, provider: Provider) -> None:
    provider.down = True

    assert (await oidc_gateway.whoami(provider.token())).status_code == 401


async def test_gateway_tokens_still_work_beside_a_provider(oidc_gateway: Gateway, provider: Provider) -> None:
    token = await oidc_gateway.token()

    assert (await oidc_gateway.whoami(token)).status_code == 200
    assert provider.fetches == 0
