"""Signed-in eligibility and benefits: the demo coverage exactly, one answer for every miss, administrative
access without clinical fields, partners by scope, the 271, the audit trail, the allowance, the N+1 meter."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import aclosing
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from gateway.eligibility import today
from regions.base.tables import members
from tests.conftest import Gateway, start_gateway
from tests.partner_steps import audit_of, partner_query, partner_token, register_client
from tests.x12_validator import map_directory, x12_errors

ELIGIBILITY = """
query Eligibility($input: EligibilityInput!) {
  eligibility(input: $input) {
    coverage {
      member { memberId firstName lastName dateOfBirth planType }
      region { code }
      dateOfService eligible planType planName groupName groupNumber coverageFrom coverageTo
      primaryCareProvider
      benefits {
        serviceType { code description } network covered copay coinsurancePercent deductibleApplies
        authorizationRequired visitLimit visitsUsed note
      }
      accumulators { kind level network limit met remaining }
    }
    guidance
  }
}
"""
WITH_X12 = """
query Eligibility($input: EligibilityInput!) {
  eligibility(input: $input) { coverage { member { dateOfBirth } x12 } guidance }
}
"""
ON_A_2026_DAY = "2026-05-01"
JORDAN = {"region": "SCAL", "memberId": "M100000001", "memberDateOfBirth": "1980-04-12"}
CASEY = {"region": "CO", "memberId": "M300000001", "memberDateOfBirth": "1959-06-14"}
SAM = {"region": "NCAL", "memberId": "M200000001", "memberDateOfBirth": "1968-11-23"}
PAT = {"region": "NCAL", "memberId": "M200000002", "memberDateOfBirth": "1971-02-17"}
LANI = {"region": "HI", "memberId": "M400000002", "memberDateOfBirth": "1988-08-08"}
DREW = {"region": "GA", "memberId": "M700000001", "memberDateOfBirth": "2015-10-10"}
NCAL_PHONE = "(800) 392-8649, Monday through Friday from 6am to 6pm"
ON_THE_CARD = "call the phone number listed on the member's ID card"


async def look_up(gateway: Gateway, keys: dict[str, Any], person: str, document: str = ELIGIBILITY) -> Any:
    body = await gateway.query(document, {"input": {"dateOfService": ON_A_2026_DAY, **keys}}, as_user=person)
    assert "errors" not in body, body
    return body["data"]["eligibility"]


def individual_in_network(coverage: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {
        accumulator["kind"]: (accumulator["met"], accumulator["limit"])
        for accumulator in coverage["accumulators"]
        if accumulator["level"] == "INDIVIDUAL" and accumulator["network"] == "IN_NETWORK"
    }


# ------------------------------------------------------------------ the demo coverage, exactly


async def test_jordan_lees_hmo_as_the_demo_data_writes_it(gateway: Gateway) -> None:
    answer = await look_up(gateway, JORDAN, "dana.reyes")
    coverage = answer["coverage"]
    assert answer["guidance"] is None
    assert coverage["member"] == {
        "memberId": "M100000001",
        "firstName": "Jordan",
        "lastName": "Lee",
        "dateOfBirth": "1980-04-12",
        "planType": "HMO",
    }
    assert (coverage["eligible"], coverage["planType"], coverage["planName"], coverage["groupNumber"]) == (
        True,
        "HMO",
        "Harbor Employees HMO",
        "100201",
    )
    assert (coverage["coverageFrom"], coverage["coverageTo"]) == ("2025-01-01", "2026-12-31")
    assert individual_in_network(coverage) == {
        "DEDUCTIBLE": ("0.00", "0.00"),
        "OUT_OF_POCKET_MAXIMUM": ("270.00", "3000.00"),
    }
    # at least the service types 30, 98, UC, 86, 47, MH, 88 and AL, with copays or coinsurance
    in_network = {b["serviceType"]["code"]: b for b in coverage["benefits"] if b["network"] == "IN_NETWORK"}
    assert {"30", "98", "UC", "86", "47", "MH", "88", "AL"} <= set(in_network)
    assert in_network["98"]["copay"] is not None  # every HMO has an office-visit copay
    assert in_network["98"]["serviceType"]["description"] == "Professional (Physician) Visit - Office"
    assert all(
        b["copay"] is not None or b["coinsurancePercent"] is not None
        for code, b in in_network.items()
        if code != "30"
    )


async def test_casey_wus_deductible_hmo_with_its_deductible_met(gateway: Gateway) -> None:
    coverage = (await look_up(gateway, CASEY, "omar.haddad"))["coverage"]
    assert (
        coverage["planType"],
        coverage["groupNumber"],
        coverage["coverageFrom"],
        coverage["coverageTo"],
    ) == (
        "DEDUCTIBLE_HMO",
        "300118",
        "2025-01-01",
        None,
    )
    assert individual_in_network(coverage) == {
        "DEDUCTIBLE": ("1500.00", "1500.00"),
        "OUT_OF_POCKET_MAXIMUM": ("2100.00", "6000.00"),
    }
    remaining = {a["kind"]: a["remaining"] for a in coverage["accumulators"] if a["level"] == "INDIVIDUAL"}
    assert remaining == {"DEDUCTIBLE": "0.00", "OUT_OF_POCKET_MAXIMUM": "3900.00"}


async def test_sam_ortiz_has_been_covered_since_july_2024(gateway: Gateway) -> None:
    coverage = (await look_up(gateway, SAM, "dana.reyes"))["coverage"]
    assert (
        coverage["planType"],
        coverage["groupNumber"],
        coverage["coverageFrom"],
        coverage["coverageTo"],
    ) == (
        "HMO",
        "200774",
        "2024-07-01",
        None,
    )
    assert individual_in_network(coverage)["DEDUCTIBLE"] == ("0.00", "0.00")


async def test_an_ncal_ppo_member_gets_northern_californias_guidance(gateway: Gateway) -> None:
    answer = await look_up(gateway, PAT, "dana.reyes")
    assert answer["coverage"] is None
    assert NCAL_PHONE in answer["guidance"]


async def test_coverage_that_ended_is_not_eligible_on_a_later_date_of_service(gateway: Gateway) -> None:
    coverage = (await look_up(gateway, LANI, "omar.haddad"))["coverage"]
    assert (coverage["eligible"], coverage["coverageFrom"], coverage["coverageTo"]) == (
        False,
        "2025-01-01",
        "2025-12-31",
    )
    # the accumulators are those of the date of service's plan year, which the coverage did not reach
    assert coverage["accumulators"] == []
    earlier = (await look_up(gateway, {**LANI, "dateOfService": "2025-06-30"}, "omar.haddad"))["coverage"]
    assert earlier["eligible"] is True
    assert {a["kind"] for a in earlier["accumulators"]} == {"DEDUCTIBLE", "OUT_OF_POCKET_MAXIMUM"}


async def test_the_date_of_service_defaults_to_today_and_service_types_narrow_the_benefits(
    gateway: Gateway,
) -> None:
    body = await gateway.query(
        ELIGIBILITY, {"input": {**JORDAN, "serviceTypes": ["98", "uc"]}}, as_user="dana.reyes"
    )
    coverage = body["data"]["eligibility"]["coverage"]
    assert coverage["dateOfService"] == today().isoformat()
    assert {b["serviceType"]["code"] for b in coverage["benefits"]} == {"98", "UC"}


@pytest.mark.parametrize("service_types", [["98", "not a code"], ["9" * 3], [str(n) for n in range(60)]])
async def test_service_types_that_are_no_x12_codes_are_bad_input(
    gateway: Gateway, service_types: list[str]
) -> None:
    body = await gateway.query(
        ELIGIBILITY, {"input": {**JORDAN, "serviceTypes": service_types}}, as_user="dana.reyes"
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


# ------------------------------------------------------------------ misses


async def test_every_miss_is_the_same_answer(gateway: Gateway) -> None:
    nobody = await look_up(gateway, {**JORDAN, "memberId": "M199999999"}, "dana.reyes")
    assert nobody["coverage"] is None
    assert ON_THE_CARD in nobody["guidance"]
    for wrong in (
        {"memberDateOfBirth": "1980-04-13"},  # another birth date
        {"memberId": "M100000002"},  # another member's id with Jordan's birth date
        {"memberId": "  m100000001x "},
        {"memberId": ""},
        {"memberId": "M100000001" * 20},
    ):
        assert await look_up(gateway, {**JORDAN, **wrong}, "dana.reyes") == nobody, wrong
    # a region the caller is not approved for answers as a member who does not exist there
    assert await look_up(gateway, {**CASEY, "memberId": "M399999999"}, "dana.reyes") == await look_up(
        gateway, CASEY, "dana.reyes"
    )
    # (dana's PENDING association in GA is no approval)
    assert (await look_up(gateway, DREW, "dana.reyes"))["coverage"] is None


async def test_the_plan_outside_the_portal_is_said_only_to_whom_may_look_the_member_up(
    gateway: Gateway,
) -> None:
    # Omar works in CO, HI, MAS and NW: NCAL's PPO member is a miss to him, not NCAL's guidance
    answer = await look_up(gateway, PAT, "omar.haddad")
    assert answer["coverage"] is None
    assert NCAL_PHONE not in answer["guidance"]


async def test_guidance_names_no_other_regions_phone_number(gateway: Gateway) -> None:
    for keys, person in ((CASEY, "omar.haddad"), (LANI, "omar.haddad"), (JORDAN, "dana.reyes")):
        answer = await look_up(gateway, {**keys, "memberId": "M000000000"}, person)
        assert "392-8649" not in answer["guidance"]
        assert ON_THE_CARD in answer["guidance"]


async def test_signed_out_callers_get_no_eligibility(gateway: Gateway) -> None:
    body = await gateway.query(ELIGIBILITY, {"input": JORDAN})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


# ------------------------------------------------------------------ administrative access


async def test_a_tpa_verifies_eligibility_without_the_clinical_date_of_birth(gateway: Gateway) -> None:
    coverage = (await look_up(gateway, DREW, "tess.nguyen"))["coverage"]
    assert coverage["eligible"] is True
    assert coverage["member"]["memberId"] == "M700000001"
    assert coverage["member"]["dateOfBirth"] is None
    x12 = (await look_up(gateway, DREW, "tess.nguyen", WITH_X12))["coverage"]["x12"]
    assert "DMG*" not in x12
    assert "20151010" not in x12


# ------------------------------------------------------------------ the 271


@pytest.mark.parametrize(
    ("keys", "person"),
    [(CASEY, "omar.haddad"), (JORDAN, "dana.reyes"), (LANI, "omar.haddad"), (DREW, "tess.nguyen")],
)
async def test_the_271_is_valid_5010_and_says_what_the_answer_says(
    gateway: Gateway, keys: dict[str, str], person: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    coverage = (await look_up(gateway, keys, person, WITH_X12))["coverage"]
    x12: str = coverage["x12"]
    assert x12_errors(x12, map_directory(Path(tmp_path_factory.getbasetemp()))) == []
    segments = [line.rstrip("~") for line in x12.splitlines()]
    assert segments[0].startswith("ISA*")
    assert segments[-1].startswith("IEA*")
    assert "ST*271*0001*005010X279A1" in segments
    assert any(s.startswith("NM1*IL*1*") and s.endswith(f"*MI*{keys['memberId']}") for s in segments)
    if coverage["member"]["dateOfBirth"]:
        assert f"DMG*D8*{keys['memberDateOfBirth'].replace('-', '')}" in segments


async def test_the_271_carries_the_benefits_and_accumulators(gateway: Gateway) -> None:
    x12 = (await look_up(gateway, CASEY, "omar.haddad", WITH_X12))["coverage"]["x12"]
    segments = [line.rstrip("~") for line in x12.splitlines()]
    assert "EB*1*IND*30*HM*Deductible HMO 1500" in segments
    assert "EB*B*IND*98***27*30****N*Y" in segments  # office visit copay, in network
    assert "EB*C*IND*30***23*1500*****Y" in segments  # deductible limit
    assert "EB*C*IND*30***24*1500*****Y" in segments  # met this year
    assert "EB*G*IND*30***29*3900*****Y" in segments  # out-of-pocket remaining


# ------------------------------------------------------------------ audit, allowance, cost


async def test_each_look_up_is_an_audit_event_without_member_data(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    marker = f"M9{uuid.uuid4().int % 10**8:08d}"
    with caplog.at_level(logging.DEBUG):
        await look_up(gateway, JORDAN, "dana.reyes")
        await look_up(gateway, {**JORDAN, "memberId": marker}, "dana.reyes")
    events = (await audit_of(gateway, "eligibility", "dana.reyes"))[-2:]
    assert [event["outcome"] for event in events] == ["found", "not_found"]
    for event in events:
        assert event["detail"]["region"] == "SCAL"
        assert event["detail"]["date_of_service"] == ON_A_2026_DAY
        assert len(event["detail"]["member"]) == 16
        for member_data in ("M100000001", marker, "1980"):
            assert member_data not in str(event)
    assert events[0]["detail"]["member"] != events[1]["detail"]["member"]
    logged = caplog.text
    for member_data in ("M100000001", marker, "1980-04-12"):
        assert member_data not in logged


@pytest.fixture
async def stingy(gateway: Gateway) -> AsyncIterator[Gateway]:
    """A gateway over the same stores with an allowance of three look-ups a minute."""
    settings = replace(
        gateway.runtime.settings,
        eligibility_lookups_per_minute=3,
        redis_prefix=f"{gateway.runtime.settings.redis_prefix}{uuid.uuid4().hex[:8]}:",
    )
    async with aclosing(start_gateway(settings)) as running:
        async for started in running:
            yield started


async def test_look_ups_beyond_the_allowance_are_rate_limited(stingy: Gateway) -> None:
    for _ in range(3):
        assert (await look_up(stingy, JORDAN, "dana.reyes"))["coverage"] is not None
    body = await stingy.query(ELIGIBILITY, {"input": JORDAN}, as_user="dana.reyes")
    error = body["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] >= 1
    assert body["data"] is None or body["data"]["eligibility"] is None
    # the allowance is the person's: another person still has theirs
    assert (await look_up(stingy, CASEY, "omar.haddad"))["coverage"] is not None
    assert (await audit_of(stingy, "eligibility", "dana.reyes"))[-1]["outcome"] == "rate_limited"


async def members_of(gateway: Gateway, region: str, count: int) -> list[dict[str, str]]:
    engine = gateway.runtime.regions[region].store.engine
    statement = select(members.c.member_id, members.c.date_of_birth).order_by(members.c.id).limit(count)
    async with engine.connect() as connection:
        rows = (await connection.execute(statement)).all()
    return [
        {"region": region, "memberId": member_id, "memberDateOfBirth": born.isoformat()}
        for member_id, born in rows
    ]


async def test_a_page_of_look_ups_costs_one_statement_per_region(gateway: Gateway) -> None:
    async def cost(count: int) -> dict[str, float]:
        keys = [*await members_of(gateway, "SCAL", count), *await members_of(gateway, "NCAL", count)]
        fields = "\n".join(
            f"m{n}: eligibility(input: $k{n}) {{ coverage {{ eligible planType benefits {{ copay }} "
            "accumulators { met } } guidance }"
            for n in range(len(keys))
        )
        variables = ", ".join(f"$k{n}: EligibilityInput!" for n in range(len(keys)))
        document = f"query ({variables}) {{ {fields} }}"
        before = {code: gateway.statements(code) for code in ("SCAL", "NCAL", "CO")}
        body = await gateway.query(
            document, {f"k{n}": {**key, "dateOfService": ON_A_2026_DAY} for n, key in enumerate(keys)},
            as_user="dana.reyes",
        )  # fmt: skip
        assert "errors" not in body, body
        assert sum(answer["coverage"] is not None for answer in body["data"].values()) >= count
        return {code: gateway.statements(code) - before[code] for code in before}

    # (eight a region: the operation's limit of root fields is twenty)
    assert await cost(1) == await cost(8) == {"SCAL": 1, "NCAL": 1, "CO": 0}


# ------------------------------------------------------------------ partners


async def test_partners_need_eligibility_read_within_their_bound_regions(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    secret = await register_client(gateway, "elig-reader", "claims:read eligibility:read")
    reader = await partner_token(gateway, "elig-reader", secret)
    found = await partner_query(
        gateway, reader, ELIGIBILITY, {"input": {**DREW, "dateOfService": ON_A_2026_DAY}}
    )
    coverage = found["data"]["eligibility"]["coverage"]
    assert coverage["member"]["memberId"] == "M700000001"
    assert coverage["member"]["dateOfBirth"] is None  # no clinical:read
    # outside its bound region: a miss
    elsewhere = await partner_query(
        gateway, reader, ELIGIBILITY, {"input": {**JORDAN, "dateOfService": ON_A_2026_DAY}}
    )
    assert elsewhere["data"]["eligibility"]["coverage"] is None
    # a client without eligibility:read: a miss too
    claims_secret = await register_client(gateway, "claims-only", "claims:read")
    claims_only = await partner_token(gateway, "claims-only", claims_secret)
    refused = await partner_query(
        gateway, claims_only, ELIGIBILITY, {"input": {**DREW, "dateOfService": ON_A_2026_DAY}}
    )
    assert refused["data"]["eligibility"]["coverage"] is None
    assert ON_THE_CARD in refused["data"]["eligibility"]["guidance"]
    events = await audit_of(gateway, "eligibility", "client:elig-reader")
    assert [event["outcome"] for event in events] == ["found", "not_found"]


async def test_a_partner_reads_the_271_with_only_what_it_may_see(
    writable_gateway: Gateway, tmp_path_factory: pytest.TempPathFactory
) -> None:
    gateway = writable_gateway
    secret = await register_client(gateway, "elig-271", "eligibility:read")
    token = await partner_token(gateway, "elig-271", secret)
    body = await partner_query(gateway, token, WITH_X12, {"input": {**DREW, "dateOfService": ON_A_2026_DAY}})
    x12 = body["data"]["eligibility"]["coverage"]["x12"]
    assert x12_errors(x12, map_directory(Path(tmp_path_factory.getbasetemp()))) == []
    assert "DMG*" not in x12
    assert date(2015, 10, 10).strftime("%Y%m%d") not in x12
