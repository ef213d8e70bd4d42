"""How often guest look-ups may be tried: per client address and per looked-up member, in sliding windows
kept in the shared cache, so that every replica counts against the same limits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

from gateway.auth.derived_keys import keyed_hash as derived_keyed_hash
from gateway.context import GatewayContext
from gateway.errors import RateLimited
from gateway.guest.audit import GuestAction, GuestOutcome, client_address, record_lookup
from gateway.ratelimit import RateLimiter
from gateway.request_state import RequestState

_KEY_DERIVATION_LABEL = b"provider-gateway guest look-up keys v1"

# A kind of guest look-up and the region it names (None where that is not known before execution).
AskedLookup: TypeAlias = tuple[GuestAction, str | None]


async def keyed_hash(context: GatewayContext, *parts: str) -> str:
    """An HMAC of `parts`: stable within the deployment, useless to anyone without its signing key."""
    return await derived_keyed_hash(context.runtime.settings.signing_key_path, _KEY_DERIVATION_LABEL, *parts)


async def member_key(context: GatewayContext, region: str, member_id: str) -> str:
    """The keyed hash that stands for a looked-up member in throttle keys and audit events."""
    return await keyed_hash(context, "member", region, member_id)


async def _address_key(context: GatewayContext) -> str:
    return "guest:address:" + await keyed_hash(context, "address", client_address(context))


async def admit_request(context: GatewayContext, lookups: Mapping[AskedLookup, int]) -> None:
    """Count every guest look-up of an operation against the caller's address before any of them runs;
    `RateLimited` (and none of them runs) when they do not all fit in what is left of the window."""
    total = sum(lookups.values())
    if total <= 0:
        return
    settings = context.runtime.settings
    decision = await RateLimiter(context.runtime.cache).hit(
        await _address_key(context),
        settings.guest_lookups_per_address,
        settings.guest_window_seconds,
        # Past the limit every count is refused alike; a document of nested fragments can ask for 2**40.
        cost=min(total, settings.guest_lookups_per_address + 1),
    )
    if not decision.allowed:
        for (action, region), count in lookups.items():
            # One event per kind and region, not per look-up: 200 refused aliases must not cost 200 writes.
            await record_lookup(
                context, action, GuestOutcome.RATE_LIMITED, region=region, lookups=count, limit="address"
            )
        raise RateLimited(
            "Too many guest look-ups from this address; try again later.", decision.retry_after_seconds
        )
    # Counted against the address for the request (or WebSocket connection) and not yet run: each
    # look-up uses one instead of counting itself again.
    RequestState.of(context.request.scope).guest_lookups_admitted += total


async def admit_lookup(context: GatewayContext, action: GuestAction, region: str, member: str) -> None:
    """Before one look-up: its place in the address's allowance (already counted when the operation was
    admitted as a whole) and in the looked-up member's, whichever address asks."""
    settings = context.runtime.settings
    limiter = RateLimiter(context.runtime.cache)
    state = RequestState.of(context.request.scope)
    if state.guest_lookups_admitted > 0:
        state.guest_lookups_admitted -= 1
    else:
        # Reached without `admit_request` (a schema built without its extension): count it here.
        decision = await limiter.hit(
            await _address_key(context), settings.guest_lookups_per_address, settings.guest_window_seconds
        )
        if not decision.allowed:
            await record_lookup(context, action, GuestOutcome.RATE_LIMITED, region=region, limit="address")
            raise RateLimited(
                "Too many guest look-ups from this address; try again later.", decision.retry_after_seconds
            )
    # Keyed by the member id as typed (canonicalised), whether or not it exists: a refusal says
    # nothing about the member, and guessing one member's keys from many addresses stops here.
    decision = await limiter.hit(
        "guest:member:" + member, settings.guest_lookups_per_member, settings.guest_window_seconds
    )
    if not decision.allowed:
        await record_lookup(
            context, action, GuestOutcome.RATE_LIMITED, region=region, member=member, limit="member"
        )
        raise RateLimited(
            "Too many guest look-ups for this member; try again later.", decision.retry_after_seconds
        )
