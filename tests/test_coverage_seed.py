"""The seeded coverage agrees with the seeded claims for every member, and has a realistic shape."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from regions.base.records import FINALIZED_STATUSES
from regions.base.tables import accumulators, claims, coverages, members
from tests.conftest import Gateway

FINALIZED = {status.value for status in FINALIZED_STATUSES}
ZERO = Decimal("0.00")


async def _rows(gateway: Gateway, region: str, statement: Any) -> list[dict[str, Any]]:
    async with gateway.runtime.regions[region].store.engine.connect() as connection:
        return [dict(row) for row in (await connection.execute(statement)).mappings()]


async def test_deductibles_met_are_what_the_members_finalized_claims_applied(gateway: Gateway) -> None:
    checked = 0
    for region in gateway.runtime.regions:
        claim_rows = await _rows(gateway, region, select(claims))
        accumulator_rows = await _rows(gateway, region, select(accumulators))
        coverage_rows = await _rows(gateway, region, select(coverages))
        family_of = {row["member_id"]: row["family_id"] for row in coverage_rows}
        spans = defaultdict(list)
        for row in coverage_rows:
            spans[row["member_id"]].append((row["coverage_from"], row["coverage_to"] or date.max))
        applied: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
        cost_share: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
        for claim in claim_rows:
            # a claim applies something to the deductible once it is finalized, and only then
            assert (claim["deductible_applied"] is not None) == (claim["status"] in FINALIZED), claim
            if claim["deductible_applied"] is None:
                continue
            assert ZERO <= claim["deductible_applied"] <= claim["patient_responsibility"]
            key = (claim["member_id"], claim["service_from"].year)
            applied[key] += claim["deductible_applied"]
            covered = any(start <= claim["service_from"] <= end for start, end in spans[claim["member_id"]])
            if covered:
                cost_share[key] += claim["patient_responsibility"]
            else:
                # (a service after the coverage ended counts against nothing)
                assert claim["deductible_applied"] == ZERO
        family_applied: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
        for (member_pk, year), amount in applied.items():
            family_applied[family_of[member_pk], year] += amount
        for row in accumulator_rows:
            assert ZERO <= row["met_amount"] <= row["limit_amount"], row
            if row["network"] != "IN_NETWORK":
                continue
            if row["level"] == "INDIVIDUAL":
                key = (row["member_id"], row["plan_year"])
                if row["kind"] == "DEDUCTIBLE":
                    assert row["met_amount"] == applied[key], row
                    checked += 1
                else:
                    # out of pocket: the claims' cost share (up to the maximum), and pharmacy besides
                    assert row["met_amount"] >= min(row["limit_amount"], cost_share[key]), row
            elif row["kind"] == "DEDUCTIBLE":
                assert row["met_amount"] == family_applied[row["family_id"], row["plan_year"]], row
    assert checked > 100


async def test_every_member_is_covered_with_a_realistic_mix(gateway: Gateway) -> None:
    plans: set[str] = set()
    terminated = families = 0
    for region in gateway.runtime.regions:
        member_pks = {row["id"] for row in await _rows(gateway, region, select(members.c.id))}
        coverage_rows = await _rows(gateway, region, select(coverages))
        assert {row["member_id"] for row in coverage_rows} == member_pks
        plans.update(row["plan_type"] for row in coverage_rows)
        terminated += sum(
            1
            for row in coverage_rows
            if row["coverage_to"] is not None and row["coverage_to"] < date(2026, 11, 1)
        )
        by_family: dict[str, set[int]] = defaultdict(set)
        for row in coverage_rows:
            by_family[row["family_id"]].add(row["member_id"])
        families += sum(1 for relatives in by_family.values() if len(relatives) > 1)
        shared = await _rows(gateway, region, select(accumulators).where(accumulators.c.level == "FAMILY"))
        # a family's accumulators are its own, counted once, not one set per member
        assert all(row["member_id"] is None for row in shared)
        assert len({(r["family_id"], r["plan_year"], r["kind"], r["network"]) for r in shared}) == len(shared)
    assert {"HMO", "DEDUCTIBLE_HMO", "MEDICARE_ADVANTAGE", "PPO"} <= plans
    assert terminated > 0
    assert families > 0
