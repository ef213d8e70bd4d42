"""Tokens of an external OpenID Connect provider, checked against the keys it publishes."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import httpx
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import ClaimsOption, JWTClaimsRegistry

from gateway.auth.tokens import InvalidTokenError

logger = logging.getLogger(__name__)

ALGORITHMS = ("RS256", "ES256")
# The provider's clock is not ours: allow a little more skew than for our own tokens.
LEEWAY_SECONDS = 30
# After a failed fetch, requests use what is cached (or are refused) for this long before trying again.
_FAILURE_BACKOFF_SECONDS = 5.0
# Longer than any directory user id: such a name cannot be anyone's.
_MAX_USER_ID_LENGTH = 64


@dataclass(frozen=True, slots=True)
class ExternalIdentity:
    """Who a verified provider token names, as a directory user id (lower-case)."""

    user_id: str


class OidcVerifier:
    """Verifies the provider's tokens: signature (RS256/ES256), issuer, audience, expiry."""

    # The JWKS is cached for `jwks_ttl_seconds`. A key the cache does not know triggers one
    # refetch (keys rotate), at most once every `unknown_kid_refetch_seconds`, so a stream of
    # made-up `kid`s cannot make the gateway hammer the provider.

    def __init__(
        self,
        *,
        issuer: str,
        jwks_url: str,
        audience: str | None,
        client: httpx.AsyncClient,
        jwks_ttl_seconds: float = 300.0,
        unknown_kid_refetch_seconds: float = 10.0,
    ) -> None:
        self._issuer = issuer
        self._jwks_url = jwks_url
        self._audience = audience
        self._client = client
        self._jwks_ttl_seconds = jwks_ttl_seconds
        self._unknown_kid_refetch_seconds = unknown_kid_refetch_seconds
        self._keys: KeySet | None = None
        self._fetched_at = -float("inf")
        self._refetched_for_kid_at = -float("inf")
        self._failed_at = -float("inf")
        self._generation = 0
        self._lock = asyncio.Lock()

    async def verify(self, token: str) -> ExternalIdentity:
        """The identity a valid provider token names; else InvalidTokenError."""
        keys = await self._current_keys()
        try:
            return self._decode(token, keys)
        except InvalidKeyIdError:
            pass
        now = time.monotonic()
        if now - self._refetched_for_kid_at < self._unknown_kid_refetch_seconds:
            raise InvalidTokenError("unknown signing key")
        self._refetched_for_kid_at = now
        keys = await self._fetch(seen_generation=self._generation)
        try:
            return self._decode(token, keys)
        except InvalidKeyIdError:
            raise InvalidTokenError("unknown signing key") from None

    def _decode(self, token: str, keys: KeySet) -> ExternalIdentity:
        try:
            claims = jwt.decode(token, keys, algorithms=list(ALGORITHMS)).claims
            self._registry().validate(claims)
        except InvalidKeyIdError:
            raise
        except (JoseError, ValueError) as error:
            raise InvalidTokenError(type(error).__name__) from None
        name = claims.get("preferred_username") or claims.get("sub")
        if not isinstance(name, str) or not name.strip() or len(name) > _MAX_USER_ID_LENGTH:
            raise InvalidTokenError("no usable user name")
        return ExternalIdentity(user_id=name.strip().lower())

    def _registry(self) -> JWTClaimsRegistry:
        audience: ClaimsOption = (
            {"essential": True, "value": self._audience} if self._audience else {"essential": False}
        )
        return JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": self._issuer},
            exp={"essential": True},
            aud=audience,
        )

    async def _current_keys(self) -> KeySet:
        if self._keys is not None and time.monotonic() - self._fetched_at < self._jwks_ttl_seconds:
            return self._keys
        return await self._fetch(seen_generation=self._generation)

    async def _fetch(self, *, seen_generation: int) -> KeySet:
        async with self._lock:
            # Another request fetched while this one waited: use its answer rather than fetch again.
            if self._generation != seen_generation and self._keys is not None:
                return self._keys
            if time.monotonic() - self._failed_at < _FAILURE_BACKOFF_SECONDS:
                return self._cached_or_refuse()
            try:
                response = await self._client.get(self._jwks_url)
                response.raise_for_status()
                keys = KeySet.import_key_set(response.json())
            except (httpx.HTTPError, JoseError, ValueError, KeyError, TypeError) as error:
                logger.warning(
                    "identity provider keys not fetched", extra={"fields": {"error": type(error).__name__}}
                )
                self._failed_at = time.monotonic()
                return self._cached_or_refuse()
            self._keys = keys
            self._fetched_at = time.monotonic()
            self._generation += 1
            return keys

    def _cached_or_refuse(self) -> KeySet:
        # Keep serving with the keys we had; without any, the provider's tokens cannot be checked.
        if self._keys is None:
            raise InvalidTokenError("identity provider keys unavailable")
        return self._keys
