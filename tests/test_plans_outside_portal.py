"""Plans a region serves outside the portal (Northern California: Self-Funded, PPO, POS and OOA): their
claims are neither listed nor counted nor found by number or id, by people and partners alike; the region
says so in its own words, and no other region borrows its phone number."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from gateway.ids import encode_id
from regions.base.registry import ADAPTERS
from regions.base.tables import claims, members
from tests.conftest import Gateway
from tests.partner_steps import partner_query, partner_token, register_client

REGIONS = """query { regions { code plansOutsidePortal onlineAuthorizationRequests } }"""
COUNT = """query ($regions: [RegionCode!]) { claims(search: {regions: $regions}) { totalCount } }"""
BY_NUMBER = """query ($number: String!) { claims(search: {claimNumber: $number}) {
  totalCount edges { node { claimNumber } } } }"""
NODE = """query ($id: ID!) { node(id: $id) { id ... on Claim { claimNumber } } }"""
SERVED_ELSEWHERE = ("SELF_FUNDED", "PPO", "POS", "OUT_OF_AREA")


async def test_each_region_says_which_plans_it_serves_outside_the_portal(gateway: Gateway) -> None:
    regions = {r["code"]: r for r in (await gateway.query(REGIONS))["data"]["regions"]}
    assert regions["NCAL"]["plansOutsidePortal"] == list(SERVED_ELSEWHERE)
    assert all(r["plansOutsidePortal"] == [] for code, r in regions.items() if code != "NCAL")
    # Colorado's Affiliate Link takes referrals and authorizations online; no other region says so
    assert {code for code, r in regions.items() if r["onlineAuthorizationRequests"]} == {"CO"}


def test_no_region_but_northern_california_names_its_phone_number() -> None:
    for code, adapter in ADAPTERS.items():
        guidance = adapter.rules.guidance
        texts = [guidance.claim_not_found, guidance.eligibility_not_found, guidance.member_not_found]
        texts += [guidance.self_funded, *(plan.text for plan in guidance.outside_portal)]
        assert ("392-8649" in " ".join(texts)) == (code == "NCAL"), code


async def _ncal_claims(gateway: Gateway, tax_id: str) -> tuple[int, list[tuple[int, str]]]:
    """How many of a Tax ID's NCAL claims the portal serves, and (pk, number) of some it does not."""
    engine = gateway.runtime.regions["NCAL"].store.engine
    joined = claims.join(members, members.c.id == claims.c.member_id)
    served = (
        select(func.count())
        .select_from(joined)
        .where(claims.c.tax_id == tax_id, members.c.plan_type.not_in(SERVED_ELSEWHERE))
    )
    elsewhere = (
        select(claims.c.id, claims.c.claim_number)
        .select_from(joined)
        .where(claims.c.tax_id == tax_id, members.c.plan_type.in_(SERVED_ELSEWHERE))
        .limit(3)
    )
    async with engine.connect() as connection:
        count = (await connection.execute(served)).scalar_one()
        hidden = [(row[0], row[1]) for row in (await connection.execute(elsewhere)).all()]
    return count, hidden


async def _some_hidden_claim(gateway: Gateway) -> tuple[str, int, str]:
    """(Tax ID, pk, number) of an NCAL claim of a plan served outside the portal."""
    engine = gateway.runtime.regions["NCAL"].store.engine
    statement = (
        select(claims.c.tax_id, claims.c.id, claims.c.claim_number)
        .join(members, members.c.id == claims.c.member_id)
        .where(members.c.plan_type.in_(SERVED_ELSEWHERE))
        .order_by(claims.c.id)
        .limit(1)
    )
    async with engine.connect() as connection:
        tax_id, pk, number = (await connection.execute(statement)).one()
    return tax_id, pk, number


async def test_dana_neither_sees_nor_counts_ncal_claims_of_plans_served_elsewhere(gateway: Gateway) -> None:
    served, _ = await _ncal_claims(gateway, "95-1000001")
    body = await gateway.query(COUNT, {"regions": ["NCAL"]}, as_user="dana.reyes")
    assert body["data"]["claims"]["totalCount"] == served


async def test_claims_of_plans_served_elsewhere_are_found_by_no_path(writable_gateway: Gateway) -> None:
    # given a partner bound to the Tax ID of an NCAL claim of a PPO, POS, OOA or Self-Funded member
    gateway = writable_gateway
    tax_id, pk, number = await _some_hidden_claim(gateway)
    served, _ = await _ncal_claims(gateway, tax_id)
    person = await _partner_bound_to(gateway, tax_id, "NCAL")
    # then a search neither lists nor counts it, a search by its number finds nothing, its id is null
    everything = await _query(gateway, person, COUNT, {"regions": ["NCAL"]})
    assert everything["claims"]["totalCount"] == served
    assert (await _query(gateway, person, BY_NUMBER, {"number": number}))["claims"] == {
        "totalCount": 0,
        "edges": [],
    }
    assert (await _query(gateway, person, NODE, {"id": encode_id("Claim", "NCAL", pk)}))["node"] is None


async def _partner_bound_to(gateway: Gateway, tax_id: str, region: str) -> str:
    """A token of a partner bound to the Tax ID in the region (the generated Tax ID has no person)."""
    client_id = f"outside-{tax_id.replace('-', '')}"
    secret = await register_client(gateway, client_id, "claims:read messages:read", (f"{region}:{tax_id}",))
    return await partner_token(gateway, client_id, secret)


async def _query(gateway: Gateway, token: str, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = await partner_query(gateway, token, document, variables)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data
