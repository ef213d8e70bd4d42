"""Switching between the regions a person is approved for (the Online Affiliate FAQ, question 9)."""

from __future__ import annotations

import dataclasses

from gateway import access
from gateway.accounts.transaction import Caller, account_change
from gateway.auth.principal import Principal
from gateway.auth.sessions import SessionStore
from gateway.errors import MutationRefused, Problem, Unauthenticated, UserErrorCode
from gateway.runtime import Runtime

# The portal's own words (the Online Affiliate FAQ).
NOT_APPROVED_MESSAGE = "We are unable to switch you to this area of care"


async def switch_region(runtime: Runtime, caller: Caller, sessions: SessionStore, region: str) -> Principal:
    """Make `region` the session's active region; returns the principal as the rest of the session sees it."""
    caller.person()
    principal = caller.principal
    async with account_change(runtime, caller, "switch_region") as change:
        change.detail["region"] = region
        if not access.may_switch_to(principal, region):
            raise MutationRefused(
                Problem(UserErrorCode.REGION_NOT_APPROVED, NOT_APPROVED_MESSAGE, ("input", "region"))
            )
        if principal.session_id is None:
            # A token of the external identity provider: there is no session here to remember it in.
            raise MutationRefused(
                Problem(
                    UserErrorCode.NOT_ALLOWED,
                    "Switching regions needs a session signed in to this portal.",
                    ("input", "region"),
                )
            )
        if not await sessions.set_active_region(principal.session_id, region):
            raise Unauthenticated()
        async with change.transaction():
            pass  # the session row is written; this commits the audit event
    return dataclasses.replace(principal, active_region=region)
