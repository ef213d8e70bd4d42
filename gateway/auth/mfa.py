"""Multi-factor sign-in (NIST SP 800-63B, AAL2): TOTP codes (RFC 6238, with pyotp) and single-use
recovery codes, and the short-lived challenge between the password and the code.

A person with TOTP on gets, for a right password, an `mfa_token` instead of a session; the session opens
when `/auth/sign-in/mfa` brings that token with a current code or an unused recovery code. A TOTP code
works once (a second use within its validity is refused), a recovery code works once ever, and a challenge
takes a few tries at most, on every replica (the shared cache counts them).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
import pyotp
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.cache import Cache
from gateway.directory.tables import recovery_codes

ISSUER = "Online Affiliate"
RECOVERY_CODE_COUNT = 10
CHALLENGE_SECONDS = 300
CHALLENGE_TRIES = 5
_TOTP_STEP_SECONDS = 30
# A code of the step before or after is accepted too (clock drift of the phone).
_TOTP_WINDOW = 1
_MAX_CODE_LENGTH = 40


def new_totp_secret() -> str:
    """160 random bits, base32, as authenticator apps expect (RFC 4226 §4)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, user_id: str) -> str:
    """The otpauth:// URI an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user_id, issuer_name=ISSUER)


def new_recovery_codes() -> list[str]:
    """Ten codes of 50 random bits each, written xxxxx-xxxxx in an alphabet without look-alikes."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_code_hash(code: str) -> str:
    """What the directory keeps of a recovery code (high-entropy, so a plain SHA-256 suffices)."""
    normalised = "".join(code.split()).replace("-", "").lower()
    return hashlib.sha256(normalised.encode()).hexdigest()


def _typed(code: str) -> str:
    return "".join(code.split())[:_MAX_CODE_LENGTH]


def totp_step(secret: str, code: str, *, at: float | None = None) -> int | None:
    """The time step a TOTP code is valid for (within the drift window), or None."""
    typed = _typed(code)
    if not (len(typed) == 6 and typed.isdigit()):
        return None
    now = time.time() if at is None else at
    totp = pyotp.TOTP(secret)
    for offset in range(-_TOTP_WINDOW, _TOTP_WINDOW + 1):
        moment = now + offset * _TOTP_STEP_SECONDS
        if hmac.compare_digest(totp.at(moment), typed):
            return int(moment // _TOTP_STEP_SECONDS)
    return None


class SecondFactor:
    """Checks a second factor: a TOTP code of the person's secret, or one of their unused recovery codes."""

    def __init__(self, engine: AsyncEngine, cache: Cache) -> None:
        self._engine = engine
        self._cache = cache

    async def verify(self, user_pk: int, secret: str | None, code: str) -> bool:
        if secret is None:
            return False
        step = totp_step(secret, code)
        if step is not None:
            # Once per code: the same code replayed within its validity is refused, on every replica.
            spent = await self._cache.count_in_window(
                f"mfa-step:{user_pk}:{step}", cost=1, limit=1, window_seconds=_TOTP_STEP_SECONDS * 4
            )
            return spent.allowed
        return await self.spend_recovery_code(user_pk, code)

    async def spend_recovery_code(self, user_pk: int, code: str) -> bool:
        """Use a recovery code; atomic, so two sign-ins racing with one code get one success."""
        typed = _typed(code)
        if not typed or len(typed) > _MAX_CODE_LENGTH:
            return False
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(recovery_codes)
                .where(
                    recovery_codes.c.user_id == user_pk,
                    recovery_codes.c.code_hash == recovery_code_hash(typed),
                    recovery_codes.c.used_at.is_(None),
                )
                .values(used_at=_utc_now())
            )
        return result.rowcount == 1


@dataclass(frozen=True, slots=True)
class Challenge:
    token: str
    expires_in: int


class MfaChallenges:
    """The step between a right password and the code: a random token naming the person, in the shared
    cache for `CHALLENGE_SECONDS`, good for `CHALLENGE_TRIES` codes and one session."""

    def __init__(self, cache: Cache) -> None:
        self._cache = cache

    async def issue(self, user_pk: int, typed_user_id: str) -> Challenge:
        token = secrets.token_urlsafe(32)
        value = orjson.dumps({"user_pk": user_pk, "user_id": typed_user_id})
        await self._cache.set(_key(token), value, CHALLENGE_SECONDS)
        return Challenge(token=token, expires_in=CHALLENGE_SECONDS)

    async def holder(self, token: str) -> tuple[int, str] | None:
        """(user pk, typed user id) of a live challenge with tries left; counts this try."""
        if not token or len(token) > 100:
            return None
        raw = await self._cache.get(_key(token))
        if raw is None:
            return None
        tries = await self._cache.count_in_window(
            f"mfa-tries:{_digest(token)}", cost=1, limit=CHALLENGE_TRIES, window_seconds=CHALLENGE_SECONDS
        )
        if not tries.allowed:
            await self._cache.delete(_key(token))
            return None
        value = orjson.loads(raw)
        return int(value["user_pk"]), str(value["user_id"])

    async def spend(self, token: str) -> bool:
        """End a challenge that opened a session; False if another request spent it first."""
        spent = await self._cache.count_in_window(
            f"mfa-spent:{_digest(token)}", cost=1, limit=1, window_seconds=CHALLENGE_SECONDS
        )
        await self._cache.delete(_key(token))
        return spent.allowed


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _key(token: str) -> str:
    return f"mfa:{_digest(token)}"


def _utc_now() -> datetime:
    return datetime.now(UTC)
