"""Account mutations that check a secret or send an email count their attempts (gateway/auth/throttle.py)."""

from __future__ import annotations

from gateway.accounts.transaction import Caller
from gateway.auth.throttle import Attempt, Throttle
from gateway.errors import MutationRefused, Problem, RateLimited, UserErrorCode
from gateway.runtime import Runtime


async def count_attempt(runtime: Runtime, caller: Caller, attempt: Attempt, *, account: str | None) -> None:
    """Count one attempt from the caller's address; `MutationRefused` with `RATE_LIMITED` past a limit."""
    try:
        await Throttle(runtime.cache, runtime.settings).admit(
            attempt, address=caller.client_address, account=account
        )
    except RateLimited as limited:
        raise MutationRefused(
            Problem(
                UserErrorCode.RATE_LIMITED,
                f"Too many attempts; try again in {limited.retry_after_seconds} seconds.",
            )
        ) from None
