"""What the performance work must not change, and what it must save: records kept across requests
never show a person more than their grants allow, a remembered token signature never outlives a sign-out,
and a warm page costs its page statement and nothing per item."""

from __future__ import annotations

from tests.conftest import Gateway

PAGE = """query ($first: Int!) { claims(search: {}, first: $first) { edges { node { id claimNumber
  entity { id taxId name } billingProvider { id npi name region { code } } member { memberId } } } } }"""
NODE = """query ($id: ID!) { node(id: $id) { id ... on Provider { npi name } ... on ProviderEntity { taxId name } } }"""
ENTITY = """query ($taxId: String!) { entity(taxId: $taxId) { taxId name } }"""
PICKER = """query { entity(taxId: "84-2000002") { providers(region: CO, first: 5) { edges { node { npi
  entity { taxId } } } } } }"""
WHO = """query { viewer { user { userId } } }"""


def _directory_statements(gateway: Gateway) -> float:
    value = gateway.runtime.metrics.registry.get_sample_value("directory_statements_total")
    return value or 0.0


async def test_a_warm_page_costs_one_statement_per_region_whatever_its_size(gateway: Gateway) -> None:
    # given the page's providers and entity were read once already
    await gateway.query(PAGE, {"first": 100}, as_user="dana.reyes")

    async def cost(first: int) -> tuple[dict[str, float], float]:
        before = {code: gateway.statements(code) for code in ("SCAL", "NCAL")}
        directory = _directory_statements(gateway)
        body = await gateway.query(PAGE, {"first": first}, as_user="dana.reyes")
        assert "errors" not in body
        assert len(body["data"]["claims"]["edges"]) == first
        regions = {code: gateway.statements(code) - before[code] for code in before}
        return regions, _directory_statements(gateway) - directory

    # when
    (small, small_directory), (large, large_directory) = await cost(3), await cost(100)

    # then: the page itself, per region; providers and entities come from the records kept across requests
    assert small == large == {"SCAL": 1, "NCAL": 1}
    # and the directory is asked only who is asking (the person and their associations), not per item
    assert small_directory == large_directory <= 2


async def test_kept_records_show_nobody_more_than_their_grants(gateway: Gateway) -> None:
    # given Dana's page brought Harbor Medical Group's entity and its SCAL providers into the kept records
    page = await gateway.query(PAGE, {"first": 20}, as_user="dana.reyes")
    node = page["data"]["claims"]["edges"][0]["node"]
    provider_id, entity_id = node["billingProvider"]["id"], node["entity"]["id"]
    assert node["entity"]["taxId"] == "95-1000001"

    for person in ("omar.haddad", "tess.nguyen"):
        # when someone without a grant for that Tax ID asks for the same objects
        provider = await gateway.query(NODE, {"id": provider_id}, as_user=person)
        entity = await gateway.query(NODE, {"id": entity_id}, as_user=person)
        by_tax_id = await gateway.query(ENTITY, {"taxId": "95-1000001"}, as_user=person)
        # then they see nothing of it
        assert provider["data"]["node"] is None
        assert entity["data"]["node"] is None
        assert by_tax_id["data"]["entity"] is None

    # and Dana herself still does
    again = await gateway.query(NODE, {"id": provider_id}, as_user="dana.reyes")
    assert again["data"]["node"]["npi"] == node["billingProvider"]["npi"]


async def test_the_picker_prefetches_the_entity_of_its_page_for_its_owner_only(gateway: Gateway) -> None:
    mine = await gateway.query(PICKER, as_user="omar.haddad")
    edges = mine["data"]["entity"]["providers"]["edges"]
    assert edges
    assert {edge["node"]["entity"]["taxId"] for edge in edges} == {"84-2000002"}
    theirs = await gateway.query(PICKER, as_user="dana.reyes")
    assert theirs["data"]["entity"] is None


async def test_signing_out_stops_a_token_whose_signature_was_already_checked(gateway: Gateway) -> None:
    # given a token that has been used (its signature checked and remembered)
    token = await gateway.sign_in("tess.nguyen")
    headers = {"authorization": f"Bearer {token}"}
    used = await gateway.client.post("/graphql", json={"query": WHO}, headers=headers)
    assert used.json()["data"]["viewer"]["user"]["userId"] == "tess.nguyen"

    # when the session signs out
    signed_out = await gateway.client.post("/auth/sign-out", headers=headers)
    assert signed_out.status_code == 204

    # then the same token is refused at once
    refused = await gateway.client.post("/graphql", json={"query": WHO}, headers=headers)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # and a token altered by one character is refused too (remembering signatures is per exact token)
    forged = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    tampered = await gateway.client.post(
        "/graphql", json={"query": WHO}, headers={"authorization": f"Bearer {forged}"}
    )
    assert tampered.status_code == 401
