"""Claims read back field for field, paged across regions by keyset, at a cost that does not grow with the page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gateway.loaders import shared_records
from tests.conftest import Gateway
from tests.demo import ADMINISTRATIVE, FIXED_CLAIMS, VISIBILITY, FixedClaim

FULL_CLAIM = """
query ($n: String!) { claims(search: {claimNumber: $n}) { edges { node {
  id claimNumber status statusCategory statusDetail serviceFrom serviceTo receivedOn
  billedAmount allowedAmount paidAmount patientResponsibility diagnosisCodes availableActions
  region { code name } entity { taxId name }
  billingProvider { id npi name region { code } entity { taxId } }
  member { memberId firstName lastName dateOfBirth planType }
  payment { vendor method reference amount paidOn }
} } } }
"""
PAGE = """
query ($first: Int, $after: String, $search: ClaimSearch!) {
  claims(search: $search, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { claimNumber receivedOn region { code } billedAmount
      billingProvider { npi } entity { taxId } member { memberId } payment { amount } } }
  }
}
"""


def _viewer_of(claim: FixedClaim) -> str:
    return next(person for person, visible in VISIBILITY.items() if claim.claim_number in visible)


def _luhn_npi_ok(npi: str) -> bool:
    digits = [int(d) for d in "80840" + npi]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 1:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0


@pytest.mark.parametrize("claim", FIXED_CLAIMS, ids=lambda c: c.claim_number)
async def test_fixed_claims_come_back_field_for_field(gateway: Gateway, claim: FixedClaim) -> None:
    body = await gateway.query(FULL_CLAIM, {"n": claim.claim_number}, as_user=_viewer_of(claim))
    assert "errors" not in body
    [edge] = body["data"]["claims"]["edges"]
    node = edge["node"]
    assert node["claimNumber"] == claim.claim_number
    assert node["region"]["code"] == claim.region
    assert node["entity"]["taxId"] == claim.tax_id
    assert node["member"]["memberId"] == claim.member_id
    assert node["member"]["firstName"] == claim.first_name
    assert node["member"]["lastName"] == claim.last_name
    assert node["member"]["planType"] == claim.plan_type
    assert node["billedAmount"] == claim.billed  # money is an exact decimal string
    assert node["status"] == claim.status
    assert node["statusCategory"] == claim.category
    assert node["payment"] == claim.payment
    if claim.payment is not None:
        assert node["paidAmount"] == claim.payment["amount"]
    if VISIBILITY[_viewer_of(claim)][claim.claim_number] == ADMINISTRATIVE:
        assert node["diagnosisCodes"] is None
        assert node["member"]["dateOfBirth"] is None
    else:
        assert node["diagnosisCodes"]
        assert node["member"]["dateOfBirth"] == claim.date_of_birth
    assert node["billingProvider"]["region"]["code"] == claim.region
    assert node["billingProvider"]["entity"]["taxId"] == claim.tax_id
    assert len(node["billingProvider"]["npi"]) == 10
    assert _luhn_npi_ok(node["billingProvider"]["npi"])
    assert date.fromisoformat(node["serviceFrom"]) <= date.fromisoformat(node["serviceTo"])
    for amount in ("allowedAmount", "paidAmount", "patientResponsibility"):
        if node[amount] is not None:
            assert Decimal(node[amount]) <= Decimal(claim.billed)
    finalized = claim.status in {"PAID", "PARTIALLY_PAID", "DENIED", "ADJUSTED"}
    assert ("FILE_DISPUTE" in node["availableActions"]) is finalized
    assert "SUBMIT_SUPPORTING_DOCUMENTATION" in node["availableActions"]


async def test_claim_numbers_are_matched_whatever_their_case_and_spaces(gateway: Gateway) -> None:
    body = await gateway.query(FULL_CLAIM, {"n": "  scal0000000001 "}, as_user="dana.reyes")
    assert [e["node"]["claimNumber"] for e in body["data"]["claims"]["edges"]] == ["SCAL0000000001"]


async def test_a_page_walks_every_claim_once_newest_first_across_regions(gateway: Gateway) -> None:
    # given dana, approved in SCAL and NCAL
    seen: list[tuple[str, str]] = []
    after = None
    total = None
    regions = set()
    while True:
        body = await gateway.query(PAGE, {"first": 37, "after": after, "search": {}}, as_user="dana.reyes")
        assert "errors" not in body
        claims = body["data"]["claims"]
        total = claims["totalCount"] if total is None else total
        assert claims["totalCount"] == total
        seen.extend((e["node"]["receivedOn"], e["node"]["claimNumber"]) for e in claims["edges"])
        regions.update(e["node"]["region"]["code"] for e in claims["edges"])
        assert all(e["node"]["entity"]["taxId"] == "95-1000001" for e in claims["edges"])
        if not claims["pageInfo"]["hasNextPage"]:
            break
        after = claims["pageInfo"]["endCursor"]
        assert after == claims["edges"][-1]["cursor"]
    assert regions == {"SCAL", "NCAL"}
    assert len(seen) == len(set(seen)) == total
    assert seen == sorted(seen, reverse=True)
    # each fixed entity has at least 150 claims in each of its regions (docs/demo-data.md)
    assert total >= 300


async def test_filters_narrow_the_search(gateway: Gateway) -> None:
    body = await gateway.query(
        PAGE,
        {"first": 100, "search": {"regions": ["NCAL"], "status": ["DENIED"], "receivedFrom": "2025-01-01"}},
        as_user="dana.reyes",
    )
    edges = body["data"]["claims"]["edges"]
    assert edges
    assert {e["node"]["region"]["code"] for e in edges} == {"NCAL"}
    assert all(e["node"]["receivedOn"] >= "2025-01-01" for e in edges)
    numbers = {e["node"]["claimNumber"] for e in edges}
    body = await gateway.query(
        "query { claims(search: {regions: [NCAL], status: [DENIED]}, first: 100) { edges { node { status } } } }",
        as_user="dana.reyes",
    )
    assert {e["node"]["status"] for e in body["data"]["claims"]["edges"]} == {"DENIED"}
    assert "NCAL0000000001" in numbers or len(numbers) == 100
    # a Tax ID she is not associated with gives nothing, rather than an error
    body = await gateway.query(PAGE, {"first": 5, "search": {"taxId": "84-2000002"}}, as_user="dana.reyes")
    assert body["data"]["claims"]["edges"] == []


@pytest.mark.parametrize(
    ("variables", "argument"),
    [({"first": 101}, "first"), ({"first": -1}, "first"), ({"after": "garbage"}, "after")],
)
async def test_out_of_range_paging_arguments_are_clear_errors(
    gateway: Gateway, variables: dict[str, object], argument: str
) -> None:
    body = await gateway.query(PAGE, {"search": {}, **variables}, as_user="dana.reyes")
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == argument


async def test_a_malformed_claim_number_never_reaches_a_store(gateway: Gateway) -> None:
    before = {code: gateway.statements(code) for code in ("SCAL", "NCAL")}
    body = await gateway.query(FULL_CLAIM, {"n": "SCAL12"}, as_user="dana.reyes")
    assert body["data"]["claims"]["edges"] == []
    assert {code: gateway.statements(code) for code in ("SCAL", "NCAL")} == before


async def test_the_statements_a_claims_page_costs_do_not_grow_with_its_size(gateway: Gateway) -> None:
    """The N+1 meter: a page with providers, entities, members and payments is one batch per region per loader."""

    async def cost(first: int) -> dict[str, float]:
        # From cold: providers kept across requests (gateway/loaders.py, SharedRecords) would hide the batch.
        shared_records(gateway.runtime.directory).clear()
        before = {code: gateway.statements(code) for code in ("SCAL", "NCAL")}
        body = await gateway.query(PAGE, {"first": first, "search": {}}, as_user="dana.reyes")
        assert len(body["data"]["claims"]["edges"]) == first
        return {code: gateway.statements(code) - before[code] for code in before}

    small, large = await cost(5), await cost(100)
    # one statement for the page (with its count) and one for the page's billing providers, per region
    assert large == {"SCAL": 2, "NCAL": 2}
    assert all(statements <= large[code] for code, statements in small.items())


# Every value a claim in a list can show, one selection each.
LIST_LEAVES = (
    "__typename",
    "id",
    "claimNumber",
    "status",
    "statusCategory",
    "statusDetail",
    "serviceFrom",
    "serviceTo",
    "receivedOn",
    "billedAmount",
    "allowedAmount",
    "paidAmount",
    "patientResponsibility",
    "diagnosisCodes",
    "region { code }",
    "entity { taxId }",
    "billingProvider { npi }",
    *(f"member {{ {name} }}" for name in ("memberId firstName", "lastName", "dateOfBirth", "planType")),
    *(f"payment {{ {name} }}" for name in ("vendor", "method", "reference", "amount", "paidOn __typename")),
)


def _list(selection: str) -> str:
    return f"{{ claims(search: {{}}, first: 40) {{ edges {{ node {{ {selection} }} }} }} }}"


def _shaped(value: object, like: object) -> object:
    """`value` cut down to the keys of `like`, at every level."""
    if isinstance(like, dict) and isinstance(value, dict):
        return {key: _shaped(value[key], shape) for key, shape in like.items()}
    return value


@pytest.mark.parametrize("person", ["dana.reyes", "tess.nguyen"])
async def test_a_list_showing_a_few_fields_shows_what_whole_claims_show(
    gateway: Gateway, person: str
) -> None:
    """A claims list reads only the columns its selection shows: each field alone has the value it has in
    a list of whole claims (availableActions reads the whole record), for clinical and administrative
    access, with and without a payment."""
    whole = await gateway.query(_list(f"availableActions {' '.join(LIST_LEAVES)}"), as_user=person)
    assert "errors" not in whole
    whole_nodes = [edge["node"] for edge in whole["data"]["claims"]["edges"]]
    assert {node["payment"] is None for node in whole_nodes} == {True, False}
    for leaf in LIST_LEAVES:
        alone = await gateway.query(_list(leaf), as_user=person)
        assert "errors" not in alone, (leaf, alone)
        nodes = [edge["node"] for edge in alone["data"]["claims"]["edges"]]
        assert nodes == [_shaped(w, a) for w, a in zip(whole_nodes, nodes, strict=True)], leaf


@pytest.mark.parametrize("field", ["billedAmount", "statusDetail", "serviceFrom"])
async def test_a_field_a_list_forgot_to_read_is_an_error_not_a_value(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch, field: str
) -> None:
    """Were a claim field's columns missing from what lists read (`_CLAIM_READS`), the answer would say so
    at the field's path rather than show a value that was never read."""
    from gateway.schema import claims

    monkeypatch.setitem(claims._CLAIM_READS, field, ())
    monkeypatch.setattr(claims, "_claim_fields", claims._claim_fields.__wrapped__)
    body = await gateway.query(_list(f"claimNumber {field}"), as_user="dana.reyes")
    assert body["errors"]
    assert {tuple(error["path"][-1:]) for error in body["errors"]} == {(field,)}
    assert "unread" not in str(body).lower()
