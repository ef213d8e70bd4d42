"""An eligibility answer as an X12 5010 271 transaction (005010X279A1), for practice-management systems.

Built from the same record the GraphQL answer shows, after the access rules have been applied to it: a
field the caller may not see (the member's date of birth for administrative access) is not in the 271
either."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from gateway.x12.envelope import Parties, control_number, interchange, segment, text, transaction_set
from regions.base.coverage import (
    AccumulatorKind,
    AccumulatorRecord,
    BenefitRecord,
    CoverageLevel,
    Eligibility,
    Network,
)
from regions.base.records import PlanType

IMPLEMENTATION = "005010X279A1"

# EB04 insurance type codes (X12 data element 1336).
_INSURANCE_TYPE = {
    PlanType.HMO: "HM",
    PlanType.DEDUCTIBLE_HMO: "HM",
    PlanType.MEDICARE_ADVANTAGE: "HN",
    PlanType.MEDICAID: "MC",
    PlanType.PPO: "PR",
    PlanType.POS: "PS",
    PlanType.SELF_FUNDED: "C1",
    PlanType.OUT_OF_AREA: "C1",
}
# EB01: deductible (C) or out-of-pocket (stop loss, G).
_ACCUMULATOR_CODE = {AccumulatorKind.DEDUCTIBLE: "C", AccumulatorKind.OUT_OF_POCKET_MAXIMUM: "G"}
_LEVEL = {CoverageLevel.INDIVIDUAL: "IND", CoverageLevel.FAMILY: "FAM"}
_IN_NETWORK = {Network.IN_NETWORK: "Y", Network.OUT_OF_NETWORK: "N"}
# EB06 time periods: calendar year (the limit), year to date (met), remaining.
_CALENDAR_YEAR, _YEAR_TO_DATE, _REMAINING = "23", "24", "29"
_VISIT = "27"


@dataclass(frozen=True, slots=True)
class Inquiry:
    """Who answers and who asked: the payer (the region) and the information receiver (the caller's Tax
    ID there)."""

    payer_name: str
    payer_id: str
    receiver_tax_id: str
    receiver_id: str


def eligibility_271(
    answer: Eligibility, inquiry: Inquiry, *, at: datetime, control: int | None = None
) -> str:
    """The answer as one 271 interchange (ISA/GS/ST ... SE/GE/IEA)."""
    control = control_number() if control is None else control
    body = [
        segment("BHT", "0022", "11", f"{control:09d}", f"{at:%Y%m%d}", f"{at:%H%M}"),
        # 2000A/2100A: the information source (the payer).
        segment("HL", "1", "", "20", "1"),
        segment(
            "NM1", "PR", "2", text(inquiry.payer_name, 60), "", "", "", "", "PI", text(inquiry.payer_id, 80)
        ),
        # 2000B/2100B: the information receiver.
        segment("HL", "2", "1", "21", "1"),
        segment("NM1", "1P", "2", "", "", "", "", "", "FI", inquiry.receiver_tax_id.replace("-", "")),
        # 2000C/2100C: the subscriber (every member with an id of their own is reported as one).
        segment("HL", "3", "2", "22", "0"),
        *_subscriber(answer),
        *_benefits(answer),
    ]
    parties = Parties(sender_id=text(inquiry.payer_id, 15), receiver_id=text(inquiry.receiver_id, 15))
    return interchange(
        transaction_set("271", IMPLEMENTATION, body),
        functional_code="HB",
        implementation=IMPLEMENTATION,
        parties=parties,
        at=at,
        control=control,
    )


def _d8(day: date) -> str:
    return f"{day:%Y%m%d}"


def _amount(value: Decimal) -> str:
    """X12 R: no needless zeros after the point (1500.00 is "1500", 12.50 is "12.5")."""
    normalized = value.normalize()
    return f"{normalized:f}" if normalized != normalized.to_integral() else str(int(normalized))


def _subscriber(answer: Eligibility) -> list[str]:
    member, coverage = answer.member, answer.coverage
    segments = [
        segment(
            "NM1", "IL", "1", text(member.last_name, 60), text(member.first_name, 35), "", "", "", "MI",
            text(member.member_id, 80),
        ),
        segment("REF", "6P", text(coverage.group_number, 50), text(coverage.group_name, 80)),
    ]  # fmt: skip
    if member.date_of_birth is not None:
        segments.append(segment("DMG", "D8", _d8(member.date_of_birth)))
    segments.append(segment("DTP", "346", "D8", _d8(coverage.coverage_from)))
    if coverage.coverage_to is not None:
        segments.append(segment("DTP", "347", "D8", _d8(coverage.coverage_to)))
    return segments


def _benefits(answer: Eligibility) -> list[str]:
    coverage = answer.coverage
    # 2110C: the plan itself, active or inactive on the date of service, with its primary care provider.
    segments = [
        segment(
            "EB", "1" if answer.eligible else "6", "IND", "30", _INSURANCE_TYPE[coverage.plan_type],
            text(coverage.plan_name, 50),
        ),
        segment("DTP", "472", "D8", _d8(answer.date_of_service)),
    ]  # fmt: skip
    if coverage.primary_care_provider:
        segments += [
            segment("LS", "2120"),
            segment("NM1", "P3", "1", text(coverage.primary_care_provider, 60)),
            segment("LE", "2120"),
        ]
    if not answer.eligible:
        return segments
    for benefit in answer.benefits:
        segments += _benefit(benefit)
    for accumulator in answer.accumulators:
        segments += _accumulator(accumulator)
    return segments


def _benefit(benefit: BenefitRecord) -> list[str]:
    network = _IN_NETWORK[benefit.network]
    authorization = "Y" if benefit.authorization_required else "N"
    stc = benefit.service_type
    if not benefit.covered:
        found = [segment("EB", "I", "IND", stc, "", "", "", "", "", "", "", "", network)]
    elif benefit.copay is not None:
        found = [
            segment(
                "EB",
                "B",
                "IND",
                stc,
                "",
                "",
                _VISIT,
                _amount(benefit.copay),
                "",
                "",
                "",
                authorization,
                network,
            )
        ]
    elif benefit.coinsurance_percent is not None:
        share = _amount(Decimal(benefit.coinsurance_percent) / 100)
        found = [segment("EB", "A", "IND", stc, "", "", "", "", share, "", "", authorization, network)]
    else:
        found = [segment("EB", "1", "IND", stc, "", "", "", "", "", "", "", authorization, network)]
    if benefit.covered and benefit.deductible_applies:
        found.append(segment("MSG", "Deductible applies"))
    if benefit.note:
        found.append(segment("MSG", text(benefit.note, 264)))
    if benefit.visit_limit is not None:
        found.append(
            segment(
                "EB",
                "F",
                "IND",
                stc,
                "",
                "",
                _CALENDAR_YEAR,
                "",
                "",
                "VS",
                str(benefit.visit_limit),
                "",
                network,
            )
        )
        if benefit.visits_used is not None:
            found.append(
                segment(
                    "EB",
                    "F",
                    "IND",
                    stc,
                    "",
                    "",
                    _YEAR_TO_DATE,
                    "",
                    "",
                    "VS",
                    str(benefit.visits_used),
                    "",
                    network,
                )
            )
    return found  # fmt: skip


def _accumulator(accumulator: AccumulatorRecord) -> list[str]:
    code, level = _ACCUMULATOR_CODE[accumulator.kind], _LEVEL[accumulator.level]
    network = _IN_NETWORK[accumulator.network]
    return [
        segment("EB", code, level, "30", "", "", period, _amount(amount), "", "", "", "", network)
        for period, amount in (
            (_CALENDAR_YEAR, accumulator.limit),
            (_YEAR_TO_DATE, accumulator.met),
            (_REMAINING, accumulator.remaining),
        )
    ]
