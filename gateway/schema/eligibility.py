"""Signed-in eligibility and benefits (X12 270/271 in GraphQL shape), and the same answer as a 271."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import strawberry

from gateway import eligibility as service
from gateway.context import Info
from gateway.schema.claims import Member
from gateway.schema.enums import RegionCode
from gateway.schema.regions import Region, region
from gateway.x12.eligibility import Inquiry, eligibility_271
from regions.base.coverage import (
    SERVICE_TYPES,
    AccumulatorKind,
    AccumulatorRecord,
    BenefitRecord,
    CoverageLevel,
    Eligibility,
    Network,
)
from regions.base.records import PlanType


@strawberry.input
class EligibilityInput:
    region: RegionCode
    member_id: str
    member_date_of_birth: date
    date_of_service: date | None = strawberry.field(default=None, description="Default: today.")
    service_types: list[str] | None = strawberry.field(
        default=None,
        description=(
            'X12 service type codes to answer for (e.g. "30", "98", "UC"); default: every one the plan lists.'
        ),
    )

    def to_request(self) -> service.EligibilityRequest:
        return service.EligibilityRequest(
            region=self.region.value,
            member_id=self.member_id,
            member_date_of_birth=self.member_date_of_birth,
            date_of_service=self.date_of_service,
            service_types=None if self.service_types is None else tuple(self.service_types),
        )


@strawberry.type
class ServiceType:
    code: str = strawberry.field(description='X12 service type code, e.g. "98".')
    description: str = strawberry.field(description='e.g. "Professional (Physician) Visit - Office".')


@strawberry.type
class Benefit:
    service_type: ServiceType
    network: Network
    covered: bool
    copay: Decimal | None
    coinsurance_percent: int | None
    deductible_applies: bool
    authorization_required: bool
    visit_limit: int | None = strawberry.field(description="Visits a plan year, where limited.")
    visits_used: int | None
    note: str | None

    @classmethod
    def from_record(cls, record: BenefitRecord) -> Benefit:
        return cls(
            service_type=ServiceType(
                code=record.service_type,
                description=SERVICE_TYPES.get(record.service_type, record.service_type),
            ),
            network=record.network,
            covered=record.covered,
            copay=record.copay,
            coinsurance_percent=record.coinsurance_percent,
            deductible_applies=record.deductible_applies,
            authorization_required=record.authorization_required,
            visit_limit=record.visit_limit,
            visits_used=record.visits_used,
            note=record.note,
        )


@strawberry.type
class Accumulator:
    kind: AccumulatorKind
    level: CoverageLevel
    network: Network
    limit: Decimal
    met: Decimal
    remaining: Decimal

    @classmethod
    def from_record(cls, record: AccumulatorRecord) -> Accumulator:
        return cls(
            kind=record.kind,
            level=record.level,
            network=record.network,
            limit=record.limit,
            met=record.met,
            remaining=record.remaining,
        )


@strawberry.type
class Coverage:
    member: Member
    region: Region
    date_of_service: date
    eligible: bool = strawberry.field(description="Covered on the date of service.")
    plan_type: PlanType
    plan_name: str
    group_name: str
    group_number: str
    coverage_from: date
    coverage_to: date | None
    primary_care_provider: str | None
    benefits: list[Benefit]
    accumulators: list[Accumulator]
    record: strawberry.Private[Eligibility]

    @classmethod
    def from_record(cls, record: Eligibility) -> Coverage:
        coverage = record.coverage
        return cls(
            member=Member.from_record(record.member),
            region=region(record.region),
            date_of_service=record.date_of_service,
            eligible=record.eligible,
            plan_type=coverage.plan_type,
            plan_name=coverage.plan_name,
            group_name=coverage.group_name,
            group_number=coverage.group_number,
            coverage_from=coverage.coverage_from,
            coverage_to=coverage.coverage_to,
            primary_care_provider=coverage.primary_care_provider,
            benefits=[Benefit.from_record(benefit) for benefit in record.benefits],
            accumulators=[Accumulator.from_record(accumulator) for accumulator in record.accumulators],
            record=record,
        )

    @strawberry.field(
        description=(
            "This answer as an X12 5010 271 transaction (005010X279A1), for practice-management systems."
        )
    )
    def x12(self, info: Info) -> str:
        principal = info.context.principal
        tax_ids = sorted(grant.tax_id for grant in principal.grants if grant.region == self.record.region)
        inquiry = Inquiry(
            payer_name=f"Kaiser Permanente {self.region.name}",
            payer_id=self.record.region,
            receiver_tax_id=tax_ids[0] if tax_ids else "",
            receiver_id=principal.client_id or principal.user_id or "",
        )
        return eligibility_271(self.record, inquiry, at=datetime.now(UTC))


@strawberry.type
class EligibilityResult:
    coverage: Coverage | None
    guidance: str | None = strawberry.field(
        description="When coverage is null: what to do next, in the region's own words and phone numbers."
    )


@strawberry.type
class EligibilityQuery:
    @strawberry.field(
        description=(
            "Signed-in eligibility and benefits. The member is found only by an exact match of member id and "
            "date of birth in a region where the caller holds an ACTIVE association; every miss is the same "
            "`coverage: null` with guidance. Administrative (TPA) access may verify eligibility (patient "
            "verification is a TPA service). Every look-up is an audit event. Plans a region serves outside "
            "the portal (`Region.plansOutsidePortal`) answer `coverage: null` with that region's guidance."
        )
    )
    async def eligibility(self, info: Info, input: EligibilityInput) -> EligibilityResult:
        answer = await service.look_up(info.context, input.to_request())
        coverage = None if answer.eligibility is None else Coverage.from_record(answer.eligibility)
        return EligibilityResult(coverage=coverage, guidance=answer.guidance)
