"""Coverage, benefits and accumulators for every seeded member: plan designs by plan type, the fixed
members' coverage exactly as the demo data writes it, and generated members' of a realistic shape
(plan changes and terminations, families sharing family accumulators).

Accumulators agree with the claims: what a finalized claim applies to the deductible (its
`deductible_applied`) is counted here against the member's and the family's deductible of the plan year
of its date of service, and its patient responsibility against their out-of-pocket maximum."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from regions.base.coverage import AccumulatorKind, CoverageLevel, Network
from regions.base.records import FINALIZED_STATUSES, ClaimStatus, PlanType

Row = dict[str, object]
ZERO: Final = Decimal("0.00")
PLAN_YEARS: Final = (2025, 2026)


def _money(amount: str) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class BenefitDesign:
    """One service type of a plan, in one network."""

    service_type: str
    network: Network
    covered: bool = True
    copay: str | None = None
    coinsurance_percent: int | None = None
    deductible_applies: bool = False
    authorization_required: bool = False
    visit_limit: int | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class PlanDesign:
    """What a plan type pays, and its deductible and out-of-pocket maximum (individual, family) in and out
    of network (None: no out-of-network accumulators, the plan pays nothing there but emergencies)."""

    names: tuple[str, ...]
    benefits: tuple[BenefitDesign, ...]
    deductible: tuple[str, str]
    out_of_pocket: tuple[str, str]
    out_of_network_deductible: tuple[str, str] | None = None
    out_of_network_out_of_pocket: tuple[str, str] | None = None
    # Medicare has no family coverage: no family accumulators.
    family: bool = True


IN, OUT = Network.IN_NETWORK, Network.OUT_OF_NETWORK


def _hmo_benefits(office: str, *, deductible: bool) -> tuple[BenefitDesign, ...]:
    """An HMO: copays in network (98 always has one), nothing out of network but urgent and emergency care."""
    return (
        BenefitDesign("30", IN),
        BenefitDesign("98", IN, copay=office),
        BenefitDesign("UC", IN, copay="50.00"),
        BenefitDesign("86", IN, copay="150.00", deductible_applies=deductible, note="Waived if admitted."),
        BenefitDesign("47", IN, copay="250.00", deductible_applies=deductible, authorization_required=True),
        BenefitDesign("MH", IN, copay=office),
        BenefitDesign("88", IN, copay="10.00", note="Generic drugs; brand-name drugs $35.00."),
        BenefitDesign("AL", IN, copay="20.00", visit_limit=1),
        BenefitDesign("PT", IN, copay=office, authorization_required=True, visit_limit=20),
        BenefitDesign("33", IN, copay="15.00", visit_limit=20),
        BenefitDesign("98", OUT, covered=False, note="Out-of-network care needs a referral."),
        BenefitDesign("UC", OUT, copay="50.00"),
        BenefitDesign("86", OUT, copay="150.00", deductible_applies=deductible),
    )


def _open_access_benefits(coinsurance: int, out_coinsurance: int) -> tuple[BenefitDesign, ...]:
    """A PPO-like plan: coinsurance after the deductible, in and out of network."""
    return (
        BenefitDesign("30", IN),
        BenefitDesign("98", IN, copay="30.00"),
        BenefitDesign("UC", IN, copay="60.00"),
        BenefitDesign("86", IN, coinsurance_percent=coinsurance, deductible_applies=True),
        BenefitDesign(
            "47", IN, coinsurance_percent=coinsurance, deductible_applies=True, authorization_required=True
        ),
        BenefitDesign("MH", IN, copay="30.00"),
        BenefitDesign("88", IN, copay="15.00"),
        BenefitDesign("AL", IN, copay="25.00", visit_limit=1),
        BenefitDesign("PT", IN, coinsurance_percent=coinsurance, deductible_applies=True, visit_limit=30),
        BenefitDesign("98", OUT, coinsurance_percent=out_coinsurance, deductible_applies=True),
        BenefitDesign("UC", OUT, coinsurance_percent=out_coinsurance, deductible_applies=True),
        BenefitDesign("86", OUT, coinsurance_percent=coinsurance, deductible_applies=True),
        BenefitDesign(
            "47",
            OUT,
            coinsurance_percent=out_coinsurance,
            deductible_applies=True,
            authorization_required=True,
        ),
        BenefitDesign("MH", OUT, coinsurance_percent=out_coinsurance, deductible_applies=True),
        BenefitDesign("AL", OUT, covered=False),
    )


PLAN_DESIGNS: Final[Mapping[PlanType, PlanDesign]] = {
    PlanType.HMO: PlanDesign(
        ("Harbor Employees HMO", "Traditional HMO", "Employer Group HMO 20"),
        _hmo_benefits("20.00", deductible=False),
        deductible=("0.00", "0.00"),
        out_of_pocket=("3000.00", "6000.00"),
    ),
    PlanType.DEDUCTIBLE_HMO: PlanDesign(
        ("Deductible HMO 1500", "Deductible HMO Plan"),
        _hmo_benefits("30.00", deductible=True),
        deductible=("1500.00", "3000.00"),
        out_of_pocket=("6000.00", "12000.00"),
    ),
    PlanType.MEDICARE_ADVANTAGE: PlanDesign(
        ("Senior Advantage", "Medicare Advantage HMO"),
        _hmo_benefits("10.00", deductible=False),
        deductible=("0.00", "0.00"),
        out_of_pocket=("4500.00", "4500.00"),
        family=False,
    ),
    PlanType.MEDICAID: PlanDesign(
        ("Medicaid Managed Care",),
        _hmo_benefits("0.00", deductible=False),
        deductible=("0.00", "0.00"),
        out_of_pocket=("0.00", "0.00"),
    ),
    PlanType.PPO: PlanDesign(
        ("Added Choice PPO", "Employer Group PPO"),
        _open_access_benefits(20, 40),
        deductible=("1000.00", "2000.00"),
        out_of_pocket=("5000.00", "10000.00"),
        out_of_network_deductible=("2000.00", "4000.00"),
        out_of_network_out_of_pocket=("10000.00", "20000.00"),
    ),
    PlanType.POS: PlanDesign(
        ("Point of Service Plan",),
        _open_access_benefits(10, 30),
        deductible=("500.00", "1000.00"),
        out_of_pocket=("4000.00", "8000.00"),
        out_of_network_deductible=("1500.00", "3000.00"),
        out_of_network_out_of_pocket=("8000.00", "16000.00"),
    ),
    PlanType.SELF_FUNDED: PlanDesign(
        ("Self-Funded Employer Plan",),
        _open_access_benefits(20, 40),
        deductible=("750.00", "1500.00"),
        out_of_pocket=("4000.00", "8000.00"),
        out_of_network_deductible=("1500.00", "3000.00"),
        out_of_network_out_of_pocket=("8000.00", "16000.00"),
    ),
    PlanType.OUT_OF_AREA: PlanDesign(
        ("Out-of-Area Plan",),
        _open_access_benefits(20, 40),
        deductible=("500.00", "1000.00"),
        out_of_pocket=("3500.00", "7000.00"),
        out_of_network_deductible=("1000.00", "2000.00"),
        out_of_network_out_of_pocket=("7000.00", "14000.00"),
    ),
}


@dataclass(frozen=True, slots=True)
class CoverageSpan:
    """One enrollment: a plan, its group, its dates."""

    plan_type: PlanType
    plan_name: str
    group_name: str
    group_number: str
    coverage_from: date
    coverage_to: date | None
    primary_care_provider: str | None = None


@dataclass(slots=True)
class _Member:
    pk: int
    family_id: str
    spans: list[CoverageSpan]
    # (plan year, network) -> amounts counted from claims (and, for fixed members, other cost share).
    deductible: dict[tuple[int, Network], Decimal] = field(default_factory=dict)
    out_of_pocket: dict[tuple[int, Network], Decimal] = field(default_factory=dict)


class CoverageBook:
    """A region's coverage while its seed is generated: who is covered by what, and what their finalized
    claims applied to their accumulators, as the claims are made."""

    def __init__(self) -> None:
        self._members: dict[int, _Member] = {}
        self._families: dict[str, list[int]] = {}

    def enrol(self, member_pk: int, family_id: str, spans: Iterable[CoverageSpan]) -> None:
        self._members[member_pk] = _Member(member_pk, family_id, list(spans))
        self._families.setdefault(family_id, []).append(member_pk)

    def span_on(self, member_pk: int, day: date) -> CoverageSpan | None:
        for span in self._members[member_pk].spans:
            if span.coverage_from <= day and (span.coverage_to is None or day <= span.coverage_to):
                return span
        return None

    def apply_claim(
        self, member_pk: int, service_from: date, status: ClaimStatus, patient_responsibility: Decimal | None
    ) -> Decimal | None:
        """Count a claim's cost share against the member's accumulators; what it applied to the deductible
        (None before the claim is finalized). In network, capped by what the member's and the family's
        deductibles have left."""
        if status not in FINALIZED_STATUSES or patient_responsibility is None:
            return None
        span = self.span_on(member_pk, service_from)
        if span is None or service_from.year not in PLAN_YEARS:
            return ZERO
        design = PLAN_DESIGNS[span.plan_type]
        member = self._members[member_pk]
        key = (service_from.year, IN)
        individual_left = _money(design.deductible[0]) - member.deductible.get(key, ZERO)
        family_left = _money(design.deductible[1]) - self._family_total(member.family_id, key)
        if not design.family:
            family_left = individual_left
        applied = max(ZERO, min(patient_responsibility, individual_left, family_left))
        member.deductible[key] = member.deductible.get(key, ZERO) + applied
        self.add_out_of_pocket(member_pk, key, patient_responsibility)
        return applied

    def add_out_of_pocket(self, member_pk: int, key: tuple[int, Network], amount: Decimal) -> None:
        member = self._members[member_pk]
        member.out_of_pocket[key] = member.out_of_pocket.get(key, ZERO) + amount

    def _family_total(self, family_id: str, key: tuple[int, Network]) -> Decimal:
        return sum((self._members[pk].deductible.get(key, ZERO) for pk in self._families[family_id]), ZERO)

    def rows(self) -> tuple[list[Row], list[Row], list[Row]]:
        """Coverages, benefits and accumulators, numbered from 1 in member order."""
        coverage_rows: list[Row] = []
        benefit_rows: list[Row] = []
        accumulator_rows: list[Row] = []
        family_years: set[tuple[str, int, Network]] = set()
        for member in self._members.values():
            for span in member.spans:
                coverage_pk = len(coverage_rows) + 1
                coverage_rows.append(
                    {
                        "id": coverage_pk,
                        "member_id": member.pk,
                        "plan_type": span.plan_type.value,
                        "plan_name": span.plan_name,
                        "group_name": span.group_name,
                        "group_number": span.group_number,
                        "family_id": member.family_id,
                        "coverage_from": span.coverage_from,
                        "coverage_to": span.coverage_to,
                        "primary_care_provider": span.primary_care_provider,
                    }
                )
                design = PLAN_DESIGNS[span.plan_type]
                for benefit in design.benefits:
                    benefit_rows.append(_benefit_row(len(benefit_rows) + 1, coverage_pk, benefit, member.pk))
                for year in PLAN_YEARS:
                    if _spans_year(span, year):
                        for amounts in self._accumulators(member, design, year, family_years):
                            accumulator_rows.append({"id": len(accumulator_rows) + 1, **amounts})
        return coverage_rows, benefit_rows, accumulator_rows

    def _accumulators(
        self, member: _Member, design: PlanDesign, year: int, family_years: set[tuple[str, int, Network]]
    ) -> list[Row]:
        """A member's accumulators of one plan year and, the first time the family is met, the family's."""
        found: list[Row] = []

        def add(level: CoverageLevel, kind: AccumulatorKind, limit: str, met: Decimal) -> None:
            found.append(
                {
                    "family_id": member.family_id,
                    "member_id": None if level is CoverageLevel.FAMILY else member.pk,
                    "plan_year": year,
                    "kind": kind.value,
                    "level": level.value,
                    "network": network.value,
                    "limit_amount": _money(limit),
                    "met_amount": met,
                }
            )

        for network, deductible, out_of_pocket in _limits(design):
            key = (year, network)
            add(
                CoverageLevel.INDIVIDUAL,
                AccumulatorKind.DEDUCTIBLE,
                deductible[0],
                member.deductible.get(key, ZERO),
            )
            add(
                CoverageLevel.INDIVIDUAL,
                AccumulatorKind.OUT_OF_POCKET_MAXIMUM,
                out_of_pocket[0],
                self._oop(member, key),
            )
            if not design.family or (member.family_id, year, network) in family_years:
                continue
            # The family's own, written once: every coverage of the contract shares them.
            family_years.add((member.family_id, year, network))
            relatives = [self._members[pk] for pk in self._families[member.family_id]]
            family_spent = sum((self._oop(relative, key) for relative in relatives), ZERO)
            add(
                CoverageLevel.FAMILY,
                AccumulatorKind.DEDUCTIBLE,
                deductible[1],
                self._family_total(member.family_id, key),
            )
            add(CoverageLevel.FAMILY, AccumulatorKind.OUT_OF_POCKET_MAXIMUM, out_of_pocket[1],
                min(_money(out_of_pocket[1]), family_spent))  # fmt: skip
        return found

    def _oop(self, member: _Member, key: tuple[int, Network]) -> Decimal:
        """Out-of-pocket met: never past the maximum (past it, the plan pays everything)."""
        span_limits = [
            _money(PLAN_DESIGNS[span.plan_type].out_of_pocket[0])
            for span in member.spans
            if _spans_year(span, key[0])
        ]
        limit = max(span_limits, default=ZERO)
        return min(member.out_of_pocket.get(key, ZERO), limit)


def _spans_year(span: CoverageSpan, year: int) -> bool:
    return span.coverage_from <= date(year, 12, 31) and (
        span.coverage_to is None or span.coverage_to >= date(year, 1, 1)
    )


def _limits(design: PlanDesign) -> list[tuple[Network, tuple[str, str], tuple[str, str]]]:
    limits = [(IN, design.deductible, design.out_of_pocket)]
    if design.out_of_network_deductible and design.out_of_network_out_of_pocket:
        limits.append((OUT, design.out_of_network_deductible, design.out_of_network_out_of_pocket))
    return limits


def _benefit_row(pk: int, coverage_pk: int, benefit: BenefitDesign, member_pk: int) -> Row:
    # Visits used so far this plan year: a steady share of the limit, different per member.
    used = (
        None
        if benefit.visit_limit is None
        else (member_pk * 7 + len(benefit.service_type)) % (benefit.visit_limit + 1)
    )
    return {
        "id": pk,
        "coverage_id": coverage_pk,
        "service_type": benefit.service_type,
        "network": benefit.network.value,
        "covered": benefit.covered,
        "copay": None if benefit.copay is None else _money(benefit.copay),
        "coinsurance_percent": benefit.coinsurance_percent,
        "deductible_applies": benefit.deductible_applies,
        "authorization_required": benefit.authorization_required,
        "visit_limit": benefit.visit_limit,
        "visits_used": used,
        "note": benefit.note,
    }


# ------------------------------------------------------------------ generated members


# Plan mixes per region: mostly HMO everywhere; Colorado sells more deductible HMOs; the California
# regions more Medicare Advantage.
def _mix(in_portal: tuple[int, int, int, int], elsewhere: tuple[int, int, int, int]) -> dict[PlanType, int]:
    """Weights of each plan type: HMO, deductible HMO, Medicare Advantage, Medicaid; then self-funded,
    PPO, POS and out-of-area (the plans Northern California serves outside the portal)."""
    hmo, deductible_hmo, medicare, medicaid = in_portal
    self_funded, ppo, pos, out_of_area = elsewhere
    return {
        PlanType.HMO: hmo,
        PlanType.DEDUCTIBLE_HMO: deductible_hmo,
        PlanType.MEDICARE_ADVANTAGE: medicare,
        PlanType.MEDICAID: medicaid,
        PlanType.SELF_FUNDED: self_funded,
        PlanType.PPO: ppo,
        PlanType.POS: pos,
        PlanType.OUT_OF_AREA: out_of_area,
    }


PLAN_MIX: Final[Mapping[str, Mapping[PlanType, int]]] = {
    "SCAL": _mix((58, 10, 14, 6), (5, 4, 2, 1)),
    "NCAL": _mix((58, 10, 14, 6), (5, 4, 2, 1)),
    "CO": _mix((45, 25, 10, 6), (5, 5, 2, 2)),
}
DEFAULT_PLAN_MIX: Final[Mapping[PlanType, int]] = _mix((55, 14, 10, 8), (5, 4, 2, 2))
LAST_COVERED_DAY: Final = date(2026, 12, 31)


def plan_mix(region: str) -> tuple[tuple[PlanType, ...], tuple[int, ...]]:
    mix = PLAN_MIX.get(region, DEFAULT_PLAN_MIX)
    return tuple(mix), tuple(mix.values())


def generated_spans(
    rng: random.Random, region: str, plan_type: PlanType, enrolled: date, group_number: str
) -> list[CoverageSpan]:
    """A generated member's enrollments, ending with `plan_type` (the member's plan now): most stay
    covered; some changed plans at a year's start; some were terminated during the claims' window."""
    names = PLAN_DESIGNS[plan_type].names
    group_name = f"{region.title()} Employer Group {group_number[-3:]}"
    current = CoverageSpan(plan_type, rng.choice(names), group_name, group_number, enrolled, LAST_COVERED_DAY)
    draw = rng.random()
    if draw < 0.08:
        # Terminated on a month's last day within the claims' window (June 2025 to October 2026).
        months = 5 + rng.randrange(17)
        first_uncovered = date(2025 + months // 12, months % 12 + 1, 1)
        ended = max(first_uncovered - timedelta(days=1), enrolled)
        return [CoverageSpan(plan_type, current.plan_name, group_name, group_number, enrolled, ended)]
    if draw < 0.18 and enrolled < date(2025, 1, 1):
        # Changed plans at the start of 2026: the old enrollment ended the day before.
        earlier_type = rng.choice(
            [plan for plan in (PlanType.HMO, PlanType.DEDUCTIBLE_HMO, PlanType.PPO) if plan is not plan_type]
        )
        earlier = CoverageSpan(
            earlier_type,
            rng.choice(PLAN_DESIGNS[earlier_type].names),
            group_name,
            group_number,
            enrolled,
            date(2025, 12, 31),
        )
        return [
            earlier,
            CoverageSpan(plan_type, current.plan_name, group_name, group_number, date(2026, 1, 1), None),
        ]
    return [current]  # fmt: skip
