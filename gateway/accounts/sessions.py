"""Manage My Account › Security: the person's sessions, and ending any one of them."""

from __future__ import annotations

from gateway.accounts.transaction import Caller, account_change
from gateway.auth.sessions import SessionStore
from gateway.errors import MutationRefused, Problem, UserErrorCode
from gateway.runtime import Runtime


async def end_session(runtime: Runtime, caller: Caller, sessions: SessionStore, session_id: str) -> None:
    """End one of the person's own sessions, at once on every replica (its cache entry goes, so its tokens
    stop at the next request and it cannot be refreshed). Someone else's session is NOT_FOUND, as is one
    that does not exist."""
    user_pk, _ = caller.person()
    async with account_change(runtime, caller, "end_session") as change:
        if await sessions.owner(session_id) != user_pk:
            raise MutationRefused(
                Problem(
                    UserErrorCode.NOT_FOUND,
                    "We found no session of yours with this id.",
                    ("input", "sessionId"),
                )
            )
        change.detail["session_id"] = session_id
        await sessions.revoke(session_id)
        await runtime.directory.append_audit(outcome="ok", **change.event())
