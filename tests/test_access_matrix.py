"""The authorization matrix: every demo person, and a signed-out caller, against every fixed claim on every
read path — exactly who sees what, including ids obtained by someone else and forged ids."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.ids import encode_id
from tests.conftest import DEMO_PEOPLE, Gateway
from tests.demo import ADMINISTRATIVE, FIXED_CLAIMS, VISIBILITY, FixedClaim

CLAIM_FIELDS = """
  id claimNumber status statusCategory diagnosisCodes billedAmount
  region { code }
  member { memberId lastName dateOfBirth }
  entity { taxId }
  billingProvider { npi entity { taxId } }
"""
BY_NUMBER = f"""
query ($n: String!) {{ claims(search: {{claimNumber: $n}}) {{ totalCount edges {{ node {{ {CLAIM_FIELDS} }} }} }} }}
"""
BY_NODE = f"query ($id: ID!) {{ node(id: $id) {{ ... on Claim {{ {CLAIM_FIELDS} }} }} }}"
BY_NODES = f"query ($ids: [ID!]!) {{ nodes(ids: $ids) {{ ... on Claim {{ {CLAIM_FIELDS} }} }} }}"


async def _claim_ids(gateway: Gateway) -> dict[str, str]:
    """The ids of the fixed claims, as the people who may see them obtained them."""
    ids: dict[str, str] = {}
    for person, visible in VISIBILITY.items():
        for number in visible:
            body = await gateway.query(BY_NUMBER, {"n": number}, as_user=person)
            ids[number] = body["data"]["claims"]["edges"][0]["node"]["id"]
    return ids


def _check_claim(node: dict[str, Any], claim: FixedClaim, access: str) -> None:
    assert node["claimNumber"] == claim.claim_number
    assert node["region"]["code"] == claim.region
    assert node["entity"]["taxId"] == claim.tax_id
    assert node["billingProvider"]["entity"]["taxId"] == claim.tax_id
    assert node["member"]["memberId"] == claim.member_id
    if access == ADMINISTRATIVE:
        assert node["diagnosisCodes"] is None
        assert node["member"]["dateOfBirth"] is None
    else:
        assert node["diagnosisCodes"], "a fixed claim has at least one diagnosis code"
        assert node["member"]["dateOfBirth"] == claim.date_of_birth


@pytest.mark.parametrize("person", DEMO_PEOPLE)
async def test_claim_search_by_number_shows_exactly_the_associated_claims(
    gateway: Gateway, person: str
) -> None:
    for claim in FIXED_CLAIMS:
        # when
        body = await gateway.query(BY_NUMBER, {"n": claim.claim_number}, as_user=person)
        # then
        assert "errors" not in body
        edges = body["data"]["claims"]["edges"]
        access = VISIBILITY[person].get(claim.claim_number)
        if access is None:
            assert edges == [], f"{person} must not see {claim.claim_number}"
            assert body["data"]["claims"]["totalCount"] == 0
        else:
            assert len(edges) == 1
            _check_claim(edges[0]["node"], claim, access)


@pytest.mark.parametrize("person", DEMO_PEOPLE)
async def test_node_ids_of_claims_obtained_by_someone_else_are_null(gateway: Gateway, person: str) -> None:
    ids = await _claim_ids(gateway)
    for claim in FIXED_CLAIMS:
        body = await gateway.query(BY_NODE, {"id": ids[claim.claim_number]}, as_user=person)
        assert "errors" not in body
        access = VISIBILITY[person].get(claim.claim_number)
        if access is None:
            assert body["data"]["node"] is None, f"{person} must not reach {claim.claim_number} by id"
        else:
            _check_claim(body["data"]["node"], claim, access)
    # nodes(ids) answers position by position, with the same rule
    body = await gateway.query(BY_NODES, {"ids": [ids[c.claim_number] for c in FIXED_CLAIMS]}, as_user=person)
    visible = [node["claimNumber"] if node else None for node in body["data"]["nodes"]]
    assert visible == [c.claim_number if c.claim_number in VISIBILITY[person] else None for c in FIXED_CLAIMS]


@pytest.mark.parametrize("person", DEMO_PEOPLE)
async def test_an_unfiltered_search_returns_only_claims_of_active_associations(
    gateway: Gateway, person: str
) -> None:
    body = await gateway.query(
        "query { claims(search: {}, first: 100) { edges { node { claimNumber entity { taxId } region { code } } } } }",
        as_user=person,
    )
    seen = {
        (e["node"]["region"]["code"], e["node"]["entity"]["taxId"]) for e in body["data"]["claims"]["edges"]
    }
    allowed = {(c.region, c.tax_id) for c in FIXED_CLAIMS if c.claim_number in VISIBILITY[person]}
    assert seen <= allowed
    assert bool(seen) == bool(allowed)


async def test_forged_and_foreign_ids_are_null_not_errors(gateway: Gateway) -> None:
    forged = [
        "not-base64!!",
        encode_id("Claim", "ZZ", 1),  # a region that does not exist
        encode_id("Claim", None, 1),  # a regional type without its region
        encode_id("User", "SCAL", 1),  # a national type with a region
        encode_id("Nope", "SCAL", 1),
        encode_id("Claim", "SCAL", 999_999_999),
        "",
        "A" * 5000,
    ]
    body = await gateway.query(
        "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": forged}, as_user="dana.reyes"
    )
    assert "errors" not in body
    assert body["data"]["nodes"] == [None] * len(forged)


async def test_a_signed_out_caller_sees_no_viewer_and_is_refused_claims(gateway: Gateway) -> None:
    ids = await _claim_ids(gateway)
    body = await gateway.query("query { viewer { user { userId } } regions { code } }")
    assert body["data"]["viewer"] is None
    assert len(body["data"]["regions"]) == 7

    body = await gateway.query(BY_NUMBER, {"n": "SCAL0000000001"})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    body = await gateway.query(BY_NODES, {"ids": list(ids.values())})
    assert body["data"]["nodes"] == [None] * len(ids)

    body = await gateway.query('query { entity(taxId: "95-1000001") { name } }')
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_bad_token_is_refused_not_treated_as_signed_out(gateway: Gateway) -> None:
    response = await gateway.client.post(
        "/graphql",
        json={"query": "{ viewer { user { userId } } }"},
        headers={"authorization": "Bearer nonsense"},
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


ENTITY = """
query ($t: String!) { entity(taxId: $t) { taxId name kind agreement { status } attestedBy { taxId }
  providers(region: %s, first: 5) { totalCount edges { node { npi } } } } }
"""


@pytest.mark.parametrize(
    ("person", "tax_id", "region", "sees_entity", "sees_providers"),
    [
        ("dana.reyes", "95-1000001", "SCAL", True, True),
        ("dana.reyes", "58-6000006", "GA", True, False),  # PENDING: the entity, never its data
        ("dana.reyes", "84-2000002", "CO", False, False),
        ("omar.haddad", "84-2000002", "CO", True, True),
        ("omar.haddad", "95-1000001", "SCAL", False, False),
        ("tess.nguyen", "58-6000006", "GA", True, True),
        ("tess.nguyen", "77-7000007", "SCAL", True, False),  # her employer, a TPA with no providers
        ("tess.nguyen", "95-1000001", "SCAL", False, False),
        ("rep.scal", "95-1000001", "SCAL", True, False),  # representatives process agreements, see no claims
    ],
)
async def test_entities_and_their_provider_lists_follow_associations(
    gateway: Gateway, person: str, tax_id: str, region: str, sees_entity: bool, sees_providers: bool
) -> None:
    body = await gateway.query(ENTITY % region, {"t": tax_id}, as_user=person)
    assert "errors" not in body
    entity = body["data"]["entity"]
    if not sees_entity:
        assert entity is None
        return
    assert entity["taxId"] == tax_id
    providers = entity["providers"]
    if sees_providers:
        assert providers["totalCount"] > 0
        assert providers["edges"]
    else:
        assert providers == {"totalCount": 0, "edges": []}


async def test_the_tpa_entity_lists_the_groups_that_attested_for_it(gateway: Gateway) -> None:
    body = await gateway.query(ENTITY % "GA", {"t": "77-7000007"}, as_user="tess.nguyen")
    entity = body["data"]["entity"]
    assert entity["kind"] == "THIRD_PARTY_ADMINISTRATOR"
    assert entity["attestedBy"] == [{"taxId": "58-6000006"}]


async def test_an_entity_without_an_agreement_shows_none(gateway: Gateway) -> None:
    body = await gateway.query(
        'query { entity(taxId: "338000008") { name agreement { status } } }', as_user="rep.scal"
    )
    assert body["data"]["entity"] == {"name": "Sunrise Urgent Care", "agreement": None}


USERS_AND_ASSOCIATIONS = """
query { viewer { user { id userId associations { id status access region { code } entity { taxId } } } } }
"""


async def test_people_and_associations_are_private_to_their_owner(gateway: Gateway) -> None:
    dana = (await gateway.query(USERS_AND_ASSOCIATIONS, as_user="dana.reyes"))["data"]["viewer"]["user"]
    by_region = {a["region"]["code"]: a["id"] for a in dana["associations"]}
    ids = [dana["id"], by_region["SCAL"], by_region["NCAL"], by_region["GA"]]
    query = "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    # when / then: other people see none of it; a representative sees the person and the association
    # in their own region (to decide it), never those elsewhere
    expected = {
        "omar.haddad": [False, False, False, False],
        "tess.nguyen": [False, False, False, False],
        "rep.ga": [True, False, False, True],
        "rep.scal": [True, True, False, False],
        "dana.reyes": [True, True, True, True],
    }
    for person, visible in expected.items():
        body = await gateway.query(query, {"ids": ids}, as_user=person)
        assert [node is not None for node in body["data"]["nodes"]] == visible, person


async def test_a_representative_sees_only_pending_requests_of_their_region(gateway: Gateway) -> None:
    query = """query { pendingAssociations(first: 50) { totalCount edges { node { id status region { code }
      user { userId } entity { taxId } } } } }"""
    ga = (await gateway.query(query, as_user="rep.ga"))["data"]["pendingAssociations"]
    pending = [(e["node"]["user"]["userId"], e["node"]["entity"]["taxId"]) for e in ga["edges"]]
    assert ("dana.reyes", "58-6000006") in pending
    assert {e["node"]["region"]["code"] for e in ga["edges"]} == {"GA"}
    assert {e["node"]["status"] for e in ga["edges"]} == {"PENDING"}
    assert ga["totalCount"] == len(ga["edges"])

    scal = (await gateway.query(query, as_user="rep.scal"))["data"]["pendingAssociations"]
    assert all(e["node"]["region"]["code"] == "SCAL" for e in scal["edges"])
    assert ("dana.reyes", "58-6000006") not in [
        (e["node"]["user"]["userId"], e["node"]["entity"]["taxId"]) for e in scal["edges"]
    ]
    # the GA request's id is out of rep.scal's reach on every path
    ga_ids = [e["node"]["id"] for e in ga["edges"]]
    body = await gateway.query(
        "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ga_ids}, as_user="rep.scal"
    )
    assert body["data"]["nodes"] == [None] * len(ga_ids)


@pytest.mark.parametrize("person", ["dana.reyes", "omar.haddad", "tess.nguyen"])
async def test_people_who_are_not_representatives_are_refused_the_queue(
    gateway: Gateway, person: str
) -> None:
    body = await gateway.query("query { pendingAssociations { totalCount } }", as_user=person)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
