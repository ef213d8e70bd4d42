"""Manage My Account › Security: changing the password, which signs the person's other sessions off."""

from __future__ import annotations

from gateway.accounts.attempts import count_attempt
from gateway.accounts.passwords import hashed, matches, password_problem
from gateway.accounts.transaction import Caller, account_change
from gateway.auth.sessions import SessionStore
from gateway.auth.throttle import Attempt
from gateway.errors import MutationRefused, Problem, UserErrorCode
from gateway.runtime import Runtime


async def change_password(
    runtime: Runtime, caller: Caller, sessions: SessionStore, *, current_password: str, new_password: str
) -> int:
    """Check the current password, apply the policy to the new one, store it, and sign off every
    other session of the person; returns how many sessions were signed off."""
    user_pk, user_id = caller.person()
    async with account_change(runtime, caller, "change_password") as change:
        # A stolen session must not become a way to guess the password at leisure.
        await count_attempt(runtime, caller, Attempt.CURRENT_PASSWORD, account=user_id)
        credentials = await runtime.directory.credentials(user_id)
        if credentials is None or not await matches(credentials.password_hash, current_password):
            raise MutationRefused(
                Problem(
                    UserErrorCode.WRONG_PASSWORD,
                    "Your current password is not the one you typed.",
                    ("input", "currentPassword"),
                )
            )
        refused = password_problem(new_password, user_id, ("input", "newPassword"))
        if refused is not None:
            raise MutationRefused(refused)
        password_hash = await hashed(new_password)
        async with change.transaction() as rows:
            await rows.set_password_hash(user_pk, password_hash)
    # After the commit: a session signed off stays off even if the gateway stops right here.
    return await sessions.revoke_all_for_user(user_pk, except_session_id=caller.principal.session_id)
