"""Every limit tripped and not tripped: each refusal is QUERY_TOO_COMPLEX and names its limit."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Gateway

LARGE_PAGE = """query ($after: String) { claims(search: {}, first: 100, after: $after) { totalCount
  pageInfo { hasNextPage endCursor }
  edges { cursor node { id claimNumber status statusCategory billedAmount paidAmount receivedOn
    region { code name } entity { taxId name } billingProvider { npi name specialty }
    member { memberId firstName lastName planType } payment { vendor method reference amount paidOn } } } } }"""
CLAIM_PAGE_WITH_MESSAGES = """{ claims(search: {}, first: 50) { edges { node { claimNumber
  messages(first: 20) { totalCount edges { node { id kind subject attachments { id filename } } } } } } } }"""
IN_BASKET_PAGE = """{ viewer { inBasket(first: 100) { totalCount edges { node { id kind folder subject sentAt readAt
  claim { claimNumber status } attachments { id filename contentType sizeBytes } } } } } }"""


def _refusal(body: dict[str, Any]) -> dict[str, Any]:
    assert "data" not in body or body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX", error
    return error


@pytest.mark.parametrize("document", [LARGE_PAGE, CLAIM_PAGE_WITH_MESSAGES, IN_BASKET_PAGE])
async def test_documented_client_operations_pass_every_limit(gateway: Gateway, document: str) -> None:
    body = await gateway.query(document, as_user="dana.reyes")
    assert "errors" not in body


async def test_depth(gateway: Gateway) -> None:
    nested = "{ viewer { user { associations { entity { providers(region: SCAL) { edges { node { entity { providers(region: SCAL) { edges { node { entity { providers(region: SCAL) { edges { node { npi } } } } } } } } } } } } } } } }"
    error = _refusal(await gateway.query(nested, as_user="dana.reyes"))
    assert error["extensions"]["limit"] == "depth"
    shallow = "{ viewer { user { associations { entity { providers(region: SCAL, first: 1) { edges { node { npi } } } } } } } }"
    assert "errors" not in await gateway.query(shallow, as_user="dana.reyes")


async def test_aliases(gateway: Gateway) -> None:
    many = "{ " + " ".join(f"a{i}: regions {{ code }}" for i in range(31)) + " }"
    error = _refusal(await gateway.query(many))
    assert error["extensions"]["limit"] in {"aliases", "rootFields"}
    few = "{ " + " ".join(f"a{i}: regions {{ code }}" for i in range(5)) + " }"
    assert "errors" not in await gateway.query(few)


async def test_root_fields(gateway: Gateway) -> None:
    many = "{ " + " ".join(f"r{i}: regions {{ code }}" for i in range(21)) + " }"
    error = _refusal(await gateway.query(many))
    assert error["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "limit": "rootFields",
        "value": 21,
        "maximum": 20,
    }


async def test_directives(gateway: Gateway) -> None:
    many = "{ regions { " + " ".join("code @include(if: true)" for _ in range(51)) + " } }"
    error = _refusal(await gateway.query(many))
    assert error["extensions"]["limit"] == "directives"


async def test_tokens(gateway: Gateway) -> None:
    many = "{ regions { " + " ".join("code" for _ in range(5100)) + " } }"
    error = _refusal(await gateway.query(many))
    assert error["extensions"]["limit"] == "tokens"


async def test_cost_multiplies_a_connection_by_its_first(gateway: Gateway) -> None:
    expensive = """{ claims(search: {}, first: 100) { edges { node {
      messages(first: 100) { edges { node { attachments { id } claim { messages(first: 100) { totalCount } } } } } } } } }"""
    error = _refusal(await gateway.query(expensive, as_user="dana.reyes"))
    assert error["extensions"]["limit"] == "cost"
    assert error["extensions"]["value"] > error["extensions"]["maximum"]
    # the same shape with small pages is fine, and variables count as the values they carry
    cheap = """query ($n: Int) { claims(search: {}, first: $n) { edges { node {
      messages(first: $n) { edges { node { attachments { id } claim { messages(first: $n) { totalCount } } } } } } } } }"""
    assert "errors" not in await gateway.query(cheap, {"n": 3}, as_user="dana.reyes")
    error = _refusal(await gateway.query(cheap, {"n": 100}, as_user="dana.reyes"))
    assert error["extensions"]["limit"] == "cost"


async def test_operations_per_batch(gateway: Gateway) -> None:
    refused = await gateway.client.post("/graphql", json=[{"query": "{ regions { code } }"}] * 11)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["limit"] == "operations"
    allowed = await gateway.client.post("/graphql", json=[{"query": "{ regions { code } }"}] * 10)
    assert allowed.status_code == 200
    assert len(allowed.json()) == 10


async def test_document_size(gateway: Gateway) -> None:
    padded = "{ regions { code } }" + " " * (64 * 1024)
    refused = await gateway.client.post("/graphql", json={"query": padded})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["limit"] == "documentBytes"


async def test_fragments_cannot_hide_depth_or_cost(gateway: Gateway) -> None:
    document = """
    fragment P on ProviderEntity { providers(region: SCAL, first: 100) { edges { node { entity { ...Q } } } } }
    fragment Q on ProviderEntity { providers(region: SCAL, first: 100) { edges { node { entity { ...R } } } } }
    fragment R on ProviderEntity { providers(region: SCAL, first: 100) { edges { node { npi } } } }
    { viewer { user { associations { entity { ...P } } } } }
    """
    error = _refusal(await gateway.query(document, as_user="dana.reyes"))
    assert error["extensions"]["limit"] in {"cost", "depth"}
