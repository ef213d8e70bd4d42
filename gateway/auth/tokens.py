"""Access tokens: short-lived ES256 JWTs issued for one session, and their verification."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey
from joserfc.jwt import ClaimsOption, JWTClaimsRegistry

from gateway.auth.keys import ALGORITHM
from gateway.clock import SYSTEM_CLOCK, Clock

# Clock skew tolerated between replicas; small, because the session check catches the rest.
LEEWAY_SECONDS = 10


def claims_registry(
    clock: Clock, issuer: str, audience: str, *essential: str, **exact: str
) -> JWTClaimsRegistry:
    """The checks every token of this gateway passes: issuer, audience, subject, times (by `clock`) and
    id, plus the claims its kind needs (`essential`) or must carry with a given value (`exact`)."""
    options: dict[str, ClaimsOption] = {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": audience},
        **{name: {"essential": True} for name in ("sub", "exp", "iat", "jti", *essential)},
        **{name: {"essential": True, "value": value} for name, value in exact.items()},
    }
    return JWTClaimsRegistry(lambda: math.floor(clock.now().timestamp()), LEEWAY_SECONDS, **options)


class InvalidTokenError(Exception):
    """A token that is malformed, forged, expired, or meant for another audience."""


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """What a verified gateway token says."""

    user_pk: int
    user_id: str
    session_id: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A signed access token and its lifetime in seconds, as the sign-in answer carries them."""

    token: str
    expires_in: int


class AccessTokens:
    """Issues and verifies the gateway's own access tokens with one signing key."""

    def __init__(
        self, key: ECKey, *, issuer: str, audience: str, ttl_seconds: int, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        self._key = key
        self._issuer = issuer
        self._audience = audience
        self._ttl_seconds = ttl_seconds
        self._clock = clock

    @property
    def kid(self) -> str | None:
        return self._key.kid

    def issue(
        self,
        *,
        user_pk: int,
        user_id: str,
        session_id: str,
        session_expires_at: datetime,
        now: datetime | None = None,
    ) -> IssuedToken:
        """A token for this session that never outlives the session's absolute limit."""
        issued_at = math.floor((now or self._clock.now()).timestamp())
        expires = min(issued_at + self._ttl_seconds, math.floor(session_expires_at.timestamp()))
        claims = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": user_id,
            "uid": user_pk,
            "sid": session_id,
            "iat": issued_at,
            "exp": expires,
            "jti": secrets.token_urlsafe(16),
        }
        header = {"alg": ALGORITHM, "kid": self._key.kid}
        token = jwt.encode(header, claims, self._key, algorithms=[ALGORITHM])
        return IssuedToken(token=token, expires_in=max(0, expires - issued_at))

    def verify(self, token: str) -> AccessClaims:
        """The claims of a token this gateway signed and that is still valid; else InvalidTokenError."""
        try:
            # The algorithm is pinned: "none", HS256 keyed with the public key, and the like never pass.
            claims = jwt.decode(token, self._key, algorithms=[ALGORITHM]).claims
            self._registry().validate(claims)
            if "token_use" in claims:
                # A partner's token (gateway/auth/partners.py) never stands for a person.
                raise InvalidTokenError("not a person's token")
            user_pk, session_id = claims["uid"], claims["sid"]
            if not isinstance(user_pk, int) or isinstance(user_pk, bool) or not isinstance(session_id, str):
                raise InvalidTokenError("claims of the wrong type")
            return AccessClaims(
                user_pk=user_pk,
                user_id=claims["sub"],
                session_id=session_id,
                expires_at=datetime.fromtimestamp(claims["exp"], UTC),
            )
        except (JoseError, ValueError, OverflowError, OSError) as error:
            raise InvalidTokenError(type(error).__name__) from None

    def _registry(self) -> JWTClaimsRegistry:
        return claims_registry(self._clock, self._issuer, self._audience, "uid", "sid")
