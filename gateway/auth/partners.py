"""Partner access tokens (OAuth 2.0 client credentials): short-lived ES256 JWTs naming a client and its
granted scopes, and the Principal such a token stands for."""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey
from joserfc.jwt import JWTClaimsRegistry

from gateway import access
from gateway.auth.keys import ALGORITHM
from gateway.auth.principal import PartnerAllowance, Principal, PrincipalKind
from gateway.auth.tokens import InvalidTokenError, IssuedToken, claims_registry
from gateway.clock import SYSTEM_CLOCK, Clock
from gateway.errors import Unauthenticated
from gateway.partners.store import PartnerStore, scopes_text

# The claim that tells a partner token from a person's: a token of one kind never verifies as the other.
TOKEN_USE = "token_use"  # noqa: S105 - a claim name, not a secret
PARTNER_TOKEN_USE = "partner"  # noqa: S105 - a claim value, not a secret


@dataclass(frozen=True, slots=True)
class PartnerClaims:
    """What a verified partner token says."""

    client_id: str
    scopes: frozenset[str]
    issued_at: int
    expires_at: datetime


def is_partner_token(token: str) -> bool:
    """Whether a token says it is a partner's; only routes it to `PartnerTokens.verify`, which decides."""
    try:
        claims = orjson.loads(jws.extract_compact(token.encode()).payload)
    except (JoseError, ValueError, orjson.JSONDecodeError):
        return False
    return isinstance(claims, dict) and claims.get(TOKEN_USE) == PARTNER_TOKEN_USE


class PartnerTokens:
    """Issues and verifies partner tokens with the key, issuer and audience of the people's tokens."""

    def __init__(
        self, key: ECKey, *, issuer: str, audience: str, ttl_seconds: int, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        self._key = key
        self._issuer = issuer
        self._audience = audience
        self._ttl_seconds = ttl_seconds
        self._clock = clock

    def issue(self, client_id: str, scopes: Iterable[str], *, now: datetime | None = None) -> IssuedToken:
        issued_at = math.floor((now or self._clock.now()).timestamp())
        claims: dict[str, Any] = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": client_id,
            "client_id": client_id,
            "scope": scopes_text(scopes),
            TOKEN_USE: PARTNER_TOKEN_USE,
            "iat": issued_at,
            "exp": issued_at + self._ttl_seconds,
            "jti": secrets.token_urlsafe(16),
        }
        header = {"alg": ALGORITHM, "kid": self._key.kid}
        token = jwt.encode(header, claims, self._key, algorithms=[ALGORITHM])
        return IssuedToken(token=token, expires_in=self._ttl_seconds)

    def verify(self, token: str) -> PartnerClaims:
        """The claims of a valid partner token this gateway signed; else InvalidTokenError."""
        try:
            claims = jwt.decode(token, self._key, algorithms=[ALGORITHM]).claims
            self._registry().validate(claims)
            client_id, scope, issued_at = claims["client_id"], claims["scope"], claims["iat"]
            if (
                not isinstance(client_id, str)
                or client_id != claims["sub"]
                or not isinstance(scope, str)
                or not isinstance(issued_at, int)
            ):
                raise InvalidTokenError("claims of the wrong type")
            return PartnerClaims(
                client_id=client_id,
                scopes=frozenset(scope.split()),
                issued_at=issued_at,
                expires_at=datetime.fromtimestamp(claims["exp"], UTC),
            )
        except (JoseError, ValueError, OverflowError, OSError) as error:
            raise InvalidTokenError(type(error).__name__) from None

    def _registry(self) -> JWTClaimsRegistry:
        return claims_registry(
            self._clock, self._issuer, self._audience, "client_id", "scope", token_use=PARTNER_TOKEN_USE
        )


async def partner_principal(store: PartnerStore, claims: PartnerClaims) -> Principal:
    """The partner a verified token stands for, as the directory has it now: a disabled client, a rotated
    secret, a scope taken away or a binding removed takes effect at the next request."""
    client = await store.client(claims.client_id)
    if client is None or not client.active:
        raise Unauthenticated()
    if client.rotated_at is not None and claims.issued_at < math.floor(client.rotated_at.timestamp()):
        raise Unauthenticated("This token was issued before the client's secret was rotated.")
    scopes = claims.scopes & client.scopes
    return Principal(
        kind=PrincipalKind.PARTNER,
        user_id=f"client:{client.client_id}",
        grants=access.partner_grants(client.bindings, scopes),
        related_tax_ids=frozenset(binding.tax_id for binding in client.bindings),
        client_id=client.client_id,
        scopes=scopes,
        allowance=PartnerAllowance(
            requests_per_minute=client.requests_per_minute, cost_per_minute=client.cost_per_minute
        ),
    )
