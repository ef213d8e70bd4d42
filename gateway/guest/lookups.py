"""Guest claim status and eligibility: answer a caller who has every key in full, and teach a guesser
nothing — one answer for every miss, whichever key was wrong, in about the same time as a match."""

from __future__ import annotations

import asyncio
import hmac
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TypeVar

from gateway.context import GatewayContext
from gateway.errors import RegionUnavailable
from gateway.guest.audit import GuestAction, GuestOutcome, record_lookup
from gateway.guest.throttle import admit_lookup, member_key
from regions.base.adapter import RegionAdapter
from regions.base.coverage import CoverageRecord, MemberCoverage, MemberKey, coverage_on
from regions.base.records import ClaimRecord, ClaimStatus, PaymentRecord, PlanType

Found = TypeVar("Found")

# Longer than any claim number or member id can be: such a key cannot match, so no store is asked.
_MAX_KEY_LENGTH = 64


@dataclass(frozen=True, slots=True)
class ClaimStatusKeys:
    """What a guest types to find a claim (GuestClaimStatusInput)."""

    region: str
    claim_number: str
    member_id: str
    member_date_of_birth: date
    billed_amount: Decimal


@dataclass(frozen=True, slots=True)
class EligibilityKeys:
    """What a guest types to check a member's eligibility (GuestEligibilityInput)."""

    region: str
    member_id: str
    member_date_of_birth: date
    member_last_name: str


@dataclass(frozen=True, slots=True)
class GuestClaim:
    """All a guest learns of a claim: its current status and, once paid, the payment (seed 000)."""

    claim_number: str
    status: ClaimStatus
    status_category: str
    payment: PaymentRecord | None


@dataclass(frozen=True, slots=True)
class GuestEligibility:
    """All a guest learns of a member: eligible or not, the plan, the coverage dates. Nothing clinical."""

    member_id: str
    eligible: bool
    plan_type: PlanType
    coverage_from: date | None
    coverage_to: date | None


@dataclass(frozen=True, slots=True)
class ClaimStatusAnswer:
    claim: GuestClaim | None
    guidance: str | None


@dataclass(frozen=True, slots=True)
class EligibilityAnswer:
    eligibility: GuestEligibility | None
    guidance: str | None


def canonical_id(typed: str) -> str:
    """Claim numbers and member ids are stored upper-case; guests may type them in any case, padded."""
    return typed.strip().upper()


def canonical_name(typed: str) -> str:
    return " ".join(typed.split()).casefold()


async def claim_status(context: GatewayContext, keys: ClaimStatusKeys) -> ClaimStatusAnswer:
    """The claim that matches every key, or the region's guidance for a miss."""
    started = time.monotonic()
    action = GuestAction.CLAIM_STATUS
    claim_number = canonical_id(keys.claim_number)
    member_id = canonical_id(keys.member_id)
    member = await member_key(context, keys.region, member_id)
    await admit_lookup(context, action, keys.region, member)
    adapter, found = await _ask_region(context, action, keys.region, member, _claim_by_number(claim_number))
    # Every key is compared, whichever fails first; `_pad` evens out what time differences remain.
    matched = (
        found
        if found is not None
        and all(
            (
                _same_id(found.member.member_id, member_id),
                found.member.date_of_birth == keys.member_date_of_birth,
                _same_amount(found.billed_amount, keys.billed_amount),
            )
        )
        else None
    )
    plan_guidance = None if matched is None else adapter.guest_plan_guidance(matched.member.plan_type)
    if matched is None:
        outcome = GuestOutcome.NOT_FOUND
        answer = ClaimStatusAnswer(claim=None, guidance=adapter.rules.guidance.claim_not_found)
    elif plan_guidance is not None:
        # Said only once every key matched: to a guesser it is as silent as any other miss.
        outcome = GuestOutcome.PLAN_NOT_ANSWERED
        answer = ClaimStatusAnswer(claim=None, guidance=plan_guidance)
    else:
        outcome = GuestOutcome.FOUND
        answer = ClaimStatusAnswer(claim=_guest_claim(matched), guidance=None)
    await record_lookup(context, action, outcome, region=keys.region, member=member)
    await _pad(context, started)
    return answer


async def eligibility(context: GatewayContext, keys: EligibilityKeys) -> EligibilityAnswer:
    """The member's eligibility today when every key matches, from the coverage records signed-in
    eligibility reads too; or the region's guidance."""
    started = time.monotonic()
    action = GuestAction.ELIGIBILITY
    member_id = canonical_id(keys.member_id)
    member = await member_key(context, keys.region, member_id)
    await admit_lookup(context, action, keys.region, member)
    wanted = MemberKey(member_id, keys.member_date_of_birth)
    adapter, found = await _ask_region(context, action, keys.region, member, _member_by_keys(wanted))
    coverage = None
    if found is not None and hmac.compare_digest(
        canonical_name(found.member.last_name).encode(), canonical_name(keys.member_last_name).encode()
    ):
        coverage = coverage_on(found.coverages, _today())
    miss = adapter.rules.guidance.eligibility_not_found
    if coverage is None:
        outcome = GuestOutcome.NOT_FOUND
        answer = EligibilityAnswer(eligibility=None, guidance=miss)
    elif not adapter.serves_in_portal(coverage.plan_type):
        # Said only once every key matched: to a guesser it is as silent as any other miss. A plan served
        # elsewhere without guidance of the region's own is a miss.
        guidance = adapter.outside_portal_guidance(coverage.plan_type)
        outcome = GuestOutcome.PLAN_NOT_ANSWERED if guidance else GuestOutcome.NOT_FOUND
        answer = EligibilityAnswer(eligibility=None, guidance=guidance or miss)
    else:
        outcome = GuestOutcome.FOUND
        # Where the plan's claims status is served elsewhere (self-funded), the guidance says where.
        answer = EligibilityAnswer(
            eligibility=_guest_eligibility(member_id, coverage),
            guidance=adapter.guest_plan_guidance(coverage.plan_type),
        )
    await record_lookup(context, action, outcome, region=keys.region, member=member)
    await _pad(context, started)
    return answer


# ----------------------------------------------------------------------------- helpers


def _claim_by_number(claim_number: str) -> Callable[[RegionAdapter], Awaitable[ClaimRecord | None]]:
    async def lookup(adapter: RegionAdapter) -> ClaimRecord | None:
        if len(claim_number) > _MAX_KEY_LENGTH:
            return None
        # The adapter refuses a number that is not the region's format without asking its store: a
        # malformed number gets the same miss as a wrong one (and the same time, see `_pad`). Claims of
        # plans served outside the portal are found too, to be answered with the region's guidance.
        found = await adapter.claims_by_numbers([claim_number], with_plans_outside_portal=True)
        return found.get(claim_number)

    return lookup


def _member_by_keys(wanted: MemberKey) -> Callable[[RegionAdapter], Awaitable[MemberCoverage | None]]:
    async def lookup(adapter: RegionAdapter) -> MemberCoverage | None:
        if not wanted.member_id or len(wanted.member_id) > _MAX_KEY_LENGTH:
            return None
        return (await adapter.find_members([wanted])).get(wanted)

    return lookup


async def _ask_region(
    context: GatewayContext,
    action: GuestAction,
    region: str,
    member: str,
    lookup: Callable[[RegionAdapter], Awaitable[Found | None]],
) -> tuple[RegionAdapter, Found | None]:
    """One call to the region, through the fanout's deadline and circuit breaker."""
    try:
        found = await context.runtime.fanout.call(region, lookup)
    except RegionUnavailable:
        await record_lookup(context, action, GuestOutcome.REGION_UNAVAILABLE, region=region, member=member)
        raise
    return context.runtime.regions[region], found


def _same_id(stored: str, typed: str) -> bool:
    return hmac.compare_digest(stored.encode(), typed.encode())


def _same_amount(billed: Decimal, typed: Decimal) -> bool:
    """Exactly the same amount: 1250 and 1250.00 are; 1250.001 is not (nor NaN, which equals nothing)."""
    return typed.is_finite() and billed == typed


def _guest_claim(claim: ClaimRecord) -> GuestClaim:
    return GuestClaim(
        claim_number=claim.claim_number,
        status=claim.status,
        status_category=claim.status_category,
        payment=claim.payment,
    )


def _today() -> date:
    return datetime.now(UTC).date()


def _guest_eligibility(member_id: str, coverage: CoverageRecord) -> GuestEligibility:
    return GuestEligibility(
        member_id=member_id,
        eligible=coverage.covers(_today()),
        plan_type=coverage.plan_type,
        coverage_from=coverage.coverage_from,
        coverage_to=coverage.coverage_to,
    )


async def _pad(context: GatewayContext, started: float) -> None:
    """Wait out the rest of the least answer time, so that a miss is not faster than a match. Sleeping
    (not spinning) keeps the event loop free for other requests meanwhile."""
    least = context.runtime.settings.guest_min_response_ms / 1000
    remaining = least - (time.monotonic() - started)
    if remaining > 0:
        await asyncio.sleep(remaining)
