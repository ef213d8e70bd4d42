"""The audit trail of guest look-ups: who asked from where, in which region, and what came of it — never
the key values themselves."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum

from gateway.context import GatewayContext

# Lengths of the audit columns `actor` and `client_address`.
_ACTOR_LENGTH = 100
_ADDRESS_LENGTH = 64


class GuestAction(Enum):
    CLAIM_STATUS = "guest_claim_status"
    ELIGIBILITY = "guest_eligibility"


class GuestOutcome(Enum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    # Every key matched, but the member's plan is answered elsewhere (guidance instead of a status).
    PLAN_NOT_ANSWERED = "plan_not_answered"
    RATE_LIMITED = "rate_limited"
    REGION_UNAVAILABLE = "region_unavailable"


def client_address(context: GatewayContext) -> str:
    """The address the request came from, as the server saw it."""
    client = context.request.client
    return client.host if client is not None and client.host else "unknown"


async def record_lookup(
    context: GatewayContext,
    action: GuestAction,
    outcome: GuestOutcome,
    *,
    region: str | None,
    member: str | None = None,
    **detail: str | int,
) -> None:
    """One audit event; `member` is a keyed hash of the member id (throttle.py), never the id."""
    facts: dict[str, str | int] = {}
    if region is not None:
        facts["region"] = region
    if member is not None:
        # A prefix is enough to see that one member is being guessed at from many addresses.
        facts["member"] = member[:16]
    facts.update(detail)
    actor = context.principal.user_id
    await context.runtime.directory.append_audit(
        at=datetime.now(UTC),
        actor=actor[:_ACTOR_LENGTH] if actor is not None else None,
        action=action.value,
        outcome=outcome.value,
        client_address=client_address(context)[:_ADDRESS_LENGTH],
        request_id=context.request_id or None,
        detail=facts,
    )
