"""What is worked out once per document (limits' measures, guest look-up counts, validation) still
answers each request by its own variables."""

from __future__ import annotations

from graphql import OperationDefinitionNode, parse
from strawberry.types import ExecutionContext

from gateway.guest.audit import GuestAction
from gateway.limits import QueryLimits, measure
from gateway.schema.guest import count_guest_lookups
from gateway.schema.pipeline import PlannedRunner
from gateway.schema.schema import build_schema

PAGE = """query Page($first: Int, $ids: [ID!]!) {
  claims(search: {}, first: $first) { edges { node { claimNumber } } }
  nodes(ids: $ids) { id }
}"""
GUESSES = """query Guesses($input: GuestClaimStatusInput!, $region: RegionCode!) {
  a: guestClaimStatus(input: $input) { guidance }
  b: guestEligibility(input: {region: $region, memberId: "", memberDateOfBirth: "2000-01-01",
    memberLastName: ""}) { guidance }
}"""


def test_a_measure_follows_the_variables_that_size_lists() -> None:
    schema = build_schema()._schema
    document = parse(PAGE)
    [operation] = document.definitions
    assert isinstance(operation, OperationDefinitionNode)
    limits = QueryLimits()

    small = measure(schema, operation, {}, {"first": 10, "ids": ["a"]}, limits)
    large = measure(schema, operation, {}, {"first": 100, "ids": ["a", "b", "c"]}, limits)
    again = measure(schema, operation, {}, {"first": 10, "ids": ["z"], "unrelated": 1}, limits)

    assert large.cost > small.cost
    assert again is small  # the same sizes: measured once
    assert measure(schema, operation, {}, {"first": None, "ids": []}, limits).cost != small.cost


def test_guest_look_ups_are_counted_by_each_request_s_variables() -> None:
    document = parse(GUESSES)

    first = count_guest_lookups(document, "Guesses", {"input": {"region": "SCAL"}, "region": "HI"})
    second = count_guest_lookups(document, "Guesses", {"input": {"region": "CO"}, "region": "NOWHERE"})

    assert first == {(GuestAction.CLAIM_STATUS, "SCAL"): 1, (GuestAction.ELIGIBILITY, "HI"): 1}
    assert second == {(GuestAction.CLAIM_STATUS, "CO"): 1, (GuestAction.ELIGIBILITY, None): 1}
    assert count_guest_lookups(document, "Other") == {}


async def test_an_invalid_document_is_refused_every_time() -> None:
    schema = build_schema()
    for _ in range(3):
        result = await schema.execute("{ noSuchField }")
        assert result.errors
        assert "noSuchField" in result.errors[0].message


def test_the_schema_runs_its_extensions_from_a_plan() -> None:
    schema = build_schema()
    extensions = schema.get_extensions()
    context = ExecutionContext(query="{ __typename }", schema=schema, allowed_operations=[])
    assert isinstance(schema.create_extensions_runner(context, extensions), PlannedRunner)
