"""Coverage, benefits and accumulators: the records an eligibility look-up answers with, and which of a
member's coverages answers a date of service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from regions.base.records import MemberRecord, PlanType, record


class Network(Enum):
    IN_NETWORK = "IN_NETWORK"
    OUT_OF_NETWORK = "OUT_OF_NETWORK"


class AccumulatorKind(Enum):
    DEDUCTIBLE = "DEDUCTIBLE"
    OUT_OF_POCKET_MAXIMUM = "OUT_OF_POCKET_MAXIMUM"


class CoverageLevel(Enum):
    INDIVIDUAL = "INDIVIDUAL"
    FAMILY = "FAMILY"


# X12 service type codes (data element 1365) a plan lists, with their names in the 271 guide.
SERVICE_TYPES: dict[str, str] = {
    "30": "Health Benefit Plan Coverage",
    "98": "Professional (Physician) Visit - Office",
    "UC": "Urgent Care",
    "86": "Emergency Services",
    "47": "Hospital",
    "MH": "Mental Health",
    "88": "Pharmacy",
    "AL": "Vision (Optometry)",
    "33": "Chiropractic",
    "PT": "Physical Therapy",
    "BZ": "Physician Visit - Office: Well",
    "5": "Diagnostic Lab",
    "4": "Diagnostic X-Ray",
}


@record
class BenefitRecord:
    """What a plan pays for one X12 service type in or out of network; visits as of the look-up."""

    service_type: str
    network: Network
    covered: bool
    copay: Decimal | None
    coinsurance_percent: int | None
    deductible_applies: bool
    authorization_required: bool
    visit_limit: int | None
    visits_used: int | None
    note: str | None


@record
class AccumulatorRecord:
    """A deductible or out-of-pocket maximum of one plan year: an individual's, or the family's (shared by
    everyone on the family's contract)."""

    pk: int
    plan_year: int
    kind: AccumulatorKind
    level: CoverageLevel
    network: Network
    limit: Decimal
    met: Decimal

    @property
    def remaining(self) -> Decimal:
        return max(self.limit - self.met, Decimal("0.00"))


@record
class CoverageRecord:
    """One enrollment of a member in a plan, with the plan's benefits and the member's accumulators of every
    plan year on file."""

    pk: int
    plan_type: PlanType
    plan_name: str
    group_name: str
    group_number: str
    # The subscriber's contract: family accumulators are shared by the coverages that name it.
    family_id: str
    coverage_from: date
    coverage_to: date | None
    primary_care_provider: str | None
    benefits: tuple[BenefitRecord, ...]
    accumulators: tuple[AccumulatorRecord, ...]

    def covers(self, day: date) -> bool:
        return self.coverage_from <= day and (self.coverage_to is None or day <= self.coverage_to)


@dataclass(frozen=True, slots=True)
class MemberKey:
    """How a member is found: the exact member id (canonical, upper-case) and date of birth, both."""

    member_id: str
    date_of_birth: date


@dataclass(frozen=True, slots=True)
class CoverageLookup:
    """One eligibility question: this member on this date of service, for these X12 service types (None:
    every one the plan lists)."""

    member: MemberKey
    date_of_service: date
    service_types: frozenset[str] | None = None


@record
class MemberCoverage:
    """A member found by `MemberKey`, with every coverage on file, oldest first."""

    region: str
    member_pk: int
    member: MemberRecord
    coverages: tuple[CoverageRecord, ...]


@record
class Eligibility:
    """The answer for one date of service: the coverage that answers it, whether it covers that day, the
    benefits asked for and the accumulators of that day's plan year."""

    region: str
    member: MemberRecord
    date_of_service: date
    eligible: bool
    coverage: CoverageRecord
    benefits: tuple[BenefitRecord, ...]
    accumulators: tuple[AccumulatorRecord, ...]


@record
class ServedElsewhere:
    """The member's plan is one the region serves outside the portal: its guidance instead of an answer."""

    region: str
    plan_type: PlanType
    guidance: str


def coverage_on(coverages: tuple[CoverageRecord, ...], day: date) -> CoverageRecord | None:
    """The coverage that answers for `day`: the one in effect; else the last one to end before it (not
    eligible: coverage ended); else the first to start after it (not eligible yet)."""
    if not coverages:
        return None
    in_effect = [coverage for coverage in coverages if coverage.covers(day)]
    if in_effect:
        return max(in_effect, key=lambda coverage: coverage.coverage_from)
    ended = [c for c in coverages if c.coverage_to is not None and c.coverage_to < day]
    if ended:
        return max(ended, key=lambda coverage: coverage.coverage_from)
    return min(coverages, key=lambda coverage: coverage.coverage_from)


def eligibility_on(
    found: MemberCoverage, day: date, service_types: frozenset[str] | None
) -> Eligibility | None:
    """What a look-up of `found` for `day` answers (None: the member has no coverage on file at all)."""
    coverage = coverage_on(found.coverages, day)
    if coverage is None:
        return None
    benefits = tuple(
        benefit
        for benefit in coverage.benefits
        if service_types is None or benefit.service_type in service_types
    )
    accumulators = tuple(
        accumulator for accumulator in coverage.accumulators if accumulator.plan_year == day.year
    )
    return Eligibility(
        found.region,
        found.member,
        day,
        coverage.covers(day),
        coverage,
        benefits,
        accumulators,
    )
