"""Signed-in eligibility and benefits: a member found by exact member id and date of birth in a region
where the caller may verify eligibility, answered for a date of service. Every miss is the same answer;
every look-up is an audit event (who, region, a keyed hash of the member, date of service, outcome) with
no member data in it; each person has a per-minute allowance of look-ups."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from aiodataloader import DataLoader

from gateway.context import GatewayContext
from gateway.errors import BadUserInput, RateLimited, RegionUnavailable, Unauthenticated
from gateway.guest.audit import client_address
from gateway.guest.lookups import canonical_id
from gateway.guest.throttle import member_key
from gateway.loaders import RegionQuery
from gateway.ratelimit import RateLimiter
from gateway.request_state import RequestState
from regions.base.coverage import CoverageLookup, Eligibility, MemberKey, ServedElsewhere

# Longer than any member id can be: such a key cannot match, so the store is not asked.
_MAX_MEMBER_ID_LENGTH = 64
# X12 service type codes are one or two letters or digits; a plan lists a few dozen at most.
_SERVICE_TYPE = re.compile(r"[0-9A-Z]{1,2}")
MAX_SERVICE_TYPES = 50
_WINDOW_SECONDS = 60
_AUDIT_ACTION = "eligibility"


class Outcome(Enum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    # The member's plan is served outside the portal in the region: its guidance instead.
    PLAN_OUTSIDE_PORTAL = "plan_outside_portal"
    RATE_LIMITED = "rate_limited"
    REGION_UNAVAILABLE = "region_unavailable"


@dataclass(frozen=True, slots=True)
class EligibilityRequest:
    """What the caller asks (EligibilityInput)."""

    region: str
    member_id: str
    member_date_of_birth: date
    date_of_service: date | None
    service_types: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class EligibilityAnswer:
    """The coverage, or (when it is null) what to do next in the region's own words."""

    eligibility: Eligibility | None
    guidance: str | None


def today() -> date:
    return datetime.now(UTC).date()


async def look_up(context: GatewayContext, request: EligibilityRequest) -> EligibilityAnswer:
    """The member's eligibility and benefits on the date of service, or the region's guidance."""
    principal = context.principal
    if not principal.signed_in:
        raise Unauthenticated()
    service_types = _service_types(request.service_types)
    date_of_service = request.date_of_service or today()
    member_id = canonical_id(request.member_id)
    member = await member_key(context, request.region, member_id)
    await _admit(context, request.region, member, date_of_service)
    adapter = context.runtime.regions[request.region]
    found: Eligibility | ServedElsewhere | None = None
    if member_id and len(member_id) <= _MAX_MEMBER_ID_LENGTH:
        lookup = CoverageLookup(
            MemberKey(member_id, request.member_date_of_birth), date_of_service, service_types
        )
        try:
            # The loader leaves out what the caller may not see (gateway/access.py).
            found = await context.loaders.eligibility.load(RegionQuery(request.region, lookup))
        except RegionUnavailable:
            await _audit(context, Outcome.REGION_UNAVAILABLE, request.region, member, date_of_service)
            raise
    if isinstance(found, Eligibility):
        outcome, answer = Outcome.FOUND, EligibilityAnswer(eligibility=found, guidance=None)
    elif isinstance(found, ServedElsewhere):
        # Said only once both keys matched in a region the caller works in: to anyone else it is a miss.
        outcome, answer = (
            Outcome.PLAN_OUTSIDE_PORTAL,
            EligibilityAnswer(eligibility=None, guidance=found.guidance),
        )
    else:
        guidance = adapter.rules.guidance.member_not_found
        outcome, answer = Outcome.NOT_FOUND, EligibilityAnswer(eligibility=None, guidance=guidance)
    await _audit(context, outcome, request.region, member, date_of_service)
    return answer


def _service_types(asked: tuple[str, ...] | None) -> frozenset[str] | None:
    if asked is None:
        return None
    if len(asked) > MAX_SERVICE_TYPES:
        raise BadUserInput(f"At most {MAX_SERVICE_TYPES} service types.", argument="input.serviceTypes")
    codes = frozenset(code.strip().upper() for code in asked)
    if not all(_SERVICE_TYPE.fullmatch(code) for code in codes):
        raise BadUserInput(
            "Service types are X12 service type codes, e.g. 30, 98 or UC.", argument="input.serviceTypes"
        )
    return codes


async def _admit(context: GatewayContext, region: str, member: str, date_of_service: date) -> None:
    """One look-up of the caller's allowance a minute, shared by every replica."""
    try:
        await _allowance(context).load(next(_LOOKUP_NUMBERS))
    except RateLimited:
        await _audit(context, Outcome.RATE_LIMITED, region, member, date_of_service)
        raise


_LOOKUP_NUMBERS = itertools.count()


def _allowance(context: GatewayContext) -> DataLoader[int, None]:
    """The request's look-ups counted against the caller's allowance together, in one count: were each
    counted on its own, each would wait for the shared cache at its own moment, and the look-ups of one
    request would reach their loader in as many batches (statements) as there are look-ups."""
    state = RequestState.of(context.request.scope)
    if state.eligibility_allowance is not None:
        return state.eligibility_allowance
    limit = context.runtime.settings.eligibility_lookups_per_minute
    caller = context.principal.user_id or "unknown"
    limiter = RateLimiter(context.runtime.cache)

    # An error in the answer fails that key's `load` with it.
    async def admit(numbers: list[int]) -> list[Any]:
        # All or none: past the limit every count is refused alike.
        decision = await limiter.hit(
            f"eligibility:{caller}", limit, _WINDOW_SECONDS, cost=min(len(numbers), limit + 1)
        )
        if decision.allowed:
            return [None] * len(numbers)
        refused = RateLimited(
            "Too many eligibility look-ups; try again in a minute.", decision.retry_after_seconds
        )
        return [refused] * len(numbers)

    made: DataLoader[int, None] = DataLoader(admit, cache=False)
    state.eligibility_allowance = made
    return made


async def _audit(
    context: GatewayContext, outcome: Outcome, region: str, member: str, date_of_service: date
) -> None:
    """One audit event; `member` is a keyed hash of the member id (never the id itself)."""
    await context.runtime.directory.append_audit(
        at=datetime.now(UTC),
        actor=context.principal.user_id,
        action=_AUDIT_ACTION,
        outcome=outcome.value,
        client_address=client_address(context)[:64],
        request_id=context.request_id or None,
        detail={"region": region, "member": member[:16], "date_of_service": date_of_service.isoformat()},
    )
