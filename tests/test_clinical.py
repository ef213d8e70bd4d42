"""Clinical data through HTTP: the fixed records for clinical access with a treatment relationship, the
same `summary: null` for everyone else, an audit event for every view, and what a summary costs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.clock import FakeClock
from tests.conftest import Gateway
from tests.partner_steps import audit_of, partner_query, partner_token, register_client

SUMMARY = """
query($input: MemberLookupInput!) {
  clinicalSummary(input: $input) {
    guidance
    summary {
      member { memberId firstName lastName dateOfBirth }
      region { code }
      problems { code description status onsetOn }
      medications { code description dosage status startedOn }
      allergies { substance reaction severity }
      immunizations { code description administeredOn }
      labResults(first: 10) { totalCount edges { node { code description value unit referenceRange abnormal collectedOn } } }
      encounters(first: 10) { totalCount edges { node { date kind providerName diagnosisCodes } } }
    }
  }
}
"""
CASEY = {"region": "CO", "memberId": "M300000001", "memberDateOfBirth": "1959-06-14"}


async def summary(gateway: Gateway, user: str, lookup: dict[str, str]) -> dict[str, Any]:
    body = await gateway.query(SUMMARY, {"input": lookup}, as_user=user)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["clinicalSummary"]
    return result


async def test_clinical_access_with_a_treatment_relationship_sees_the_record(gateway: Gateway) -> None:
    result = await summary(gateway, "omar.haddad", CASEY)
    chart = result["summary"]
    assert result["guidance"] is None
    assert chart["member"] == {
        "memberId": "M300000001",
        "firstName": "Casey",
        "lastName": "Wu",
        "dateOfBirth": "1959-06-14",
    }
    assert [(p["code"], p["status"]) for p in chart["problems"]] == [
        ("M17.11", "ACTIVE"),
        ("E11.9", "ACTIVE"),
    ]
    assert [m["description"] for m in chart["medications"]] == ["Metformin"]
    assert [a["substance"] for a in chart["allergies"]] == ["Penicillin"]
    hba1c = [edge["node"] for edge in chart["labResults"]["edges"] if edge["node"]["code"] == "4548-4"]
    assert [(lab["value"], lab["unit"], lab["abnormal"]) for lab in hba1c] == [("7.2", "%", True)]
    # newest first
    dates = [edge["node"]["date"] for edge in chart["encounters"]["edges"]]
    assert dates == sorted(dates, reverse=True)
    assert chart["encounters"]["totalCount"] == len(dates)


@pytest.mark.parametrize(
    ("user", "lookup"),
    [
        # no relationship: dana's Tax ID has no claim or authorization for Casey, and not in Colorado
        ("dana.reyes", CASEY),
        # administrative access (a TPA), reviewers and representatives are never shown clinical data
        ("tess.nguyen", {"region": "GA", "memberId": "M700000001", "memberDateOfBirth": "2015-10-10"}),
        ("um.co", CASEY),
        ("rep.scal", {"region": "SCAL", "memberId": "M100000001", "memberDateOfBirth": "1980-04-12"}),
        # the wrong date of birth, and a member who does not exist
        ("omar.haddad", {**CASEY, "memberDateOfBirth": "1959-06-15"}),
        ("omar.haddad", {**CASEY, "memberId": "M399999999"}),
        # the right member in a region where they are not
        ("omar.haddad", {**CASEY, "region": "HI"}),
    ],
)
async def test_every_miss_is_the_same_null_with_the_same_guidance(
    gateway: Gateway, user: str, lookup: dict[str, str]
) -> None:
    miss = await summary(gateway, user, lookup)
    known_miss = await summary(gateway, "omar.haddad", {**CASEY, "memberId": "M000000000"})
    assert miss["summary"] is None
    assert miss == known_miss


async def test_each_fixed_member_with_a_relationship_has_a_record(gateway: Gateway) -> None:
    jordan = await summary(
        gateway, "dana.reyes", {"region": "SCAL", "memberId": "M100000001", "memberDateOfBirth": "1980-04-12"}
    )
    assert [p["code"] for p in jordan["summary"]["problems"]] == ["M25.561"]
    sam = await summary(
        gateway, "dana.reyes", {"region": "NCAL", "memberId": "m200000001", "memberDateOfBirth": "1968-11-23"}
    )
    assert [p["code"] for p in sam["summary"]["problems"]] == ["K21.9"]


async def test_a_relationship_older_than_24_months_shows_nothing(gateway: Gateway) -> None:
    runtime = gateway.runtime
    kept = runtime.clock
    # Casey's claims were served, and her authorizations submitted, in the first months of 2026.
    runtime.clock = FakeClock(datetime(2028, 9, 1, tzinfo=UTC))
    try:
        assert (await summary(gateway, "omar.haddad", CASEY))["summary"] is None
    finally:
        runtime.clock = kept


async def test_every_view_is_audited_with_the_member_and_the_relationship(gateway: Gateway) -> None:
    before = len(await audit_of(gateway, "view_clinical_summary", "omar.haddad"))
    await summary(gateway, "omar.haddad", CASEY)
    await summary(gateway, "omar.haddad", {**CASEY, "memberDateOfBirth": "1959-06-15"})
    shown, missed = (await audit_of(gateway, "view_clinical_summary", "omar.haddad"))[before:]
    assert shown["outcome"] == "ok"
    assert shown["detail"]["member_id"] == "M300000001"
    assert shown["detail"]["relationship"]["tax_id"] == "84-2000002"
    assert shown["detail"]["relationship"]["kind"] in {"CLAIM", "AUTHORIZATION"}
    assert (missed["outcome"], missed["detail"]["member_id"]) == ("not_available", "M300000001")
    assert "relationship" not in missed["detail"]


async def test_partners_see_clinical_data_only_with_clinical_read(gateway: Gateway) -> None:
    for client_id, scopes, shown in (
        ("clinical-none", "claims:read", False),
        ("clinical-reader", "claims:read clinical:read", True),
    ):
        secret = await register_client(gateway, client_id, scopes, bindings=("CO:84-2000002",))
        token = await partner_token(gateway, client_id, secret)
        body = await partner_query(gateway, token, SUMMARY, {"input": CASEY})
        assert (body["data"]["clinicalSummary"]["summary"] is not None) is shown


async def test_a_summary_costs_at_most_one_statement_per_section(gateway: Gateway) -> None:
    # given a first look, so that what is cached (the person, their entities) is cached
    await summary(gateway, "omar.haddad", CASEY)
    before = gateway.statements("CO")
    # when
    await summary(gateway, "omar.haddad", CASEY)
    # then: the member with their relationship, and one for each of the six sections
    assert gateway.statements("CO") - before <= 7
