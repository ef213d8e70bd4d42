"""Throttles of guessing: sign-in, its second factor, the current-password check, password reset, user ID
recovery, support cases and partner tokens, each counted in sliding windows in the shared cache.

NIST SP 800-63B 5.2.2 asks verifiers to limit failed attempts "effectively" while keeping "the
possibility of denial-of-service attacks" in mind, and suggests waiting periods that grow over time
rather than accounts locked until someone unlocks them. Here nothing is ever locked: each kind of
attempt is counted three ways within `ATTEMPTS_WINDOW_SECONDS`, and the one that overflows first
answers 429 with the seconds until its oldest attempt leaves the window:

* per client address, whatever account it names (`ATTEMPTS_PER_ADDRESS`): one address spraying
  passwords over many user IDs;
* per account from one address (`ATTEMPTS_PER_ACCOUNT_AND_ADDRESS`): the low limit, so a stranger
  guessing someone's password slows down fast, but only at the stranger's own address;
* per account from any address (`ATTEMPTS_PER_ACCOUNT`): a guess spread over many addresses; higher,
  since this is the only count a stranger can use to delay the person themselves.

"Account" is whatever the attempt names: a user ID, an email address, a partner's client id. It is
counted the same whether or not it exists (before anything is looked up), so the answers never tell
existing accounts from unknown ones. Every attempt counts, a successful one too: counted before the
check, atomically, parallel guesses cannot slip past a limit. Keys are keyed hashes, so the cache holds
no user ID, address or email in clear.
"""

from __future__ import annotations

from enum import Enum

from gateway.auth.derived_keys import keyed_hash
from gateway.cache import Cache
from gateway.errors import RateLimited
from gateway.ratelimit import RateLimiter
from gateway.settings import Settings

_KEY_DERIVATION_LABEL = b"provider-gateway attempt throttle keys v1"


class Attempt(Enum):
    """What is being tried; each kind has windows of its own."""

    SIGN_IN = "sign_in"
    SIGN_IN_MFA = "sign_in_mfa"
    CURRENT_PASSWORD = "current_password"
    PASSWORD_RESET = "password_reset"
    USER_ID_RECOVERY = "user_id_recovery"
    SUPPORT_CASE = "support_case"
    PARTNER_TOKEN = "partner_token"


class Throttle:
    """Counts attempts; `admit` raises `RateLimited` once one of its windows is full."""

    def __init__(self, cache: Cache, settings: Settings) -> None:
        self._limiter = RateLimiter(cache, namespace="attempts")
        self._settings = settings

    async def admit(self, attempt: Attempt, *, address: str | None, account: str | None = None) -> None:
        """Count one attempt from `address` (the client's) naming `account` (None where it names none)."""
        settings = self._settings
        window = settings.attempts_window_seconds
        address_key = await self._key("address", address or "")
        counts = [(f"{attempt.value}:address:{address_key}", settings.attempts_per_address)]
        if account is not None:
            account_key = await self._key("account", account)
            counts += [
                (
                    f"{attempt.value}:account-address:{account_key}:{address_key}",
                    settings.attempts_per_account_and_address,
                ),
                (f"{attempt.value}:account:{account_key}", settings.attempts_per_account),
            ]
        for key, limit in counts:
            decision = await self._limiter.hit(key, limit, window)
            if not decision.allowed:
                raise RateLimited("Too many attempts; try again later.", decision.retry_after_seconds)

    async def _key(self, kind: str, value: str) -> str:
        return await keyed_hash(self._settings.signing_key_path, _KEY_DERIVATION_LABEL, kind, value)


def canonical_user_id(user_id: str) -> str:
    """A user ID as the directory matches it (trimmed, any case), so `Alice` and `alice ` count as one."""
    return user_id.strip().lower()
